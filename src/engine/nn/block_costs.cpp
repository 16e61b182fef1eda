// block_costs.cpp — builds each compared block from the engine's layers, runs it once on a zero
// input (Layer::macs() reads the shape of the last forward) and counts its trainable tensors.
#include "block_costs.h"

#include <memory>

#include "convnext_block.h"
#include "init.h"
#include "layers.h"
#include "mbconv.h"
#include "pool_layers.h"
#include "sequential.h"

namespace cs {

namespace {

int64_t trainable_params(Layer& layer) {
  std::vector<NamedTensor> tensors;
  layer.named_tensors("", tensors);
  int64_t n = 0;
  for (const NamedTensor& t : tensors)
    if (t.trainable && t.value) n += static_cast<int64_t>(t.value->numel());
  return n;
}

// The leaf layers' types in forward order ("Conv2d, BatchNorm2d, ..."), the way the row is built.
void leaf_types(Layer& layer, std::string& out) {
  std::vector<LayerChild> kids;
  layer.children(kids);
  if (kids.empty()) {
    if (!out.empty()) out += ", ";
    out += layer.type();
    return;
  }
  for (LayerChild& k : kids) leaf_types(*k.layer, out);
}

Result<BlockCostRow> measure(const char* id, Layer& layer, const Shape& input) {
  layer.set_training(false);
  Tensor in(input, 0.0f), out;
  Status s = layer.forward(in, out);
  if (!s) return Status::error(std::string(id) + ": " + s.message());
  BlockCostRow row;
  row.id = id;
  leaf_types(layer, row.layers);
  row.output = out.shape();
  row.params = trainable_params(layer);
  row.macs = layer.macs();
  return row;
}

Conv2dOptions conv(int in, int out, int k, int groups) {
  Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = {k, k};
  o.padding = {(k - 1) / 2, (k - 1) / 2};
  o.groups = groups;
  o.bias = false;
  return o;
}

void fill_ratios(std::vector<BlockCostRow>& rows) {
  if (rows.empty()) return;
  const double p0 = static_cast<double>(rows[0].params), m0 = static_cast<double>(rows[0].macs);
  for (BlockCostRow& r : rows) {
    r.params_ratio = p0 > 0 ? static_cast<double>(r.params) / p0 : 0;
    r.macs_ratio = m0 > 0 ? static_cast<double>(r.macs) / m0 : 0;
  }
}

Status check_range(const char* what, int v, int lo, int hi) {
  if (v < lo || v > hi) return Status::error(fmt("%s must be between %d and %d, got %d", what, lo, hi, v));
  return Status::ok();
}

}  // namespace

Result<BlockCostComparison> compare_block_costs(const BlockCostQuery& q) {
  CS_RETURN_IF_ERROR(check_range("channels", q.channels, 1, kBlockCostMaxChannels));
  CS_RETURN_IF_ERROR(check_range("height", q.height, 1, kBlockCostMaxSide));
  CS_RETURN_IF_ERROR(check_range("width", q.width, 1, kBlockCostMaxSide));
  CS_RETURN_IF_ERROR(check_range("kernel", q.kernel, 1, kBlockCostMaxKernel));
  CS_RETURN_IF_ERROR(check_range("classes", q.classes, 1, kBlockCostMaxClasses));
  if (q.kernel % 2 == 0)
    return Status::error(fmt("kernel must be odd so padding (K-1)/2 keeps the map's size, got %d", q.kernel));

  const int C = q.channels, K = q.kernel;
  const int64_t standard_macs = static_cast<int64_t>(C) * C * K * K * q.height * q.width;
  if (standard_macs > kBlockCostMaxMacs)
    return Status::error(fmt("the standard conv would take C*C*K*K*H*W = %lld multiply-accumulates, more than the "
                             "%lld this comparison runs: make the channels, the map or the kernel smaller",
                             static_cast<long long>(standard_macs), static_cast<long long>(kBlockCostMaxMacs)));
  const Shape input{1, C, q.height, q.width};
  Rng rng(0);
  BlockCostComparison r;
  r.query = q;

  Conv2d standard(conv(C, C, K, 1), rng);
  Result<BlockCostRow> row = measure("standard", standard, input);
  if (!row) return row.status();
  r.blocks.push_back(row.value());

  Sequential separable;
  separable.add(LayerPtr(new Conv2d(conv(C, C, K, C), rng)), "depthwise");
  separable.add(LayerPtr(new Conv2d(conv(C, C, 1, 1), rng)), "pointwise");
  row = measure("separable", separable, input);
  if (!row) return row.status();
  r.blocks.push_back(row.value());

  MBConvOptions mo;
  mo.in_channels = C;
  mo.out_channels = C;
  mo.expand_ratio = 4;
  mo.kernel_size = K;
  mo.se_ratio = 0.25f;
  MBConv mbconv(mo, rng);
  row = measure("mbconv", mbconv, input);
  if (!row) return row.status();
  r.blocks.push_back(row.value());

  ConvNeXtBlockOptions co;
  co.dim = C;
  co.kernel_size = K;
  co.expansion = 4;
  ConvNeXtBlock convnext(co, rng);
  row = measure("convnext", convnext, input);
  if (!row) return row.status();
  r.blocks.push_back(row.value());
  fill_ratios(r.blocks);

  Sequential flatten_head;
  flatten_head.add(LayerPtr(new Flatten()));
  flatten_head.add(LayerPtr(new Linear(C * q.height * q.width, q.classes, rng)));
  row = measure("flatten_head", flatten_head, input);
  if (!row) return row.status();
  r.heads.push_back(row.value());

  Sequential gap_head;
  gap_head.add(LayerPtr(new AdaptiveAvgPool2d({1, 1})));
  gap_head.add(LayerPtr(new Flatten()));
  gap_head.add(LayerPtr(new Linear(C, q.classes, rng)));
  row = measure("gap_head", gap_head, input);
  if (!row) return row.status();
  r.heads.push_back(row.value());
  fill_ratios(r.heads);

  r.separable_exact = 1.0 / C + 1.0 / (K * K);
  r.separable_rounded = 1.0 / (K * K);
  return r;
}

}  // namespace cs
