// squeeze_excite.h — Squeeze-and-Excitation (torchvision's SqueezeExcitation):
//   x (N, C, H, W) -> squeeze s = mean over H, W (N, C) -> fc1 (C -> S) -> activation (ReLU)
//   -> fc2 (S -> C) -> scale_activation (Sigmoid) = excitation e (N, C) -> out = x * e[n, c].
// fc1/fc2 are 1x1 convolutions in torchvision, so their weights are (S, C, 1, 1) and (C, S, 1, 1)
// (state_dict "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"); on a 1x1 map that is a Linear.
// For the UI a channel's excitation can be overridden (switched off with 0, clamped to any value):
// the override replaces e[:, c] in the product; the excitation the network computed stays readable.
// Trace: "squeeze", "fc1", "act", "fc2", "excitation_raw" (computed), "excitation" (applied), "scale".
#pragma once
#include <vector>

#include "../ops/activation.h"
#include "init.h"
#include "layer.h"

namespace cs {

class SqueezeExcite : public Layer {
 public:
  SqueezeExcite(int input_channels, int squeeze_channels, Rng& rng, Activation activation = Activation::ReLU,
                Activation scale_activation = Activation::Sigmoid);
  const char* type() const override { return "SqueezeExcitation"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  void trace_internals(const std::string& prefix, Trace& trace) const override;
  int64_t macs() const override {  // fc1 + fc2 on the squeezed (N, C) vector, plus the channel scaling
    return in_.rank() == 4 ? static_cast<int64_t>(in_.dim(0)) * 2 * C_ * S_ + static_cast<int64_t>(in_.numel()) : 0;
  }

  int channels() const { return C_; }
  int squeeze_channels() const { return S_; }
  // Excitation of the last forward: raw (as computed) and applied (after overrides), both (N, C).
  const Tensor& excitation_raw() const { return e_raw_; }
  const Tensor& excitation() const { return e_; }

  // Override channel c's excitation with `value` (0 switches the channel off). Errors on a bad channel.
  Status set_excitation_override(int c, float value);
  void clear_excitation_override(int c);
  void clear_excitation_overrides();
  bool has_excitation_override(int c) const;

  // Inference fusions (Sequential::infer; no backward may follow, the Trace internals are stale):
  // The applied excitation is >= 0 for every input (Sigmoid gate, no negative override), so
  // maxpool(x * e) == e * maxpool(x) exactly (rounding is monotonic): scale the pooled map instead.
  bool scale_is_nonnegative() const;
  // The gate from per-(n, c) sums of the input (shape in_shape) computed by its producer.
  Status infer_excite_from_sums(const Shape& in_shape, const std::vector<double>& sums);
  // x (N, C, h, w) *= the excitation of the last infer_excite_from_sums.
  Status infer_scale_in_place(Tensor& x) const;
  // SE followed by global average pooling: out (N, C, 1, 1) = e * mean(x) (= mean(x * e) up to rounding).
  Status infer_global_mean(const Tensor& in, Tensor& out);

  Tensor fc1_weight, fc1_bias, fc2_weight, fc2_bias;  // (S, C, 1, 1), (S), (C, S, 1, 1), (C)
  Tensor fc1_weight_grad, fc1_bias_grad, fc2_weight_grad, fc2_bias_grad;

 private:
  Status squeeze_and_excite(const Tensor& in, const Tensor& out);  // checks, in's channel means -> squeeze_ -> e_
  Status excite(int N);  // squeeze_ -> e_raw_, e_
  int C_ = 0, S_ = 0;
  Activation act_, scale_act_;
  Status status_;
  std::vector<float> override_;   // NaN = no override
  std::vector<unsigned char> has_override_;
  SavedInput in_;
  Tensor squeeze_, z1_, a1_, z2_, e_raw_, e_;
  Tensor g_e_, g_z2_, g_a1_, g_z1_, g_s_;
};

}  // namespace cs
