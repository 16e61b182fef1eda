// im2col.h — unfold image patches into matrix columns (im2col) and fold them back (col2im).
//   data_im (C, H, W) -> data_col (C*KH*KW, OH*OW), row = (c*KH + kh)*KW + kw, col = oh*OW + ow,
// exactly torch.nn.functional.unfold's layout for one image. col2im is the exact adjoint (zero,
// then +=): <im2col(x), y> == <x, col2im(y)>, which is why conv backward uses it for dX.
// The UI shows either orientation, so "patches as rows" (OH*OW, C*KH*KW) is here too.
#pragma once
#include "../status.h"
#include "../tensor.h"
#include "conv_geometry.h"

namespace cs {

// One image's patch geometry: C channels of H x W, a KH x KW kernel -> OH x OW positions.
struct PatchGeometry {
  int C = 0, H = 0, W = 0;
  int KH = 0, KW = 0;
  int OH = 0, OW = 0;
  Size2 stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int rows() const { return C * KH * KW; }  // one per (channel, kernel tap)
  int cols() const { return OH * OW; }      // one per output position
};

// The patch geometry of one image of a validated convolution (all C input channels).
PatchGeometry patch_geometry(const ConvGeometry& g);

// Validates C/H/W/kernel/params (groups ignored) and fills `out`; `who` prefixes messages.
Status make_patch_geometry(int C, int H, int W, Size2 kernel, const Conv2dParams& p, PatchGeometry* out,
                           const char* who = "im2col");

// [raw kernels] one image; no allocation, no validation.
void im2col(const PatchGeometry& pg, const float* data_im, float* data_col);       // (rows, cols)
void im2col_rows(const PatchGeometry& pg, const float* data_im, float* data_rows); // (cols, rows)
void col2im(const PatchGeometry& pg, const float* data_col, float* data_im);       // zero, then +=

// [tensor level] in (N, C, H, W) -> cols (N, C*KH*KW, OH*OW) = torch unfold, or with
// patches_as_rows (N, OH*OW, C*KH*KW).
Status im2col(Tensor& cols, const Tensor& in, Size2 kernel, const Conv2dParams& p, bool patches_as_rows = false);
// cols (N, C*KH*KW, L) -> out (N, C, output_size.h, output_size.w) = torch fold (sums overlaps).
Status col2im(Tensor& out, const Tensor& cols, Size2 output_size, Size2 kernel, const Conv2dParams& p);

}  // namespace cs
