// layers.cpp — Conv2d, BatchNorm2d, LayerNorm2d, activations, Linear, PointwiseLinear, Flatten,
// Identity and Dropout as thin wrappers over the ops: validate, cache for backward, call the op.
#include "layers.h"

#include <algorithm>
#include <cstring>

#include "../ops/conv2d_direct.h"
#include "../ops/cost.h"
#include "../ops/gemm.h"
#include "../ops/linear.h"
#include "../ops/winograd_avx2.h"

namespace cs {

static std::string pair_str(Size2 s) { return fmt("(%d, %d)", s.h, s.w); }

static Status positive_count(int v, const char* who, const char* what) {
  if (v < 1) return Status::error(fmt("%s: %s must be >= 1, got %d", who, what, v));
  if (v > kMaxTensorElements) return Status::error(fmt("%s: %s %d is too large", who, what, v));
  return Status::ok();
}

// [SECTION] Conv2d

static Status check_conv_options(const Conv2dOptions& o) {
  const char* who = "Conv2d";
  CS_RETURN_IF_ERROR(positive_count(o.in_channels, who, "in_channels"));
  CS_RETURN_IF_ERROR(positive_count(o.out_channels, who, "out_channels"));
  if (o.kernel_size.h < 1 || o.kernel_size.w < 1)
    return Status::error(fmt("Conv2d: kernel_size must be >= 1, got %dx%d", o.kernel_size.h, o.kernel_size.w));
  if (o.stride.h < 1 || o.stride.w < 1)
    return Status::error(fmt("Conv2d: stride must be >= 1, got %dx%d", o.stride.h, o.stride.w));
  if (o.padding.h < 0 || o.padding.w < 0)
    return Status::error(fmt("Conv2d: padding must be >= 0, got %dx%d", o.padding.h, o.padding.w));
  if (o.dilation.h < 1 || o.dilation.w < 1)
    return Status::error(fmt("Conv2d: dilation must be >= 1, got %dx%d", o.dilation.h, o.dilation.w));
  if (o.groups < 1) return Status::error(fmt("Conv2d: groups must be >= 1, got %d", o.groups));
  if (o.in_channels % o.groups != 0)
    return Status::error(fmt("Conv2d: in_channels %d is not divisible by groups %d", o.in_channels, o.groups));
  if (o.out_channels % o.groups != 0)
    return Status::error(fmt("Conv2d: out_channels %d is not divisible by groups %d", o.out_channels, o.groups));
  int64_t n = shape_numel({o.out_channels, o.in_channels / o.groups, o.kernel_size.h, o.kernel_size.w});
  if (n < 0 || n > kMaxTensorElements)
    return Status::error(fmt("Conv2d: weight (%d, %d, %d, %d) is too large", o.out_channels, o.in_channels / o.groups,
                             o.kernel_size.h, o.kernel_size.w));
  return Status::ok();
}

Conv2d::Conv2d(const Conv2dOptions& o, Rng& rng) : o_(o), status_(check_conv_options(o)) {
  if (!status_) return;
  weight = Tensor({o.out_channels, o.in_channels / o.groups, o.kernel_size.h, o.kernel_size.w});
  if (o.bias) bias = Tensor({o.out_channels});
  const int fan_in = (o.in_channels / o.groups) * o.kernel_size.h * o.kernel_size.w;
  kaiming_uniform_default(weight, o.bias ? &bias : nullptr, fan_in, rng);
}

Conv2dParams Conv2d::params() const {
  Conv2dParams p;
  p.stride = o_.stride;
  p.padding = o_.padding;
  p.dilation = o_.dilation;
  p.groups = o_.groups;
  return p;
}

std::string Conv2d::describe() const {
  std::string s = fmt("Conv2d(%d, %d, kernel_size=%s, stride=%s", o_.in_channels, o_.out_channels,
                      pair_str(o_.kernel_size).c_str(), pair_str(o_.stride).c_str());
  if (o_.padding != Size2{0, 0}) s += ", padding=" + pair_str(o_.padding);
  if (o_.dilation != Size2{1, 1}) s += ", dilation=" + pair_str(o_.dilation);
  if (o_.groups != 1) s += fmt(", groups=%d", o_.groups);
  if (!o_.bias) s += ", bias=False";
  return s + ")";
}

Status Conv2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(conv2d_forward(out, in, weight, o_.bias ? &bias : nullptr, params(), algo_));
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status Conv2d::infer_relu(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  return conv2d_forward_relu(out, in, weight, o_.bias ? &bias : nullptr, params(), algo_);
}

// The fused conv + ReLU + MaxPool2d(2) pass runs the kernel ConvAlgo::Auto picks for the shape
// (conv2d_auto_forward_path), so the fusion never moves a shape off a faster path and its pooled
// values are those of the layer-by-layer forward: natively the AVX2 Winograd (its 2x2 tiles are
// the pool's windows) or the direct tiles (pooled from a cache band). Not in wasm: auto's SIMD128
// Winograd and tiles there have no pooling variant (not measured to pay under node).
enum class PoolFusion { None, Direct, WinogradAvx2 };

static PoolFusion pool_fusion(const ConvGeometry& g) {
#if defined(__wasm__)
  (void)g;
  return PoolFusion::None;
#else
  const char* path = conv2d_auto_forward_path(g);
#if defined(CS_WINOGRAD_AVX2)
  if (std::strcmp(path, "winograd_avx2") == 0 && winograd_avx2_relu_pool2_applies(g)) return PoolFusion::WinogradAvx2;
#endif
  if (std::strcmp(path, "direct") == 0 && conv2d_direct_relu_pool2_applies(g)) return PoolFusion::Direct;
  return PoolFusion::None;
#endif
}

bool Conv2d::relu_pool2_fusable(const Shape& in) const {
  ConvGeometry g;
  if (!status_ || algo_ != ConvAlgo::Auto || !conv2d_geometry(in, weight.shape(), params(), &g).is_ok()) return false;
  return pool_fusion(g) != PoolFusion::None;
}

Status Conv2d::infer_relu_pool2(const Tensor& in, Tensor& out, std::vector<double>* sums, Shape* relu_shape) {
  CS_RETURN_IF_ERROR(status_);
  ConvGeometry g;
  CS_RETURN_IF_ERROR(conv2d_geometry(in.shape(), weight.shape(), params(), &g, "Conv2d"));
  const PoolFusion f = algo_ == ConvAlgo::Auto ? pool_fusion(g) : PoolFusion::None;
  if (f == PoolFusion::None)
    return Status::error(fmt("Conv2d: the fused conv + ReLU + max-pool path does not take input %s",
                             in.shape_string().c_str()));
  if (&out == &in) return Status::error("Conv2d: the output tensor must not alias an input");
  out.resize({g.N, g.OC, g.OH / 2, g.OW / 2});
  if (sums) sums->resize(static_cast<size_t>(g.N) * g.OC);
  if (relu_shape) *relu_shape = {g.N, g.OC, g.OH, g.OW};
  const float* b = o_.bias ? bias.data() : nullptr;
  double* s = sums ? sums->data() : nullptr;
#if defined(CS_WINOGRAD_AVX2)
  if (f == PoolFusion::WinogradAvx2) {
    conv2d_forward_winograd_avx2_relu_pool2(g, in.data(), weight.data(), b, out.data(), s);
    return Status::ok();
  }
#endif
  conv2d_forward_direct_relu_pool2(g, in.data(), weight.data(), b, out.data(), s);
  return Status::ok();
}

Status Conv2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("Conv2d: backward called before forward");
  return conv2d_backward(&grad_in, &weight_grad, o_.bias ? &bias_grad : nullptr, grad_out, in_, weight, params(),
                         algo_);
}

void Conv2d::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());  // so an optimizer sees matching shapes before the first backward
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  if (o_.bias) {
    bias_grad.resize(bias.shape());
    out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
  }
}

// [SECTION] ConvTranspose2d

static Status check_convt_options(const ConvTranspose2dOptions& o) {
  Conv2dOptions c;  // the same channel/kernel/group rules as Conv2d
  c.in_channels = o.in_channels;
  c.out_channels = o.out_channels;
  c.kernel_size = o.kernel_size;
  c.stride = o.stride;
  c.padding = o.padding;
  c.dilation = o.dilation;
  c.groups = o.groups;
  Status s = check_conv_options(c);
  if (!s) return Status::error("ConvTranspose2d" + s.message().substr(6));  // "Conv2d: ..." -> "ConvTranspose2d: ..."
  if ((o.output_padding.h >= o.stride.h && o.output_padding.h >= o.dilation.h) ||
      (o.output_padding.w >= o.stride.w && o.output_padding.w >= o.dilation.w) || o.output_padding.h < 0 ||
      o.output_padding.w < 0)
    return Status::error(fmt("ConvTranspose2d: output_padding %dx%d must be >= 0 and smaller than stride %dx%d or dilation %dx%d",
                             o.output_padding.h, o.output_padding.w, o.stride.h, o.stride.w, o.dilation.h, o.dilation.w));
  return Status::ok();
}

ConvTranspose2d::ConvTranspose2d(const ConvTranspose2dOptions& o, Rng& rng) : o_(o), status_(check_convt_options(o)) {
  if (!status_) return;
  weight = Tensor({o.in_channels, o.out_channels / o.groups, o.kernel_size.h, o.kernel_size.w});
  if (o.bias) bias = Tensor({o.out_channels});
  const int fan_in = (o.out_channels / o.groups) * o.kernel_size.h * o.kernel_size.w;
  kaiming_uniform_default(weight, o.bias ? &bias : nullptr, fan_in, rng);
}

ConvTranspose2dParams ConvTranspose2d::params() const {
  ConvTranspose2dParams p;
  p.stride = o_.stride;
  p.padding = o_.padding;
  p.output_padding = o_.output_padding;
  p.dilation = o_.dilation;
  p.groups = o_.groups;
  return p;
}

std::string ConvTranspose2d::describe() const {
  std::string s = fmt("ConvTranspose2d(%d, %d, kernel_size=%s, stride=%s", o_.in_channels, o_.out_channels,
                      pair_str(o_.kernel_size).c_str(), pair_str(o_.stride).c_str());
  if (o_.padding != Size2{0, 0}) s += ", padding=" + pair_str(o_.padding);
  if (o_.output_padding != Size2{0, 0}) s += ", output_padding=" + pair_str(o_.output_padding);
  if (o_.dilation != Size2{1, 1}) s += ", dilation=" + pair_str(o_.dilation);
  if (o_.groups != 1) s += fmt(", groups=%d", o_.groups);
  if (!o_.bias) s += ", bias=False";
  return s + ")";
}

Status ConvTranspose2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(conv_transpose2d_forward(out, in, weight, o_.bias ? &bias : nullptr, params()));
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status ConvTranspose2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("ConvTranspose2d: backward called before forward");
  return conv_transpose2d_backward(&grad_in, &weight_grad, o_.bias ? &bias_grad : nullptr, grad_out, in_, weight,
                                   params());
}

void ConvTranspose2d::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  if (o_.bias) {
    bias_grad.resize(bias.shape());
    out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
  }
}

// [SECTION] BatchNorm2d

BatchNorm2d::BatchNorm2d(int num_features, float eps, float momentum)
    : status_(positive_count(num_features, "BatchNorm2d", "num_features")) {
  p.eps = eps;
  p.momentum = momentum;
  if (status_ && !(eps > 0.0f)) status_ = Status::error(fmt("BatchNorm2d: eps must be > 0, got %g", eps));
  if (status_ && !(momentum >= 0.0f && momentum <= 1.0f))
    status_ = Status::error(fmt("BatchNorm2d: momentum must be in [0, 1], got %g", momentum));
  if (!status_) return;
  weight = Tensor({num_features}, 1.0f);
  bias = Tensor({num_features}, 0.0f);
  running_mean = Tensor({num_features}, 0.0f);
  running_var = Tensor({num_features}, 1.0f);
  num_batches_tracked = Tensor(Shape{}, 0.0f);
}

std::string BatchNorm2d::describe() const {
  return fmt("BatchNorm2d(%d, eps=%g, momentum=%g, affine=True, track_running_stats=True)", num_features(), p.eps,
             p.momentum);
}

Status BatchNorm2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  forward_was_training_ = training_;
  if (training_) {
    CS_RETURN_IF_ERROR(
        batchnorm2d_forward_train(out, save_mean_, save_invstd_, in, weight, bias, &running_mean, &running_var, p));
    num_batches_tracked[0] += 1.0f;
  } else {
    CS_RETURN_IF_ERROR(batchnorm2d_forward_eval(out, in, weight, bias, running_mean, running_var, p.eps));
  }
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status BatchNorm2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("BatchNorm2d: backward called before forward");
  if (forward_was_training_)
    return batchnorm2d_backward_train(&grad_in, &weight_grad, &bias_grad, grad_out, in_, weight, save_mean_,
                                      save_invstd_);
  return batchnorm2d_backward_eval(&grad_in, &weight_grad, &bias_grad, grad_out, in_, weight, running_mean,
                                   running_var, p.eps);
}

void BatchNorm2d::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());
  bias_grad.resize(bias.shape());
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
  out.push_back({prefix + "running_mean", &running_mean, nullptr, false, false});
  out.push_back({prefix + "running_var", &running_var, nullptr, false, false});
  out.push_back({prefix + "num_batches_tracked", &num_batches_tracked, nullptr, false, true});
}

// [SECTION] LayerNorm2d

LayerNorm2d::LayerNorm2d(int num_channels, float eps_)
    : eps(eps_), status_(positive_count(num_channels, "LayerNorm2d", "num_channels")) {
  if (!status_) return;
  weight = Tensor({num_channels}, 1.0f);
  bias = Tensor({num_channels}, 0.0f);
}

std::string LayerNorm2d::describe() const {
  return fmt("LayerNorm2d((%zu,), eps=%g, elementwise_affine=True)", weight.numel(), eps);
}

Status LayerNorm2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(layernorm2d_forward(out, save_mean_, save_rstd_, in, weight, bias, eps));
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status LayerNorm2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("LayerNorm2d: backward called before forward");
  return layernorm2d_backward(&grad_in, &weight_grad, &bias_grad, grad_out, in_, weight, save_mean_, save_rstd_);
}

void LayerNorm2d::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());
  bias_grad.resize(bias.shape());
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
}

// [SECTION] activations

Status ActivationLayer::forward(const Tensor& in, Tensor& out) {
  if (&out == &in) return Status::error(fmt("%s layer: out must not alias in", type()));
  CS_RETURN_IF_ERROR(activation_forward(a_, out, in));
  if (a_ == Activation::Sigmoid)
    out_ = out;
  else
    in_.save(in, borrow_input_);
  return Status::ok();
}

Status ActivationLayer::backward(const Tensor& grad_out, Tensor& grad_in) {
  const Tensor& saved = a_ == Activation::Sigmoid ? out_ : in_.get();
  if (saved.empty() && grad_out.numel() > 0)
    return Status::error(fmt("%s: backward called before forward", type()));
  return activation_backward(a_, grad_in, grad_out, saved, saved);
}

// [SECTION] Linear

static Status check_linear_options(int in_features, int out_features, const char* who) {
  CS_RETURN_IF_ERROR(positive_count(in_features, who, "in_features"));
  CS_RETURN_IF_ERROR(positive_count(out_features, who, "out_features"));
  int64_t n = shape_numel({out_features, in_features});
  if (n > kMaxTensorElements)
    return Status::error(fmt("%s: weight (%d, %d) is too large", who, out_features, in_features));
  return Status::ok();
}

Linear::Linear(int in_features, int out_features, Rng& rng, bool has_bias)
    : status_(check_linear_options(in_features, out_features, "Linear")) {
  if (!status_) return;
  weight = Tensor({out_features, in_features});
  if (has_bias) bias = Tensor({out_features});
  kaiming_uniform_default(weight, has_bias ? &bias : nullptr, in_features, rng);
}

std::string Linear::describe() const {
  return fmt("Linear(in_features=%d, out_features=%d, bias=%s)", weight.rank() == 2 ? weight.dim(1) : 0,
             weight.rank() == 2 ? weight.dim(0) : 0, bias.empty() ? "False" : "True");
}

Status Linear::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(linear_forward(out, in, weight, bias.empty() ? nullptr : &bias));
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status Linear::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("Linear: backward called before forward");
  return linear_backward(&grad_in, &weight_grad, bias.empty() ? nullptr : &bias_grad, grad_out, in_, weight);
}

void Linear::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  if (!bias.empty()) {
    bias_grad.resize(bias.shape());
    out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
  }
}

// [SECTION] PointwiseLinear

PointwiseLinear::PointwiseLinear(int in_features, int out_features, Rng& rng, bool has_bias)
    : status_(check_linear_options(in_features, out_features, "Linear")) {
  if (!status_) return;
  weight = Tensor({out_features, in_features});
  if (has_bias) bias = Tensor({out_features});
  kaiming_uniform_default(weight, has_bias ? &bias : nullptr, in_features, rng);
}

std::string PointwiseLinear::describe() const {
  return fmt("Linear(in_features=%d, out_features=%d, bias=%s)", weight.rank() == 2 ? weight.dim(1) : 0,
             weight.rank() == 2 ? weight.dim(0) : 0, bias.empty() ? "False" : "True");
}

Status PointwiseLinear::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(expect_rank(in, 4, "Linear (per pixel)", "(batch, channels, height, width)"));
  const int N = in.dim(0), I = in.dim(1), O = weight.dim(0);
  if (I != weight.dim(1))
    return Status::error(fmt("Linear (per pixel): input %s has %d channels but weight %s expects in_features=%d",
                             in.shape_string().c_str(), I, weight.shape_string().c_str(), weight.dim(1)));
  if (&out == &in) return Status::error("Linear (per pixel): out must not alias in");
  const int HW = in.dim(2) * in.dim(3);
  out.resize({N, O, in.dim(2), in.dim(3)});
  for (int n = 0; n < N; ++n) {
    float* y = out.data() + static_cast<size_t>(n) * O * HW;
    for (int o = 0; o < O; ++o) std::fill(y + static_cast<size_t>(o) * HW, y + static_cast<size_t>(o + 1) * HW,
                                          bias.empty() ? 0.0f : bias[o]);
    // Y_n (O, HW) += W (O, I) * X_n (I, HW)
    gemm(false, false, O, HW, I, weight.data(), I, in.data() + static_cast<size_t>(n) * I * HW, HW, 1.0f, y, HW);
  }
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status PointwiseLinear::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("Linear (per pixel): backward called before forward");
  const int N = in_.dim(0), I = in_.dim(1), O = weight.dim(0), H = in_.dim(2), W = in_.dim(3), HW = H * W;
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {N, O, H, W}, "Linear (per pixel) backward", "grad_output"));
  grad_in.resize(in_.shape());
  weight_grad.resize(weight.shape());
  if (!bias.empty()) bias_grad.resize(bias.shape());
  for (int n = 0; n < N; ++n) {
    const float* gy = grad_out.data() + static_cast<size_t>(n) * O * HW;
    const float* x = in_.data() + static_cast<size_t>(n) * I * HW;
    // gX_n (I, HW) = W^T (I, O) * gY_n (O, HW); gW (O, I) += gY_n (O, HW) * X_n^T (HW, I)
    gemm(true, false, I, HW, O, weight.data(), I, gy, HW, 0.0f, grad_in.data() + static_cast<size_t>(n) * I * HW, HW);
    gemm(false, true, O, I, HW, gy, HW, x, HW, n == 0 ? 0.0f : 1.0f, weight_grad.data(), I);
  }
  if (N == 0) weight_grad.fill(0.0f);
  if (!bias.empty()) {
    bias_grad.fill(0.0f);
    for (int n = 0; n < N; ++n)
      for (int o = 0; o < O; ++o) {
        const float* gy = grad_out.data() + (static_cast<size_t>(n) * O + o) * HW;
        double s = 0.0;
        for (int i = 0; i < HW; ++i) s += gy[i];
        bias_grad[o] += static_cast<float>(s);
      }
  }
  return Status::ok();
}

void PointwiseLinear::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  weight_grad.resize(weight.shape());
  out.push_back({prefix + "weight", &weight, &weight_grad, true, false});
  if (!bias.empty()) {
    bias_grad.resize(bias.shape());
    out.push_back({prefix + "bias", &bias, &bias_grad, true, false});
  }
}

// [SECTION] Flatten, Identity, Dropout

Status Flatten::forward(const Tensor& in, Tensor& out) {
  if (in.rank() < 2)
    return Status::error("Flatten expected at least 2D input (batch, ...), got " + in.shape_string());
  if (&out == &in) return Status::error("Flatten: out must not alias in");
  in_shape_ = in.shape();
  out = in;
  return out.reshape({in.dim(0), static_cast<int>(in.numel() / static_cast<size_t>(std::max(1, in.dim(0))))});
}

Status Flatten::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (shape_numel(in_shape_) != static_cast<int64_t>(grad_out.numel()) || in_shape_.empty())
    return Status::error(fmt("Flatten backward: grad_output %s does not match the input %s",
                             grad_out.shape_string().c_str(), shape_str(in_shape_).c_str()));
  grad_in = grad_out;
  return grad_in.reshape(in_shape_);
}

Status Identity::forward(const Tensor& in, Tensor& out) {
  out = in;
  return Status::ok();
}

Status Identity::backward(const Tensor& grad_out, Tensor& grad_in) {
  grad_in = grad_out;
  return Status::ok();
}

Dropout::Dropout(float p, uint32_t seed) : p_(p), rng_(seed) {}

std::string Dropout::describe() const { return fmt("Dropout(p=%g, inplace=False)", p_); }

Status Dropout::forward(const Tensor& in, Tensor& out) {
  if (!(p_ >= 0.0f && p_ <= 1.0f)) return Status::error(fmt("Dropout: p must be in [0, 1], got %g", p_));
  if (&out == &in) return Status::error("Dropout: out must not alias in");
  masked_ = training_ && p_ > 0.0f;
  if (!masked_) {
    out = in;
    return Status::ok();
  }
  mask_.resize(in.shape());
  out.resize(in.shape());
  const float keep_scale = p_ < 1.0f ? 1.0f / (1.0f - p_) : 0.0f;
  for (size_t i = 0; i < in.numel(); ++i) {
    mask_[i] = rng_.uniform() < p_ ? 0.0f : keep_scale;
    out[i] = in[i] * mask_[i];
  }
  return Status::ok();
}

Status Dropout::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (!masked_) {
    grad_in = grad_out;
    return Status::ok();
  }
  if (grad_out.shape() != mask_.shape())
    return Status::error(fmt("Dropout backward: grad_output %s does not match the input %s",
                             grad_out.shape_string().c_str(), mask_.shape_string().c_str()));
  grad_in.resize(grad_out.shape());
  for (size_t i = 0; i < grad_out.numel(); ++i) grad_in[i] = grad_out[i] * mask_[i];
  return Status::ok();
}

}  // namespace cs

namespace cs {

// [SECTION] multiply-accumulates of the last forward pass (cost.h's formulas)

int64_t Conv2d::macs() const {
  if (in_.rank() != 4) return 0;
  return conv2d_macs(in_.shape(), o_.out_channels, o_.kernel_size, params());
}

int64_t ConvTranspose2d::macs() const {
  // Every input element meets every (Cout/groups) x KH x KW weight of its group once.
  if (in_.rank() != 4 || weight.rank() != 4) return 0;
  return static_cast<int64_t>(in_.numel()) * weight.dim(1) * weight.dim(2) * weight.dim(3);
}

int64_t Linear::macs() const {
  if (in_.rank() != 2 || weight.rank() != 2) return 0;
  return linear_macs(in_.dim(0), weight.dim(1), weight.dim(0));
}

int64_t PointwiseLinear::macs() const {
  if (in_.rank() != 4 || weight.rank() != 2) return 0;
  return linear_macs(in_.dim(0) * in_.dim(2) * in_.dim(3), weight.dim(1), weight.dim(0));
}

}  // namespace cs
