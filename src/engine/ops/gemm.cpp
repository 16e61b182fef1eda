// gemm.cpp — the fast matrix multiply behind gemm.h: packed panels, cache blocking and a
// register-tiled micro-kernel (body in gemm_kernel.inc), compiled for several instruction sets in
// ONE binary and chosen at run time by the CPU family in use (cpu.h):
//   x86-64: AVX-512F (12x32 tile) in the avx512 family, AVX2+FMA (6x16) in avx2, the scalar kernel
//           in scalar. Each ISA's code sits in its own
//           target region (#pragma GCC target / clang attribute, i.e. __attribute__((target))),
//           so the engine is built for baseline x86-64 and still runs on any x86-64 CPU;
//   wasm:   SIMD128 (4x8 tile: measured 35 vs 25 GFLOP/s for 6x8 under V8; mul+add, baseline wasm
//           SIMD has no FMA), -msimd128 is global;
//   other:  the portable scalar kernel (4x4 tile).
// Large products are split over the thread pool by columns (or rows) of C: every C element is
// still summed in the same order, so results do not depend on the thread count.
#include "gemm.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../cpu.h"
#include "../parallel.h"

#include "simd.h"

#if defined(CS_SIMD_X86)
#define CS_GEMM_X86 1
#endif

// [SECTION] scalar: the portable fallback (and a second opinion in tests on every machine) -------
namespace cs {
namespace gemm_scalar {
using namespace simd_scalar;
}  // namespace gemm_scalar
}  // namespace cs
#define CS_GEMM_NS gemm_scalar
#define CS_MR 4
#define CS_NV 4
#define CS_KC 256
#define CS_MC 64
#define CS_NC 1024
#include "gemm_kernel.inc"
#undef CS_GEMM_NS
#undef CS_MR
#undef CS_NV
#undef CS_KC
#undef CS_MC
#undef CS_NC

// [SECTION] wasm SIMD128 ---------------------------------------------------------------------------
#if defined(__wasm_simd128__)
namespace cs {
namespace gemm_wasm {
using namespace simd_wasm;
}  // namespace gemm_wasm
}  // namespace cs
#define CS_GEMM_NS gemm_wasm
#ifndef CS_WASM_MR
#define CS_WASM_MR 4
#define CS_WASM_NV 2
#endif
#define CS_MR CS_WASM_MR
#define CS_NV CS_WASM_NV
#define CS_KC 256
#define CS_MC 72
#define CS_NC 2048
#include "gemm_kernel.inc"
#undef CS_GEMM_NS
#undef CS_MR
#undef CS_NV
#undef CS_KC
#undef CS_MC
#undef CS_NC
#endif

// [SECTION] x86: AVX2+FMA and AVX-512F, each in a target region --------------------------------
#if CS_GEMM_X86
CS_TARGET_BEGIN("avx2,fma")
namespace cs {
namespace gemm_avx2 {
using namespace simd_avx2;
}  // namespace gemm_avx2
}  // namespace cs
#define CS_GEMM_NS gemm_avx2
#define CS_GEMM_TRANSPOSE8 1
#define CS_MR 6
#define CS_NV 2
#define CS_KC 256
#define CS_MC 96
#define CS_NC 2048
#include "gemm_kernel.inc"
#undef CS_GEMM_NS
#undef CS_MR
#undef CS_NV
#undef CS_KC
#undef CS_MC
#undef CS_NC
CS_TARGET_END

CS_TARGET_BEGIN("avx512f")
namespace cs {
namespace gemm_avx512 {
using namespace simd_avx512;
}  // namespace gemm_avx512
}  // namespace cs
#undef CS_GEMM_TRANSPOSE8
#define CS_GEMM_NS gemm_avx512
#define CS_MR 12
#define CS_NV 2
#define CS_KC 256
#define CS_MC 96
#define CS_NC 2048
#include "gemm_kernel.inc"
#undef CS_GEMM_NS
#undef CS_MR
#undef CS_NV
#undef CS_KC
#undef CS_MC
#undef CS_NC
CS_TARGET_END
#endif  // CS_GEMM_X86

// [SECTION] dispatch and threading ---------------------------------------------------------------
namespace cs {

namespace {

using SerialFn = void (*)(bool, bool, int, int, int, const float*, ptrdiff_t, const float*, ptrdiff_t, bool,
                          float*, ptrdiff_t, float*, float*);

using PackFn = void (*)(bool, int, int, const float*, ptrdiff_t, float*);
using PackedFn = void (*)(int, int, int, const float*, const float*, bool, float*, ptrdiff_t, int, int);

struct Impl {
  const char* name;
  SerialFn serial;
  int mr, nr, mc, kc, nc;
  PackFn pack_a, pack_b;
  PackedFn packed;
};

#define CS_IMPL(label, ns) \
  Impl { label, &ns::gemm_serial, ns::MR, ns::NR, ns::MC, ns::KC, ns::NC, &ns::pack_a_full, &ns::pack_b_full, &ns::gemm_packed_serial }
const Impl kScalar = CS_IMPL("scalar", gemm_scalar);
#if CS_GEMM_X86
const Impl kAvx2 = CS_IMPL("avx2", gemm_avx2);
const Impl kAvx512 = CS_IMPL("avx512", gemm_avx512);
#endif
#if defined(__wasm_simd128__)
const Impl kSimd128 = CS_IMPL("simd128", gemm_wasm);
#endif
#undef CS_IMPL

// The kernel of the CPU family in use (cpu.h: the family was checked against the CPU).
const Impl* active_impl() {
  switch (cpu_family()) {
#if CS_GEMM_X86
    case CpuFamily::Avx512: return &kAvx512;
    case CpuFamily::Avx2: return &kAvx2;
#endif
#if defined(__wasm_simd128__)
    case CpuFamily::Simd128: return &kSimd128;
#endif
    default: return &kScalar;
  }
}

// The kernel for one gemm() call: the family's, except that the avx512 family keeps the AVX2
// kernel for products too small for its 12x32 tile to pay (edge panels and packing cost more than
// the wider vectors save: L9's and T1's backward products; measured in README "CPU families").
const Impl* impl_for(int M, int N, int K) {
  const Impl* im = active_impl();
#if CS_GEMM_X86
  if (im == &kAvx512 && (N < 256 || M < 24 || K < 64)) return &kAvx2;
#endif
  (void)M;
  (void)N;
  (void)K;
  return im;
}

// Per-thread packing buffers, grown once to the largest blocks in use and then reused, so the
// hot path never allocates.
float* aligned_buffer(std::vector<float>& v, size_t n) {
  if (v.size() < n + 16) v.resize(n + 16);
  uintptr_t p = reinterpret_cast<uintptr_t>(v.data());
  return reinterpret_cast<float*>((p + 63) & ~static_cast<uintptr_t>(63));
}

void run_serial(const Impl& im, bool ta, bool tb, int M, int N, int K, const float* A, ptrdiff_t lda,
                const float* B, ptrdiff_t ldb, bool accumulate, float* C, ptrdiff_t ldc) {
  thread_local std::vector<float> pa_store, pb_store;
  size_t kc = static_cast<size_t>(im.kc);
  float* pa = aligned_buffer(pa_store, static_cast<size_t>(im.mc) * kc);
  float* pb = aligned_buffer(pb_store, kc * static_cast<size_t>(im.nc));
  im.serial(ta, tb, M, N, K, A, lda, B, ldb, accumulate, C, ldc, pa, pb);
}

void scale_rows(int M, int N, float beta, float* C, ptrdiff_t ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f)
      std::memset(c, 0, sizeof(float) * static_cast<size_t>(N));  // 0, even where C held NaN
    else
      for (int j = 0; j < N; ++j) c[j] *= beta;
  }
}

// Below this many multiply-adds a product runs on the calling thread (waking a worker costs a few
// microseconds; the tiny FC layers and batch-1 convs of M1 are faster alone).
constexpr int64_t kParallelMinMacs = 1 << 18;

}  // namespace

const char* gemm_kernel_name() { return active_impl()->name; }

GemmPanels gemm_panels() {
  const Impl& im = *active_impl();
  return GemmPanels{im.mr, im.nr};
}

size_t gemm_packed_a_size(int M, int K) {
  const Impl& im = *active_impl();
  return static_cast<size_t>((M + im.mr - 1) / im.mr) * im.mr * static_cast<size_t>(K);
}

size_t gemm_packed_b_size(int K, int N) {
  const Impl& im = *active_impl();
  return static_cast<size_t>((N + im.nr - 1) / im.nr) * im.nr * static_cast<size_t>(K);
}

void gemm_pack_a(bool trans_a, int M, int K, const float* A, int lda, float* pa) {
  if (M > 0 && K > 0) active_impl()->pack_a(trans_a, M, K, A, lda, pa);
}

void gemm_pack_b(bool trans_b, int K, int N, const float* B, int ldb, float* pb) {
  if (N > 0 && K > 0) active_impl()->pack_b(trans_b, K, N, B, ldb, pb);
}

void gemm_packed(int M, int N, int K, const float* pa, const float* pb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (beta != 1.0f) scale_rows(M, N, beta, C, ldc);
    return;
  }
  if (beta != 0.0f && beta != 1.0f) scale_rows(M, N, beta, C, ldc);
  const bool accumulate = beta != 0.0f;
  const Impl& im = *active_impl();
  const int64_t macs = static_cast<int64_t>(M) * N * K;
  const int64_t panels = (N + im.nr - 1) / im.nr;
  const int threads = num_threads();
  if (threads <= 1 || macs < kParallelMinMacs || panels < 2) {
    im.packed(M, N, K, pa, pb, accumulate, C, ldc, 0, N);
    return;
  }
  // Column strips of whole panels: every C element is summed by one thread in the same order.
  const int64_t unit_macs = static_cast<int64_t>(M) * im.nr * K, min_work = kParallelMinMacs / 2;
  const int64_t grain = unit_macs >= min_work ? 1 : (min_work + unit_macs - 1) / unit_macs;
  parallel_for(0, panels, grain, [&](int64_t lo, int64_t hi) {
    const int j0 = static_cast<int>(lo * im.nr), j1 = static_cast<int>(hi * im.nr < N ? hi * im.nr : N);
    im.packed(M, N, K, pa, pb, accumulate, C, ldc, j0, j1);
  });
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // an empty sum: C = beta*C
    if (beta != 1.0f) scale_rows(M, N, beta, C, ldc);
    return;
  }
  // beta 0 stores (C's old contents, even NaN, are ignored); beta 1 accumulates; other betas
  // scale C once and accumulate.
  if (beta != 0.0f && beta != 1.0f) scale_rows(M, N, beta, C, ldc);
  bool accumulate = beta != 0.0f;
  const Impl& im = *impl_for(M, N, K);

  int64_t macs = static_cast<int64_t>(M) * N * K;
  int threads = num_threads();
  if (threads <= 1 || macs < kParallelMinMacs) {
    run_serial(im, trans_a, trans_b, M, N, K, A, lda, B, ldb, accumulate, C, ldc);
    return;
  }
  // Split C into column strips (whole NR-wide panels) when there are enough of them, else into
  // row strips (whole MR-high panels). Each strip packs its own panels.
  int64_t col_units = (N + im.nr - 1) / im.nr, row_units = (M + im.mr - 1) / im.mr;
  int64_t min_units_work = kParallelMinMacs / 2;
  if (col_units >= 2 * threads || col_units >= row_units) {
    int64_t unit_macs = static_cast<int64_t>(M) * im.nr * K;
    int64_t grain = unit_macs >= min_units_work ? 1 : (min_units_work + unit_macs - 1) / unit_macs;
    parallel_for(0, col_units, grain, [&](int64_t lo, int64_t hi) {
      int j0 = static_cast<int>(lo * im.nr), j1 = static_cast<int>(hi * im.nr < N ? hi * im.nr : N);
      const float* b = trans_b ? B + static_cast<ptrdiff_t>(j0) * ldb : B + j0;
      run_serial(im, trans_a, trans_b, M, j1 - j0, K, A, lda, b, ldb, accumulate, C + j0, ldc);
    });
  } else {
    int64_t unit_macs = static_cast<int64_t>(im.mr) * N * K;
    int64_t grain = unit_macs >= min_units_work ? 1 : (min_units_work + unit_macs - 1) / unit_macs;
    parallel_for(0, row_units, grain, [&](int64_t lo, int64_t hi) {
      int i0 = static_cast<int>(lo * im.mr), i1 = static_cast<int>(hi * im.mr < M ? hi * im.mr : M);
      const float* a = trans_a ? A + i0 : A + static_cast<ptrdiff_t>(i0) * lda;
      run_serial(im, trans_a, trans_b, i1 - i0, N, K, a, lda, B, ldb, accumulate,
                 C + static_cast<ptrdiff_t>(i0) * ldc, ldc);
    });
  }
}

}  // namespace cs
