// convnext_block.cpp — the ConvNeXt block: depthwise 7x7, channel LayerNorm, inverted MLP, layer scale, skip.
#include "convnext_block.h"

#include "residual.h"

namespace cs {

ConvNeXtBlock::ConvNeXtBlock(const ConvNeXtBlockOptions& o, Rng& rng) : o_(o) {
  if (o.dim < 1 || o.expansion < 1 || o.kernel_size < 1 || o.kernel_size % 2 == 0) {
    status_ = Status::error(fmt("CNBlock: dim %d and expansion %d must be >= 1 and kernel_size %d odd", o.dim,
                                o.expansion, o.kernel_size));
    return;
  }
  Conv2dOptions dw;
  dw.in_channels = o.dim;
  dw.out_channels = o.dim;
  dw.kernel_size = {o.kernel_size, o.kernel_size};
  dw.padding = {o.kernel_size / 2, o.kernel_size / 2};
  dw.groups = o.dim;
  block_.add(LayerPtr(new Conv2d(dw, rng)), "0", "dwconv");
  block_.add(LayerPtr(new LayerNorm2d(o.dim, o.norm_eps)), "2", "norm");
  block_.add(LayerPtr(new PointwiseLinear(o.dim, o.expansion * o.dim, rng)), "3", "pwconv1");
  block_.add(make_activation(Activation::GELU), "4", "act");
  block_.add(LayerPtr(new PointwiseLinear(o.expansion * o.dim, o.dim, rng)), "5", "pwconv2");
  if (o.layer_scale_init > 0.0f) layer_scale = Tensor({o.dim, 1, 1}, o.layer_scale_init);
}

std::string ConvNeXtBlock::describe() const { return "CNBlock(\n  (block): " + indent_lines(block_.describe()) + "\n)"; }

Status ConvNeXtBlock::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  if (in.rank() == 4 && in.dim(1) != o_.dim)
    return Status::error(fmt("CNBlock: input %s has %d channels, expected dim=%d", in.shape_string().c_str(),
                             in.dim(1), o_.dim));
  Status s = block_.forward(in, branch_);
  if (!s) return Status::error("CNBlock " + s.message());
  if (branch_.shape() != in.shape())
    return Status::error(fmt("CNBlock: branch output %s does not match input %s", branch_.shape_string().c_str(),
                             in.shape_string().c_str()));
  const size_t C = static_cast<size_t>(o_.dim), HW = static_cast<size_t>(in.dim(2)) * in.dim(3);
  scaled_.resize(in.shape());
  out.resize(in.shape());
  for (size_t nc = 0; nc < static_cast<size_t>(in.dim(0)) * C; ++nc) {
    const float g = layer_scale.empty() ? 1.0f : layer_scale[nc % C];
    for (size_t i = 0; i < HW; ++i) {
      scaled_[nc * HW + i] = branch_[nc * HW + i] * g;
      out[nc * HW + i] = in[nc * HW + i] + scaled_[nc * HW + i];
    }
  }
  return Status::ok();
}

Status ConvNeXtBlock::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (branch_.rank() == 0) return Status::error("CNBlock: backward called before forward");
  if (grad_out.shape() != branch_.shape())
    return Status::error(fmt("CNBlock backward: grad_output %s does not match the output %s",
                             grad_out.shape_string().c_str(), branch_.shape_string().c_str()));
  const size_t C = static_cast<size_t>(o_.dim), HW = static_cast<size_t>(branch_.dim(2)) * branch_.dim(3);
  g_branch_.resize(grad_out.shape());
  if (!layer_scale.empty()) {
    layer_scale_grad.resize(layer_scale.shape());
    layer_scale_grad.fill(0.0f);
  }
  for (size_t nc = 0; nc < static_cast<size_t>(branch_.dim(0)) * C; ++nc) {
    const float g = layer_scale.empty() ? 1.0f : layer_scale[nc % C];
    double s = 0.0;
    for (size_t i = 0; i < HW; ++i) {
      g_branch_[nc * HW + i] = grad_out[nc * HW + i] * g;
      s += static_cast<double>(grad_out[nc * HW + i]) * branch_[nc * HW + i];
    }
    if (!layer_scale.empty()) layer_scale_grad[nc % C] += static_cast<float>(s);
  }
  Status s = block_.backward(g_branch_, g_block_in_);
  if (!s) return Status::error("CNBlock " + s.message());
  add_into(grad_in, g_block_in_, grad_out);
  return Status::ok();
}

void ConvNeXtBlock::set_training(bool training) {
  training_ = training;
  block_.set_training(training);
}

void ConvNeXtBlock::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  // torchvision registers layer_scale on CNBlock itself before the block's submodules are visited.
  if (!layer_scale.empty()) {
    layer_scale_grad.resize(layer_scale.shape());
    out.push_back({prefix + "layer_scale", &layer_scale, &layer_scale_grad, true, false});
  }
  block_.named_tensors(prefix + "block.", out);
}

void ConvNeXtBlock::trace_internals(const std::string& prefix, Trace& trace) const {
  block_.trace_internals(prefix, trace);
  trace.record(prefix + "layer_scale", scaled_);
}

}  // namespace cs
