// winograd_avx2.cpp — the AVX2+FMA Winograd F(2x2,3x3) convolution of winograd_avx2.h. Tile t of an
// image is (th, tw) = (t / TW, t % TW); lane i of a vector is tile t0 + i. A vector of 8 tiles is
// read from one tile row: where the row ends first (TW not a multiple of 8), its last lanes hold
// the next row's tiles or lie past the block; the next row's vector overwrites them (rows go in
// order) and the output stages only read the lanes of their own row (or mask them). So every
// tile goes through the same operations wherever it lies in a vector or block: the results do not
// depend on the blocking or the thread split.
#include "winograd_avx2.h"

#if defined(CS_WINOGRAD_AVX2)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../cpu.h"
#include "../parallel.h"
#include "simd.h"

namespace cs {

namespace {

constexpr int TV = 8;            // tiles per vector
constexpr int MR = 4, NV = 3;    // GEMM register tile: 4 output channels x 3 vectors (12 accumulators)
// Floats of one block's transformed input V (16 x C x block lanes): within L2 (512 KB here) next
// to U and M. The size hardly matters on this machine (L4, 64 channels, 1 thread, lowest min ms of
// 3 runs under load 7: 8K floats 1.52, 16K 1.55, 32K 1.53, 64K 1.53, 128K 1.55).
constexpr size_t kBlockFloats = 32 * 1024;

// The sizes of one call.
struct Plan {
  int TH, TW, T;       // tile rows, tile columns, tiles per image
  int Hp, Wp;          // the zero-padded plane: covers every tile's 4x4 patch
  size_t plane, xp_floats;
  int panels;          // groups of MR output channels
  int TB, nblocks;     // tiles per block (a multiple of TV), blocks per image
  int ldv;             // lanes of a V / M row: TB + TV (the last vector of a row may spill TV - 1 lanes)
  size_t vx, mx;       // floats from one xi to the next in V and M
  int POH, POW;        // pooled sizes (fused variant)
};

Plan make_plan(const ConvGeometry& g, int split) {
  Plan pl;
  pl.TH = (g.OH + 1) / 2;
  pl.TW = (g.OW + 1) / 2;
  pl.T = pl.TH * pl.TW;
  // Tile (th, tw) reads padded rows 2th .. 2th+3 and columns 2tw .. 2tw+3.
  pl.Hp = std::max(g.H + 2 * g.p.padding.h, 2 * pl.TH + 2);
  pl.Wp = std::max(g.W + 2 * g.p.padding.w, 2 * pl.TW + 2);
  pl.plane = static_cast<size_t>(pl.Hp) * pl.Wp;
  // A vector's 8 tiles read 18 columns from 2*tw0: past a row's end it reads on into the next
  // padded row, and past the last plane's end by at most 16 floats.
  pl.xp_floats = pl.plane * g.C + 32;
  pl.panels = (g.OC + MR - 1) / MR;
  const int t_pad = (pl.T + TV - 1) / TV * TV;
  int tb = static_cast<int>(kBlockFloats / (16 * static_cast<size_t>(g.C))) / TV * TV;
  tb = std::max(2 * TV, std::min(tb, t_pad));
  // Images that are split over the threads by blocks: at least `split` blocks.
  if (split > 1) {
    const int per = (pl.T + split - 1) / split;
    tb = std::max(2 * TV, std::min(tb, (per + TV - 1) / TV * TV));
  }
  pl.TB = std::min(tb, t_pad);
  pl.nblocks = (pl.T + pl.TB - 1) / pl.TB;
  pl.ldv = pl.TB + TV;
  // One cache line more than the xi plane: with power-of-two planes (L3: 4 KB of V, 8 KB of M)
  // the 16 xi of a tile fell into one L1 set (8 ways): the output transform's 16 loads and the
  // input transform's 16 stores kept evicting each other (L3, 1 thread, min ms: 2.27 -> 1.19).
  pl.vx = static_cast<size_t>(g.C) * pl.ldv + 16;
  pl.mx = static_cast<size_t>(pl.panels) * MR * pl.ldv + 16;
  pl.POH = g.OH / 2;
  pl.POW = g.OW / 2;
  return pl;
}

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// A padded-image buffer and the layout its zero padding was last written for: while the layout
// stays (every image of a batch, every call of the same shape) only the interior rows are copied
// (the padding loops were 5.5 % of M1-b64; with this and vector row copies 2.3 %: M1-b64 2.01 ->
// 1.89 ms CPU, L3 1.19 -> 1.13, 1 thread, lowest of 4 A/B rounds, load 8).
struct PadBuffer {
  std::vector<float> buf;
  int key[7] = {-1, -1, -1, -1, -1, -1, -1};
  const float* at = nullptr;
  // The buffer for this call's layout; *zeroed: its padding (and slack) is already zero.
  float* get(const ConvGeometry& g, const Plan& pl, bool* zeroed) {
    float* p = scratch(buf, pl.xp_floats);
    const int k[7] = {g.C, g.H, g.W, g.p.padding.h, g.p.padding.w, pl.Hp, pl.Wp};
    *zeroed = p == at && std::equal(k, k + 7, key);
    std::copy(k, k + 7, key);
    at = p;
    return p;
  }
};

// What the output stage of a block writes.
struct Sink {
  // Plain: out of this image (OC, OH, OW), relu or not.
  float* y = nullptr;
  bool relu = false;
  // Fused: pooled of this image (OC, POH, POW); part[oc] = the block's channel sums (or null).
  float* pooled = nullptr;
  double* part = nullptr;
  // Per tile t of the image (fused, odd OH or OW): masks (all bits or 0) of its valid outputs
  // (0, 1), (1, 0), (1, 1); null when every tile is whole. pidx[t]: the pooled index of tile t or
  // -1 (odd OW only; null when pooled index == t).
  const float* m01 = nullptr;
  const float* m10 = nullptr;
  const float* m11 = nullptr;
  const int* pidx = nullptr;
};

}  // namespace

}  // namespace cs

// [SECTION] AVX2 + FMA kernels --------------------------------------------------------------------
// The transform and register-tile helpers are inlined into their loops (GCC kept them as calls:
// 13 % of L3 in the call to input_tiles alone).
#define CS_ALWAYS_INLINE static inline __attribute__((always_inline))
CS_TARGET_BEGIN("avx2,fma")
namespace cs {
namespace wino_avx2 {

using namespace simd_avx2;

// p[0, n) = lanes [0, n) of v, n in [0, 8]: whole vectors and halves, then 2 and 1 floats (AMD's
// masked stores are microcoded: 14-float output rows stored with vmaskmovps cost more than the
// output transform's arithmetic).
static inline void store_n(float* p, V v, int n) {
  if (n >= 8) {
    _mm256_storeu_ps(p, v);
    return;
  }
  __m128 h = _mm256_castps256_ps128(v);
  if (n >= 4) {
    _mm_storeu_ps(p, h);
    h = _mm256_extractf128_ps(v, 1);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), h);
    h = _mm_movehl_ps(h, h);
    p += 2;
    n -= 2;
  }
  if (n >= 1) _mm_store_ss(p, h);
}

// Lanes [0, n) all bits, the rest 0: loadu(kLaneMask + 8 - n).
alignas(32) static const int32_t kLaneMask[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
static inline __m256i lane_mask(int n) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kLaneMask + 8 - n));
}

// xp (C, Hp, Wp) = x (C, H, W) at row ph, column pw of a zero plane; with `zeroed` the padding
// is zero already and only the rows of x are copied. Rows in whole vectors, the tail through a
// masked load (no read past the input's last row).
static void pad_image(const ConvGeometry& g, const Plan& pl, const float* x, float* xp, bool zeroed) {
  const int ph = g.p.padding.h, pw = g.p.padding.w, W = g.W;
  for (int c = 0; c < g.C; ++c) {
    float* d = xp + static_cast<size_t>(c) * pl.plane;
    const float* s = x + static_cast<size_t>(c) * g.H * W;
    if (!zeroed) {
      size_t i = 0;
      for (; i + TV <= pl.plane; i += TV) v_store(d + i, v_zero());
      for (; i < pl.plane; ++i) d[i] = 0.0f;
    }
    for (int h = 0; h < g.H; ++h) {
      float* row = d + static_cast<size_t>(h + ph) * pl.Wp + pw;
      const float* src = s + static_cast<size_t>(h) * W;
      int i = 0;
      for (; i + TV <= W; i += TV) v_store(row + i, v_load(src + i));
      if (i < W) store_n(row + i, _mm256_maskload_ps(src + i, lane_mask(W - i)), W - i);
    }
  }
}

// e = p[0, 2, .., 14], o = p[1, 3, .., 15].
static inline void deinterleave(const float* p, V& e, V& o) {
  const V a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
  // Within each 128-bit half: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute (0, 2, 1, 3) then
  // puts a's pairs before b's.
  const V se = _mm256_shuffle_ps(a, b, 0x88), so = _mm256_shuffle_ps(a, b, 0xDD);
  e = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(se), 0xD8));
  o = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(so), 0xD8));
}

// The 4x4 patches of 8 neighbouring tiles (tile i starts 2i floats after p, rows Wp apart),
// transformed: Vx[xi*ldx + i] = (B^T d B)[xi] of tile i, xi = 4*row + column (winograd.cpp's sums).
CS_ALWAYS_INLINE void input_tiles(const float* p, int Wp, float* Vx, ptrdiff_t ldx) {
  V r[4][4];
  for (int s = 0; s < 4; ++s) {
    const float* rp = p + static_cast<ptrdiff_t>(s) * Wp;
    V d0, d1, d2, d3;  // d_k = column k of each tile's patch row: floats 2i + k
    deinterleave(rp, d0, d1);
    deinterleave(rp + 2, d2, d3);
    r[s][0] = _mm256_sub_ps(d0, d2);  // d B
    r[s][1] = _mm256_add_ps(d1, d2);
    r[s][2] = _mm256_sub_ps(d2, d1);
    r[s][3] = _mm256_sub_ps(d1, d3);
  }
  for (int k = 0; k < 4; ++k) {  // B^T (d B)
    _mm256_storeu_ps(Vx + (0 * 4 + k) * ldx, _mm256_sub_ps(r[0][k], r[2][k]));
    _mm256_storeu_ps(Vx + (1 * 4 + k) * ldx, _mm256_add_ps(r[1][k], r[2][k]));
    _mm256_storeu_ps(Vx + (2 * 4 + k) * ldx, _mm256_sub_ps(r[2][k], r[1][k]));
    _mm256_storeu_ps(Vx + (3 * 4 + k) * ldx, _mm256_sub_ps(r[1][k], r[3][k]));
  }
}

// U[((xi*panels + p)*C + c)*MR + r] = (G g G^T)[xi] of kernel (p*MR + r, c), zeros past the last
// output channel: the 4 channels of a panel in the 4 lanes of an SSE vector.
static void kernel_transform(const ConvGeometry& g, const float* w, int panels, float* U) {
  static const float kZero[9] = {};
  const int C = g.C;
  const ptrdiff_t ldu = static_cast<ptrdiff_t>(panels) * C * MR;
  const __m128 half = _mm_set1_ps(0.5f);
  for (int p = 0; p < panels; ++p)
    for (int c = 0; c < C; ++c) {
      const float* k[MR];
      for (int r = 0; r < MR; ++r) {
        const int oc = p * MR + r;
        k[r] = oc < g.OC ? w + (static_cast<size_t>(oc) * C + c) * 9 : kZero;
      }
      __m128 gk[9];
      for (int i = 0; i < 9; ++i) gk[i] = _mm_setr_ps(k[0][i], k[1][i], k[2][i], k[3][i]);
      __m128 t[4][3];  // t = G g
      for (int j = 0; j < 3; ++j) {
        t[0][j] = gk[j];
        t[1][j] = _mm_mul_ps(half, _mm_add_ps(_mm_add_ps(gk[j], gk[3 + j]), gk[6 + j]));
        t[2][j] = _mm_mul_ps(half, _mm_add_ps(_mm_sub_ps(gk[j], gk[3 + j]), gk[6 + j]));
        t[3][j] = gk[6 + j];
      }
      float* at = U + (static_cast<size_t>(p) * C + c) * MR;
      for (int r = 0; r < 4; ++r) {  // u = t G^T
        _mm_storeu_ps(at + (r * 4 + 0) * ldu, t[r][0]);
        _mm_storeu_ps(at + (r * 4 + 1) * ldu, _mm_mul_ps(half, _mm_add_ps(_mm_add_ps(t[r][0], t[r][1]), t[r][2])));
        _mm_storeu_ps(at + (r * 4 + 2) * ldu, _mm_mul_ps(half, _mm_add_ps(_mm_sub_ps(t[r][0], t[r][1]), t[r][2])));
        _mm_storeu_ps(at + (r * 4 + 3) * ldu, t[r][2]);
      }
    }
}

// V[xi*vx + c*ldv + t - t0] for the block's tiles [t0, t1) (lanes up to t1 - t0 + 6 get written).
static void input_block(const Plan& pl, int C, const float* xp, int t0, int t1, float* V) {
  const ptrdiff_t ldx = static_cast<ptrdiff_t>(pl.vx);
  for (int c = 0; c < C; ++c) {
    const float* xc = xp + static_cast<size_t>(c) * pl.plane;
    float* vc = V + static_cast<size_t>(c) * pl.ldv;
    for (int th = t0 / pl.TW; th * pl.TW < t1; ++th) {
      const int ta = std::max(0, t0 - th * pl.TW), tb = std::min(pl.TW, t1 - th * pl.TW);
      const float* row = xc + static_cast<size_t>(2 * th) * pl.Wp;
      for (int tw = ta; tw < tb; tw += TV) input_tiles(row + 2 * tw, pl.Wp, vc + (th * pl.TW + tw - t0), ldx);
    }
  }
}

// m[r*ldm + 8v + lane] = sum_c u[c*MR + r] * vin[c*ldv + 8v + lane] for r < MR, v < NVX.
template <int NVX>
CS_ALWAYS_INLINE void gemm_tile(int C, const float* __restrict u, const float* __restrict vin, ptrdiff_t ldv,
                             float* __restrict m, ptrdiff_t ldm) {
  V acc[MR][NVX];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NVX; ++v) acc[r][v] = v_zero();
  for (int c = 0; c < C; ++c) {
    V b[NVX];
    for (int v = 0; v < NVX; ++v) b[v] = v_load(vin + TV * v);
    for (int r = 0; r < MR; ++r) {
      const V a = v_bcast(u + r);
      for (int v = 0; v < NVX; ++v) acc[r][v] = v_madd(a, b[v], acc[r][v]);
    }
    u += MR;
    vin += ldv;
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NVX; ++v) v_store(m + r * ldm + TV * v, acc[r][v]);
}

// M[xi*mx + oc*ldv + lane] = sum_c U[xi](oc, c) V[xi](c, lane) for the block's nvec vectors
// (OCp = panels*MR), in register tiles of 3 or 2 vectors (7 = 3 + 2 + 2: a 1-vector tile runs at
// a third of the rate), 1 only for a 1-vector block. xi outermost: V[xi] (C x block lanes) and
// U[xi] stay in L1 while every panel reads them (panels outermost re-read all of V from L2 for
// each panel: L3 1.70 ms CPU then, 1.19 with xi outermost and the planes skewed, see Plan::vx).
static void gemm_block(const Plan& pl, int C, const float* U, const float* V, int nvec, float* M) {
  const int tiles = (nvec + NV - 1) / NV, base = nvec / tiles, extra = nvec % tiles;
  for (int xi = 0; xi < 16; ++xi) {
    const float* vx = V + xi * pl.vx;
    for (int p = 0; p < pl.panels; ++p) {
      const float* up = U + (static_cast<size_t>(xi) * pl.panels + p) * C * MR;
      float* mx = M + xi * pl.mx + static_cast<size_t>(p) * MR * pl.ldv;
      for (int t = 0, v = 0; t < tiles; ++t) {
        const int n = base + (t < extra ? 1 : 0);
        if (n == 3)
          gemm_tile<3>(C, up, vx + TV * v, pl.ldv, mx + TV * v, pl.ldv);
        else if (n == 2)
          gemm_tile<2>(C, up, vx + TV * v, pl.ldv, mx + TV * v, pl.ldv);
        else
          gemm_tile<1>(C, up, vx + TV * v, pl.ldv, mx + TV * v, pl.ldv);
        v += n;
      }
    }
  }
}

// y[r][s] = (A^T m A)[r][s] + bias of the 8 tiles at m (m[xi*ldx]), s = column in the tile.
static inline void output_tiles(const float* m, ptrdiff_t ldx, V bias, V y[2][2]) {
  V t[2][4];
  for (int k = 0; k < 4; ++k) {  // t = A^T m
    const V m0 = v_load(m + (0 * 4 + k) * ldx), m1 = v_load(m + (1 * 4 + k) * ldx);
    const V m2 = v_load(m + (2 * 4 + k) * ldx), m3 = v_load(m + (3 * 4 + k) * ldx);
    t[0][k] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
    t[1][k] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
  }
  for (int r = 0; r < 2; ++r) {  // y = t A
    y[r][0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(t[r][0], t[r][1]), t[r][2]), bias);
    y[r][1] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(t[r][1], t[r][2]), t[r][3]), bias);
  }
}

// The plain output of panel p for the block's tiles: each tile row's vectors, the 2x2 results
// interleaved back into the two output rows (the lanes past the row's tiles are not stored).
static void store_panel(const ConvGeometry& g, const Plan& pl, const float* M, int p, const float* bias, int t0,
                        int t1, const Sink& sk) {
  const int rows = std::min(MR, g.OC - p * MR);
  const ptrdiff_t ldx = static_cast<ptrdiff_t>(pl.mx);
  const size_t L = static_cast<size_t>(g.OH) * g.OW;
  for (int r = 0; r < rows; ++r) {
    const int oc = p * MR + r;
    const V b = v_splat(bias[oc]);
    float* yp = sk.y + static_cast<size_t>(oc) * L;
    const float* mr = M + static_cast<size_t>(oc) * pl.ldv;
    for (int th = t0 / pl.TW; th * pl.TW < t1; ++th) {
      const int ta = std::max(0, t0 - th * pl.TW), tb = std::min(pl.TW, t1 - th * pl.TW);
      for (int tw = ta; tw < tb; tw += TV) {
        V y[2][2];
        output_tiles(mr + (th * pl.TW + tw - t0), ldx, b, y);
        const int ow0 = 2 * tw, ncols = std::min(2 * std::min(TV, tb - tw), g.OW - ow0);
        for (int s = 0; s < 2; ++s) {
          const int oh = 2 * th + s;
          if (oh >= g.OH) break;
          V y0 = y[s][0], y1 = y[s][1];
          if (sk.relu) {
            y0 = v_relu(y0);
            y1 = v_relu(y1);
          }
          // [y0_0 y1_0 y0_1 y1_1 | y0_4 y1_4 ..] and [y0_2 y1_2 y0_3 y1_3 | y0_6 ..] -> tiles 0-3, 4-7.
          const V lo = _mm256_unpacklo_ps(y0, y1), hi = _mm256_unpackhi_ps(y0, y1);
          const V a = _mm256_permute2f128_ps(lo, hi, 0x20), c = _mm256_permute2f128_ps(lo, hi, 0x31);
          float* row = yp + static_cast<size_t>(oh) * g.OW + ow0;
          if (ncols >= 16) {
            v_store(row, a);
            v_store(row + 8, c);
          } else if (ncols > 8) {
            v_store(row, a);
            store_n(row + 8, c, ncols - 8);
          } else {
            store_n(row, a, ncols);
          }
        }
      }
    }
  }
}

// The fused output of panel p: relu, the max of each tile's four values into the pooled map, and
// (sk.part) the channel sums of the block's tiles: per vector the four values added in float
// (invalid ones of clipped tiles masked to 0), then accumulated in double lanes, reduced in a
// fixed order.
static void pool_panel(const ConvGeometry& g, const Plan& pl, const float* M, int p, const float* bias, int t0, int t1,
                       const Sink& sk) {
  const int rows = std::min(MR, g.OC - p * MR);
  const ptrdiff_t ldx = static_cast<ptrdiff_t>(pl.mx);
  const size_t PL = static_cast<size_t>(pl.POH) * pl.POW;
  const int nt = t1 - t0;
  // OW even: pooled index == t for the tiles of the pooled rows (t < POH * TW).
  const int t_pool_end = std::min(t1, pl.POH * pl.TW);
  for (int r = 0; r < rows; ++r) {
    const int oc = p * MR + r;
    const V b = v_splat(bias[oc]);
    float* po = sk.pooled + static_cast<size_t>(oc) * PL;
    const float* mr = M + static_cast<size_t>(oc) * pl.ldv;
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    for (int j = 0; j < nt; j += TV) {
      const int t = t0 + j, nvalid = std::min(TV, nt - j);
      V y[2][2];
      output_tiles(mr + j, ldx, b, y);
      const V y00 = v_relu(y[0][0]), y01 = v_relu(y[0][1]), y10 = v_relu(y[1][0]), y11 = v_relu(y[1][1]);
      if (sk.part) {
        V s;
        if (sk.m01)
          s = _mm256_add_ps(_mm256_add_ps(y00, _mm256_and_ps(y01, v_load(sk.m01 + t))),
                            _mm256_add_ps(_mm256_and_ps(y10, v_load(sk.m10 + t)), _mm256_and_ps(y11, v_load(sk.m11 + t))));
        else
          s = _mm256_add_ps(_mm256_add_ps(y00, y01), _mm256_add_ps(y10, y11));
        if (nvalid < TV) s = _mm256_and_ps(s, _mm256_castsi256_ps(lane_mask(nvalid)));
        s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm256_castps256_ps128(s)));
        s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm256_extractf128_ps(s, 1)));
      }
      const V pm = _mm256_max_ps(_mm256_max_ps(y00, y01), _mm256_max_ps(y10, y11));
      if (!sk.pidx) {
        const int np = std::min(TV, t_pool_end - t);
        if (np > 0) store_n(po + t, pm, np);
      } else {
        alignas(32) float lanes[TV];
        _mm256_store_ps(lanes, pm);
        for (int i = 0; i < nvalid; ++i)
          if (sk.pidx[t + i] >= 0) po[sk.pidx[t + i]] = lanes[i];
      }
    }
    if (sk.part) {
      alignas(32) double a[4];
      _mm256_store_pd(a, _mm256_add_pd(s0, s1));
      sk.part[oc] = (a[0] + a[1]) + (a[2] + a[3]);
    }
  }
}

// One block of tiles [t0, t1) of one image, all output channels. V: 16 planes (C, ldv) pl.vx
// floats apart; M: 16 planes (OCp, ldv) pl.mx floats apart.
static void run_block(const ConvGeometry& g, const Plan& pl, const float* U, const float* bias, const float* xp,
                      int t0, int t1, float* V, float* M, const Sink& sk) {
  input_block(pl, g.C, xp, t0, t1, V);
  gemm_block(pl, g.C, U, V, (t1 - t0 + TV - 1) / TV, M);
  for (int p = 0; p < pl.panels; ++p) {
    if (sk.pooled)
      pool_panel(g, pl, M, p, bias, t0, t1, sk);
    else
      store_panel(g, pl, M, p, bias, t0, t1, sk);
  }
}

}  // namespace wino_avx2
}  // namespace cs
CS_TARGET_END

// [SECTION] driver ----------------------------------------------------------------------------------
namespace cs {

namespace {

// The fused path's per-tile tables for clipped tiles (odd OH or OW): masks of the valid (0, 1),
// (1, 0), (1, 1) outputs, and (odd OW) each tile's pooled index or -1.
void tile_tables(const ConvGeometry& g, const Plan& pl, bool masks, std::vector<float>& mstore,
                 std::vector<int>& pstore, Sink* sk) {
  const size_t n = static_cast<size_t>(pl.T) + pl.ldv;  // vectors may start at any t < T
  if (masks) {
    float* m = scratch(mstore, 3 * n);
    float ones;
    const uint32_t all = 0xFFFFFFFFu;
    std::memcpy(&ones, &all, sizeof ones);
    for (size_t t = 0; t < n; ++t) {
      const int th = static_cast<int>(t) / pl.TW, tw = static_cast<int>(t) % pl.TW;
      const bool in = static_cast<int>(t) < pl.T, c1 = 2 * tw + 1 < g.OW, r1 = 2 * th + 1 < g.OH;
      m[t] = in && c1 ? ones : 0.0f;
      m[n + t] = in && r1 ? ones : 0.0f;
      m[2 * n + t] = in && c1 && r1 ? ones : 0.0f;
    }
    sk->m01 = m;
    sk->m10 = m + n;
    sk->m11 = m + 2 * n;
  }
  if (g.OW % 2 != 0) {
    if (pstore.size() < static_cast<size_t>(pl.T)) pstore.resize(static_cast<size_t>(pl.T));
    for (int t = 0; t < pl.T; ++t) {
      const int th = t / pl.TW, tw = t % pl.TW;
      pstore[static_cast<size_t>(t)] = th < pl.POH && tw < pl.POW ? th * pl.POW + tw : -1;
    }
    sk->pidx = pstore.data();
  }
}

void winograd_driver(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out, bool relu,
                     float* pooled, double* sums) {
  const int L = g.OH * g.OW;
  const int64_t macs = static_cast<int64_t>(g.OC) * L * g.C * 9;
  const bool per_image = g.N >= 2 && macs < (int64_t(1) << 23);
  // Single large images are split into blocks for the threads: at least 2, more with more threads
  // where that cannot change a result (the channel sums add block by block, so with sums the
  // blocks are fixed). Small ones (L2, M1-b1's conv2: ~1 M MACs, a few us) stay one block on the
  // calling thread: waking a worker for half of it cost more (M1-b1, 2 threads, load 8: 0.05 ->
  // 0.47 ms median with 2 blocks).
  const bool large = macs >= (int64_t(1) << 22);
  const int split = per_image || !large ? 1 : sums ? 2 : std::max(2, num_threads());
  const Plan pl = make_plan(g, split);

  // U and the padded bias: once per call by the calling thread; the images only read them.
  static thread_local std::vector<float> u_store, bias_store, mask_store;
  static thread_local std::vector<int> pidx_store;
  float* U = scratch(u_store, static_cast<size_t>(16) * pl.panels * MR * g.C);
  wino_avx2::kernel_transform(g, w, pl.panels, U);
  float* bias = scratch(bias_store, static_cast<size_t>(pl.panels) * MR);
  for (int oc = 0; oc < pl.panels * MR; ++oc) bias[oc] = b && oc < g.OC ? b[oc] : 0.0f;
  Sink proto;
  proto.relu = relu;
  if (pooled) tile_tables(g, pl, sums && (g.OH % 2 != 0 || g.OW % 2 != 0), mask_store, pidx_store, &proto);

  const size_t v_floats = 16 * pl.vx, m_floats = 16 * pl.mx;
  const size_t part_n = sums ? static_cast<size_t>(pl.nblocks) * g.OC : 0;
  const size_t in_image = static_cast<size_t>(g.C) * g.H * g.W;
  const size_t pooled_image = static_cast<size_t>(g.OC) * pl.POH * pl.POW;
  // Blocks [lo, hi) of image n, from its padded copy xp; block k's sums to part + k*OC.
  auto blocks = [&](int n, const float* xp, int64_t lo, int64_t hi, double* part) {
    thread_local std::vector<float> v_store, m_store;
    float* V = scratch(v_store, v_floats);
    float* M = scratch(m_store, m_floats);
    Sink sk = proto;
    if (pooled)
      sk.pooled = pooled + static_cast<size_t>(n) * pooled_image;
    else
      sk.y = out + static_cast<size_t>(n) * g.OC * L;
    for (int64_t k = lo; k < hi; ++k) {
      const int t0 = static_cast<int>(k) * pl.TB, t1 = std::min(pl.T, t0 + pl.TB);
      sk.part = part ? part + static_cast<size_t>(k) * g.OC : nullptr;
      wino_avx2::run_block(g, pl, U, bias, xp, t0, t1, V, M, sk);
    }
  };
  auto reduce_sums = [&](int n, const double* part) {
    for (int oc = 0; oc < g.OC; ++oc) {
      double s = 0.0;
      for (int k = 0; k < pl.nblocks; ++k) s += part[static_cast<size_t>(k) * g.OC + oc];
      sums[static_cast<size_t>(n) * g.OC + oc] = s;
    }
  };

  if (per_image) {  // batches of small images: one image per task, each padded into its own buffer
    parallel_for(0, g.N, 1, [&](int64_t lo, int64_t hi) {
      thread_local PadBuffer xp_store;
      thread_local std::vector<double> part_store;
      bool zeroed;
      float* xp = xp_store.get(g, pl, &zeroed);
      if (part_store.size() < part_n) part_store.resize(part_n);
      for (int64_t n = lo; n < hi; ++n) {
        wino_avx2::pad_image(g, pl, in + static_cast<size_t>(n) * in_image, xp, zeroed);
        zeroed = true;
        blocks(static_cast<int>(n), xp, 0, pl.nblocks, part_n ? part_store.data() : nullptr);
        if (sums) reduce_sums(static_cast<int>(n), part_store.data());
      }
    });
    return;
  }
  // Large images: padded once by the calling thread, the blocks split over the threads.
  static thread_local PadBuffer xp_main;
  static thread_local std::vector<double> part_main;
  bool zeroed;
  float* xp = xp_main.get(g, pl, &zeroed);
  if (part_main.size() < part_n) part_main.resize(part_n);
  double* part = part_n ? part_main.data() : nullptr;
  for (int n = 0; n < g.N; ++n) {
    wino_avx2::pad_image(g, pl, in + static_cast<size_t>(n) * in_image, xp, zeroed);
    zeroed = true;
    parallel_for(0, pl.nblocks, 1, [&](int64_t lo, int64_t hi) { blocks(n, xp, lo, hi, part); });
    if (sums) reduce_sums(n, part);
  }
}

}  // namespace

bool winograd_avx2_available() {
  const CpuFamily f = cpu_family();  // checked against the CPU: both families imply avx2 + fma
  return f == CpuFamily::Avx2 || f == CpuFamily::Avx512;
}

bool winograd_avx2_applies(const ConvGeometry& g) {
  return g.p.groups == 1 && g.KH == 3 && g.KW == 3 && g.p.stride.h == 1 && g.p.stride.w == 1 &&
         g.p.dilation.h == 1 && g.p.dilation.w == 1 && g.OH >= 1 && g.OW >= 1 && winograd_avx2_available();
}

void conv2d_forward_winograd_avx2(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                                  bool relu) {
  winograd_driver(g, in, w, b, out, relu, nullptr, nullptr);
}

bool winograd_avx2_relu_pool2_applies(const ConvGeometry& g) {
  return winograd_avx2_applies(g) && g.OH >= 2 && g.OW >= 2;
}

void conv2d_forward_winograd_avx2_relu_pool2(const ConvGeometry& g, const float* in, const float* w, const float* b,
                                             float* pooled, double* sums) {
  winograd_driver(g, in, w, b, nullptr, true, pooled, sums);
}

}  // namespace cs
#endif
