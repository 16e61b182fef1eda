// conv2d_auto.cpp — ConvAlgo::Auto: the fastest convolution path for a shape, forward and backward.
//   depthwise (one input channel per group,
//   one output channel per group)          -> direct row kernels (depthwise.cpp);
//   1x1, stride 1, no padding              -> one GEMM per image on the NCHW input itself;
//   3x3 stride 1 natively (AVX2), >= 8
//   input and output channels              -> AVX2 Winograd F(2x2,3x3) (winograd_avx2.h; measured);
//   KxK (not 1x1) stride 1 natively (AVX2),
//   in wasm with <= 16 input channels      -> direct tiles, no im2col (conv2d_direct.h; direct_pays);
//   3x3 stride 1 in wasm (> 16 channels)   -> Winograd F(2x2,3x3) (see winograd_pays: measured);
//   everything else                        -> im2col + GEMM.
// Bias is written into the output first and the GEMM accumulates onto it (beta = 1): one pass
// over the output fewer. Batches of small images run one image per thread; a single large image
// lets the GEMM split its columns. Either way every output element is summed in the same order,
// so results do not depend on the thread count. Buffers are per-thread and reused (no allocation
// once a shape has been seen).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "../cpu.h"
#include "../parallel.h"
#include "activation.h"
#include "conv2d.h"
#include "conv2d_direct.h"
#include "depthwise.h"
#include "gemm.h"
#include "im2col.h"
#include "winograd_avx2.h"
#include "winograd_wasm.h"

namespace cs {

namespace {

bool is_pointwise(const ConvGeometry& g) {
  return g.KH == 1 && g.KW == 1 && g.p.stride.h == 1 && g.p.stride.w == 1 && g.p.padding.h == 0 &&
         g.p.padding.w == 0;
}

// Winograd F(2x2,3x3) does 2.25x fewer multiplications, but its transforms are memory passes of
// their own: natively (FMA GEMM near peak) the scalar-transform version never paid; in wasm, where
// the GEMM has no FMA, it pays once there are enough channels. (Each routing rule's measurements:
// README "Routing rules, measured".)
bool winograd_pays(const ConvGeometry& g) {
#if defined(__wasm__)
  return g.c_per_group() >= 8 && g.oc_per_group() >= 8;
#else
  (void)g;
  return false;
#endif
}

#if defined(__wasm_simd128__)
// The SIMD128 Winograd (winograd_wasm.h) before the direct tile and the scalar-transform Winograd;
// with one input channel (L1) the transforms cost more than they save: direct keeps it.
bool winograd_wasm_pays(const ConvGeometry& g) {
  return winograd_wasm_applies(g) && cpu_family() == CpuFamily::Simd128 && g.C >= 8 && g.OC >= 8;
}
#endif

// The direct stride-1 kernel (conv2d_direct.h) before im2col + GEMM, but not for 1x1 (the input is
// the GEMM's B already).
#if !defined(__wasm__)
// The AVX2 tiles (direct, small-map 1x1, and the AVX2 Winograd below) run in the avx2 family and in
// avx512, where they also beat im2col + the AVX-512 GEMM.
bool avx2_tiles_pay() {
  const CpuFamily f = cpu_family();
  return f == CpuFamily::Avx2 || f == CpuFamily::Avx512;
}
#endif

bool direct_pays(const ConvGeometry& g) {
  if (!conv2d_direct_applies(g) || g.KH * g.KW == 1) return false;
#if defined(__wasm__)
  // The SIMD128 tile (4 channels x 2 vectors) beats Winograd up to 16 channels; with more, Winograd's
  // transforms are shared by more channels and it keeps those.
  return std::strcmp(conv2d_direct_kernel_name(), "simd128") == 0 && g.C <= 16;
#else
  return avx2_tiles_pay();
#endif
}

#if defined(CS_WINOGRAD_AVX2)
// The AVX2 Winograd (winograd_avx2.h) before the direct tile, natively, from 8 input and output
// channels; with fewer the transforms cost more than they save and the direct tile keeps them.
bool winograd_avx2_pays(const ConvGeometry& g) {
  return winograd_avx2_applies(g) && g.C >= 8 && g.OC >= 8;
}
#endif

// The first choices of conv2d_forward_auto, in its order; Other = depthwise, Winograd or GEMM.
enum class FastRoute { WinogradWasm, WinogradAvx2, Direct, Other };

FastRoute fast_route(const ConvGeometry& g) {
#if defined(__wasm_simd128__)
  if (winograd_wasm_pays(g)) return FastRoute::WinogradWasm;
#endif
#if defined(CS_WINOGRAD_AVX2)
  if (winograd_avx2_pays(g)) return FastRoute::WinogradAvx2;
#endif
  if (direct_pays(g)) return FastRoute::Direct;
  return FastRoute::Other;
}

// Output columns [lo, hi) whose input column ow*stride + off lies in [0, W).
inline void valid_range(int OW, int W, int stride, int off, int* lo, int* hi) {
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int h = (W - 1 - off) < 0 ? 0 : (W - 1 - off) / stride + 1;
  *lo = l < OW ? l : OW;
  *hi = h < OW ? (h > *lo ? h : *lo) : OW;
}

// im2col / col2im with the same layout as im2col.h's (the teaching versions test every element
// against the padding); here each output row is split once into [padding | copy | padding], so
// stride-1 rows are a straight vectorisable copy and col2im's rows a vectorisable add.
// "Same" stride-1 rows (OW == W, stride 1 both ways; L3, L4, DigitNet's 3x3 layers): the part of a
// column row whose input rows exist is ONE contiguous run of the plane shifted by `off`, so it is
// one long copy plus the |off| padding columns of each output row set to 0 afterwards, instead of
// OH short copies (14 floats for L3) with their loop overheads.
bool same_stride1(const PatchGeometry& pg) {
  return pg.stride.h == 1 && pg.stride.w == 1 && pg.OW == pg.W;
}

// GCC turns the zeroing loops below into memset calls; for the 1-2 padding floats per output row
// the call costs far more than the stores (L3: 9.6% of the time in memset, ~170k calls per call).
#if defined(__GNUC__) && !defined(__clang__)
#define CS_NO_MEMSET_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define CS_NO_MEMSET_CALLS
#endif

CS_NO_MEMSET_CALLS
void im2col_row_same(const PatchGeometry& pg, const float* plane, int kh, int off, float* row) {
  const int OW = pg.OW;
  const int shift = conv_input_index(0, kh, 1, pg.padding.h, pg.dilation.h);  // ih = oh + shift
  const int oh0 = shift < 0 ? (-shift < pg.OH ? -shift : pg.OH) : 0;
  const int oh1 = pg.H - shift < pg.OH ? (pg.H - shift > oh0 ? pg.H - shift : oh0) : pg.OH;
  if (oh0 > 0) std::memset(row, 0, sizeof(float) * static_cast<size_t>(oh0) * OW);
  if (oh1 < pg.OH) std::memset(row + static_cast<size_t>(oh1) * OW, 0, sizeof(float) * static_cast<size_t>(pg.OH - oh1) * OW);
  if (oh1 <= oh0) return;
  // dst[i] = plane[base + i] over the run, except where that index leaves the plane: there (first
  // element for off < 0 at the top row, last for off > 0 at the bottom) the column is padding anyway.
  float* __restrict d = row + static_cast<size_t>(oh0) * OW;
  const ptrdiff_t base = static_cast<ptrdiff_t>(oh0 + shift) * pg.W + off;
  const ptrdiff_t n = static_cast<ptrdiff_t>(oh1 - oh0) * OW, plane_n = static_cast<ptrdiff_t>(pg.H) * pg.W;
  const ptrdiff_t i0 = base < 0 ? -base : 0, i1 = base + n > plane_n ? plane_n - base : n;
  const float* __restrict src = plane + base;
  for (ptrdiff_t i = 0; i < i0; ++i) d[i] = 0.0f;
  for (ptrdiff_t i = i0; i < i1; ++i) d[i] = src[i];
  for (ptrdiff_t i = i1 > i0 ? i1 : i0; i < n; ++i) d[i] = 0.0f;
  // Output columns whose input column iw = ow + off is outside [0, W): the run wrapped into the
  // neighbouring input row there.
  const int z0 = off < 0 ? (-off < OW ? -off : OW) : 0;
  const int z1 = off > 0 ? (OW - off > 0 ? OW - off : 0) : OW;
  for (int oh = oh0; oh < oh1; ++oh) {
    float* rr = row + static_cast<size_t>(oh) * OW;
    for (int ow = 0; ow < z0; ++ow) rr[ow] = 0.0f;
    for (int ow = z1; ow < OW; ++ow) rr[ow] = 0.0f;
  }
}

// d[ow] = s[2*ow] for ow in [lo, hi): four outputs from two loads and one shuffle (the scalar loop
// ran at one float per cycle: 15-22 % of L7). Vector loads stop one group early so that they never
// read past s[2*(hi-1)], the last element the row may touch.
inline void copy_stride2(const float* __restrict s, int lo, int hi, float* __restrict d) {
  int ow = lo;
#if defined(__SSE2__)
  for (; ow + 5 <= hi; ow += 4) {
    const __m128 a = _mm_loadu_ps(s + 2 * ow), b = _mm_loadu_ps(s + 2 * ow + 4);
    _mm_storeu_ps(d + ow, _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
  }
#elif defined(__wasm_simd128__)
  for (; ow + 5 <= hi; ow += 4) {
    const v128_t a = wasm_v128_load(s + 2 * ow), b = wasm_v128_load(s + 2 * ow + 4);
    wasm_v128_store(d + ow, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
  }
#endif
  for (; ow < hi; ++ow) d[ow] = s[2 * ow];
}

// Row r of the column matrix goes to cols + r*ld (ld >= L: the dW pass writes every image's
// columns side by side into one (rows, N*L) matrix, without a per-image buffer and copy). The
// row loop is written out here rather than calling im2col_row: through the call, L7's strided
// rows took 21.6 % of its time instead of 14.8 %.
CS_NO_MEMSET_CALLS
void im2col_fast(const PatchGeometry& pg, const float* x, float* cols, size_t ld) {
  const bool same = same_stride1(pg);
  int r = 0;
  for (int c = 0; c < pg.C; ++c) {
    const float* plane = x + static_cast<size_t>(c) * pg.H * pg.W;
    for (int kh = 0; kh < pg.KH; ++kh)
      for (int kw = 0; kw < pg.KW; ++kw, ++r) {
        float* row = cols + r * ld;
        const int off = conv_input_index(0, kw, pg.stride.w, pg.padding.w, pg.dilation.w);
        if (same) {
          im2col_row_same(pg, plane, kh, off, row);
          continue;
        }
        int lo, hi;
        valid_range(pg.OW, pg.W, pg.stride.w, off, &lo, &hi);
        for (int oh = 0; oh < pg.OH; ++oh) {
          float* dst = row + static_cast<size_t>(oh) * pg.OW;
          const int ih = conv_input_index(oh, kh, pg.stride.h, pg.padding.h, pg.dilation.h);
          if (ih < 0 || ih >= pg.H) {
            std::memset(dst, 0, sizeof(float) * pg.OW);
            continue;
          }
          const float* __restrict src = plane + static_cast<size_t>(ih) * pg.W;
          float* __restrict d = dst;
          for (int ow = 0; ow < lo; ++ow) d[ow] = 0.0f;
          // A plain loop, not memcpy: rows are short (14-56 floats) and a libc call per row cost
          // more than the copy in the batch-64 14x14 case.
          if (pg.stride.w == 1)
            for (int ow = lo; ow < hi; ++ow) d[ow] = src[ow + off];
          else if (pg.stride.w == 2)
            copy_stride2(src + off, lo, hi, d);
          else
            for (int ow = lo; ow < hi; ++ow) d[ow] = src[ow * pg.stride.w + off];
          for (int ow = hi; ow < pg.OW; ++ow) d[ow] = 0.0f;
        }
      }
  }
}

// A "same" stride-1 row (see im2col_row_same) written straight into the panels, without the row
// buffer: the run of valid input rows is one shifted copy of the plane, so every panel lying
// inside it is an NR-float copy; panels at the run's ends go element by element, then the
// wrapped padding columns (ow < z0 or ow >= z1 in each output row) are zeroed where they landed.
// Only panels [q0, q1) are written, panel q at d + (q - q0)*stride (a block of columns).
template <int NR>
CS_NO_MEMSET_CALLS void im2col_row_same_panels(const PatchGeometry& pg, const float* plane, int kh, int kw, int q0,
                                               int q1, size_t stride, float* __restrict d) {
  const int OW = pg.OW, L = pg.OH * pg.OW;
  const int off = conv_input_index(0, kw, 1, pg.padding.w, pg.dilation.w);
  const int shift = conv_input_index(0, kh, 1, pg.padding.h, pg.dilation.h);  // ih = oh + shift
  const int oh0 = shift < 0 ? (-shift < pg.OH ? -shift : pg.OH) : 0;
  const int oh1 = pg.H - shift < pg.OH ? (pg.H - shift > oh0 ? pg.H - shift : oh0) : pg.OH;
  // Column j holds plane[j + delta] for j in [v0, v1), else 0 (before the column fix-ups).
  const ptrdiff_t delta = static_cast<ptrdiff_t>(shift) * pg.W + off;
  const ptrdiff_t plane_n = static_cast<ptrdiff_t>(pg.H) * pg.W;
  ptrdiff_t v0 = static_cast<ptrdiff_t>(oh0) * OW, v1 = static_cast<ptrdiff_t>(oh1) * OW;
  if (v0 + delta < 0) v0 = -delta;
  if (v1 + delta > plane_n) v1 = plane_n - delta;
  const float* __restrict src = plane + delta;
  for (int q = q0; q < q1; ++q) {
    float* __restrict dq = d + static_cast<size_t>(q - q0) * stride;
    const ptrdiff_t j0 = static_cast<ptrdiff_t>(q) * NR;
    if (j0 >= v0 && j0 + NR <= v1) {
      for (int c = 0; c < NR; ++c) dq[c] = src[j0 + c];
    } else {
      for (int c = 0; c < NR; ++c) {
        const ptrdiff_t j = j0 + c;
        dq[c] = j >= v0 && j < v1 && j < L ? src[j] : 0.0f;
      }
    }
  }
  const int z0 = off < 0 ? (-off < OW ? -off : OW) : 0;
  const int z1 = off > 0 ? (OW - off > 0 ? OW - off : 0) : OW;
  if (z0 == 0 && z1 == OW) return;
  const int jb0 = q0 * NR, jb1 = q1 * NR < L ? q1 * NR : L;  // the block's columns
  const int r0 = jb0 / OW > oh0 ? jb0 / OW : oh0, r1 = (jb1 + OW - 1) / OW < oh1 ? (jb1 + OW - 1) / OW : oh1;
  for (int oh = r0; oh < r1; ++oh) {
    const int row = oh * OW;
    for (int ow = 0; ow < z0; ++ow) {
      const int j = row + ow;
      if (j >= jb0 && j < jb1) d[static_cast<size_t>(j / NR - q0) * stride + j % NR] = 0.0f;
    }
    for (int ow = z1; ow < OW; ++ow) {
      const int j = row + ow;
      if (j >= jb0 && j < jb1) d[static_cast<size_t>(j / NR - q0) * stride + j % NR] = 0.0f;
    }
  }
}

template <int NR>
void im2col_panels_nr(const PatchGeometry& pg, const float* x, int c0, int cg, int q0, int q1, float* panels) {
  const size_t stride = static_cast<size_t>(NR) * cg * pg.KH * pg.KW;
  int r = 0;
  for (int c = c0; c < c0 + cg; ++c) {
    const float* plane = x + static_cast<size_t>(c) * pg.H * pg.W;
    for (int kh = 0; kh < pg.KH; ++kh)
      for (int kw = 0; kw < pg.KW; ++kw, ++r)
        im2col_row_same_panels<NR>(pg, plane, kh, kw, q0, q1, stride, panels + static_cast<size_t>(r) * NR);
  }
}

// im2col of channels [c0, c0 + cg) of a "same" stride-1 convolution, columns of panels [q0, q1),
// straight into gemm_packed's B panels (K = cg*KH*KW rows; panel q at panels + (q - q0)*K*nr):
// the column matrix is never stored whole and the GEMM does not re-pack it. The caller takes the
// columns in blocks that stay in L2 (written panel by panel, the whole 7 MB of L4's columns went
// to memory with every 64-byte chunk on another page).
void im2col_panels(const PatchGeometry& pg, const float* x, int c0, int cg, int nr, int q0, int q1, float* panels) {
  switch (nr) {
    case 4: return im2col_panels_nr<4>(pg, x, c0, cg, q0, q1, panels);
    case 8: return im2col_panels_nr<8>(pg, x, c0, cg, q0, q1, panels);
    case 16: return im2col_panels_nr<16>(pg, x, c0, cg, q0, q1, panels);
    default: return im2col_panels_nr<32>(pg, x, c0, cg, q0, q1, panels);
  }
}

void col2im_fast(const PatchGeometry& pg, const float* cols, float* x) {
  std::memset(x, 0, sizeof(float) * static_cast<size_t>(pg.C) * pg.H * pg.W);
  const size_t L = static_cast<size_t>(pg.OH) * pg.OW;
  int r = 0;
  for (int c = 0; c < pg.C; ++c) {
    float* plane = x + static_cast<size_t>(c) * pg.H * pg.W;
    for (int kh = 0; kh < pg.KH; ++kh)
      for (int kw = 0; kw < pg.KW; ++kw, ++r) {
        const float* row = cols + r * L;
        const int off = conv_input_index(0, kw, pg.stride.w, pg.padding.w, pg.dilation.w);
        int lo, hi;
        valid_range(pg.OW, pg.W, pg.stride.w, off, &lo, &hi);
        for (int oh = 0; oh < pg.OH; ++oh) {
          const int ih = conv_input_index(oh, kh, pg.stride.h, pg.padding.h, pg.dilation.h);
          if (ih < 0 || ih >= pg.H) continue;
          const float* __restrict src = row + static_cast<size_t>(oh) * pg.OW;
          float* __restrict dst = plane + static_cast<size_t>(ih) * pg.W;
          if (pg.stride.w == 1)
            for (int ow = lo; ow < hi; ++ow) dst[ow + off] += src[ow];
          else
            for (int ow = lo; ow < hi; ++ow) dst[ow * pg.stride.w + off] += src[ow];
        }
      }
  }
}

// Floats of one block of B panels in the blocked forward: 256 KB, which with L4's packed weights
// (147 KB) still fits the 512 KB L2. Measured on L4 (CPU ms, 1 thread): 64 KB blocks 3.81,
// 128 KB 3.13, 256 KB 2.94, 512 KB 3.02, whole image 3.04.
constexpr size_t kBlockFloats = 64 * 1024;

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// Runs fn(n) for every image: in parallel (one image per task) when the batch is big enough and
// each image is small enough that the GEMM alone would not use the threads well.
template <class F>
void for_each_image(const ConvGeometry& g, int64_t macs_per_image, F&& fn) {
  const bool per_image_threads = g.N >= 2 && macs_per_image < (int64_t(1) << 23);
  if (!per_image_threads) {
    for (int n = 0; n < g.N; ++n) fn(n);
    return;
  }
  parallel_for(0, g.N, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t n = lo; n < hi; ++n) fn(static_cast<int>(n));
  });
}

void fill_bias(const ConvGeometry& g, const float* b, float* y, int L) {
  for (int oc = 0; oc < g.OC; ++oc) {
    float* row = y + static_cast<size_t>(oc) * L;
    const float v = b[oc];
    for (int i = 0; i < L; ++i) row[i] = v;
  }
}

// A 1x1 convolution on a small map as the direct tile (conv2d_direct.h) over the flattened
// plane: the image's L = H*W pixels are one output row of the tile, input channel c at c*L, so
// the tile reads the NCHW input itself, the weights are packed once per call and the bias is its
// accumulators' start. Per image, the GEMM path packed the weights and the 49-column B again,
// filled the bias and stored edge tiles through a buffer (30 % of M1's pointwise 32 -> 64 on 7x7
// maps). Larger maps keep the GEMM (L6). Natively with the AVX2 tile only (the one measured).
constexpr int kSmallPointwiseMaxCols = 256;

bool small_pointwise_direct(const ConvGeometry& g) {
#if defined(__wasm__)
  (void)g;
  return false;
#else
  const int L = g.OH * g.OW;
  return is_pointwise(g) && g.p.groups == 1 && L <= kSmallPointwiseMaxCols &&
         avx2_tiles_pay();
#endif
}

void forward_gemm(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out) {
  const PatchGeometry pg = patch_geometry(g);
  const int L = pg.cols(), ocg = g.oc_per_group(), cg = g.c_per_group(), kg = cg * g.KH * g.KW;
  const int64_t macs = static_cast<int64_t>(g.OC) * L * kg;
  const bool direct = is_pointwise(g);
  if (small_pointwise_direct(g)) {
    ConvGeometry flat = g;  // (N, C, 1, L) -> (N, OC, 1, L)
    flat.H = flat.OH = 1;
    flat.W = flat.OW = L;
    if (conv2d_direct_applies(flat)) {
      conv2d_forward_direct(flat, in, w, b, out, false);
      return;
    }
  }
  if (direct || !same_stride1(pg)) {
    // 1x1: the input planes are the columns already. Strided / "valid" shapes: im2col into a
    // column matrix and the GEMM packs it (writing panels straight from strided rows measured
    // slower: L7 1.74 vs 1.65 ms CPU).
    for_each_image(g, macs, [&](int n) {
      thread_local std::vector<float> cols_store;
      const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
      float* y = out + static_cast<size_t>(n) * g.OC * L;
      const float* cols = x;
      if (!direct) {
        float* c = scratch(cols_store, static_cast<size_t>(pg.rows()) * L);
        im2col_fast(pg, x, c, static_cast<size_t>(L));
        cols = c;
      }
      if (b) fill_bias(g, b, y, L);
      for (int grp = 0; grp < g.p.groups; ++grp)
        gemm(false, false, ocg, L, kg, w + static_cast<size_t>(grp) * ocg * kg, kg,
             cols + static_cast<size_t>(grp) * kg * L, L, b ? 1.0f : 0.0f, y + static_cast<size_t>(grp) * ocg * L, L);
    });
    return;
  }
  // The weights are packed once per call (not once per image), by the calling thread; the images
  // then only read them. Columns go in blocks of whole panels sized so that a block's panels
  // (kg x cols floats) stay in L2 next to the packed weights; each block is im2col'ed straight
  // into panels and multiplied at once. A single image splits its blocks over the threads.
  const int nr = gemm_panels().nr;
  const size_t a_size = gemm_packed_a_size(ocg, kg);
  static thread_local std::vector<float> wpack_store;
  float* wpack = scratch(wpack_store, a_size * g.p.groups);
  for (int grp = 0; grp < g.p.groups; ++grp)
    gemm_pack_a(false, ocg, kg, w + static_cast<size_t>(grp) * ocg * kg, kg, wpack + grp * a_size);
  const int panels_total = (L + nr - 1) / nr;
  const int block_panels = std::max(1, std::min(panels_total, static_cast<int>(kBlockFloats / (static_cast<size_t>(kg) * nr))));
  const int blocks = (panels_total + block_panels - 1) / block_panels;
  for_each_image(g, macs, [&](int n) {
    const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
    float* y = out + static_cast<size_t>(n) * g.OC * L;
    parallel_for(0, blocks, 1, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> panels_store;
      float* panels = scratch(panels_store, static_cast<size_t>(kg) * nr * block_panels + 16);
      // 64-byte aligned panels: each NR-float chunk then fills whole cache lines.
      panels += (16 - (reinterpret_cast<uintptr_t>(panels) / sizeof(float)) % 16) % 16;
      for (int64_t blk = lo; blk < hi; ++blk) {
        const int q0 = static_cast<int>(blk) * block_panels, q1 = std::min(panels_total, q0 + block_panels);
        const int j0 = q0 * nr, cols = std::min(L, q1 * nr) - j0;
        // The bias goes into the block's columns right before its GEMM reads them back (still in
        // cache), not into the whole output first (L4: 800 KB written, then re-read from L3).
        if (b)
          for (int oc = 0; oc < g.OC; ++oc) std::fill_n(y + static_cast<size_t>(oc) * L + j0, cols, b[oc]);
        for (int grp = 0; grp < g.p.groups; ++grp) {
          im2col_panels(pg, x, grp * cg, cg, nr, q0, q1, panels);
          gemm_packed(ocg, cols, kg, wpack + grp * a_size, panels, b ? 1.0f : 0.0f,
                      y + static_cast<size_t>(grp) * ocg * L + j0, L);
        }
      }
    });
  });
}

// dW_g (OCg, kg) = dY_g (OCg, N*L) * cols_g^T (N*L, kg): the whole batch as ONE product whose
// depth is N*L, so the sum over images happens inside the GEMM (in a fixed order) instead of in
// per-image partial results. dY and the columns are first laid out image after image.
void backward_weight(const ConvGeometry& g, const float* dy, const float* in, float* dw) {
  const PatchGeometry pg = patch_geometry(g);
  const int L = pg.cols(), ocg = g.oc_per_group(), kg = g.c_per_group() * g.KH * g.KW;
  const bool direct = is_pointwise(g);
  const size_t NL = static_cast<size_t>(g.N) * L;
  static thread_local std::vector<float> cols_all_store, dy_all_store;
  float* cols_all = nullptr;
  float* dy_all = nullptr;
  const float* A = dy;   // (OC, NL) with row stride lda
  const float* B = in;   // (C*KH*KW, NL) with row stride ldb
  int ld = L;
  if (g.N > 1 || !direct) {
    cols_all = scratch(cols_all_store, static_cast<size_t>(pg.rows()) * NL);
    ld = static_cast<int>(NL);
    B = cols_all;
    parallel_for(0, g.N, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t n = lo; n < hi; ++n) {
        const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
        if (!direct) {
          im2col_fast(pg, x, cols_all + n * L, NL);
          continue;
        }
        for (int r = 0; r < pg.rows(); ++r)
          std::memcpy(cols_all + r * NL + n * L, x + static_cast<size_t>(r) * L, sizeof(float) * L);
      }
    });
  }
  if (g.N > 1) {
    dy_all = scratch(dy_all_store, static_cast<size_t>(g.OC) * NL);
    for (int n = 0; n < g.N; ++n)
      for (int oc = 0; oc < g.OC; ++oc)
        std::memcpy(dy_all + oc * NL + static_cast<size_t>(n) * L, dy + (static_cast<size_t>(n) * g.OC + oc) * L,
                    sizeof(float) * L);
    A = dy_all;
  }
  for (int grp = 0; grp < g.p.groups; ++grp)
    gemm(false, true, ocg, kg, static_cast<int>(NL), A + static_cast<size_t>(grp) * ocg * ld, ld,
         B + static_cast<size_t>(grp) * kg * ld, ld, 0.0f, dw + static_cast<size_t>(grp) * ocg * kg, kg);
}

// dX: per image, dcols_g = W_g^T dY_g, then col2im (im2col's adjoint); 1x1 writes dX directly.
void backward_input(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const PatchGeometry pg = patch_geometry(g);
  const int L = pg.cols(), ocg = g.oc_per_group(), kg = g.c_per_group() * g.KH * g.KW;
  const bool direct = is_pointwise(g);
  const int64_t macs = static_cast<int64_t>(g.OC) * L * kg;
  for_each_image(g, macs, [&](int n) {
    thread_local std::vector<float> dcols_store;
    const float* dyn = dy + static_cast<size_t>(n) * g.OC * L;
    float* dxn = dx + static_cast<size_t>(n) * g.C * g.H * g.W;
    float* dc = direct ? dxn : scratch(dcols_store, static_cast<size_t>(pg.rows()) * L);
    for (int grp = 0; grp < g.p.groups; ++grp)
      gemm(true, false, kg, L, ocg, w + static_cast<size_t>(grp) * ocg * kg, kg, dyn + static_cast<size_t>(grp) * ocg * L,
           L, 0.0f, dc + static_cast<size_t>(grp) * kg * L, L);
    if (!direct) col2im_fast(pg, dc, dxn);
  });
}

void backward_bias(const ConvGeometry& g, const float* dy, float* db) {
  const int L = g.OH * g.OW;
  for (int oc = 0; oc < g.OC; ++oc) {
    float s = 0.0f;
    for (int n = 0; n < g.N; ++n) {
      const float* row = dy + (static_cast<size_t>(n) * g.OC + oc) * L;
      float r = 0.0f;
      for (int i = 0; i < L; ++i) r += row[i];
      s += r;
    }
    db[oc] = s;
  }
}

}  // namespace

const char* conv2d_auto_forward_path(const ConvGeometry& g) {
  switch (fast_route(g)) {
    case FastRoute::WinogradWasm: return "winograd_simd128";
    case FastRoute::WinogradAvx2: return "winograd_avx2";
    case FastRoute::Direct: return "direct";
    case FastRoute::Other: break;
  }
  if (depthwise_applies(g) && g.oc_per_group() == 1) return "depthwise";
  if (winograd_supported(g) && winograd_pays(g)) return "winograd";
  return "gemm";
}

void conv2d_forward_auto(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                         Workspace& ws, bool relu) {
  // Bias and ReLU (if asked) as the Winograd output transforms / the direct tiles store: no pass
  // of their own.
  switch (fast_route(g)) {
#if defined(__wasm_simd128__)
    case FastRoute::WinogradWasm: conv2d_forward_winograd_wasm(g, in, w, b, out, relu); return;
#endif
#if defined(CS_WINOGRAD_AVX2)
    case FastRoute::WinogradAvx2: conv2d_forward_winograd_avx2(g, in, w, b, out, relu); return;
#endif
    case FastRoute::Direct: conv2d_forward_direct(g, in, w, b, out, relu); return;
    default: break;
  }
  // Depthwise with a channel multiplier (e.g. 1 -> 16 channels) pads the same input plane once per
  // output channel; there im2col + GEMM (K = KH*KW) measured faster, so only multiplier 1 goes direct.
  if (depthwise_applies(g) && g.oc_per_group() == 1) {
    depthwise_forward(g, in, w, b, out);
  } else if (winograd_supported(g) && winograd_pays(g)) {
    conv2d_forward_winograd(g, in, w, b, out, ws);
  } else {
    forward_gemm(g, in, w, b, out);
  }
  if (relu) relu_kernel(static_cast<size_t>(g.N) * g.OC * g.OH * g.OW, out, out);
}

void conv2d_backward_auto(const ConvGeometry& g, const float* grad_out, const float* in, const float* w,
                          float* grad_in, float* grad_w, float* grad_b, Workspace&) {
  // As forward: only multiplier 1 goes direct. With a multiplier (M1's first layer, 1 -> 16) the
  // direct dX scatters each input plane 16 times: 7.1 ms vs 2.6 ms for GEMM + col2im (dX + dW, M1's
  // c1 at batch 64, AVX2, 1 thread).
  if (depthwise_applies(g) && g.oc_per_group() == 1) {
    depthwise_backward(g, grad_out, in, w, grad_in, grad_w, grad_b);
    return;
  }
  if (grad_b) backward_bias(g, grad_out, grad_b);
  if (grad_w) backward_weight(g, grad_out, in, grad_w);
  if (grad_in) backward_input(g, grad_out, w, grad_in);
}

}  // namespace cs
