// depthwise.h — direct convolution for groups == in_channels (one input channel per group,
// `oc_per_group` output channels each): MobileNet/ConvNeXt depthwise layers. im2col is the wrong
// tool here (each column would feed a 1-row GEMM), so these loop over output rows and accumulate
// tap by tap into a row held in L1, a loop the compiler vectorises along the width.
//   in (N, C, H, W), weight (C*m, 1, KH, KW), bias (C*m) or none -> out (N, C*m, OH, OW)
// Any kernel size, stride, padding and dilation. Planes run in parallel (each output plane is
// written by one thread), so results do not depend on the thread count.
#pragma once
#include "conv_geometry.h"

namespace cs {

// True when the geometry is depthwise (c_per_group() == 1): the shapes these kernels take.
bool depthwise_applies(const ConvGeometry& g);

void depthwise_forward(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out);

// Each of grad_in / grad_w / grad_b may be null (not wanted); outputs are overwritten.
void depthwise_backward(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                        float* grad_in, float* grad_w, float* grad_b);

}  // namespace cs
