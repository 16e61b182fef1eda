// conv2d_direct.h — direct stride-1 convolution (an implicit GEMM without an im2col buffer):
//   in (N, C, H, W), weight (OC, C, KH, KW), bias (OC) or none -> out (N, OC, OH, OW), groups 1.
// Each image is copied once into a zero-padded buffer; a register tile of output channels x
// vectors of output columns then reads its inputs straight from it (stride 1: the VL inputs of
// VL neighbouring outputs are neighbours too). ConvAlgo::Auto routes the shapes where it measured
// faster than im2col + GEMM here (conv2d_auto.cpp); optionally ReLU is applied as the outputs are
// stored (inference layers fuse Conv2d + ReLU this way: one memory pass fewer).
#pragma once
#include "conv_geometry.h"

namespace cs {

// stride 1, groups 1, and every output row at least one vector of the active kernel wide.
bool conv2d_direct_applies(const ConvGeometry& g);

// The instruction set of the tile, following the GEMM's active kernel (gemm_use_kernel):
// "avx2" (also under the avx512 GEMM: AVX2 is a subset), "simd128", "scalar".
const char* conv2d_direct_kernel_name();

// out = conv(in, w) + b, then max(., 0) if relu. Requires conv2d_direct_applies(g).
void conv2d_forward_direct(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                           bool relu = false);

}  // namespace cs
