// block_catalog.cpp — builds, describes and writes as PyTorch the blocks of block_catalog.h.
#include "block_catalog.h"

#include <algorithm>

#include "convnext_block.h"
#include "mbconv.h"
#include "pool_layers.h"
#include "residual.h"
#include "sequential.h"
#include "squeeze_excite.h"
#include "walk.h"

namespace cs {

namespace {

constexpr int kMaxChannels = 512;
constexpr int kMaxSize = 224;
constexpr int kMaxKernel = 11;
constexpr int kMaxStride = 4;
constexpr int kMaxExpand = 8;
constexpr int kClasses = 10;
// Largest activation (values of one (1, C, H, W) tensor) a block may produce, so a config never asks
// a phone for gigabytes.
constexpr int64_t kMaxActivation = int64_t(1) << 22;

int se_squeeze(int channels) { return std::max(1, channels / 4); }

bool residual_needs_projection(const BlockConfig& c) {
  return c.projection || c.in_channels != c.out_channels || c.stride != 1;
}

Conv2dOptions conv_options(int in, int out, int kernel, int stride, int groups = 1) {
  Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.kernel_size = {kernel, kernel};
  o.stride = {stride, stride};
  o.padding = {(kernel - 1) / 2, (kernel - 1) / 2};
  o.groups = groups;
  return o;
}

// The widest tensor the block holds (channels of its widest stage at the input size).
int64_t widest_activation(const BlockConfig& c) {
  int widest = std::max(c.in_channels, c.out_channels);
  if (c.block == "mbconv") widest = std::max(widest, c.in_channels * c.expand_ratio);
  if (c.block == "convnext") widest = 4 * c.in_channels;
  return int64_t(widest) * c.height * c.width;
}

}  // namespace

const std::vector<std::string>& block_names() {
  static const std::vector<std::string> names = {"conv_bn_relu", "residual", "se", "mbconv",
                                                 "convnext", "gap_head", "flatten_head"};
  return names;
}

Status validate_block(const BlockConfig& c) {
  const auto& names = block_names();
  if (std::find(names.begin(), names.end(), c.block) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return Status::error(fmt("unknown block '%s'; the blocks are %s", c.block.c_str(), list.c_str()));
  }
  if (c.in_channels < 1 || c.in_channels > kMaxChannels)
    return Status::error(fmt("in_channels must be 1..%d, got %d", kMaxChannels, c.in_channels));
  if (c.out_channels < 1 || c.out_channels > kMaxChannels)
    return Status::error(fmt("out_channels must be 1..%d, got %d", kMaxChannels, c.out_channels));
  if (c.height < 1 || c.height > kMaxSize) return Status::error(fmt("height must be 1..%d, got %d", kMaxSize, c.height));
  if (c.width < 1 || c.width > kMaxSize) return Status::error(fmt("width must be 1..%d, got %d", kMaxSize, c.width));
  if (c.kernel < 1 || c.kernel > kMaxKernel || c.kernel % 2 == 0)
    return Status::error(fmt("kernel must be odd and 1..%d (so padding (k-1)/2 keeps the centre), got %d", kMaxKernel,
                             c.kernel));
  if (c.stride < 1 || c.stride > kMaxStride) return Status::error(fmt("stride must be 1..%d, got %d", kMaxStride, c.stride));
  if (c.expand_ratio < 1 || c.expand_ratio > kMaxExpand)
    return Status::error(fmt("expand_ratio must be 1..%d, got %d", kMaxExpand, c.expand_ratio));
  if (c.block == "se" && c.out_channels != c.in_channels)
    return Status::error(fmt("a Squeeze-Excite block keeps its channels: out_channels %d must equal in_channels %d",
                             c.out_channels, c.in_channels));
  if (c.block == "convnext" && c.out_channels != c.in_channels)
    return Status::error(fmt("a ConvNeXt block adds its input back: out_channels %d must equal in_channels %d",
                             c.out_channels, c.in_channels));
  if (c.block == "convnext" && c.stride != 1)
    return Status::error(fmt("a ConvNeXt block keeps the size (it adds its input back): stride must be 1, got %d",
                             c.stride));
  if (c.block == "mbconv" && c.stride > 2)
    return Status::error(fmt("an MBConv block's depthwise conv has stride 1 or 2 (as in EfficientNet), got %d", c.stride));
  if (widest_activation(c) > kMaxActivation)
    return Status::error(fmt("this block would hold a tensor of %lld values (at most %lld): use fewer channels or a "
                             "smaller input",
                             static_cast<long long>(widest_activation(c)), static_cast<long long>(kMaxActivation)));
  if (c.block == "flatten_head" && int64_t(c.in_channels) * c.height * c.width * kClasses > kMaxActivation)
    return Status::error(fmt("a flatten head on %dx%dx%d would need %lld weights (at most %lld): use a smaller input",
                             c.in_channels, c.height, c.width,
                             static_cast<long long>(int64_t(c.in_channels) * c.height * c.width * kClasses),
                             static_cast<long long>(kMaxActivation)));
  return Status::ok();
}

Result<LayerPtr> build_block(const BlockConfig& c, Rng& rng) {
  CS_RETURN_IF_ERROR(validate_block(c));
  const int k = c.kernel;
  if (c.block == "conv_bn_relu") return LayerPtr(conv_bn_act(conv_options(c.in_channels, c.out_channels, k, c.stride),
                                                             Activation::ReLU, rng).release());
  if (c.block == "residual") {
    std::unique_ptr<Sequential> body(new Sequential());
    body->add(conv_bn_act(conv_options(c.in_channels, c.out_channels, k, c.stride), Activation::ReLU, rng), "0");
    body->add(conv_bn_act(conv_options(c.out_channels, c.out_channels, k, 1), Activation::None, rng), "1");
    LayerPtr shortcut;
    if (residual_needs_projection(c))
      shortcut = conv_bn_act(conv_options(c.in_channels, c.out_channels, 1, c.stride), Activation::None, rng);
    return LayerPtr(new Residual(std::move(body), std::move(shortcut), Activation::ReLU));
  }
  if (c.block == "se") return LayerPtr(new SqueezeExcite(c.in_channels, se_squeeze(c.in_channels), rng));
  if (c.block == "mbconv") {
    MBConvOptions o;
    o.in_channels = c.in_channels;
    o.out_channels = c.out_channels;
    o.expand_ratio = c.expand_ratio;
    o.kernel_size = k;
    o.stride = c.stride;
    o.se_ratio = c.se ? 0.25f : 0.0f;
    return LayerPtr(new MBConv(o, rng));
  }
  if (c.block == "convnext") {
    ConvNeXtBlockOptions o;
    o.dim = c.in_channels;
    o.kernel_size = k;
    return LayerPtr(new ConvNeXtBlock(o, rng));
  }
  std::unique_ptr<Sequential> head(new Sequential());
  if (c.block == "gap_head") {
    head->add(LayerPtr(new AdaptiveAvgPool2d({1, 1})), "0", "pool");
    head->add(LayerPtr(new Flatten()), "1", "flatten");
    head->add(LayerPtr(new Linear(c.in_channels, kClasses, rng)), "2", "fc");
  } else {  // flatten_head
    head->add(LayerPtr(new Flatten()), "0", "flatten");
    head->add(LayerPtr(new Linear(c.in_channels * c.height * c.width, kClasses, rng)), "1", "fc");
  }
  return LayerPtr(head.release());
}

int64_t count_trainable(Layer& layer) {
  std::vector<NamedTensor> tensors;
  layer.named_tensors("", tensors);
  int64_t n = 0;
  for (const NamedTensor& t : tensors)
    if (t.trainable) n += static_cast<int64_t>(t.value->numel());
  return n;
}

namespace {

std::vector<int> shape_of(const Tensor& t) {
  std::vector<int> s;
  for (int i = 0; i < t.rank(); ++i) s.push_back(t.dim(i));
  return s;
}

bool path_under(const std::string& path, const std::string& parent) {
  return parent.empty() || path == parent || path.rfind(parent + ".", 0) == 0;
}

// A composite layer whose branches meet after its children: the joins it adds once they are listed.
struct OpenJoin {
  std::string path;
  std::vector<BlockNode> joins;
  std::vector<const Tensor*> tensors;  // what each join produced
};

std::vector<BlockNode> joins_of(Layer& layer, const std::string& path, const Trace& trace, const Tensor& out,
                                std::vector<const Tensor*>* tensors) {
  auto node = [&](const std::string& label, const char* op, const Tensor* t, int64_t params) {
    tensors->push_back(t);
    BlockNode n;
    n.name = join_layer_path(path, label);
    n.op = op;
    if (t) n.shape = shape_of(*t);
    n.params = params;
    n.join = true;
    return n;
  };
  auto traced = [&](const std::string& label) { return trace.find(join_layer_path(path, label)); };
  const Tensor* own_out = path.empty() ? &out : trace.find(path);
  std::vector<BlockNode> joins;
  if (dynamic_cast<Residual*>(&layer)) {
    joins.push_back(node("sum", "add", traced("sum"), 0));
    joins.push_back(node("act", "ReLU", own_out, 0));
  } else if (auto* mb = dynamic_cast<MBConv*>(&layer)) {
    if (mb->use_residual()) joins.push_back(node("residual", "add", own_out, 0));
  } else if (auto* cn = dynamic_cast<ConvNeXtBlock*>(&layer)) {
    // layer_scale is the block's own parameter (C, 1, 1), not a child's.
    joins.push_back(node("layer_scale", "mul", traced("layer_scale"), static_cast<int64_t>(cn->layer_scale.numel())));
    joins.push_back(node("residual", "add", own_out, 0));
  }
  return joins;
}

}  // namespace

std::vector<BlockNode> list_block_nodes(Layer& root, const Tensor& out, const Trace& trace,
                                        std::vector<const Tensor*>* tensors) {
  std::vector<BlockNode> nodes;
  std::vector<const Tensor*> found;
  std::vector<OpenJoin> open;
  auto add = [&](BlockNode n, const Tensor* t) {
    nodes.push_back(std::move(n));
    found.push_back(t);
  };
  auto close_until = [&](const std::string& path) {
    while (!open.empty() && !path_under(path, open.back().path)) {
      for (size_t i = 0; i < open.back().joins.size(); ++i) add(std::move(open.back().joins[i]), open.back().tensors[i]);
      open.pop_back();
    }
  };
  walk_layers(root, [&](Layer& layer, const std::string& path) {
    std::vector<LayerChild> kids;
    layer.children(kids);
    if (&layer != &root) close_until(path);
    if (!kids.empty()) {
      OpenJoin j{path, {}, {}};
      j.joins = joins_of(layer, path, trace, out, &j.tensors);
      if (!j.joins.empty()) open.push_back(std::move(j));
      return;
    }
    BlockNode n;
    n.name = path.empty() ? std::string(layer.type()) : path;
    n.op = layer.type();
    const Tensor* t = path.empty() ? &out : trace.find(path);
    if (t) n.shape = shape_of(*t);
    n.params = count_trainable(layer);
    n.macs = layer.macs();
    const bool se = dynamic_cast<SqueezeExcite*>(&layer) != nullptr;
    add(n, t);
    if (se) {  // the SE gate multiplies its input, channel by channel (the SE's output is that product)
      BlockNode mul;
      mul.name = join_layer_path(path, "scale");
      mul.op = "mul";
      mul.shape = n.shape;
      mul.join = true;
      add(std::move(mul), t);
    }
  });
  for (auto it = open.rbegin(); it != open.rend(); ++it)
    for (size_t i = 0; i < it->joins.size(); ++i) add(std::move(it->joins[i]), it->tensors[i]);
  if (tensors) *tensors = std::move(found);
  return nodes;
}

Result<BlockDescription> describe_block(const BlockConfig& c) {
  Rng rng(0);
  Result<LayerPtr> built = build_block(c, rng);
  if (!built) return built.status();
  Layer& root = *built.value();
  root.set_training(false);
  Tensor in(Shape{1, c.in_channels, c.height, c.width}), out;
  CS_RETURN_IF_ERROR(root.forward(in, out));
  Trace trace;
  root.trace_internals("", trace);

  BlockDescription d;
  d.nodes = list_block_nodes(root, out, trace, nullptr);
  d.output_shape = shape_of(out);
  d.total_params = count_trainable(root);
  d.total_macs = root.macs();
  return d;
}

namespace {

std::string conv_bn_py(int in, int out, int k, int stride, const char* act) {
  std::string s = fmt("nn.Sequential(nn.Conv2d(%d, %d, %d, stride=%d, padding=%d, bias=False), nn.BatchNorm2d(%d)", in,
                      out, k, stride, (k - 1) / 2, out);
  if (act) s += std::string(", ") + act;
  return s + ")";
}

// torchvision.ops.SqueezeExcitation, written out so the source needs only torch.
const char* kSqueezeExcitePy =
    "class SqueezeExcitation(nn.Module):\n"
    "    def __init__(self, channels, squeeze, activation=nn.ReLU):\n"
    "        super().__init__()\n"
    "        self.avgpool = nn.AdaptiveAvgPool2d(1)\n"
    "        self.fc1 = nn.Conv2d(channels, squeeze, 1)\n"
    "        self.fc2 = nn.Conv2d(squeeze, channels, 1)\n"
    "        self.activation = activation()\n"
    "        self.scale_activation = nn.Sigmoid()\n"
    "    def forward(self, x):\n"
    "        s = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))\n"
    "        return x * s\n\n";

}  // namespace

std::string block_pytorch(const BlockConfig& c) {
  if (!validate_block(c).is_ok()) return "";
  const int k = c.kernel, cin = c.in_channels, cout = c.out_channels;
  std::string s = "import torch\nfrom torch import nn\n\n";
  std::string init, forward;
  if (c.block == "conv_bn_relu") {
    init = "        self.block = " + conv_bn_py(cin, cout, k, c.stride, "nn.ReLU()") + "\n";
    forward = "        return self.block(x)\n";
  } else if (c.block == "residual") {
    init = "        self.body = nn.Sequential(\n            " + conv_bn_py(cin, cout, k, c.stride, "nn.ReLU()") +
           ",\n            " + conv_bn_py(cout, cout, k, 1, nullptr) + ")\n";
    if (residual_needs_projection(c)) {
      init += "        self.shortcut = " + conv_bn_py(cin, cout, 1, c.stride, nullptr) + "\n";
      forward = "        return torch.relu(self.body(x) + self.shortcut(x))\n";
    } else {
      forward = "        return torch.relu(self.body(x) + x)\n";
    }
  } else if (c.block == "se") {
    s += kSqueezeExcitePy;
    init = fmt("        self.se = SqueezeExcitation(%d, %d)\n", cin, se_squeeze(cin));
    forward = "        return self.se(x)\n";
  } else if (c.block == "mbconv") {
    // torchvision's MBConv layout and state_dict keys; expanded channels are not rounded to 8.
    s += kSqueezeExcitePy;
    const int e = cin * c.expand_ratio;
    init = "        layers = []\n";
    if (e != cin) init += "        layers.append(" + conv_bn_py(cin, e, 1, 1, "nn.SiLU()") + ")\n";
    init += fmt("        layers.append(nn.Sequential(nn.Conv2d(%d, %d, %d, stride=%d, padding=%d, groups=%d, bias=False), "
                "nn.BatchNorm2d(%d), nn.SiLU()))\n",
                e, e, k, c.stride, (k - 1) / 2, e, e);
    if (c.se) init += fmt("        layers.append(SqueezeExcitation(%d, %d, nn.SiLU))\n", e, std::max(1, cin / 4));
    init += "        layers.append(" + conv_bn_py(e, cout, 1, 1, nullptr) + ")\n";
    init += "        self.block = nn.Sequential(*layers)\n";
    const bool res = c.stride == 1 && cin == cout;
    forward = res ? "        return self.block(x) + x\n" : "        return self.block(x)\n";
  } else if (c.block == "convnext") {
    // torchvision's CNBlock: the Linear layers work on channels-last, hence the two Permutes.
    s += "class Permute(nn.Module):\n    def __init__(self, dims):\n        super().__init__()\n"
         "        self.dims = dims\n    def forward(self, x):\n        return x.permute(*self.dims)\n\n";
    init = fmt("        self.block = nn.Sequential(\n"
               "            nn.Conv2d(%d, %d, %d, padding=%d, groups=%d),\n"
               "            Permute([0, 2, 3, 1]),\n"
               "            nn.LayerNorm(%d, eps=1e-6),\n"
               "            nn.Linear(%d, %d),\n"
               "            nn.GELU(),\n"
               "            nn.Linear(%d, %d),\n"
               "            Permute([0, 3, 1, 2]))\n"
               "        self.layer_scale = nn.Parameter(torch.ones(%d, 1, 1) * 1e-6)\n",
               cin, cin, k, (k - 1) / 2, cin, cin, cin, 4 * cin, 4 * cin, cin, cin);
    forward = "        return self.layer_scale * self.block(x) + x\n";
  } else if (c.block == "gap_head") {
    init = fmt("        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(%d, %d))\n", cin,
               kClasses);
    forward = "        return self.head(x)\n";
  } else {
    init = fmt("        self.head = nn.Sequential(nn.Flatten(), nn.Linear(%d, %d))\n", cin * c.height * c.width, kClasses);
    forward = "        return self.head(x)\n";
  }
  s += "class Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + init +
       "\n    def forward(self, x):\n" + forward + "\n";
  s += fmt("example_input = torch.zeros(1, %d, %d, %d)\n", cin, c.height, c.width);
  return s;
}

}  // namespace cs
