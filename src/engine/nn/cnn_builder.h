// cnn_builder.h — a small image classifier whose depth and parts are settings, for training two
// variants side by side: a 3x3 stride-2 stem conv and a 2x2 max pool (28x28 -> 7x7), then
// `depth - 1` 3x3 conv layers of `width` channels, each optionally with BatchNorm, Squeeze-Excite
// and a residual connection around it, then global average pooling and a linear head.
//   plain layer:    conv -> [bn] -> [se] -> act
//   residual layer: act(x + ([se]([bn](conv(x)))))     (the identity shortcut; widths are equal)
// Weights start from PyTorch's default init (what nn.Conv2d / nn.Linear give), times `init_scale`.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../ops/activation.h"
#include "../status.h"
#include "layers.h"
#include "model.h"

namespace cs {

struct CnnConfig {
  int depth = 6;             // conv layers including the stem, 2..20
  int width = 8;             // channels of every conv layer, 1..64
  bool batch_norm = false;
  bool residual = false;     // a shortcut around every conv layer after the stem
  bool squeeze_excite = false;
  Activation activation = Activation::ReLU;  // ReLU, GELU, SiLU or Sigmoid
  float init_scale = 1.0f;   // multiplies every conv and linear weight after PyTorch's init, (0, 10]
  int in_channels = 1;
  int image_size = 28;       // square input side, 4..64
  int classes = 10;
};
constexpr int kCnnMinDepth = 2, kCnnMaxDepth = 20, kCnnMaxWidth = 64;

// Explains the first setting the builder cannot take, with its value.
Status validate_cnn(const CnnConfig& c);
// The network with weights drawn from `seed` (the same config and seed give the same weights).
Result<std::unique_ptr<Model>> build_cnn(const CnnConfig& c, uint32_t seed);
// The conv layers in forward order, with their state_dict paths ("stem.conv", "layers.3.body.conv"): where
// the per-layer gradient norms are measured.
std::vector<std::pair<std::string, Conv2d*>> cnn_conv_layers(Model& model);
// The Trace names of the conv layers' outputs after their activation ("stem", "layers.0", ...), in
// the order of cnn_conv_layers: where the per-layer activation statistics are read.
std::vector<std::string> cnn_layer_outputs(const CnnConfig& c);

}  // namespace cs
