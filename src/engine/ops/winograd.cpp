// winograd.cpp — Winograd F(2x2,3x3) tile transforms and the batched convolution built on them:
// kernels -> U (16, OC, C/groups); input tiles -> V (16, C, tiles); 16 GEMMs M = U * V per group;
// output transform of M -> 2x2 tiles, clipped at the border (odd output sizes).
// Only 3x3 / stride 1 / dilation 1 reaches here (conv2d_forward checks); padding and groups are free.
// Workspace slots: 2 = U, 3 = V, 4 = M.
#include "winograd.h"

#include <cstring>

#include "conv2d.h"
#include "gemm.h"

namespace cs {

const float kWinogradBT[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
const float kWinogradG[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
const float kWinogradAT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

// The matrices are mostly 0 and +-1, so the transforms are written out as adds: this is the
// whole point of Winograd (the multiplications happen only in the elementwise product).
void winograd_input_transform(const float d[16], float v[16]) {
  float t[16];  // t = B^T d
  for (int c = 0; c < 4; ++c) {
    t[0 * 4 + c] = d[0 * 4 + c] - d[2 * 4 + c];
    t[1 * 4 + c] = d[1 * 4 + c] + d[2 * 4 + c];
    t[2 * 4 + c] = d[2 * 4 + c] - d[1 * 4 + c];
    t[3 * 4 + c] = d[1 * 4 + c] - d[3 * 4 + c];
  }
  for (int r = 0; r < 4; ++r) {  // v = t B
    const float* x = t + r * 4;
    v[r * 4 + 0] = x[0] - x[2];
    v[r * 4 + 1] = x[1] + x[2];
    v[r * 4 + 2] = x[2] - x[1];
    v[r * 4 + 3] = x[1] - x[3];
  }
}

void winograd_kernel_transform(const float g[9], float u[16]) {
  float t[12];  // t = G g (4x3)
  for (int c = 0; c < 3; ++c) {
    t[0 * 3 + c] = g[0 * 3 + c];
    t[1 * 3 + c] = 0.5f * (g[0 * 3 + c] + g[1 * 3 + c] + g[2 * 3 + c]);
    t[2 * 3 + c] = 0.5f * (g[0 * 3 + c] - g[1 * 3 + c] + g[2 * 3 + c]);
    t[3 * 3 + c] = g[2 * 3 + c];
  }
  for (int r = 0; r < 4; ++r) {  // u = t G^T (4x4)
    const float* x = t + r * 3;
    u[r * 4 + 0] = x[0];
    u[r * 4 + 1] = 0.5f * (x[0] + x[1] + x[2]);
    u[r * 4 + 2] = 0.5f * (x[0] - x[1] + x[2]);
    u[r * 4 + 3] = x[2];
  }
}

void winograd_output_transform(const float m[16], float y[4]) {
  float t[8];  // t = A^T m (2x4)
  for (int c = 0; c < 4; ++c) {
    t[0 * 4 + c] = m[0 * 4 + c] + m[1 * 4 + c] + m[2 * 4 + c];
    t[1 * 4 + c] = m[1 * 4 + c] - m[2 * 4 + c] - m[3 * 4 + c];
  }
  for (int r = 0; r < 2; ++r) {  // y = t A (2x2)
    const float* x = t + r * 4;
    y[r * 2 + 0] = x[0] + x[1] + x[2];
    y[r * 2 + 1] = x[1] - x[2] - x[3];
  }
}

void winograd_tile(const float d[16], const float g[9], float y[4]) {
  float u[16], v[16], m[16];
  winograd_kernel_transform(g, u);
  winograd_input_transform(d, v);
  for (int i = 0; i < 16; ++i) m[i] = u[i] * v[i];
  winograd_output_transform(m, y);
}

// in (N,C,H,W), w (OC, C/groups, 3, 3) -> out (N,OC,OH,OW)
void conv2d_forward_winograd(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                             Workspace& ws) {
  const int cg = g.c_per_group(), ocg = g.oc_per_group();
  const int TH = (g.OH + 1) / 2, TW = (g.OW + 1) / 2, T = TH * TW;  // 2x2 output tiles, last ones clipped
  const size_t plane_u = static_cast<size_t>(g.OC) * cg, plane_v = static_cast<size_t>(g.C) * T,
               plane_m = static_cast<size_t>(g.OC) * T;
  float* U = ws.buffer(2, 16 * plane_u);
  float* V = ws.buffer(3, 16 * plane_v);
  float* M = ws.buffer(4, 16 * plane_m);

  // Kernels once per call: U[xi][oc][ic].
  for (size_t k = 0; k < plane_u; ++k) {
    float u[16];
    winograd_kernel_transform(w + k * 9, u);
    for (int xi = 0; xi < 16; ++xi) U[xi * plane_u + k] = u[xi];
  }

  for (int n = 0; n < g.N; ++n) {
    const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
    // Input tiles: V[xi][c][t]; tile (th, tw) covers input rows 2*th - pad .. +3 (zero outside).
    for (int c = 0; c < g.C; ++c) {
      const float* plane = x + static_cast<size_t>(c) * g.H * g.W;
      for (int th = 0; th < TH; ++th)
        for (int tw = 0; tw < TW; ++tw) {
          float d[16], v[16];
          const int h0 = conv_input_index(2 * th, 0, 1, g.p.padding.h, 1);
          const int w0 = conv_input_index(2 * tw, 0, 1, g.p.padding.w, 1);
          for (int r = 0; r < 4; ++r) {
            const int ih = h0 + r;
            for (int s = 0; s < 4; ++s) {
              const int iw = w0 + s;
              d[r * 4 + s] = (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) ? plane[ih * g.W + iw] : 0.0f;
            }
          }
          winograd_input_transform(d, v);
          const size_t t = static_cast<size_t>(th) * TW + tw;
          for (int xi = 0; xi < 16; ++xi) V[xi * plane_v + static_cast<size_t>(c) * T + t] = v[xi];
        }
    }
    // The elementwise products summed over channels are 16 independent matrix multiplies.
    for (int xi = 0; xi < 16; ++xi)
      for (int grp = 0; grp < g.p.groups; ++grp)
        gemm(false, false, ocg, T, cg, U + xi * plane_u + static_cast<size_t>(grp) * ocg * cg, cg,
             V + xi * plane_v + static_cast<size_t>(grp) * cg * T, T, 0.0f,
             M + xi * plane_m + static_cast<size_t>(grp) * ocg * T, T);
    // Output tiles, clipped where OH or OW is odd.
    float* y = out + static_cast<size_t>(n) * g.OC * g.OH * g.OW;
    for (int oc = 0; oc < g.OC; ++oc) {
      float* yp = y + static_cast<size_t>(oc) * g.OH * g.OW;
      const float bias = b ? b[oc] : 0.0f;
      for (int th = 0; th < TH; ++th)
        for (int tw = 0; tw < TW; ++tw) {
          const size_t t = static_cast<size_t>(th) * TW + tw;
          float m[16], o[4];
          for (int xi = 0; xi < 16; ++xi) m[xi] = M[xi * plane_m + static_cast<size_t>(oc) * T + t];
          winograd_output_transform(m, o);
          for (int r = 0; r < 2; ++r) {
            const int oh = 2 * th + r;
            if (oh >= g.OH) break;
            for (int s = 0; s < 2; ++s) {
              const int ow = 2 * tw + s;
              if (ow >= g.OW) break;
              yp[oh * g.OW + ow] = o[r * 2 + s] + bias;
            }
          }
        }
    }
  }
}

}  // namespace cs
