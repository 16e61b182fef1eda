// convnext_block.h — ConvNeXt block (torchvision's CNBlock):
//   7x7 depthwise Conv2d (bias) -> LayerNorm over channels (eps 1e-6) -> Linear C -> 4C (per pixel)
//   -> GELU -> Linear 4C -> C -> times layer_scale (C, 1, 1) -> + x.
// state_dict keys as torchvision: "block.0.weight/bias" (dwconv), "block.2.weight/bias" (norm),
// "block.3.*" (pwconv1), "block.5.*" (pwconv2), "layer_scale" ((C, 1, 1), init 1e-6; torchvision's
// indices 1 and 6 are its Permutes, which NCHW-native ops do not need). layer_scale_init <= 0 leaves
// layer scale out (a plain residual). Trace labels: "dwconv", "norm", "pwconv1", "act", "pwconv2",
// "layer_scale" (the scaled branch). Stochastic depth (training-only) is not modelled.
#pragma once
#include "layers.h"
#include "sequential.h"

namespace cs {

struct ConvNeXtBlockOptions {
  int dim = 32;
  float layer_scale_init = 1e-6f;
  float norm_eps = 1e-6f;
  int kernel_size = 7;
  int expansion = 4;
};

class ConvNeXtBlock : public Layer {
 public:
  ConvNeXtBlock(const ConvNeXtBlockOptions& o, Rng& rng);
  const char* type() const override { return "CNBlock"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void set_training(bool training) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  void trace_internals(const std::string& prefix, Trace& trace) const override;
  int64_t macs() const override { return block_.macs(); }
  void children(std::vector<LayerChild>& out) override { out.push_back({"", &block_}); }

  Sequential& block() { return block_; }
  Tensor layer_scale, layer_scale_grad;  // (C, 1, 1); empty when disabled

 private:
  ConvNeXtBlockOptions o_;
  Status status_;
  Sequential block_;
  Tensor branch_, scaled_, g_branch_, g_block_in_;
};

}  // namespace cs
