// winograd_avx2.h — Winograd F(2x2,3x3) convolution for x86 AVX2+FMA (the native counterpart of
// winograd_wasm.h): in (N, C, H, W), weight (OC, C, 3, 3), bias (OC) or none -> out (N, OC, OH, OW),
// stride 1, dilation 1, groups 1, any padding. Same maths as winograd.cpp (U = G g G^T,
// V = B^T d B, M = sum over channels of U V, y = A^T M A), laid out for the machine: the 2x2 tiles
// of an image are numbered row after row and taken 8 to a vector, in blocks small enough that a
// block's transformed input V[16][C][tiles] stays in L2; the 16 GEMMs go xi by xi (V[xi] and U[xi]
// in L1; a 4 channels x 3 vectors FMA register tile, U broadcast), then the output transform
// reads M back and stores y with the bias and optionally ReLU.
// Why: F(2x2,3x3) needs 2.25x fewer multiplications than the direct tile (conv2d_direct.h), which
// ran most of M1-b64's time natively.
// The fused inference variant pools as it stores: a tile's 2x2 outputs are exactly a
// MaxPool2d(2)'s window, so maxpool2x2(relu(conv)) is one max over a tile's four values and the
// full-size output is never written (the contract of conv2d_forward_direct_relu_pool2).
// Only built for x86 with GCC or clang (CS_WINOGRAD_AVX2); the kernel runs only in the avx2 and
// avx512 CPU families (cpu.h: the CPU has AVX2 + FMA; the scalar family switches it off).
#pragma once
#include "conv_geometry.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CS_WINOGRAD_AVX2 1

namespace cs {

// The CPU family in use (cpu.h) is avx2 or avx512.
bool winograd_avx2_available();

// 3x3, stride 1, dilation 1, groups 1, and winograd_avx2_available().
bool winograd_avx2_applies(const ConvGeometry& g);

// out = conv(in, w) + b, then max(., 0) if relu. Requires winograd_avx2_applies(g).
void conv2d_forward_winograd_avx2(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                                  bool relu = false);

// Inference fusion of conv + ReLU + MaxPool2d(2) (kernel 2, stride 2, no padding, floor):
//   pooled (N, OC, OH/2, OW/2) = maxpool2x2(relu(conv(in) + b)), and if sums != null,
//   sums (N, OC) = the sum over all OH x OW of relu(conv(in) + b) (odd OH/OW: the last row/column
//   is left out of the pool but counted in the sums), accumulated in double (each tile's four
//   values are added in float first).
// Pooled values equal max_pool2d_forward(relu(conv2d_forward_winograd_avx2(..))) bit for bit (the
// same sums; finite inputs). Requires winograd_avx2_relu_pool2_applies(g).
bool winograd_avx2_relu_pool2_applies(const ConvGeometry& g);
void conv2d_forward_winograd_avx2_relu_pool2(const ConvGeometry& g, const float* in, const float* w, const float* b,
                                             float* pooled, double* sums);

}  // namespace cs
#endif
