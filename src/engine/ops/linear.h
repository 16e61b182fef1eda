// linear.h — fully connected layer as PyTorch's nn.Linear: y = x W^T + b, through cs::gemm.
//   in (N, in_features), weight (out_features, in_features), bias (out_features) or none -> out (N, out_features)
#pragma once
#include "../status.h"
#include "../tensor.h"

namespace cs {

Status linear_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias);

// grad_in = grad_out W, grad_weight = grad_out^T x, grad_bias = column sums of grad_out.
// Any output may be null (not wanted); they are overwritten, not accumulated.
Status linear_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                       const Tensor& in, const Tensor& weight);

// Unchecked kernels: x (N, I), w (O, I), b (O) or null, y (N, O); all row-major contiguous.
// The squeeze-excite block calls these on its (O, I, 1, 1) weights, which have the same layout.
void linear_forward_kernel(int N, int I, int O, const float* x, const float* w, const float* b, float* y);
void linear_backward_kernel(int N, int I, int O, const float* gy, const float* x, const float* w, float* gx,
                            float* gw, float* gb);

}  // namespace cs
