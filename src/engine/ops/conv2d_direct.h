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

// The instruction set of the tile, following the CPU family in use (cpu.h): "avx2" (in the avx2
// and avx512 families), "simd128", "scalar".
const char* conv2d_direct_kernel_name();

// out = conv(in, w) + b, then max(., 0) if relu. Requires conv2d_direct_applies(g).
void conv2d_forward_direct(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                           bool relu = false);

// Inference fusion of conv + ReLU + MaxPool2d(2) (kernel 2, stride 2, no padding, floor):
//   pooled (N, OC, OH/2, OW/2) = maxpool2x2(relu(conv(in) + b)), and if sums != null,
//   sums (N, OC) = the sum over all OH x OW of relu(conv(in) + b) (in double; what an SE layer
//   between the ReLU and the pool needs for its channel means).
// The OH x OW output is never stored: each block of output rows is pooled from a per-thread band
// while it is in cache (M1's conv1 writes and the pool re-read 3.2 MB per batch of 64 otherwise);
// without sums the AVX2 kernel pools in registers instead (a tile of 4 channels x a row pair x 8
// columns -> 4 x 4 pooled values; no band at all).
// Pooled values equal max_pool2d_forward(relu(conv2d_forward_direct(..))) bit for bit (the same
// sums; finite inputs). Requires conv2d_direct_relu_pool2_applies(g).
bool conv2d_direct_relu_pool2_applies(const ConvGeometry& g);
void conv2d_forward_direct_relu_pool2(const ConvGeometry& g, const float* in, const float* w, const float* b,
                                      float* pooled, double* sums);

}  // namespace cs
