// winograd_wasm.h — Winograd F(2x2,3x3) convolution written for wasm SIMD128:
//   in (N, C, H, W), weight (OC, C, 3, 3), bias (OC) or none -> out (N, OC, OH, OW),
// stride 1, dilation 1, groups 1, any padding. Same maths as winograd.cpp (U = G g G^T,
// V = B^T d B, 16 products M = U V summed over channels, y = A^T M A), but every pass works on
// vectors of 4 neighbouring tiles: the input transform de-interleaves 4 tiles' columns with
// shuffles, the 16 small GEMMs use the direct tile's register blocking (4 output channels x 2
// vectors, weights broadcast) without packing, and the output transform interleaves the 2x2
// results back into rows, adding the bias and optionally ReLU as it stores.
// Why: wasm SIMD has no FMA, so the multiplications are the cost; the 4 x 2 direct tile ran at
// about the speed of XNNPACK's (tfjs-wasm) on L2/L3, and F(2x2,3x3) needs 2.25x fewer of them.
// Only built for wasm SIMD128.
#pragma once
#include "conv_geometry.h"

#if defined(__wasm_simd128__)
namespace cs {

// 3x3, stride 1, dilation 1, groups 1, and at least 4 tiles (7 output columns) per row.
bool winograd_wasm_applies(const ConvGeometry& g);

// out = conv(in, w) + b, then max(., 0) if relu. Requires winograd_wasm_applies(g).
void conv2d_forward_winograd_wasm(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                                  bool relu = false);

}  // namespace cs
#endif
