// squeeze_excite.cpp — SE forward/backward: global average pool, two small FC layers on (N, C),
// a gate per channel, and the channel scaling; plus the UI's excitation overrides.
#include "squeeze_excite.h"

#include <cmath>

#include "../ops/linear.h"

namespace cs {

SqueezeExcite::SqueezeExcite(int input_channels, int squeeze_channels, Rng& rng, Activation activation,
                             Activation scale_activation)
    : C_(input_channels), S_(squeeze_channels), act_(activation), scale_act_(scale_activation) {
  if (C_ < 1 || S_ < 1 || static_cast<int64_t>(C_) * S_ > kMaxTensorElements) {
    status_ = Status::error(fmt("SqueezeExcitation: input_channels %d and squeeze_channels %d must be >= 1", C_, S_));
    return;
  }
  fc1_weight = Tensor({S_, C_, 1, 1});
  fc1_bias = Tensor({S_});
  fc2_weight = Tensor({C_, S_, 1, 1});
  fc2_bias = Tensor({C_});
  kaiming_uniform_default(fc1_weight, &fc1_bias, C_, rng);  // Conv2d 1x1 default init, fan_in = C
  kaiming_uniform_default(fc2_weight, &fc2_bias, S_, rng);
  override_.assign(static_cast<size_t>(C_), 0.0f);
  has_override_.assign(static_cast<size_t>(C_), 0);
}

std::string SqueezeExcite::describe() const {
  return fmt("SqueezeExcitation(\n  (avgpool): AdaptiveAvgPool2d(output_size=1)\n"
             "  (fc1): Conv2d(%d, %d, kernel_size=(1, 1), stride=(1, 1))\n"
             "  (fc2): Conv2d(%d, %d, kernel_size=(1, 1), stride=(1, 1))\n"
             "  (activation): %s()\n  (scale_activation): %s()\n)",
             C_, S_, S_, C_, activation_name(act_), activation_name(scale_act_));
}

Status SqueezeExcite::set_excitation_override(int c, float value) {
  if (c < 0 || c >= C_) return Status::error(fmt("SqueezeExcitation: channel %d is outside [0, %d)", c, C_));
  if (!std::isfinite(value)) return Status::error(fmt("SqueezeExcitation: override value for channel %d is not finite", c));
  override_[static_cast<size_t>(c)] = value;
  has_override_[static_cast<size_t>(c)] = 1;
  return Status::ok();
}

void SqueezeExcite::clear_excitation_override(int c) {
  if (c >= 0 && c < C_) has_override_[static_cast<size_t>(c)] = 0;
}

void SqueezeExcite::clear_excitation_overrides() { std::fill(has_override_.begin(), has_override_.end(), 0); }

bool SqueezeExcite::has_excitation_override(int c) const {
  return c >= 0 && c < C_ && has_override_[static_cast<size_t>(c)] != 0;
}

// Sums in double (as before) but over 4 independent partial sums: one chain of dependent double
// adds cost 4 cycles per element (se1 of M1 at batch 64: ~0.5 ms of a 5.5 ms forward).
static double sum_f64(const float* x, size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; ++i) s0 += x[i];
  return (s0 + s1) + (s2 + s3);
}

static double dot_f64(const float* a, const float* b, size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += static_cast<double>(a[i]) * b[i];
    s1 += static_cast<double>(a[i + 1]) * b[i + 1];
    s2 += static_cast<double>(a[i + 2]) * b[i + 2];
    s3 += static_cast<double>(a[i + 3]) * b[i + 3];
  }
  for (; i < n; ++i) s0 += static_cast<double>(a[i]) * b[i];
  return (s0 + s1) + (s2 + s3);
}

// squeeze_ (N, C) -> fc1, act, fc2, scale activation -> e_raw_, then the overrides -> e_.
Status SqueezeExcite::excite(int N) {
  z1_.resize({N, S_});
  linear_forward_kernel(N, C_, S_, squeeze_.data(), fc1_weight.data(), fc1_bias.data(), z1_.data());
  CS_RETURN_IF_ERROR(activation_forward(act_, a1_, z1_));
  z2_.resize({N, C_});
  linear_forward_kernel(N, S_, C_, a1_.data(), fc2_weight.data(), fc2_bias.data(), z2_.data());
  CS_RETURN_IF_ERROR(activation_forward(scale_act_, e_raw_, z2_));
  e_ = e_raw_;
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C_; ++c)
      if (has_override_[static_cast<size_t>(c)]) e_[static_cast<size_t>(n) * C_ + c] = override_[static_cast<size_t>(c)];
  return Status::ok();
}

// [SECTION] inference fusions (Sequential::infer)

bool SqueezeExcite::scale_is_nonnegative() const {
  if (!status_ || scale_act_ != Activation::Sigmoid) return false;
  for (int c = 0; c < C_; ++c)
    if (has_override_[static_cast<size_t>(c)] && !(override_[static_cast<size_t>(c)] >= 0.0f)) return false;
  return true;
}

Status SqueezeExcite::infer_excite_from_sums(const Shape& in_shape, const std::vector<double>& sums) {
  CS_RETURN_IF_ERROR(status_);
  if (in_shape.size() != 4 || in_shape[1] != C_ || sums.size() != static_cast<size_t>(in_shape[0]) * C_)
    return Status::error(fmt("SqueezeExcitation: channel sums for input %s do not match %d channels",
                             shape_str(in_shape).c_str(), C_));
  const int N = in_shape[0];
  const size_t HW = static_cast<size_t>(in_shape[2]) * in_shape[3];
  if (HW == 0) return Status::error("SqueezeExcitation: empty spatial size in input " + shape_str(in_shape));
  squeeze_.resize({N, C_});
  // The same mean as forward's: the double sum divided by HW, then rounded to float once.
  for (size_t nc = 0; nc < sums.size(); ++nc) squeeze_[nc] = static_cast<float>(sums[nc] / static_cast<double>(HW));
  return excite(N);
}

Status SqueezeExcite::infer_scale_in_place(Tensor& x) const {
  if (x.rank() != 4 || x.dim(1) != C_ || static_cast<size_t>(x.dim(0)) * C_ != e_.numel())
    return Status::error(fmt("SqueezeExcitation: cannot scale %s by an excitation of %s", x.shape_string().c_str(),
                             e_.shape_string().c_str()));
  const size_t HW = static_cast<size_t>(x.dim(2)) * x.dim(3);
  for (size_t nc = 0; nc < e_.numel(); ++nc) {
    const float e = e_[nc];
    float* __restrict y = x.data() + nc * HW;
    for (size_t i = 0; i < HW; ++i) y[i] *= e;
  }
  return Status::ok();
}

Status SqueezeExcite::infer_global_mean(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(squeeze_and_excite(in, out));
  const int N = in.dim(0);
  // mean(x * e) = e * mean(x): the scaled map is never formed (rounding differs from forward's
  // mean of the rounded products by an ulp or so).
  out.resize({N, C_, 1, 1});
  for (size_t nc = 0; nc < static_cast<size_t>(N) * C_; ++nc) out[nc] = e_[nc] * squeeze_[nc];
  return Status::ok();
}

// Checks `in` (N, C, H, W) and that `out` is another tensor, then squeeze_ = in's channel means
// (double sums, rounded to float once) and e_ = their excitation: the first half of forward,
// shared with infer_global_mean.
Status SqueezeExcite::squeeze_and_excite(const Tensor& in, const Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  CS_RETURN_IF_ERROR(expect_rank(in, 4, "SqueezeExcitation", "(batch, channels, height, width)"));
  if (in.dim(1) != C_)
    return Status::error(fmt("SqueezeExcitation: input %s has %d channels, expected %d", in.shape_string().c_str(),
                             in.dim(1), C_));
  if (&out == &in) return Status::error("SqueezeExcitation: out must not alias in");
  const int N = in.dim(0);
  const size_t HW = static_cast<size_t>(in.dim(2)) * in.dim(3);
  if (HW == 0) return Status::error("SqueezeExcitation: empty spatial size in input " + in.shape_string());
  squeeze_.resize({N, C_});
  for (size_t nc = 0; nc < static_cast<size_t>(N) * C_; ++nc)
    squeeze_[nc] = static_cast<float>(sum_f64(in.data() + nc * HW, HW) / static_cast<double>(HW));
  return excite(N);
}

Status SqueezeExcite::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(squeeze_and_excite(in, out));
  const int N = in.dim(0);
  const size_t HW = static_cast<size_t>(in.dim(2)) * in.dim(3);
  out.resize(in.shape());
  for (size_t nc = 0; nc < static_cast<size_t>(N) * C_; ++nc) {
    const float e = e_[nc];
    const float* x = in.data() + nc * HW;
    float* y = out.data() + nc * HW;
    for (size_t i = 0; i < HW; ++i) y[i] = x[i] * e;
  }
  in_.save(in, borrow_input_);
  return Status::ok();
}

Status SqueezeExcite::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (in_.rank() == 0) return Status::error("SqueezeExcitation: backward called before forward");
  if (grad_out.shape() != in_.shape())
    return Status::error(fmt("SqueezeExcitation backward: grad_output %s does not match the input %s",
                             grad_out.shape_string().c_str(), in_.shape_string().c_str()));
  const int N = in_.dim(0);
  const size_t HW = static_cast<size_t>(in_.dim(2)) * in_.dim(3);
  // d/d e[n,c] = sum_hw gy * x; an overridden channel is a constant, so nothing flows to the gate.
  g_e_.resize({N, C_});
  for (size_t nc = 0; nc < static_cast<size_t>(N) * C_; ++nc) {
    const double s = dot_f64(grad_out.data() + nc * HW, in_.data() + nc * HW, HW);
    g_e_[nc] = has_override_[nc % static_cast<size_t>(C_)] ? 0.0f : static_cast<float>(s);
  }
  CS_RETURN_IF_ERROR(activation_backward(scale_act_, g_z2_, g_e_, z2_, e_raw_));
  g_a1_.resize({N, S_});
  fc2_weight_grad.resize(fc2_weight.shape());
  fc2_bias_grad.resize(fc2_bias.shape());
  linear_backward_kernel(N, S_, C_, g_z2_.data(), a1_.data(), fc2_weight.data(), g_a1_.data(), fc2_weight_grad.data(),
                         fc2_bias_grad.data());
  CS_RETURN_IF_ERROR(activation_backward(act_, g_z1_, g_a1_, z1_, a1_));
  g_s_.resize({N, C_});
  fc1_weight_grad.resize(fc1_weight.shape());
  fc1_bias_grad.resize(fc1_bias.shape());
  linear_backward_kernel(N, C_, S_, g_z1_.data(), squeeze_.data(), fc1_weight.data(), g_s_.data(),
                         fc1_weight_grad.data(), fc1_bias_grad.data());
  // x reaches the output directly (times e) and through the mean: gx = gy * e + g_s / HW.
  grad_in.resize(in_.shape());
  const float inv_hw = 1.0f / static_cast<float>(HW);
  for (size_t nc = 0; nc < static_cast<size_t>(N) * C_; ++nc) {
    const float e = e_[nc], gs = g_s_[nc] * inv_hw;
    const float* gy = grad_out.data() + nc * HW;
    float* gx = grad_in.data() + nc * HW;
    for (size_t i = 0; i < HW; ++i) gx[i] = gy[i] * e + gs;
  }
  return Status::ok();
}

void SqueezeExcite::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  if (!status_) return;
  fc1_weight_grad.resize(fc1_weight.shape());
  fc1_bias_grad.resize(fc1_bias.shape());
  fc2_weight_grad.resize(fc2_weight.shape());
  fc2_bias_grad.resize(fc2_bias.shape());
  out.push_back({prefix + "fc1.weight", &fc1_weight, &fc1_weight_grad, true, false});
  out.push_back({prefix + "fc1.bias", &fc1_bias, &fc1_bias_grad, true, false});
  out.push_back({prefix + "fc2.weight", &fc2_weight, &fc2_weight_grad, true, false});
  out.push_back({prefix + "fc2.bias", &fc2_bias, &fc2_bias_grad, true, false});
}

void SqueezeExcite::trace_internals(const std::string& prefix, Trace& trace) const {
  trace.record(prefix + "squeeze", squeeze_);
  trace.record(prefix + "fc1", z1_);
  trace.record(prefix + "act", a1_);
  trace.record(prefix + "fc2", z2_);
  trace.record(prefix + "excitation_raw", e_raw_);
  trace.record(prefix + "excitation", e_);
  // The scaled output, recomputed exactly as forward did (x * e) rather than copied on every
  // forward: only a Trace needs it, and the container records the same tensor as this layer's output.
  Tensor scale(in_.shape());
  const size_t HW = in_.rank() == 4 ? static_cast<size_t>(in_.dim(2)) * in_.dim(3) : 0;
  for (size_t nc = 0; HW > 0 && nc < e_.numel(); ++nc)
    for (size_t i = 0; i < HW; ++i) scale[nc * HW + i] = in_.data()[nc * HW + i] * e_[nc];
  trace.record(prefix + "scale", scale);
}

}  // namespace cs
