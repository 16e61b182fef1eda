// linear.cpp — nn.Linear forward/backward as three GEMM calls, with the shape checks in front.
#include "linear.h"

#include "gemm.h"

namespace cs {

void linear_forward_kernel(int N, int I, int O, const float* x, const float* w, const float* b, float* y) {
  // y (N, O): broadcast the bias into y, then y += x (N, I) * w^T (I, O).
  for (int n = 0; n < N; ++n)
    for (int o = 0; o < O; ++o) y[static_cast<size_t>(n) * O + o] = b ? b[o] : 0.0f;
  gemm(false, true, N, O, I, x, I, w, I, 1.0f, y, O);
}

void linear_backward_kernel(int N, int I, int O, const float* gy, const float* x, const float* w, float* gx,
                            float* gw, float* gb) {
  if (gx) gemm(false, false, N, I, O, gy, O, w, I, 0.0f, gx, I);  // (N, O) * (O, I)
  if (gw) gemm(true, false, O, I, N, gy, O, x, I, 0.0f, gw, I);   // (O, N) * (N, I)
  if (gb) {
    for (int o = 0; o < O; ++o) gb[o] = 0.0f;
    for (int n = 0; n < N; ++n)
      for (int o = 0; o < O; ++o) gb[o] += gy[static_cast<size_t>(n) * O + o];
  }
}

static Status check_linear(const Tensor& in, const Tensor& weight, const char* who) {
  CS_RETURN_IF_ERROR(expect_rank(in, 2, who, "(batch, in_features)"));
  if (weight.rank() != 2)
    return Status::error(fmt("%s expected a 2D weight (out_features, in_features), got %s", who,
                             weight.shape_string().c_str()));
  if (weight.dim(1) != in.dim(1))
    return Status::error(fmt("%s: input %s has %d features but weight %s expects in_features=%d", who,
                             in.shape_string().c_str(), in.dim(1), weight.shape_string().c_str(), weight.dim(1)));
  return Status::ok();
}

Status linear_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias) {
  CS_RETURN_IF_ERROR(check_linear(in, weight, "Linear"));
  const int N = in.dim(0), I = in.dim(1), O = weight.dim(0);
  if (bias && (bias->rank() != 1 || bias->dim(0) != O))
    return Status::error(fmt("Linear: bias must have shape (%d,) for out_features=%d, got %s", O, O,
                             bias->shape_string().c_str()));
  if (&out == &in) return Status::error("Linear: out must not alias in");
  out.resize({N, O});
  linear_forward_kernel(N, I, O, in.data(), weight.data(), bias ? bias->data() : nullptr, out.data());
  return Status::ok();
}

Status linear_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                       const Tensor& in, const Tensor& weight) {
  CS_RETURN_IF_ERROR(check_linear(in, weight, "Linear backward"));
  const int N = in.dim(0), I = in.dim(1), O = weight.dim(0);
  CS_RETURN_IF_ERROR(expect_shape(grad_out, {N, O}, "Linear backward", "grad_output"));
  if (grad_in) grad_in->resize({N, I});
  if (grad_weight) grad_weight->resize({O, I});
  if (grad_bias) grad_bias->resize({O});
  linear_backward_kernel(N, I, O, grad_out.data(), in.data(), weight.data(), grad_in ? grad_in->data() : nullptr,
                         grad_weight ? grad_weight->data() : nullptr, grad_bias ? grad_bias->data() : nullptr);
  return Status::ok();
}

}  // namespace cs
