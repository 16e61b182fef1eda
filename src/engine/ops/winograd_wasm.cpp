// winograd_wasm.cpp — the SIMD128 Winograd F(2x2,3x3) convolution of winograd_wasm.h. Tiles are
// taken in vectors of 4 along a tile row (a row's last vector moved left to end at the row, as
// the direct tile does with columns: 7 tiles = 4 + 4 overlapping by 1, each written twice with
// the same sums); lane (q, i) of every transform and GEMM is tile (th, tw0(q) + i).
#include "winograd_wasm.h"

#if defined(__wasm_simd128__)
#include <algorithm>
#include <cstddef>
#include <vector>

#include "simd.h"

namespace cs {

namespace {

using namespace simd_wasm;

constexpr int MR = 4, NV = 2;  // the GEMM tile: 4 output channels x 2 vectors of 4 tiles

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// The sizes of one call: TH x TW tiles; a tile row is nq vectors; TL lanes in all (TH*nq*4).
struct Plan {
  int TH, TW, nq, TL, panels, Hp, Wp;
  int tw0(int q) const { return std::min(4 * q, TW - 4); }
};

// m[r*ldm + 4v + lane] = sum_c u[c*MR + r] * vin[c*ldv + 4v + lane] for r < MR, v < NVX.
template <int NVX>
void gemm_tile(int C, const float* __restrict u, const float* vin, ptrdiff_t ldv, float* m, ptrdiff_t ldm) {
  V acc[MR][NVX];
#pragma unroll
  for (int r = 0; r < MR; ++r)
#pragma unroll
    for (int v = 0; v < NVX; ++v) acc[r][v] = v_zero();
  for (int c = 0; c < C; ++c) {
    V b[NVX];
#pragma unroll
    for (int v = 0; v < NVX; ++v) b[v] = v_load(vin + 4 * v);
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      const V a = v_bcast(u + r);
#pragma unroll
      for (int v = 0; v < NVX; ++v) acc[r][v] = v_madd(a, b[v], acc[r][v]);
    }
    u += MR;
    vin += ldv;
  }
#pragma unroll
  for (int r = 0; r < MR; ++r)
#pragma unroll
    for (int v = 0; v < NVX; ++v) v_store(m + r * ldm + 4 * v, acc[r][v]);
}

// The 4 rows of 4 neighbouring tiles' 4x4 input patches (tile i starts 2*i floats after p, rows
// Wp apart), transformed: V[xi*ldx] = (B^T d B)[xi] for the 4 tiles, xi = 4*row + column.
inline void input_tiles(const float* p, int Wp, float* Vx, ptrdiff_t ldx) {
  V r[4][4];
#pragma unroll
  for (int s = 0; s < 4; ++s) {
    const float* rp = p + s * Wp;
    const V a = v_load(rp), b = v_load(rp + 4), a2 = v_load(rp + 2), b2 = v_load(rp + 6);
    // d_k = the k-th column of each tile's patch row: floats 2i + k for the 4 tiles i.
    const V d0 = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), d1 = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
    const V d2 = wasm_i32x4_shuffle(a2, b2, 0, 2, 4, 6), d3 = wasm_i32x4_shuffle(a2, b2, 1, 3, 5, 7);
    r[s][0] = wasm_f32x4_sub(d0, d2);  // (d B), as winograd_input_transform's second step
    r[s][1] = wasm_f32x4_add(d1, d2);
    r[s][2] = wasm_f32x4_sub(d2, d1);
    r[s][3] = wasm_f32x4_sub(d1, d3);
  }
#pragma unroll
  for (int k = 0; k < 4; ++k) {  // B^T (d B), row by row
    v_store(Vx + (0 * 4 + k) * ldx, wasm_f32x4_sub(r[0][k], r[2][k]));
    v_store(Vx + (1 * 4 + k) * ldx, wasm_f32x4_add(r[1][k], r[2][k]));
    v_store(Vx + (2 * 4 + k) * ldx, wasm_f32x4_sub(r[2][k], r[1][k]));
    v_store(Vx + (3 * 4 + k) * ldx, wasm_f32x4_sub(r[1][k], r[3][k]));
  }
}

// winograd_kernel_transform for 4 kernels in the lanes of gk[9] (row-major 3x3), in its order of
// operations (the same sums bit for bit): U[xi*ldu] = (G g G^T)[xi].
inline void kernel_tiles(const V gk[9], float* Ux, ptrdiff_t ldu) {
  const V half = v_splat(0.5f);
  V t[4][3];  // t = G g
#pragma unroll
  for (int c = 0; c < 3; ++c) {
    t[0][c] = gk[0 * 3 + c];
    t[1][c] = v_mul(half, v_add(v_add(gk[0 * 3 + c], gk[1 * 3 + c]), gk[2 * 3 + c]));
    t[2][c] = v_mul(half, v_add(wasm_f32x4_sub(gk[0 * 3 + c], gk[1 * 3 + c]), gk[2 * 3 + c]));
    t[3][c] = gk[2 * 3 + c];
  }
#pragma unroll
  for (int r = 0; r < 4; ++r) {  // u = t G^T
    v_store(Ux + (r * 4 + 0) * ldu, t[r][0]);
    v_store(Ux + (r * 4 + 1) * ldu, v_mul(half, v_add(v_add(t[r][0], t[r][1]), t[r][2])));
    v_store(Ux + (r * 4 + 2) * ldu, v_mul(half, v_add(wasm_f32x4_sub(t[r][0], t[r][1]), t[r][2])));
    v_store(Ux + (r * 4 + 3) * ldu, t[r][2]);
  }
}

// xp (C, Hp, Wp) = x (C, H, W) at row ph, column pw of a zero plane (Hp, Wp covers every tile).
void pad_image(const ConvGeometry& g, const Plan& pl, const float* x, float* xp) {
  const int ph = g.p.padding.h, pw = g.p.padding.w;
  for (int c = 0; c < g.C; ++c) {
    float* __restrict d = xp + static_cast<size_t>(c) * pl.Hp * pl.Wp;
    const float* __restrict s = x + static_cast<size_t>(c) * g.H * g.W;
    for (int i = 0; i < ph * pl.Wp; ++i) d[i] = 0.0f;
    for (int h = 0; h < g.H; ++h) {
      float* __restrict row = d + static_cast<size_t>(h + ph) * pl.Wp;
      const float* __restrict src = s + static_cast<size_t>(h) * g.W;
      for (int i = 0; i < pw; ++i) row[i] = 0.0f;
      for (int i = 0; i < g.W; ++i) row[pw + i] = src[i];
      for (int i = pw + g.W; i < pl.Wp; ++i) row[i] = 0.0f;
    }
    for (int i = (ph + g.H) * pl.Wp; i < pl.Hp * pl.Wp; ++i) d[i] = 0.0f;
  }
}

}  // namespace

bool winograd_wasm_applies(const ConvGeometry& g) {
  return g.p.groups == 1 && g.KH == 3 && g.KW == 3 && g.p.stride.h == 1 && g.p.stride.w == 1 &&
         g.p.dilation.h == 1 && g.p.dilation.w == 1 && g.OH >= 1 && (g.OW + 1) / 2 >= 4;
}

void conv2d_forward_winograd_wasm(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                                  bool relu) {
  Plan pl;
  pl.TH = (g.OH + 1) / 2;
  pl.TW = (g.OW + 1) / 2;
  pl.nq = (pl.TW + 3) / 4;
  pl.TL = pl.TH * pl.nq * 4;
  pl.panels = (g.OC + MR - 1) / MR;
  // Tile (th, tw) reads padded rows 2th .. 2th+3; a vector's row loads reach column 2*tw0 + 9.
  pl.Hp = std::max(g.H + 2 * g.p.padding.h, 2 * pl.TH + 2);
  pl.Wp = std::max(g.W + 2 * g.p.padding.w, 2 * pl.TW + 2);
  const int C = g.C, OCp = pl.panels * MR, L = g.OH * g.OW;
  const size_t plane = static_cast<size_t>(pl.Hp) * pl.Wp;

  static std::vector<float> u_store, v_store_, m_store, xp_store;
  // U[((xi*panels + p)*C + c)*MR + r] = (G g G^T)[xi] of kernel (p*MR + r, c): per xi, the panels
  // the GEMM tile broadcasts from (zeros past the last output channel).
  float* U = scratch(u_store, static_cast<size_t>(16) * OCp * C);
  float* Vb = scratch(v_store_, static_cast<size_t>(16) * C * pl.TL);
  float* M = scratch(m_store, static_cast<size_t>(16) * OCp * pl.TL);
  float* xp = scratch(xp_store, plane * C);
  // The 4 channels of a panel are the 4 lanes: each xi's 4 values are one store. L2 (N=1) pays
  // for these once per image: 512 scalar transforms before, lowest L2 CPU ms of 8 node runs under
  // load ~12: 0.059 scalar, 0.053 vectors.
  static const float kZeroKernel[9] = {};
  for (int p = 0; p < pl.panels; ++p)
    for (int c = 0; c < C; ++c) {
      const float* k[MR];
      for (int r = 0; r < MR; ++r) {
        const int oc = p * MR + r;
        k[r] = oc < g.OC ? w + (static_cast<size_t>(oc) * C + c) * 9 : kZeroKernel;
      }
      V gk[9];
#pragma unroll
      for (int i = 0; i < 9; ++i) gk[i] = wasm_f32x4_make(k[0][i], k[1][i], k[2][i], k[3][i]);
      float* at = U + (static_cast<size_t>(p) * C + c) * MR;
      kernel_tiles(gk, at, static_cast<ptrdiff_t>(OCp) * C);
    }

  const int nvec = pl.TH * pl.nq;  // lane vectors per xi
  for (int n = 0; n < g.N; ++n) {
    pad_image(g, pl, in + static_cast<size_t>(n) * C * g.H * g.W, xp);
    // V[(xi*C + c)*TL + lane]
    for (int c = 0; c < C; ++c)
      for (int th = 0; th < pl.TH; ++th)
        for (int q = 0; q < pl.nq; ++q)
          input_tiles(xp + c * plane + static_cast<size_t>(2 * th) * pl.Wp + 2 * pl.tw0(q), pl.Wp,
                      Vb + static_cast<size_t>(c) * pl.TL + (th * pl.nq + q) * 4, static_cast<ptrdiff_t>(C) * pl.TL);
    // M[(xi*OCp + oc)*TL + lane] = sum_c U[xi](oc, c) V[xi](c, lane): 16 GEMMs, nvec vectors wide,
    // in tiles of NV vectors (an odd count ends with one of 1).
    for (int xi = 0; xi < 16; ++xi) {
      const float* Vx = Vb + static_cast<size_t>(xi) * C * pl.TL;
      for (int p = 0; p < pl.panels; ++p) {
        const float* up = U + (static_cast<size_t>(xi) * pl.panels + p) * C * MR;
        float* mp = M + (static_cast<size_t>(xi) * OCp + p * MR) * pl.TL;
        int v = 0;
        for (; v + NV <= nvec; v += NV) gemm_tile<NV>(C, up, Vx + 4 * v, pl.TL, mp + 4 * v, pl.TL);
        if (v < nvec) gemm_tile<1>(C, up, Vx + 4 * v, pl.TL, mp + 4 * v, pl.TL);
      }
    }
    // y = A^T M A + bias per tile, the 2x2 results interleaved back into output rows.
    float* y = out + static_cast<size_t>(n) * g.OC * L;
    const size_t ldx = static_cast<size_t>(OCp) * pl.TL;
    for (int oc = 0; oc < g.OC; ++oc) {
      const V bias = v_splat(b ? b[oc] : 0.0f);
      float* yp = y + static_cast<size_t>(oc) * L;
      for (int th = 0; th < pl.TH; ++th)
        for (int q = 0; q < pl.nq; ++q) {
          const float* m = M + static_cast<size_t>(oc) * pl.TL + (th * pl.nq + q) * 4;
          V t[2][4];
#pragma unroll
          for (int k = 0; k < 4; ++k) {  // t = A^T m
            const V m0 = v_load(m + (0 * 4 + k) * ldx), m1 = v_load(m + (1 * 4 + k) * ldx);
            const V m2 = v_load(m + (2 * 4 + k) * ldx), m3 = v_load(m + (3 * 4 + k) * ldx);
            t[0][k] = v_add(v_add(m0, m1), m2);
            t[1][k] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
          }
          const int ow0 = 2 * pl.tw0(q);
#pragma unroll
          for (int r = 0; r < 2; ++r) {  // y = t A: columns 2*tw and 2*tw + 1 of each tile
            const int oh = 2 * th + r;
            if (oh >= g.OH) break;
            V y0 = v_add(v_add(v_add(t[r][0], t[r][1]), t[r][2]), bias);
            V y1 = v_add(wasm_f32x4_sub(wasm_f32x4_sub(t[r][1], t[r][2]), t[r][3]), bias);
            if (relu) {
              y0 = v_relu(y0);
              y1 = v_relu(y1);
            }
            const V lo = wasm_i32x4_shuffle(y0, y1, 0, 4, 1, 5), hi = wasm_i32x4_shuffle(y0, y1, 2, 6, 3, 7);
            float* row = yp + static_cast<size_t>(oh) * g.OW + ow0;
            if (ow0 + 8 <= g.OW) {
              v_store(row, lo);
              v_store(row + 4, hi);
            } else {  // odd OW: the last tile's second column lies outside the row
              float lanes[8];
              v_store(lanes, lo);
              v_store(lanes + 4, hi);
              for (int i = 0; i < g.OW - ow0; ++i) row[i] = lanes[i];
            }
          }
        }
    }
  }
}

}  // namespace cs
#endif
