// layers.h — thin layer classes: each owns its parameters, gradients and caches and calls the ops.
// Constructor arguments carry PyTorch's names and defaults so a student's knowledge transfers:
//   Conv2d({.in_channels=3, .out_channels=16, .kernel_size={3,3}, .padding={1,1}}, rng)
// A constructor never fails: invalid options are remembered and every forward() returns the error.
#pragma once
#include <string>

#include "../ops/activation.h"
#include "../ops/conv2d.h"
#include "../ops/conv_transpose2d.h"
#include "../ops/norm.h"
#include "init.h"
#include "layer.h"

namespace cs {

// [SECTION] Conv2d

struct Conv2dOptions {
  int in_channels = 1;
  int out_channels = 1;
  Size2 kernel_size{3, 3};
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 dilation{1, 1};
  int groups = 1;
  bool bias = true;
};

class Conv2d : public Layer {
 public:
  Conv2d(const Conv2dOptions& o, Rng& rng);  // PyTorch's default init (kaiming_uniform_, a=sqrt(5))
  const char* type() const override { return "Conv2d"; }
  std::string describe() const override;  // "Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  // Inference: out = relu(forward(in)) in one call (conv2d_forward_relu); keeps nothing for backward.
  Status infer_relu(const Tensor& in, Tensor& out);
  // Inference fusion for Conv2d + ReLU + MaxPool2d(2) (Sequential::infer): whether this layer
  // runs that pattern on `in` as one pass (Auto algorithm on a shape the direct tiles take), and
  // the pass itself: out = maxpool2x2(relu(forward(in))); with `sums`, also the per-(n, oc) sums
  // over the unpooled ReLU output (resized to N*OC) and that output's shape in `relu_shape`.
  bool relu_pool2_fusable(const Shape& in) const;
  Status infer_relu_pool2(const Tensor& in, Tensor& out, std::vector<double>* sums = nullptr,
                          Shape* relu_shape = nullptr);
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  int64_t macs() const override;

  const Conv2dOptions& options() const { return o_; }
  Conv2dParams params() const;
  void set_algo(ConvAlgo a) { algo_ = a; }  // the UI's algorithm switch; all must agree
  ConvAlgo algo() const { return algo_; }
  Tensor weight, bias;  // (OC, IC/groups, KH, KW), (OC) — bias empty when options().bias is false
  Tensor weight_grad, bias_grad;

 private:
  Conv2dOptions o_;
  Status status_;
  ConvAlgo algo_ = ConvAlgo::Auto;
  SavedInput in_;
};

// [SECTION] ConvTranspose2d: in (N, Cin, H, W) -> out (N, Cout, OH, OW), weight (Cin, Cout/groups, KH, KW)

struct ConvTranspose2dOptions {
  int in_channels = 1;
  int out_channels = 1;
  Size2 kernel_size{2, 2};
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 output_padding{0, 0};
  int groups = 1;
  bool bias = true;
  Size2 dilation{1, 1};
};

class ConvTranspose2d : public Layer {
 public:
  // PyTorch's init: kaiming_uniform_(a=sqrt(5)) with fan_in = weight.size(1) * KH * KW
  // (= Cout/groups * KH * KW: PyTorch computes fan_in from dim 1 of the transposed weight).
  ConvTranspose2d(const ConvTranspose2dOptions& o, Rng& rng);
  const char* type() const override { return "ConvTranspose2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  int64_t macs() const override;  // = the adjoint Conv2d's
  ConvTranspose2dParams params() const;

  Tensor weight, bias, weight_grad, bias_grad;

 private:
  ConvTranspose2dOptions o_;
  Status status_;
  SavedInput in_;
};

// [SECTION] normalisation

class BatchNorm2d : public Layer {
 public:
  explicit BatchNorm2d(int num_features, float eps = 1e-5f, float momentum = 0.1f);
  const char* type() const override { return "BatchNorm2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;

  int num_features() const { return weight.numel() > 0 ? static_cast<int>(weight.numel()) : 0; }
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;  // (C) x4, () x1
  Tensor weight_grad, bias_grad;
  BatchNormParams p;

 private:
  Status status_;
  SavedInput in_;
  Tensor save_mean_, save_invstd_;
  bool forward_was_training_ = true;
};

// LayerNorm over channels at every pixel (ConvNeXt's LayerNorm2d); eps 1e-6 as ConvNeXt uses.
class LayerNorm2d : public Layer {
 public:
  explicit LayerNorm2d(int num_channels, float eps = 1e-6f);
  const char* type() const override { return "LayerNorm2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;

  Tensor weight, bias, weight_grad, bias_grad;
  float eps;

 private:
  Status status_;
  SavedInput in_;
  Tensor save_mean_, save_rstd_;
};

// [SECTION] activations: ReLU, GELU, SiLU, Sigmoid (and Identity) as layers

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation a) : a_(a) {}
  const char* type() const override { return activation_name(a_); }
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  Activation activation() const { return a_; }

 private:
  Activation a_;
  SavedInput in_;  // input for ReLU/GELU/SiLU
  Tensor out_;     // output for Sigmoid
};

inline LayerPtr make_activation(Activation a) { return LayerPtr(new ActivationLayer(a)); }

// [SECTION] Linear: in (N, in_features) -> out (N, out_features)

class Linear : public Layer {
 public:
  Linear(int in_features, int out_features, Rng& rng, bool bias = true);
  const char* type() const override { return "Linear"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  int64_t macs() const override;

  Tensor weight, bias, weight_grad, bias_grad;  // (out, in), (out)

 private:
  Status status_;
  SavedInput in_;
};

// nn.Linear applied to the channels of every pixel of an NCHW tensor: what ConvNeXt's Linear
// layers do between its two Permutes. Same (out, in) weight and state_dict names as Linear;
// the same arithmetic as a 1x1 Conv2d with that weight.
//   in (N, in_features, H, W) -> out (N, out_features, H, W)
class PointwiseLinear : public Layer {
 public:
  PointwiseLinear(int in_features, int out_features, Rng& rng, bool bias = true);
  const char* type() const override { return "Linear"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  int64_t macs() const override;

  Tensor weight, bias, weight_grad, bias_grad;

 private:
  Status status_;
  SavedInput in_;
};

// [SECTION] shape and regularisation layers

// (N, C, H, W) -> (N, C*H*W), torch.nn.Flatten() (start_dim=1).
class Flatten : public Layer {
 public:
  const char* type() const override { return "Flatten"; }
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;

 private:
  Shape in_shape_;
};

class Identity : public Layer {
 public:
  const char* type() const override { return "Identity"; }
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
};

// Training: zero each element with probability p and scale the rest by 1/(1-p) (inverted dropout,
// as PyTorch). Eval: identity. The mask comes from the layer's own seeded Rng, so runs repeat.
class Dropout : public Layer {
 public:
  explicit Dropout(float p = 0.5f, uint32_t seed = 0);
  const char* type() const override { return "Dropout"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  const Tensor& mask() const { return mask_; }  // 0 or 1/(1-p) per element of the last training forward

 private:
  float p_;
  Rng rng_;
  Tensor mask_;
  bool masked_ = false;
};

}  // namespace cs
