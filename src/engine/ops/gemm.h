// gemm.h — C = op(A) * op(B) + beta * C for row-major float32 matrices.
// op(A) is M x K, op(B) is K x N, C is M x N. lda/ldb/ldc are row strides of the stored matrices.
// gemm() is the fast path (blocked, SIMD, threaded where it pays); gemm_naive() is the three-loop
// oracle the tests compare it to. Every convolution algorithm that is "a matrix multiply" ends here.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace cs {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc);

// The micro-kernel gemm() uses: "avx512", "avx2", "simd128" or "scalar", that of the CPU family in
// use (cpu.h: cpu_use_family switches it, and tests compare each family's kernel to the oracle).
const char* gemm_kernel_name();

// Pre-packed operands, for callers that reuse A over many products (a convolution's weights over
// the images of a batch) or produce B themselves in packed form (im2col writing panels directly).
// Layout (of the active kernel; re-query after cpu_use_family): A as panels of mr rows over the
// whole depth, panel p (rows p*mr..) at pa + p*mr*K, element (i, k) at [k*mr + i%mr], rows past M
// zero; B as panels of nr columns, panel q (columns q*nr..) at pb + q*nr*K, element (k, j) at
// [k*nr + j%nr], columns past N zero. gemm_packed(M, N, K, pa, pb, beta, C) then equals
// gemm(false, false, M, N, K, A, .., B, .., beta, C) bit for bit (same blocking, same sums).
struct GemmPanels {
  int mr, nr;
};
GemmPanels gemm_panels();
size_t gemm_packed_a_size(int M, int K);  // floats
size_t gemm_packed_b_size(int K, int N);  // floats
void gemm_pack_a(bool trans_a, int M, int K, const float* A, int lda, float* pa);
void gemm_pack_b(bool trans_b, int K, int N, const float* B, int ldb, float* pb);
void gemm_packed(int M, int N, int K, const float* pa, const float* pb, float beta, float* C, int ldc);

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace cs
