// depthwise.cpp — direct depthwise convolution, forward and backward (see depthwise.h).
// Each tap (kh, kw) is one pass over an output row: row[ow] += w * in_row[ow*stride + offset],
// restricted to the ow range whose input column lies inside the image, so the padding costs no
// branches and the loop vectorises. On x86 the plane kernels are compiled twice
// (baseline SSE2 and AVX2+FMA) and the CPU family in use picks one (cpu_variants.h; the
// padded-copy kernels without memset calls: a call costs more than the few padding floats of a
// row, L5: 5.6% of the time in memset), so the same binary runs anywhere; wasm gets SIMD128 from
// -msimd128's auto-vectorisation.
#include "depthwise.h"

#include <cstddef>
#include <cstring>
#include <vector>

#include "../parallel.h"
#include "cpu_variants.h"


namespace cs {

namespace {

// Output columns [lo, hi) whose input column ow*stride + off lies in [0, W).
inline void valid_range(int OW, int W, int stride, int off, int* lo, int* hi) {
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int h = (W - 1 - off) < 0 ? 0 : (W - 1 - off) / stride + 1;
  *lo = l;
  *hi = h < OW ? h : OW;
}

struct Plane {
  int H, W, OH, OW, KH, KW, sh, sw, ph, pw, dh, dw;
};

Plane plane_of(const ConvGeometry& g) {
  return {g.H,           g.W,           g.OH,          g.OW,         g.KH,           g.KW,
          g.p.stride.h,  g.p.stride.w,  g.p.padding.h, g.p.padding.w, g.p.dilation.h, g.p.dilation.w};
}

// out (OH, OW) = bias + sum_taps w * shifted input plane.
CS_VARIANT_BODY void plane_forward_body(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                   float* __restrict out) {
  for (int oh = 0; oh < p.OH; ++oh) {
    float* __restrict row = out + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int ow = 0; ow < p.OW; ++ow) row[ow] = bias;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      const float* __restrict xr = x + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        const float wv = wk[kh * p.KW + kw];
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          const float* __restrict xs = xr + off;
          for (int ow = lo; ow < hi; ++ow) row[ow] += wv * xs[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) row[ow] += wv * xr[ow * p.sw + off];
        }
      }
    }
  }
}
void plane_forward(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                   float* __restrict out) {
  CS_CALL_VARIANT(plane_forward_body, p, x, wk, bias, out);
}

// Stride 1 (any dilation) from a zero-padded copy of the plane. An output row is cut into blocks
// of V 8-float vectors (V <= kMaxVecs, all blocks of a row near-equal): the V accumulators stay in
// registers across all KH*KW taps and are stored once; each tap is one broadcast weight and V
// multiply-adds whose input loads fold into the FMA. V independent accumulators matter more than
// anything else here: with 2 (the previous 16-output blocks) every tap waited for the FMA latency
// of the one before (L8: 26 GFLOP/s). Per output the sum is bias, then taps (kh, kw) in order,
// exactly as plane_forward, whatever V, the width or the thread count.
// GCC/clang vector extensions: ymm in the AVX2/AVX-512 compilations, two xmm in the baseline one, two
// v128 in wasm. Vectors travel by reference (memcpy compiles to unaligned vector moves): passing a
// 32-byte vector by value from baseline-ISA code is an ABI corner clang warns about.
typedef float v8f __attribute__((vector_size(32)));
// An unaligned view: rows_block reads each input vector once into a register for its R FMAs.
typedef float v8f_u __attribute__((vector_size(32), aligned(4), may_alias));
inline void load8(v8f& out, const float* p) { std::memcpy(&out, p, sizeof out); }
inline void store8(float* p, const v8f& v) { std::memcpy(p, &v, sizeof v); }
constexpr int kVec = 8;
// Weights and bias enter as scalars (scalar * vector is one broadcast): GCC 12 builds a braced
// {w, w, ...} from inserts, and v8f{} + w stays an add plus a shuffle (0 + w is not w for -0).
// Vectors per block: one row (kMaxVecs) and three rows at once (kRowsVecs, 3x as many accumulators).
#if defined(__wasm__)
constexpr int kMaxVecs = 4;   // 8 v128 accumulators: V8's x64 code has 16 xmm registers in all
constexpr int kRowsVecs = 2;  // 12 v128 accumulators
#else
constexpr int kMaxVecs = 8;   // 8 ymm accumulators + the weight: 16 ymm registers, no spills
constexpr int kRowsVecs = 4;  // 12 ymm accumulators + 3 weights + the input vector
#endif

// Geometry of the padded copy: rows cover every tap of every output row; columns also cover the
// last (partial) vector of a row, so the inner loop never tests bounds.
struct Padded {
  int Hp, Wp;
};
Padded padded_of(const Plane& p) {
  int owr = (p.OW + kVec - 1) / kVec * kVec;
  int wp = p.W + 2 * p.pw, need = owr + (p.KW - 1) * p.dw;
  return {p.H + 2 * p.ph, wp > need ? wp : need};
}

// `n` (<= V*8) outputs of one row from the padded rows starting at r (column ow0 already added).
template <int V>
__attribute__((always_inline)) inline void row_block(const Plane& p, ptrdiff_t Wp, const float* __restrict r,
                                                     const float* __restrict wk, float bias,
                                                     float* __restrict dst, int n) {
  v8f acc[V];
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) acc[v] = v8f{} + bias;
  for (int kh = 0; kh < p.KH; ++kh) {
    const float* rr = r + kh * p.dh * Wp;
    const float* wr = wk + kh * p.KW;
    for (int kw = 0; kw < p.KW; ++kw) {
      const float* q = rr + kw * p.dw;
      const float wv = wr[kw];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) {
        v8f x;
        load8(x, q + v * kVec);
        acc[v] += wv * x;
      }
    }
  }
  if (n == V * kVec) {
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) store8(dst + v * kVec, acc[v]);
    return;
  }
  int v = 0;
  for (; (v + 1) * kVec <= n; ++v) store8(dst + v * kVec, acc[v]);
  alignas(32) float t[kVec];
  store8(t, acc[v]);
#pragma GCC unroll 8
  for (int i = 0; v * kVec + i < n; ++i) dst[v * kVec + i] = t[i];
}

// R output rows (dilation 1 vertically) x V vectors at once: padded input row t feeds output row
// i through kh = t - i, so each loaded input vector serves up to R multiply-adds (one load per
// FMA was the limit of row_block: 32-byte loads at every float offset, half of them split over two
// cache lines). For output row i the taps still come in (kh, kw) order: t ascends, then kw.
template <int R, int V>
__attribute__((always_inline)) inline void rows_block(const Plane& p, ptrdiff_t Wp, const float* __restrict r,
                                                      const float* __restrict wk, float bias,
                                                      float* __restrict dst, ptrdiff_t ldo, int n) {
  v8f acc[R][V];
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) acc[i][v] = v8f{} + bias;
  const int KH = p.KH, KW = p.KW;
  // Input rows t where every output row i has a tap (kh = t - i in range) run without tests;
  // the first and last R-1 rows (and all of them when KH < R) test per row.
  const int mid0 = R - 1, mid1 = KH;  // [mid0, mid1)
  for (int t = 0; t < R - 1 + KH; ++t) {
    const float* rr = r + t * Wp;
    if (t >= mid0 && t < mid1) {
      for (int kw = 0; kw < KW; ++kw) {
        const float* q = rr + kw * p.dw;
        float wv[R];
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) wv[i] = wk[(t - i) * KW + kw];
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v) {
          const v8f x = *reinterpret_cast<const v8f_u*>(q + v * kVec);
#pragma GCC unroll 8
          for (int i = 0; i < R; ++i) acc[i][v] += wv[i] * x;
        }
      }
    } else {
      // Row test outside the kw loop (inside it, GCC spilled the accumulators).
#pragma GCC unroll 8
      for (int i = 0; i < R; ++i) {
        const int kh = t - i;
        if (kh < 0 || kh >= KH) continue;
        for (int kw = 0; kw < KW; ++kw) {
          const float* q = rr + kw * p.dw;
          const float wv = wk[kh * KW + kw];
#pragma GCC unroll 8
          for (int v = 0; v < V; ++v) {
            v8f x;
            load8(x, q + v * kVec);
            acc[i][v] += wv * x;
          }
        }
      }
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i) {
    float* d = dst + i * ldo;
    if (n == V * kVec) {
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) store8(d + v * kVec, acc[i][v]);
      continue;
    }
    int v = 0;
    for (; (v + 1) * kVec <= n; ++v) store8(d + v * kVec, acc[i][v]);
    alignas(32) float t[kVec];
    store8(t, acc[i][v]);
#pragma GCC unroll 8
    for (int j = 0; v * kVec + j < n; ++j) d[v * kVec + j] = t[j];
  }
}

// Rows [oh, oh1) in blocks of R rows (R > 1 needs vertical dilation 1 and oh1 - oh a multiple
// of R); each row cut into near-equal blocks of at most VMAX vectors.
template <int R, int VMAX>
__attribute__((always_inline)) inline void rows_pass(const Plane& p, ptrdiff_t Wp, const float* xp,
                                                     const float* wk, float bias, float* out, int oh, int oh1) {
  const int nvec = (p.OW + kVec - 1) / kVec, blocks = (nvec + VMAX - 1) / VMAX;
  for (; oh < oh1; oh += R) {
    float* row = out + static_cast<ptrdiff_t>(oh) * p.OW;
    const float* r = xp + static_cast<ptrdiff_t>(oh) * Wp;
    for (int b = 0; b < blocks; ++b) {
      const int v0 = nvec * b / blocks, v1 = nvec * (b + 1) / blocks, ow0 = v0 * kVec;
      const int n = (v1 * kVec < p.OW ? v1 * kVec : p.OW) - ow0;
      const float* rb = r + ow0;
      float* d = row + ow0;
      switch (v1 - v0) {  // 1 <= v1 - v0 <= VMAX
#define CS_DW_CASE(V)                                                       \
  case V:                                                                   \
    if (V <= VMAX) {                                                        \
      if (R == 1)                                                           \
        row_block<(V <= VMAX ? V : 1)>(p, Wp, rb, wk, bias, d, n);          \
      else                                                                  \
        rows_block<R, (V <= VMAX ? V : 1)>(p, Wp, rb, wk, bias, d, p.OW, n); \
    }                                                                       \
    break;
        CS_DW_CASE(1)
        CS_DW_CASE(2)
        CS_DW_CASE(3)
        CS_DW_CASE(4)
        CS_DW_CASE(5)
        CS_DW_CASE(6)
        CS_DW_CASE(7)
        CS_DW_CASE(8)
#undef CS_DW_CASE
        default: break;
      }
    }
  }
}

CS_VARIANT_BODY void plane_forward_s1_body(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                      float* __restrict out, float* __restrict xp) {
  const Padded pd = padded_of(p);
  const ptrdiff_t Wp = pd.Wp;
  // Only the border is zeroed (the interior is overwritten by the copy): the copy is a few percent
  // of a 3x3 plane's work, a full memset of the padded plane as much again.
  std::memset(xp, 0, sizeof(float) * static_cast<size_t>(p.ph) * Wp);
  std::memset(xp + static_cast<ptrdiff_t>(p.ph + p.H) * Wp, 0, sizeof(float) * static_cast<size_t>(pd.Hp - p.ph - p.H) * Wp);
  const int right = pd.Wp - p.pw - p.W;
  for (int h = 0; h < p.H; ++h) {
    float* d = xp + static_cast<ptrdiff_t>(h + p.ph) * Wp;
    for (int i = 0; i < p.pw; ++i) d[i] = 0.0f;
    std::memcpy(d + p.pw, x + static_cast<ptrdiff_t>(h) * p.W, sizeof(float) * p.W);
    for (int i = 0; i < right; ++i) d[p.pw + p.W + i] = 0.0f;
  }
  // Three rows at a time pay once a kernel is tall enough that most input rows feed all three
  // (L8, 7x7: 0.63 -> 0.53 ms CPU); for 3x3 the first and last rows of each block dominate and
  // one row at a time measured faster (L5: 0.27 vs 0.32 ms). wasm: 3 rows x 2 vectors (12 v128
  // accumulators; L8 1.84 -> 1.67 ms CPU under node, 3 x 1: 1.76).
  if (p.dh == 1 && p.KH >= 5) {
    const int oh3 = p.OH - p.OH % 3;
    rows_pass<3, kRowsVecs>(p, Wp, xp, wk, bias, out, 0, oh3);
    rows_pass<1, kMaxVecs>(p, Wp, xp, wk, bias, out, oh3, p.OH);
    return;
  }
  rows_pass<1, kMaxVecs>(p, Wp, xp, wk, bias, out, 0, p.OH);
}
void plane_forward_s1(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                      float* __restrict out, float* __restrict xp) {
  CS_CALL_VARIANT_NO_MEMSET(plane_forward_s1_body, p, x, wk, bias, out, xp);
}

// Stride 1 on a small plane (rows at most kFlatMaxWidth wide: M1's 7x7 depthwise, 14x14 maps):
// row by row, a 7-wide row is ONE vector whose 9 taps are a chain of dependent multiply-adds
// (latency-bound: the 7x7 depthwise was 9 % of M1-b64). Here the padded plane is read as one
// flat row of width Wp: flat output i = oh*Wp + ow takes tap (kh, kw) from xp[i + kh*dh*Wp +
// kw*dw], so all OH*Wp outputs are vectors of the same row_block, with up to kMaxVecs independent
// accumulators; the Wp - OW columns past each row's end are computed and dropped. Per output
// the sum is bias then taps in (kh, kw) order, as plane_forward_s1: the same values.
constexpr int kFlatMaxWidth = 2 * kVec;

// Floats of the flat path's padded buffer (the last vector's reads past the padded plane read zeros).
size_t flat_padded_size(const Plane& p) {
  const int Wp = p.W + 2 * p.pw, nv = (p.OH * Wp + kVec - 1) / kVec;
  return static_cast<size_t>(nv) * kVec + static_cast<size_t>((p.KH - 1) * p.dh) * Wp + (p.KW - 1) * p.dw;
}

// The padding of xp is zeroed only when `zero` (the first plane a thread runs in a call): the
// planes' copies all write the same interior positions and never the padding. FW/FK/FP > 0: the
// plane is FW x FW, the kernel FK x FK, the padding FP, dilation 1 (M1's 7x7 depthwise), known at
// compile time so that the row copies are straight moves and the vector blocks fixed, instead of
// loops with scalar tails and two divisions per block (which took more time than the FMAs).
template <int FW, int FK, int FP>
__attribute__((always_inline)) inline void flat_body(const Plane& pr, const float* __restrict x,
                                                     const float* __restrict wk, float bias, float* __restrict out,
                                                     float* __restrict xp, float* __restrict flat, bool zero) {
  Plane p = pr;
  if (FW > 0) {
    p.H = p.W = FW;
    p.KH = p.KW = FK;
    p.ph = p.pw = FP;
    p.OH = p.OW = FW + 2 * FP - FK + 1;
    p.sh = p.sw = p.dh = p.dw = 1;
  }
  const int Wp = p.W + 2 * p.pw;  // >= OW + (KW-1)*dw for stride 1
  if (zero) {
    const size_t total = flat_padded_size(p);
    for (size_t i = 0; i < total; ++i) xp[i] = 0.0f;
  }
  for (int h = 0; h < p.H; ++h) {
    float* __restrict d = xp + static_cast<ptrdiff_t>(h + p.ph) * Wp + p.pw;
    const float* __restrict s = x + static_cast<ptrdiff_t>(h) * p.W;
    for (int i = 0; i < p.W; ++i) d[i] = s[i];
  }
  const int nv = (p.OH * Wp + kVec - 1) / kVec, blocks = (nv + kMaxVecs - 1) / kMaxVecs;
  for (int b = 0; b < blocks; ++b) {
    const int v0 = nv * b / blocks, v1 = nv * (b + 1) / blocks, n = (v1 - v0) * kVec;
    const float* r = xp + static_cast<ptrdiff_t>(v0) * kVec;
    float* d = flat + static_cast<ptrdiff_t>(v0) * kVec;
    switch (v1 - v0) {  // 1 <= v1 - v0 <= kMaxVecs
#define CS_DW_FLAT(V)                                                         \
  case V:                                                                     \
    if (V <= kMaxVecs) row_block<(V <= kMaxVecs ? V : 1)>(p, Wp, r, wk, bias, d, n); \
    break;
      CS_DW_FLAT(1)
      CS_DW_FLAT(2)
      CS_DW_FLAT(3)
      CS_DW_FLAT(4)
      CS_DW_FLAT(5)
      CS_DW_FLAT(6)
      CS_DW_FLAT(7)
      CS_DW_FLAT(8)
#undef CS_DW_FLAT
      default: break;
    }
  }
  for (int oh = 0; oh < p.OH; ++oh) {
    float* __restrict d = out + static_cast<ptrdiff_t>(oh) * p.OW;
    const float* __restrict s = flat + static_cast<ptrdiff_t>(oh) * Wp;
    for (int ow = 0; ow < p.OW; ++ow) d[ow] = s[ow];
  }
}

CS_VARIANT_BODY void plane_forward_flat_body(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                        float* __restrict out, float* __restrict xp, float* __restrict flat, bool zero) {
  flat_body<0, 0, 0>(p, x, wk, bias, out, xp, flat, zero);
}
void plane_forward_flat(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                        float* __restrict out, float* __restrict xp, float* __restrict flat, bool zero) {
  CS_CALL_VARIANT_NO_MEMSET(plane_forward_flat_body, p, x, wk, bias, out, xp, flat, zero);
}

// M1's depthwise 3x3, padding 1, on 7x7 maps.
bool is_flat_7x7_k3(const Plane& p) {
  return p.H == 7 && p.W == 7 && p.KH == 3 && p.KW == 3 && p.ph == 1 && p.pw == 1 && p.sh == 1 && p.sw == 1 &&
         p.dh == 1 && p.dw == 1;
}

CS_VARIANT_BODY void plane_forward_flat_7x7_k3_body(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                               float* __restrict out, float* __restrict xp, float* __restrict flat, bool zero) {
  flat_body<7, 3, 1>(p, x, wk, bias, out, xp, flat, zero);
}
void plane_forward_flat_7x7_k3(const Plane& p, const float* __restrict x, const float* __restrict wk, float bias,
                               float* __restrict out, float* __restrict xp, float* __restrict flat, bool zero) {
  CS_CALL_VARIANT_NO_MEMSET(plane_forward_flat_7x7_k3_body, p, x, wk, bias, out, xp, flat, zero);
}

// dx (H, W) += the transpose of plane_forward applied to dy (scatter form, any stride).
CS_VARIANT_BODY void plane_backward_input_body(const Plane& p, const float* __restrict dy, const float* __restrict wk,
                          float* __restrict dx) {
  for (int oh = 0; oh < p.OH; ++oh) {
    const float* __restrict dyr = dy + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      float* __restrict dxr = dx + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        const float wv = wk[kh * p.KW + kw];
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          float* __restrict ds = dxr + off;
          for (int ow = lo; ow < hi; ++ow) ds[ow] += wv * dyr[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) dxr[ow * p.sw + off] += wv * dyr[ow];
        }
      }
    }
  }
}
void plane_backward_input(const Plane& p, const float* __restrict dy, const float* __restrict wk,
                          float* __restrict dx) {
  CS_CALL_VARIANT(plane_backward_input_body, p, dy, wk, dx);
}

// acc[tap][ow] += dy[oh][ow] * x[ih][ow*stride + off] over all oh (element-wise rows, so the loop
// vectorises without reassociating a sum); the caller reduces the rows in a fixed order.
CS_VARIANT_BODY void plane_backward_weight_body(const Plane& p, const float* __restrict dy, const float* __restrict x,
                           float* __restrict acc) {
  for (int oh = 0; oh < p.OH; ++oh) {
    const float* __restrict dyr = dy + static_cast<ptrdiff_t>(oh) * p.OW;
    for (int kh = 0; kh < p.KH; ++kh) {
      int ih = conv_input_index(oh, kh, p.sh, p.ph, p.dh);
      if (ih < 0 || ih >= p.H) continue;
      const float* __restrict xr = x + static_cast<ptrdiff_t>(ih) * p.W;
      for (int kw = 0; kw < p.KW; ++kw) {
        float* __restrict a = acc + static_cast<ptrdiff_t>(kh * p.KW + kw) * p.OW;
        const int off = conv_input_index(0, kw, p.sw, p.pw, p.dw);
        int lo, hi;
        valid_range(p.OW, p.W, p.sw, off, &lo, &hi);
        if (p.sw == 1) {
          const float* __restrict xs = xr + off;
          for (int ow = lo; ow < hi; ++ow) a[ow] += dyr[ow] * xs[ow];
        } else {
          for (int ow = lo; ow < hi; ++ow) a[ow] += dyr[ow] * xr[ow * p.sw + off];
        }
      }
    }
  }
}
void plane_backward_weight(const Plane& p, const float* __restrict dy, const float* __restrict x,
                           float* __restrict acc) {
  CS_CALL_VARIANT(plane_backward_weight_body, p, dy, x, acc);
}

}  // namespace

bool depthwise_applies(const ConvGeometry& g) { return g.p.groups == g.C && g.c_per_group() == 1; }

void depthwise_forward(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out) {
  const Plane p = plane_of(g);
  const int m = g.oc_per_group();
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  const int64_t planes = static_cast<int64_t>(g.N) * g.OC;
  const int64_t grain = 1 + (1 << 14) / static_cast<int64_t>(out_plane * g.KH * g.KW + 1);
  const bool s1 = g.p.stride.h == 1 && g.p.stride.w == 1;
  const Padded pd = padded_of(p);
  const bool flat = s1 && g.OW <= kFlatMaxWidth, flat_7x7 = is_flat_7x7_k3(p);
  const size_t xp_n = flat ? flat_padded_size(p) : static_cast<size_t>(pd.Hp) * pd.Wp;
  const size_t flat_n = flat ? (flat_padded_size(p) / kVec + 1) * kVec : 0;
  parallel_for(0, planes, grain, [&](int64_t lo, int64_t hi) {
    thread_local std::vector<float> xp_store, flat_store;
    if (s1 && xp_store.size() < xp_n) xp_store.resize(xp_n);
    if (flat_store.size() < flat_n) flat_store.resize(flat_n);
    for (int64_t i = lo; i < hi; ++i) {
      const int n = static_cast<int>(i / g.OC), oc = static_cast<int>(i % g.OC), c = oc / m;
      const float* x = in + (static_cast<size_t>(n) * g.C + c) * in_plane;
      const float* wk = w + static_cast<size_t>(oc) * g.KH * g.KW;
      float* y = out + static_cast<size_t>(i) * out_plane;
      if (flat && flat_7x7)
        plane_forward_flat_7x7_k3(p, x, wk, b ? b[oc] : 0.0f, y, xp_store.data(), flat_store.data(), i == lo);
      else if (flat)
        plane_forward_flat(p, x, wk, b ? b[oc] : 0.0f, y, xp_store.data(), flat_store.data(), i == lo);
      else if (s1)
        plane_forward_s1(p, x, wk, b ? b[oc] : 0.0f, y, xp_store.data());
      else
        plane_forward(p, x, wk, b ? b[oc] : 0.0f, y);
    }
  });
}

void depthwise_backward(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                        float* grad_in, float* grad_w, float* grad_b) {
  const Plane p = plane_of(g);
  const int m = g.oc_per_group(), taps = g.KH * g.KW;
  const size_t in_plane = static_cast<size_t>(g.H) * g.W, out_plane = static_cast<size_t>(g.OH) * g.OW;
  const int64_t grain = 1 + (1 << 14) / static_cast<int64_t>(out_plane * taps + 1);

  // Stride 1, one output per input channel: dX is the forward convolution of dY with the kernel
  // flipped and padding dilation*(K-1) - pad (the "full" correlation), so it reuses the
  // register-blocked forward kernel.
  Plane q = p;
  q.H = p.OH, q.W = p.OW, q.OH = p.H, q.OW = p.W;
  q.ph = p.dh * (p.KH - 1) - p.ph, q.pw = p.dw * (p.KW - 1) - p.pw;
  const bool full_corr = p.sh == 1 && p.sw == 1 && m == 1 && q.ph >= 0 && q.pw >= 0;
  if (grad_in && full_corr) {
    const Padded pd = padded_of(q);
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, grain, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> xp_store, flipped;
      if (xp_store.size() < static_cast<size_t>(pd.Hp) * pd.Wp) xp_store.resize(static_cast<size_t>(pd.Hp) * pd.Wp);
      if (flipped.size() < static_cast<size_t>(taps)) flipped.resize(taps);
      for (int64_t i = lo; i < hi; ++i) {
        const int c = static_cast<int>(i % g.C);
        const float* wk = w + static_cast<size_t>(c) * taps;
        for (int t = 0; t < taps; ++t) flipped[t] = wk[taps - 1 - t];  // (kh, kw) -> (KH-1-kh, KW-1-kw)
        plane_forward_s1(q, grad_out + static_cast<size_t>(i) * out_plane, flipped.data(), 0.0f,
                         grad_in + static_cast<size_t>(i) * in_plane, xp_store.data());
      }
    });
  } else if (grad_in) {  // one input plane per task: sums its m output channels in order
    parallel_for(0, static_cast<int64_t>(g.N) * g.C, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) {
        const int n = static_cast<int>(i / g.C), c = static_cast<int>(i % g.C);
        float* dx = grad_in + static_cast<size_t>(i) * in_plane;
        std::memset(dx, 0, sizeof(float) * in_plane);
        for (int j = 0; j < m; ++j) {
          const int oc = c * m + j;
          plane_backward_input(p, grad_out + (static_cast<size_t>(n) * g.OC + oc) * out_plane,
                               w + static_cast<size_t>(oc) * taps, dx);
        }
      }
    });
  }
  if (grad_w || grad_b) {  // one output channel per task, images in order
    parallel_for(0, g.OC, 1, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> acc_store;
      const size_t acc_n = static_cast<size_t>(taps + 1) * g.OW;  // taps rows + one bias row
      if (acc_store.size() < acc_n) acc_store.resize(acc_n);
      float* acc = acc_store.data();
      for (int64_t oc = lo; oc < hi; ++oc) {
        const int c = static_cast<int>(oc) / m;
        std::memset(acc, 0, sizeof(float) * acc_n);
        float* brow = acc + static_cast<size_t>(taps) * g.OW;
        for (int n = 0; n < g.N; ++n) {
          const float* dy = grad_out + (static_cast<size_t>(n) * g.OC + oc) * out_plane;
          if (grad_w) plane_backward_weight(p, dy, in + (static_cast<size_t>(n) * g.C + c) * in_plane, acc);
          if (grad_b)
            for (int oh = 0; oh < g.OH; ++oh)
              for (int ow = 0; ow < g.OW; ++ow) brow[ow] += dy[static_cast<size_t>(oh) * g.OW + ow];
        }
        if (grad_w)
          for (int t = 0; t < taps; ++t) {
            float s = 0.0f;
            for (int ow = 0; ow < g.OW; ++ow) s += acc[static_cast<size_t>(t) * g.OW + ow];
            grad_w[static_cast<size_t>(oc) * taps + t] = s;
          }
        if (grad_b) {
          float s = 0.0f;
          for (int ow = 0; ow < g.OW; ++ow) s += brow[ow];
          grad_b[oc] = s;
        }
      }
    });
  }
}

}  // namespace cs
