// conv2d.h — 2-D convolution (cross-correlation, as PyTorch), forward and backward, NCHW float32.
//   in (N, C, H, W), weight (OC, C/groups, KH, KW), bias (OC) or none -> out (N, OC, OH, OW)
// Three interchangeable algorithms that must agree:
//   Reference — the seven nested loops, for teaching and as the oracle;
//   Im2col    — im2col + GEMM (backward through col2im, its adjoint);
//   Winograd  — F(2x2, 3x3), only for 3x3, stride 1, dilation 1 (an error otherwise, never a silent fallback);
//   Auto      — the fastest path for the shape (1x1 without im2col, direct depthwise, ...).
#pragma once
#include "../status.h"
#include "../tensor.h"
#include "conv_geometry.h"
#include "workspace.h"

namespace cs {

enum class ConvAlgo { Auto, Reference, Im2col, Winograd };
const char* conv_algo_name(ConvAlgo a);            // "auto", "reference", "im2col", "winograd"
bool parse_conv_algo(const char* name, ConvAlgo* out);

// Validating entry points. `out` is resized (reusing its storage). `bias` may be null.
// `ws` may be null (a thread-local workspace is used then).
Status conv2d_forward(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                      const Conv2dParams& p, ConvAlgo algo = ConvAlgo::Auto, Workspace* ws = nullptr);

// Inference: out = max(conv2d_forward(...), 0), for a Conv2d followed by ReLU whose pre-ReLU output
// nobody reads. Auto applies ReLU as the direct kernel stores its outputs where that path runs
// (one pass over the output fewer), otherwise (and for the other algorithms) right after.
Status conv2d_forward_relu(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor* bias,
                           const Conv2dParams& p, ConvAlgo algo = ConvAlgo::Auto, Workspace* ws = nullptr);

// Gradients of conv2d_forward. Any of grad_in / grad_weight / grad_bias may be null (not wanted).
// They are overwritten (not accumulated) and resized to the shapes of in / weight / (OC).
// ConvAlgo::Winograd: F(2x2,3x3) is a forward algorithm, so its gradients are computed with
// im2col + GEMM (same maths); a shape Winograd cannot run is still an error here, as in forward.
Status conv2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias,
                       const Tensor& grad_out, const Tensor& in, const Tensor& weight,
                       const Conv2dParams& p, ConvAlgo algo = ConvAlgo::Auto, Workspace* ws = nullptr);

bool winograd_supported(const ConvGeometry& g);  // 3x3, stride 1, dilation 1 (any groups/padding)

// Unchecked kernels on validated geometry (raw pointers; out is N*OC*OH*OW floats).
void conv2d_forward_reference(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out);
void conv2d_forward_im2col(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out, Workspace& ws);
void conv2d_forward_winograd(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out, Workspace& ws);
void conv2d_forward_auto(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out, Workspace& ws,
                         bool relu = false);  // relu: out = max(out, 0) too
// The kernel conv2d_forward_auto runs on g: "winograd_avx2", "winograd_simd128", "direct",
// "depthwise", "winograd" or "gemm" (the inference fusions and the tests ask it, so they follow
// the routing instead of copying it).
const char* conv2d_auto_forward_path(const ConvGeometry& g);

// Backward kernels: each pointer may be null (not wanted); outputs are overwritten.
void conv2d_backward_reference(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                               float* grad_in, float* grad_w, float* grad_b);
void conv2d_backward_im2col(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                            float* grad_in, float* grad_w, float* grad_b, Workspace& ws);
void conv2d_backward_auto(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                          float* grad_in, float* grad_w, float* grad_b, Workspace& ws);

}  // namespace cs
