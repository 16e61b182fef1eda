// conv2d_auto.cpp — picks the fastest convolution path for a shape (ConvAlgo::Auto).
// Baseline: im2col + GEMM for everything; the engine-speed work adds 1x1, depthwise and Winograd routes.
#include "conv2d.h"

namespace cs {

void conv2d_forward_auto(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                         Workspace& ws) {
  conv2d_forward_im2col(g, in, w, b, out, ws);
}

void conv2d_backward_auto(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                          float* grad_in, float* grad_w, float* grad_b, Workspace& ws) {
  conv2d_backward_im2col(g, grad_out, in, w, grad_in, grad_w, grad_b, ws);
}

}  // namespace cs
