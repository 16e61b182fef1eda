// conv2d_im2col.cpp — Conv2d as a matrix multiply: per image, unfold patches into columns
// (im2col), then per group out_g (OCg, L) = W_g (OCg, Cg*KH*KW) * cols_g (Cg*KH*KW, L).
// Backward: dW_g += dY_g * cols_g^T and dX = col2im(W_g^T * dY_g), col2im being im2col's adjoint.
// A 1x1 stride-1 unpadded convolution skips im2col: its "columns" are the input itself.
// Workspace slots: 0 = columns of one image, 1 = column gradients of one image.
#include <cstring>

#include "conv2d.h"
#include "gemm.h"
#include "im2col.h"

namespace cs {

namespace {

bool is_pointwise(const ConvGeometry& g) {
  return g.KH == 1 && g.KW == 1 && g.p.stride.h == 1 && g.p.stride.w == 1 && g.p.padding.h == 0 &&
         g.p.padding.w == 0;
}

}  // namespace

void conv2d_forward_im2col(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                           Workspace& ws) {
  const PatchGeometry pg = patch_geometry(g);
  const int L = pg.cols(), ocg = g.oc_per_group();
  const int kg = g.c_per_group() * g.KH * g.KW;  // rows of one group's slice of the columns
  const bool direct = is_pointwise(g);
  float* cols = direct ? nullptr : ws.buffer(0, static_cast<size_t>(pg.rows()) * L);
  for (int n = 0; n < g.N; ++n) {
    const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
    float* y = out + static_cast<size_t>(n) * g.OC * L;
    const float* c = x;
    if (!direct) {
      im2col(pg, x, cols);
      c = cols;
    }
    for (int grp = 0; grp < g.p.groups; ++grp)
      gemm(false, false, ocg, L, kg, w + static_cast<size_t>(grp) * ocg * kg, kg, c + static_cast<size_t>(grp) * kg * L,
           L, 0.0f, y + static_cast<size_t>(grp) * ocg * L, L);
    if (b)
      for (int oc = 0; oc < g.OC; ++oc) {
        float* row = y + static_cast<size_t>(oc) * L;
        for (int i = 0; i < L; ++i) row[i] += b[oc];
      }
  }
}

void conv2d_backward_im2col(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                            float* grad_in, float* grad_w, float* grad_b, Workspace& ws) {
  const PatchGeometry pg = patch_geometry(g);
  const int L = pg.cols(), ocg = g.oc_per_group();
  const int kg = g.c_per_group() * g.KH * g.KW;
  const bool direct = is_pointwise(g);
  const size_t col_size = static_cast<size_t>(pg.rows()) * L;
  float* cols = (grad_w && !direct) ? ws.buffer(0, col_size) : nullptr;
  float* dcols = (grad_in && !direct) ? ws.buffer(1, col_size) : nullptr;
  if (grad_w) std::memset(grad_w, 0, sizeof(float) * static_cast<size_t>(g.OC) * kg);  // summed over images
  if (grad_b) std::memset(grad_b, 0, sizeof(float) * static_cast<size_t>(g.OC));
  for (int n = 0; n < g.N; ++n) {
    const float* dy = grad_out + static_cast<size_t>(n) * g.OC * L;
    if (grad_b)
      for (int oc = 0; oc < g.OC; ++oc) {
        const float* row = dy + static_cast<size_t>(oc) * L;
        float s = 0.0f;
        for (int i = 0; i < L; ++i) s += row[i];
        grad_b[oc] += s;
      }
    if (grad_w) {
      const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
      const float* c = x;
      if (!direct) {
        im2col(pg, x, cols);
        c = cols;
      }
      for (int grp = 0; grp < g.p.groups; ++grp)  // dW_g (OCg, kg) += dY_g (OCg, L) * cols_g^T (L, kg)
        gemm(false, true, ocg, kg, L, dy + static_cast<size_t>(grp) * ocg * L, L, c + static_cast<size_t>(grp) * kg * L,
             L, 1.0f, grad_w + static_cast<size_t>(grp) * ocg * kg, kg);
    }
    if (grad_in) {
      float* dx = grad_in + static_cast<size_t>(n) * g.C * g.H * g.W;
      float* dc = direct ? dx : dcols;
      for (int grp = 0; grp < g.p.groups; ++grp)  // dcols_g (kg, L) = W_g^T (kg, OCg) * dY_g (OCg, L)
        gemm(true, false, kg, L, ocg, w + static_cast<size_t>(grp) * ocg * kg, kg, dy + static_cast<size_t>(grp) * ocg * L,
             L, 0.0f, dc + static_cast<size_t>(grp) * kg * L, L);
      if (!direct) col2im(pg, dcols, dx);
    }
  }
}

}  // namespace cs
