// conv_transpose2d.h — ConvTranspose2d (a.k.a. "deconvolution"), forward and backward, as PyTorch:
//   in (N, Cin, H, W), weight (Cin, Cout/groups, KH, KW), bias (Cout) or none -> out (N, Cout, OH, OW)
//   OH = (H-1)*stride - 2*padding + dilation*(KH-1) + output_padding + 1
// It is the adjoint of Conv2d with the same weight: its forward is Conv2d's input gradient, its
// input gradient is Conv2d's forward. The code says exactly that, so both share one set of kernels.
#pragma once
#include "../status.h"
#include "../tensor.h"
#include "conv2d.h"
#include "conv_geometry.h"
#include "workspace.h"

namespace cs {

// nn.ConvTranspose2d(..., stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1).
struct ConvTranspose2dParams {
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 output_padding{0, 0};  // must be < stride or < dilation (per dimension), as PyTorch
  Size2 dilation{1, 1};
  int groups = 1;
};

// Validates and returns the geometry of the *adjoint Conv2d*: its input is this op's output
// (N, Cout, OH, OW) [g.C, g.H, g.W], its output is this op's input (N, Cin, H, W) [g.OC, g.OH, g.OW],
// with the same weight (g.OC = Cin, weight dim 1 = Cout/groups).
Status conv_transpose2d_geometry(const Shape& input, const Shape& weight, const ConvTranspose2dParams& p,
                                 ConvGeometry* g);

// algo: Reference (nested loops), Im2col (GEMM + col2im) or Auto; Winograd is an error.
Status conv_transpose2d_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                                const ConvTranspose2dParams& p, ConvAlgo algo = ConvAlgo::Auto, Workspace* ws = nullptr);

// Any of grad_in / grad_weight / grad_bias may be null; outputs are overwritten and resized.
Status conv_transpose2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                                 const Tensor& in, const Tensor& weight, const ConvTranspose2dParams& p,
                                 ConvAlgo algo = ConvAlgo::Auto, Workspace* ws = nullptr);

}  // namespace cs
