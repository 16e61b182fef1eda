// mbconv.h — MBConv, the inverted-residual block of MobileNetV2/EfficientNet (torchvision's MBConv):
//   [1x1 expand -> BN -> act]  (left out when expanded == in_channels)
//   kxk depthwise (stride) -> BN -> act
//   SqueezeExcite(expanded, squeeze = max(1, in_channels * se_ratio), activation = act)
//   1x1 project -> BN          (no activation: the "linear bottleneck")
//   + x when stride == 1 and in_channels == out_channels.
// state_dict keys follow torchvision: "block.0.0.weight" (expand conv), "block.0.1.running_mean",
// "block.1.0.weight" (depthwise), "block.2.fc1.weight" (SE), "block.3.0.weight" (project), with the
// indices shifting down when a stage is left out. Trace labels: "expand", "depthwise", "se",
// "project" (each with ".conv", ".bn", ".act" inside), then "residual" when the skip is used.
// Deliberate difference: torchvision rounds expanded channels to a multiple of 8 (_make_divisible);
// here expanded = in_channels * expand_ratio unless `expanded_channels` is set, so a small teaching
// network keeps the numbers the student chose. Stochastic depth (training-only) is not modelled.
#pragma once
#include "../ops/activation.h"
#include "layers.h"
#include "sequential.h"
#include "squeeze_excite.h"

namespace cs {

struct MBConvOptions {
  int in_channels = 16;
  int out_channels = 16;
  int expand_ratio = 4;
  int expanded_channels = 0;  // 0: in_channels * expand_ratio
  int kernel_size = 3;        // depthwise kernel (odd); padding (k-1)/2
  int stride = 1;
  float se_ratio = 0.25f;     // of in_channels, as torchvision; 0 leaves the SE out
  Activation activation = Activation::SiLU;
  float bn_eps = 1e-5f;       // torchvision EfficientNet-B*: 1e-5 (V2 uses 1e-3)
  float bn_momentum = 0.1f;
};

class MBConv : public Layer {
 public:
  MBConv(const MBConvOptions& o, Rng& rng);
  const char* type() const override { return "MBConv"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void set_training(bool training) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  void trace_internals(const std::string& prefix, Trace& trace) const override;
  int64_t macs() const override { return block_.macs(); }
  void children(std::vector<LayerChild>& out) override { out.push_back({"", &block_}); }

  const MBConvOptions& options() const { return o_; }
  bool use_residual() const { return use_res_; }
  Sequential& block() { return block_; }
  const Sequential& block() const { return block_; }
  SqueezeExcite* se() { return se_; }  // null when se_ratio is 0

 private:
  MBConvOptions o_;
  Status status_;
  bool use_res_ = false;
  Sequential block_;
  SqueezeExcite* se_ = nullptr;
  Tensor block_out_, g_block_;
};

}  // namespace cs
