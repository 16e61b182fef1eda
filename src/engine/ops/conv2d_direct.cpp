// conv2d_direct.cpp — the direct stride-1 convolution of conv2d_direct.h: weights packed into
// panels of output channels, each image copied into a zero-padded buffer, then register tiles
// (conv2d_direct_kernel.inc, one instantiation per instruction set) over vectors of output columns.
// Why: with im2col + GEMM, L3 (N=64 16->32 14x14) spent ~20 % writing a 9x larger column matrix and
// ~9 % in edge tiles (32 rows = 5x6 + 2 for the 6-row GEMM tile). Here the tile is 4 channels high
// (every channel count of the cases is a multiple of 4) and the padded input (16 KB per L3 image)
// stays in L1 while every tile reads it.
// Output rows whose width is not a multiple of VL: the row's last vector is moved left to end at
// the row's end (14 = 8 + 8 overlapping by 2): the overlapped columns are computed twice with the
// same sums, and every load and store stays inside its row, so no edge path is needed.
#include "conv2d_direct.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "../cpu.h"
#include "../parallel.h"
#include "cpu_variants.h"
#include "simd.h"

// [SECTION] per-ISA tiles -----------------------------------------------------------------------
namespace cs {
namespace direct_scalar {
using namespace simd_scalar;
}  // namespace direct_scalar
}  // namespace cs
#define CS_DIRECT_NS direct_scalar
#define CS_DMR 4
#define CS_DNV 4
#include "conv2d_direct_kernel.inc"
#undef CS_DIRECT_NS
#undef CS_DMR
#undef CS_DNV

#if defined(__wasm_simd128__)
namespace cs {
namespace direct_wasm {
using namespace simd_wasm;
}  // namespace direct_wasm
}  // namespace cs
// 4 x 2 vectors, the shape the wasm GEMM measured best (V8 has 16 xmm registers and no FMA).
#define CS_DIRECT_NS direct_wasm
#define CS_DMR 4
#define CS_DNV 2
#include "conv2d_direct_kernel.inc"
#undef CS_DIRECT_NS
#undef CS_DMR
#undef CS_DNV
#endif

#if defined(CS_SIMD_X86)
CS_TARGET_BEGIN("avx2,fma")
namespace cs {
namespace direct_avx2 {
using namespace simd_avx2;
}  // namespace direct_avx2
}  // namespace cs
// 4 channels x 3 vectors: 12 accumulators + 3 input vectors + 1 broadcast = the 16 ymm registers;
// per depth step 3 loads + 4 broadcasts feed 12 FMAs.
#define CS_DIRECT_NS direct_avx2
#define CS_DMR 4
#define CS_DNV 3
#include "conv2d_direct_kernel.inc"
#undef CS_DIRECT_NS
#undef CS_DMR
#undef CS_DNV

namespace cs {
namespace direct_avx2 {

// The conv + ReLU + MaxPool2d(2) fusion without channel sums (M1's conv1: 1 -> 16 channels,
// 28x28), pooled in registers: one tile = DMR channels x 2 output rows (a pool window's height)
// x VL columns, the two rows' sums as direct_tile makes them (bias, then k ascending, FMA), then
// max of the rows, max of the column pairs (shuffles, two channels per vector), ReLU (max(relu(a),
// relu(b)) == relu(max(a, b))) and 4 pooled floats stored per channel. The full-size output is
// never stored: the band + pool_band epilogue was 37 % of conv1 and the tiles only 43 %.
// Tile t reads the rows at x + xo[t] and x + xo[t] + ldx and writes pooled + po[t] + r*ldp for
// r < rows (4 floats each; rows past the weights' last channel are computed on zeros, dropped).
static void direct_pool_tiles(int K, const int* __restrict koff, const float* __restrict wp, const float* bias,
                              const float* x, const ptrdiff_t* xo, ptrdiff_t ldx, int rows, float* pooled,
                              const ptrdiff_t* po, ptrdiff_t ldp, int n) {
  static_assert(DMR == 4, "the epilogue pairs channels (0, 1) and (2, 3)");
  for (int t = 0; t < n; ++t) {
    const float* x0 = x + xo[t];
    const float* x1 = x0 + ldx;
    V top[DMR], bot[DMR];
#pragma GCC unroll 4
    for (int r = 0; r < DMR; ++r) top[r] = bot[r] = v_bcast(bias + r);
    const float* w = wp;
    for (int k = 0; k < K; ++k) {
      const ptrdiff_t o = koff[k];
      const V u = v_load(x0 + o), d = v_load(x1 + o);
#pragma GCC unroll 4
      for (int r = 0; r < DMR; ++r) {
        const V a = v_bcast(w + r);
        top[r] = v_madd(a, u, top[r]);
        bot[r] = v_madd(a, d, bot[r]);
      }
      w += DMR;
    }
    float* out = pooled + po[t];
#pragma GCC unroll 2
    for (int r = 0; r < DMR; r += 2) {
      if (r >= rows) break;
      const V m0 = _mm256_max_ps(top[r], bot[r]), m1 = _mm256_max_ps(top[r + 1], bot[r + 1]);
      // [m0 even | m1 even] vs [m0 odd | m1 odd] per 128-bit lane, then the lanes' 64-bit halves
      // reordered: channel r's 4 pooled values in the low half, channel r + 1's in the high half.
      const V q = _mm256_max_ps(_mm256_shuffle_ps(m0, m1, 0x88), _mm256_shuffle_ps(m0, m1, 0xDD));
      const V p = v_relu(_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(q), 0xD8)));
      _mm_storeu_ps(out + r * ldp, _mm256_castps256_ps128(p));
      if (r + 1 < rows) _mm_storeu_ps(out + (r + 1) * ldp, _mm256_extractf128_ps(p, 1));
    }
  }
}

}  // namespace direct_avx2
}  // namespace cs
CS_TARGET_END
#endif

// [SECTION] dispatch and driver ------------------------------------------------------------------
namespace cs {

namespace {

// The pooling tile (direct_pool_tiles), where an ISA has one: null elsewhere (the band path).
using DirectPoolFn = void (*)(int, const int*, const float*, const float*, const float*, const ptrdiff_t*, ptrdiff_t,
                              int, float*, const ptrdiff_t*, ptrdiff_t, int);

struct DirectImpl {
  const char* name;
  int vl, mr, nv;
  const direct_scalar::DirectTileFn* tiles;  // tiles[nv - 1]; every namespace's DirectTileFn is the same type
  DirectPoolFn pool;
};

#define CS_DIRECT_IMPL(label, ns, pool) \
  DirectImpl { label, ns::VL, ns::DMR, ns::DNV, ns::kDirectTiles.data(), pool }

// The tile of the CPU family in use (cpu.h); the avx512 family keeps the AVX2 tile (AVX2 is part
// of every AVX-512 CPU it runs on).
const DirectImpl& direct_impl() {
  static const DirectImpl scalar = CS_DIRECT_IMPL("scalar", direct_scalar, nullptr);
#if defined(__wasm_simd128__)
  static const DirectImpl wasm = CS_DIRECT_IMPL("simd128", direct_wasm, nullptr);
  if (cpu_family() == CpuFamily::Simd128) return wasm;
#endif
#if defined(CS_SIMD_X86)
  static const DirectImpl avx2 = CS_DIRECT_IMPL("avx2", direct_avx2, &direct_avx2::direct_pool_tiles);
  const CpuFamily f = cpu_family();
  if (f == CpuFamily::Avx2 || f == CpuFamily::Avx512) return avx2;
#endif
  return scalar;
}
#undef CS_DIRECT_IMPL

// Blocking of run_rows: about kBlockVectors column vectors (L4: 4 output rows of 56) and as many
// input channels as keep the block's input rows within kBlockInputBytes, so that all channel
// panels re-read them from L1 (32 KB). L4 CPU ms, 1 thread, min of 3 under load: 1 row and all 64
// channels 3.20; 4 rows x 64 channels 3.00 (the 89 KB of input rows streamed from L2 for every
// panel); 4 rows x 17 channels (24 KB) 2.70; 12 KB 2.79. Later channel blocks add to the stored sums.
constexpr int kBlockVectors = 32;
constexpr size_t kBlockInputBytes = 24 * 1024;

float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

double* scratch_f64(std::vector<double>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// GCC turns short zeroing/copy loops into memset/memcpy calls; for L3's 14-float rows the calls
// cost more than the copies (pad_image + memset + memmove: 9.6 % of L3).
#if defined(__GNUC__) && !defined(__clang__)
#define CS_NO_MEMSET_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define CS_NO_MEMSET_CALLS
#endif

// xp (C, Hp, Wp) = x (C, H, W) with ph zero rows above and below and pw zero columns left and right.
CS_NO_MEMSET_CALLS void pad_image(const ConvGeometry& g, const float* x, float* xp) {
  const int ph = g.p.padding.h, pw = g.p.padding.w, Hp = g.H + 2 * ph, Wp = g.W + 2 * pw;
  for (int c = 0; c < g.C; ++c) {
    float* __restrict d = xp + static_cast<size_t>(c) * Hp * Wp;
    const float* __restrict s = x + static_cast<size_t>(c) * g.H * g.W;
    for (int i = 0; i < ph * Wp; ++i) d[i] = 0.0f;
    for (int h = 0; h < g.H; ++h) {
      float* __restrict row = d + static_cast<size_t>(h + ph) * Wp;
      const float* __restrict src = s + static_cast<size_t>(h) * g.W;
      for (int i = 0; i < pw; ++i) row[i] = 0.0f;
      for (int i = 0; i < g.W; ++i) row[pw + i] = src[i];
      for (int i = pw + g.W; i < Wp; ++i) row[i] = 0.0f;
    }
    float* __restrict tail = d + static_cast<size_t>(ph + g.H) * Wp;
    for (int i = 0; i < ph * Wp; ++i) tail[i] = 0.0f;
  }
}

}  // namespace

bool conv2d_direct_applies(const ConvGeometry& g) {
  return g.p.groups == 1 && g.p.stride.h == 1 && g.p.stride.w == 1 && g.OW >= direct_impl().vl && g.OH >= 1;
}

const char* conv2d_direct_kernel_name() { return direct_impl().name; }

namespace {


// out[i] = max(in[2i], in[2i+1]) for i < n: the column pairs of a max-pool. Vectors of 4 (the
// last one moved left to end at n, recomputing a few outputs with the same values), so 7- and
// 14-wide rows need no scalar tail (the tails were most of the epilogue's time).
inline void pair_max(const float* __restrict in, float* __restrict out, int n) {
#if defined(__SSE2__)
  if (n >= 4) {
    for (int i = 0; i < n; i += 4) {
      const int k = i > n - 4 ? n - 4 : i;
      const __m128 a = _mm_loadu_ps(in + 2 * k), b = _mm_loadu_ps(in + 2 * k + 4);
      _mm_storeu_ps(out + k, _mm_max_ps(_mm_shuffle_ps(a, b, 0x88), _mm_shuffle_ps(a, b, 0xDD)));
    }
    return;
  }
#endif
  for (int i = 0; i < n; ++i) out[i] = in[2 * i] < in[2 * i + 1] ? in[2 * i + 1] : in[2 * i];
}

// out[j] = max(a[j], c[j]) for j < n (the row pairs), vectors as pair_max.
inline void row_max(const float* __restrict a, const float* __restrict c, float* __restrict out, int n) {
#if defined(__SSE2__)
  if (n >= 4) {
    for (int i = 0; i < n; i += 4) {
      const int k = i > n - 4 ? n - 4 : i;
      _mm_storeu_ps(out + k, _mm_max_ps(_mm_loadu_ps(a + k), _mm_loadu_ps(c + k)));
    }
    return;
  }
#endif
  for (int j = 0; j < n; ++j) out[j] = a[j] < c[j] ? c[j] : a[j];
}

// The epilogue of one block of rows (nrows output rows of OW, channel oc at band + oc*band_ld):
// part[oc] = the rows' sum in double (8 independent partial sums, reduced in a fixed order) if
// part != null; and its row pairs max-pooled 2x2 into the pooled rows from pr0 on (below POH) of
// pooled (OC, POH, POW): column pairs first (one run over the block when OW is even: its rows are
// contiguous), then row pairs. `tmp` holds nrows * POW floats. Finite values: the maximum is the
// same float whichever comparison picks it (ReLU outputs are never -0). Plain loops, compiled per
// CPU family (cpu_variants.h): AVX2 widens them (its max-pool shuffles and float->double
// conversions were 14 % of M1-b64 in SSE2).
CS_VARIANT_BODY void pool_band_body(const float* band, size_t band_ld, int OC, int OW, int nrows, int pr0, int POH, int POW, float* pooled,
               double* part, float* tmp) {
  const size_t n = static_cast<size_t>(nrows) * OW;
  const int pairs = std::min(nrows / 2, POH - pr0);
  for (int oc = 0; oc < OC; ++oc) {
    const float* bp = band + static_cast<size_t>(oc) * band_ld;
    if (part) {
      double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      size_t i = 0;
      for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) a[j] += bp[i + j];
      for (; i < n; ++i) a[i % 8] += bp[i];
      part[oc] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    }
    if (pairs <= 0) continue;
    if (OW % 2 == 0) {
      pair_max(bp, tmp, 2 * pairs * POW);
    } else {
      for (int r = 0; r < 2 * pairs; ++r) pair_max(bp + static_cast<size_t>(r) * OW, tmp + static_cast<size_t>(r) * POW, POW);
    }
    float* po = pooled + (static_cast<size_t>(oc) * POH + pr0) * POW;
    for (int q = 0; q < pairs; ++q)
      row_max(tmp + static_cast<size_t>(2 * q) * POW, tmp + static_cast<size_t>(2 * q + 1) * POW,
              po + static_cast<size_t>(q) * POW, POW);
  }
}
void pool_band(const float* band, size_t band_ld, int OC, int OW, int nrows, int pr0, int POH, int POW, float* pooled,
               double* part, float* tmp) {
  CS_CALL_VARIANT_NO_MEMSET(pool_band_body, band, band_ld, OC, OW, nrows, pr0, POH, POW, pooled, part, tmp);
}

// The driver of both entry points. pooled == null: out (N, OC, OH, OW) as conv2d_forward_direct.
// pooled != null: every block of output rows is written to a per-thread band (OC x block rows x
// OW, in L1/L2) instead of `out`, then max-pooled 2x2 (stride 2, floor) into pooled (N, OC, OH/2,
// OW/2) and, when sums != null, summed per channel into sums (N, OC) while the band is hot; the
// full-size output is never stored. Blocks are whole even row pairs; their partial sums are
// reduced in block order, so the sums do not depend on the thread split either.
void direct_driver(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out, bool relu,
                   float* pooled, double* sums) {
  const DirectImpl& im = direct_impl();
  const int K = g.C * g.KH * g.KW, L = g.OH * g.OW;
  const int ph = g.p.padding.h, pw = g.p.padding.w, Wp = g.W + 2 * pw;
  const size_t plane = static_cast<size_t>(g.H + 2 * ph) * Wp;
  const bool padded = ph > 0 || pw > 0;
  const int panels = (g.OC + im.mr - 1) / im.mr;

  // Weights as panels of mr output channels over the whole depth (k-major), bias padded to whole
  // panels (zeros when there is none): packed once per call by the calling thread.
  static thread_local std::vector<float> wpack_store, bias_store;
  static thread_local std::vector<int> koff_store;
  float* wpack = scratch(wpack_store, static_cast<size_t>(panels) * im.mr * K);
  float* bias = scratch(bias_store, static_cast<size_t>(panels) * im.mr);
  if (koff_store.size() < static_cast<size_t>(K)) koff_store.resize(static_cast<size_t>(K));
  int* koff = koff_store.data();
  for (int p = 0; p < panels; ++p)
    for (int r = 0; r < im.mr; ++r) {
      const int oc = p * im.mr + r;
      float* d = wpack + static_cast<size_t>(p) * im.mr * K + r;
      if (oc < g.OC) {
        const float* s = w + static_cast<size_t>(oc) * K;
        for (int k = 0; k < K; ++k) d[static_cast<size_t>(k) * im.mr] = s[k];
      } else {
        for (int k = 0; k < K; ++k) d[static_cast<size_t>(k) * im.mr] = 0.0f;
      }
      bias[p * im.mr + r] = b && oc < g.OC ? b[oc] : 0.0f;
    }
  // Depth step k = (c, kh, kw) reads the padded input at koff[k] + (oh*Wp + ow): stride 1.
  for (int c = 0, k = 0; c < g.C; ++c)
    for (int kh = 0; kh < g.KH; ++kh)
      for (int kw = 0; kw < g.KW; ++kw, ++k)
        koff[k] = static_cast<int>(c * plane + static_cast<size_t>(kh) * g.p.dilation.h * Wp + kw * g.p.dilation.w);

  // Pooling without sums where the ISA has the pooling tile: row pairs x column groups of vl
  // (the last group of a row pair moved left to end at the pool's last column: its overlap is
  // pooled twice to the same values), every group read straight from the padded image.
  const int vl = im.vl, POH = g.OH / 2, POW = g.OW / 2;
  if (pooled && !sums && im.pool && 2 * POW >= vl) {
    const int groups = (2 * POW + vl - 1) / vl;
    const size_t pool_plane = static_cast<size_t>(POH) * POW;
    auto run_pairs = [&](const float* xp, float* pimg, int r0, int r1) {
      thread_local std::vector<ptrdiff_t> offsets;
      const size_t n = static_cast<size_t>(r1 - r0) * groups;
      if (offsets.size() < 2 * n) offsets.resize(2 * n);
      ptrdiff_t* xo = offsets.data();
      ptrdiff_t* po = xo + n;
      for (int r = r0, t = 0; r < r1; ++r)
        for (int j = 0; j < groups; ++j, ++t) {
          const int ow0 = std::min(j * vl, 2 * POW - vl);  // even: the pool's windows stay whole
          xo[t] = static_cast<ptrdiff_t>(2 * r) * Wp + ow0;
          po[t] = static_cast<ptrdiff_t>(r) * POW + ow0 / 2;
        }
      for (int p = 0; p < panels; ++p)
        im.pool(K, koff, wpack + static_cast<size_t>(p) * im.mr * K, bias + p * im.mr, xp, xo, Wp,
                std::min(im.mr, g.OC - p * im.mr), pimg + static_cast<size_t>(p) * im.mr * pool_plane, po,
                static_cast<ptrdiff_t>(pool_plane), static_cast<int>(n));
    };
    auto padded_image = [&](int n, std::vector<float>& store) {
      const float* x = in + static_cast<size_t>(n) * g.C * g.H * g.W;
      if (!padded) return x;
      float* buf = scratch(store, plane * g.C);
      pad_image(g, x, buf);
      return static_cast<const float*>(buf);
    };
    const int64_t macs = static_cast<int64_t>(g.OC) * L * K;
    if (g.N >= 2 && macs < (int64_t(1) << 23)) {
      parallel_for(0, g.N, 1, [&](int64_t lo, int64_t hi) {
        thread_local std::vector<float> xp_store;
        for (int64_t n = lo; n < hi; ++n)
          run_pairs(padded_image(static_cast<int>(n), xp_store), pooled + static_cast<size_t>(n) * g.OC * pool_plane,
                    0, POH);
      });
      return;
    }
    static thread_local std::vector<float> xp_pool;
    const int64_t pair_macs = static_cast<int64_t>(g.OC) * 2 * g.OW * K;
    const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 18) / std::max<int64_t>(1, pair_macs));
    for (int n = 0; n < g.N; ++n) {
      const float* xp = padded_image(n, xp_pool);
      float* pimg = pooled + static_cast<size_t>(n) * g.OC * pool_plane;
      parallel_for(0, POH, grain, [&](int64_t lo, int64_t hi) {
        run_pairs(xp, pimg, static_cast<int>(lo), static_cast<int>(hi));
      });
    }
    return;
  }

  // Output rows [oh0, oh1) of one image in blocks of about kBlockVectors column vectors (vector
  // q = oh*nch + i; the last of a row is moved left to end at OW). A block is cut into tiles of
  // nv or nv-1 vectors (28 = 8x3 + 2x2, not 9x3 + 1: a 1-vector tile runs at a third of the rate),
  // and each channel panel runs over all of the block's tiles while the panel stays in L1.
  const int nch = (g.OW + vl - 1) / vl;
  // Pooling needs blocks of whole row pairs (rounded down to even, at least one pair).
  const int block_rows = pooled ? std::max(2, (kBlockVectors / nch) & ~1) : std::max(1, kBlockVectors / nch);
  const int taps = g.KH * g.KW, rows_in = block_rows + (g.KH - 1) * g.p.dilation.h;
  // Rows whose last vector overlaps the previous one keep all channels in one block: a later
  // block would add its sums to the overlapped columns twice (each vector re-reads what the other
  // stored).
  const int cb = g.OW % vl != 0 ? g.C : std::max(1, static_cast<int>(kBlockInputBytes / (sizeof(float) * rows_in * Wp)));
  // Rows computed: all of them, except that a pool-only call skips the odd last row nobody reads.
  const int rows_out = pooled && !sums ? 2 * POH : g.OH;
  const int nblocks = (rows_out + block_rows - 1) / block_rows;
  const size_t band_ld = static_cast<size_t>(block_rows) * g.OW;
  // Pool (and sum) the band's rows [0, nrows), output rows [r0, r0 + nrows) of image n; the
  // block's channel sums go to part[(r0 / block_rows) * OC + oc].
  auto epilogue = [&](const float* band, int n, int r0, int nrows, double* part) {
    thread_local std::vector<float> tmp_store;
    pool_band(band, band_ld, g.OC, g.OW, nrows, r0 / 2, POH, POW,
              pooled + static_cast<size_t>(n) * g.OC * POH * POW,
              sums ? part + static_cast<size_t>(r0 / block_rows) * g.OC : nullptr, scratch(tmp_store, static_cast<size_t>(block_rows) * POW));
  };
  auto run_rows = [&](const float* xp, float* y, int n, int oh0, int oh1, double* part) {
    // A block holds block_rows * nch vectors at most (more than kBlockVectors when one row is
    // wider, or when pooling rounds the block up to a row pair: 2 x 28 for the scalar kernel's
    // 28-wide rows, which overflowed a max(kBlockVectors, nch) sizing).
    thread_local std::vector<ptrdiff_t> offsets;
    thread_local std::vector<int> tile_store;
    thread_local std::vector<float> band_store;
    const size_t most = static_cast<size_t>(block_rows) * nch + 1;
    if (offsets.size() < 2 * most) offsets.resize(2 * most);
    if (tile_store.size() < most) tile_store.resize(most);
    ptrdiff_t* xo = offsets.data();
    ptrdiff_t* yo = xo + most;
    int* tile_at = tile_store.data();
    float* band = pooled ? scratch(band_store, band_ld * g.OC) : nullptr;
    const int ldy = pooled ? static_cast<int>(band_ld) : L;
    for (int r0 = oh0; r0 < oh1; r0 += block_rows) {
      const int q0 = r0 * nch, nq = (std::min(oh1, r0 + block_rows) - r0) * nch;
      const int ybase_row = pooled ? r0 : 0;  // the band holds rows from r0
      for (int v = 0; v < nq; ++v) {
        const int oh = (q0 + v) / nch, ow0 = std::min(((q0 + v) % nch) * vl, g.OW - vl);
        xo[v] = static_cast<ptrdiff_t>(oh) * Wp + ow0;
        yo[v] = static_cast<ptrdiff_t>(oh - ybase_row) * g.OW + ow0;
      }
      const int tiles = (nq + im.nv - 1) / im.nv, base = nq / tiles, extra = nq % tiles;
      for (int t = 0, v = 0; t <= tiles; ++t) {
        tile_at[t] = v;
        v += base + (t < extra ? 1 : 0);
      }
      float* yb = pooled ? band : y;
      for (int c0 = 0; c0 < g.C; c0 += cb) {
        const int k0 = c0 * taps, kc = std::min(g.C - c0, cb) * taps;
        const bool last = c0 + cb >= g.C;
        for (int p = 0; p < panels; ++p) {
          const float* wp = wpack + static_cast<size_t>(p) * im.mr * K + static_cast<size_t>(k0) * im.mr;
          const int rows = std::min(im.mr, g.OC - p * im.mr);
          float* yp = yb + static_cast<size_t>(p) * im.mr * ldy;
          for (int t = 0; t < tiles; ++t) {
            const int v = tile_at[t];
            im.tiles[tile_at[t + 1] - v - 1](kc, koff + k0, wp, bias + p * im.mr, xp, xo + v, rows, yp, yo + v, ldy,
                                             c0 > 0, relu && last);
          }
        }
      }
      if (pooled) epilogue(band, n, r0, nq / nch, part);
    }
  };
  // The channel sums of image n: its blocks' partial sums, in block order.
  auto reduce_sums = [&](int n, const double* part) {
    for (int oc = 0; oc < g.OC; ++oc) {
      double s = 0.0;
      for (int blk = 0; blk < nblocks; ++blk) s += part[static_cast<size_t>(blk) * g.OC + oc];
      sums[static_cast<size_t>(n) * g.OC + oc] = s;
    }
  };
  auto image = [&](int n) -> std::pair<const float*, float*> {
    return {in + static_cast<size_t>(n) * g.C * g.H * g.W, pooled ? nullptr : out + static_cast<size_t>(n) * g.OC * L};
  };
  const size_t part_n = sums ? static_cast<size_t>(nblocks) * g.OC : 0;

  // Batches of small images: one image per task (each pads into its own buffer). A large image:
  // padded once, its output rows split over the threads (whole rows, so the overlapping vectors
  // of a row are always written by one thread; whole blocks when pooling).
  const int64_t macs = static_cast<int64_t>(g.OC) * L * K;
  if (g.N >= 2 && macs < (int64_t(1) << 23)) {
    parallel_for(0, g.N, 1, [&](int64_t lo, int64_t hi) {
      thread_local std::vector<float> xp_store;
      thread_local std::vector<double> part_store;
      double* part = part_n ? scratch_f64(part_store, part_n) : nullptr;
      for (int64_t n = lo; n < hi; ++n) {
        auto io = image(static_cast<int>(n));
        const float* xp = io.first;
        if (padded) {
          float* buf = scratch(xp_store, plane * g.C);
          pad_image(g, io.first, buf);
          xp = buf;
        }
        run_rows(xp, io.second, static_cast<int>(n), 0, rows_out, part);
        if (part) reduce_sums(static_cast<int>(n), part);
      }
    });
    return;
  }
  static thread_local std::vector<float> xp_main;
  static thread_local std::vector<double> part_main;
  double* part = part_n ? scratch_f64(part_main, part_n) : nullptr;
  const int64_t row_macs = static_cast<int64_t>(g.OC) * g.OW * K;
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 18) / std::max<int64_t>(1, row_macs));
  for (int n = 0; n < g.N; ++n) {
    auto io = image(n);
    const float* xp = io.first;
    if (padded) {
      float* buf = scratch(xp_main, plane * g.C);
      pad_image(g, io.first, buf);
      xp = buf;
    }
    if (pooled) {
      parallel_for(0, nblocks, std::max<int64_t>(1, grain / block_rows), [&](int64_t lo, int64_t hi) {
        run_rows(xp, nullptr, n, static_cast<int>(lo) * block_rows,
                 std::min(rows_out, static_cast<int>(hi) * block_rows), part);
      });
      if (part) reduce_sums(n, part);
      continue;
    }
    parallel_for(0, g.OH, grain, [&](int64_t lo, int64_t hi) {
      run_rows(xp, io.second, n, static_cast<int>(lo), static_cast<int>(hi), nullptr);
    });
  }
}

}  // namespace

void conv2d_forward_direct(const ConvGeometry& g, const float* in, const float* w, const float* b, float* out,
                           bool relu) {
  direct_driver(g, in, w, b, out, relu, nullptr, nullptr);
}

bool conv2d_direct_relu_pool2_applies(const ConvGeometry& g) {
  return conv2d_direct_applies(g) && g.OH >= 2 && g.OW >= 2;
}

void conv2d_forward_direct_relu_pool2(const ConvGeometry& g, const float* in, const float* w, const float* b,
                                      float* pooled, double* sums) {
  direct_driver(g, in, w, b, nullptr, true, pooled, sums);
}

}  // namespace cs
