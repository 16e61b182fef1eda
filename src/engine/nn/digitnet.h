// digitnet.h — DigitNet, the digit lab's network, built only from engine layers:
//   stem    Conv2d(1, 16, 3x3, pad 1, no bias) -> BatchNorm2d -> SiLU            28x28x16
//   block1  MBConv(16 -> 24, expand 1, depthwise 3x3 stride 2, SE)              14x14x24
//   block2  MBConv(24 -> 24, expand 4, SE, residual)                            14x14x24
//   block3  MBConv(24 -> 40, expand 4, depthwise stride 2, SE)                   7x7x40
//   block4  MBConv(40 -> 40, expand 4, SE, residual)                             7x7x40
//   head    Conv2d(40, 128, 1x1, no bias) -> BatchNorm2d -> SiLU -> global average pool
//   fc      Linear(128, 10) -> logits
// Input (N, 1, 28, 28) with ink 1 on 0 in [0, 1] (MNIST / digit_input's output), no normalisation.
// state_dict keys as the PyTorch mirror (tests/golden/digitnet_torch.py) names them:
// "stem.0.weight", "blocks.1.block.2.fc1.weight", "head.0.weight", "fc.weight", ...
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../data/safetensors.h"
#include "model.h"

namespace cs {

constexpr const char* kDigitNetArchitecture = "DigitNet-v1";
constexpr float kDigitNetBnEps = 1e-5f;

// A freshly initialised DigitNet (PyTorch's default init from `seed`), in training mode.
std::unique_ptr<Model> make_digitnet_model(uint32_t seed);

// The `__metadata__` written with DigitNet weights: architecture, version, bn_eps, and `extra`.
std::map<std::string, std::string> digitnet_metadata(const std::map<std::string, std::string>& extra = {});

// Model <-> safetensors. Saving skips BatchNorm's integer num_batches_tracked (PyTorch loads the file
// with those left at their defaults); loading checks the architecture metadata when present and
// every tensor's name and shape.
SafeTensors digitnet_state(Model& model, const std::map<std::string, std::string>& extra_metadata = {});
Status load_digitnet_state(Model& model, const SafeTensors& st, const std::string& source);
Status save_digitnet(Model& model, const std::string& path, const std::map<std::string, std::string>& extra = {});
// Builds the model and loads weights from a safetensors file.
Result<std::unique_ptr<Model>> load_digitnet(const std::string& path);

}  // namespace cs

namespace cs {
class SqueezeExcite;
// The SE blocks of a DigitNet in forward order, named by their Trace path ("block1.se").
struct SeBlock {
  std::string name;
  SqueezeExcite* se = nullptr;
};
std::vector<SeBlock> digitnet_se_blocks(Model& model);
}  // namespace cs
