// pool.h — 2-D pooling, forward and backward, NCHW float32, exactly as PyTorch:
//   MaxPool2d          in (N,C,H,W) -> out (N,C,OH,OW); padding is -inf (never 0); backward routes
//                      each gradient to the window's argmax (ties: the first, as PyTorch's CPU kernel)
//   AvgPool2d          with ceil_mode, count_include_pad and divisor_override as PyTorch
//   AdaptiveAvgPool2d  windows start = floor(i*in/out), end = ceil((i+1)*in/out)
//   global average     = AdaptiveAvgPool2d(1): (N,C,H,W) -> (N,C,1,1)
// Output sizes come from pool_output_size() in conv_geometry.h (PyTorch's ceil_mode rule).
#pragma once
#include <cstdint>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "conv_geometry.h"

namespace cs {

// nn.MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False).
// kernel_size has no PyTorch default; 2x2 is the common choice. stride 0 means "= kernel" (None).
struct MaxPool2dParams {
  Size2 kernel{2, 2};
  Size2 stride{0, 0};
  Size2 padding{0, 0};
  Size2 dilation{1, 1};
  bool ceil_mode = false;
};

// nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
// divisor_override=None). divisor_override 0 means None.
struct AvgPool2dParams {
  Size2 kernel{2, 2};
  Size2 stride{0, 0};
  Size2 padding{0, 0};
  bool ceil_mode = false;
  bool count_include_pad = true;
  int divisor_override = 0;
};

// A validated pooling call (stride resolved, dilation 1 for average pooling).
struct PoolGeometry {
  int N = 0, C = 0, H = 0, W = 0, OH = 0, OW = 0;
  Size2 kernel, stride, padding, dilation{1, 1};
  bool ceil_mode = false;
};

Status max_pool2d_geometry(const Shape& in, const MaxPool2dParams& p, PoolGeometry* g);
Status avg_pool2d_geometry(const Shape& in, const AvgPool2dParams& p, PoolGeometry* g);

// `argmax` (optional) receives, per output element, the flat index h*W + w of the chosen input
// within its (n, c) plane — PyTorch's return_indices layout — or -1 if the window saw no input.
Status max_pool2d_forward(Tensor& out, const Tensor& in, const MaxPool2dParams& p,
                          std::vector<int32_t>* argmax = nullptr);
// Recomputes the argmax from `in`, so callers need not keep indices. grad_in is overwritten.
Status max_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in, const MaxPool2dParams& p);

Status avg_pool2d_forward(Tensor& out, const Tensor& in, const AvgPool2dParams& p);
Status avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape, const AvgPool2dParams& p);

// AdaptiveAvgPool2d(output_size); the backward takes the output size from grad_out.
Status adaptive_avg_pool2d_forward(Tensor& out, const Tensor& in, Size2 output_size);
Status adaptive_avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape);

// Global average pooling: (N,C,H,W) -> (N,C,1,1).
Status global_avg_pool2d_forward(Tensor& out, const Tensor& in);
Status global_avg_pool2d_backward(Tensor& grad_in, const Tensor& grad_out, const Shape& in_shape);

// AdaptiveAvgPool2d's window along one axis: [start, end) of input for output index i.
inline int adaptive_start(int i, int in, int out) { return static_cast<int>((static_cast<long long>(i) * in) / out); }
inline int adaptive_end(int i, int in, int out) {
  return static_cast<int>(((static_cast<long long>(i) + 1) * in + out - 1) / out);
}

}  // namespace cs
