// cnn_builder.cpp — the configurable comparison classifier: settings checked in words, the layer tree
// built from them, PyTorch's default init scaled.
#include "cnn_builder.h"

#include <algorithm>
#include <cmath>

#include "init.h"
#include "pool_layers.h"
#include "residual.h"
#include "sequential.h"
#include "squeeze_excite.h"
#include "walk.h"

namespace cs {

namespace {

void scale_weight(Layer& layer, float scale) {
  std::vector<NamedTensor> tensors;
  layer.named_tensors("", tensors);
  for (NamedTensor& t : tensors)
    if (t.name == "weight")
      for (float& v : t.value->values()) v *= scale;
}

// conv -> [bn] -> [se] (the part a residual layer adds back to its input), then the activation
// when `act` is not None.
std::unique_ptr<Sequential> conv_stack(const CnnConfig& c, int in, int stride, Activation act, Rng& rng) {
  auto s = std::make_unique<Sequential>();
  Conv2dOptions o;
  o.in_channels = in;
  o.out_channels = c.width;
  o.kernel_size = {3, 3};
  o.stride = {stride, stride};
  o.padding = {1, 1};
  o.bias = !c.batch_norm;  // BatchNorm's shift makes a conv bias redundant (as torchvision's blocks)
  s->add(LayerPtr(new Conv2d(o, rng)), "", "conv");
  if (c.batch_norm) s->add(LayerPtr(new BatchNorm2d(c.width)), "", "bn");
  if (c.squeeze_excite) s->add(LayerPtr(new SqueezeExcite(c.width, std::max(1, c.width / 4), rng)), "", "se");
  if (act != Activation::None) s->add(make_activation(act), "", "act");
  return s;
}

}  // namespace

Status validate_cnn(const CnnConfig& c) {
  if (c.depth < kCnnMinDepth || c.depth > kCnnMaxDepth)
    return Status::error(fmt("depth (conv layers) must be %d..%d, got %d", kCnnMinDepth, kCnnMaxDepth, c.depth));
  if (c.width < 1 || c.width > kCnnMaxWidth)
    return Status::error(fmt("width (channels) must be 1..%d, got %d", kCnnMaxWidth, c.width));
  if (c.activation == Activation::None)
    return Status::error("activation must be ReLU, GELU, SiLU or Sigmoid, got none");
  if (!(c.init_scale > 0.0f && c.init_scale <= 10.0f))
    return Status::error(fmt("init scale must be in (0, 10], got %g", static_cast<double>(c.init_scale)));
  if (c.in_channels < 1 || c.in_channels > 4) return Status::error(fmt("input channels must be 1..4, got %d", c.in_channels));
  if (c.image_size < 4 || c.image_size > 64)
    return Status::error(fmt("image size must be 4..64, got %d (the stem halves it and the pool halves it again)", c.image_size));
  if (c.classes < 2 || c.classes > 100) return Status::error(fmt("classes must be 2..100, got %d", c.classes));
  return Status::ok();
}

Result<std::unique_ptr<Model>> build_cnn(const CnnConfig& c, uint32_t seed) {
  CS_RETURN_IF_ERROR(validate_cnn(c));
  Rng rng(seed);
  auto model = std::make_unique<Model>();
  model->add(conv_stack(c, c.in_channels, 2, c.activation, rng), "stem");
  MaxPool2dParams pool;
  pool.kernel = {2, 2};
  model->add(LayerPtr(new MaxPool2d(pool)), "pool");
  auto layers = std::make_unique<Sequential>();
  for (int i = 1; i < c.depth; ++i) {
    if (c.residual)
      layers->add(LayerPtr(new Residual(conv_stack(c, c.width, 1, Activation::None, rng), nullptr, c.activation)));
    else
      layers->add(conv_stack(c, c.width, 1, c.activation, rng));
  }
  model->add(std::move(layers), "layers");
  model->add(LayerPtr(new AdaptiveAvgPool2d({1, 1})), "gap");
  model->add(LayerPtr(new Flatten()), "flatten");
  model->add(LayerPtr(new Linear(c.width, c.classes, rng)), "fc");
  if (c.init_scale != 1.0f) {
    for (auto& [path, conv] : find_layers<Conv2d>(model->root())) scale_weight(*conv, c.init_scale);
    for (auto& [path, fc] : find_layers<Linear>(model->root())) scale_weight(*fc, c.init_scale);
  }
  return model;
}

std::vector<std::pair<std::string, Conv2d*>> cnn_conv_layers(Model& model) {
  std::vector<std::pair<std::string, Conv2d*>> out;
  // Squeeze-Excite's fc1/fc2 are 1x1 convs inside the SE layer, not conv layers of the network.
  for (auto& [path, conv] : find_layers<Conv2d>(model.root()))
    if (conv->options().kernel_size.h == 3) out.emplace_back(path, conv);
  return out;
}

std::vector<std::string> cnn_layer_outputs(const CnnConfig& c) {
  std::vector<std::string> out{"stem"};
  for (int i = 1; i < c.depth; ++i) out.push_back("layers." + std::to_string(i - 1));
  return out;
}

}  // namespace cs
