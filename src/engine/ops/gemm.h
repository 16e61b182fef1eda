// gemm.h — C = op(A) * op(B) + beta * C for row-major float32 matrices.
// op(A) is M x K, op(B) is K x N, C is M x N. lda/ldb/ldc are row strides of the stored matrices.
// gemm() is the fast path (blocked, SIMD, threaded where it pays); gemm_naive() is the three-loop
// oracle the tests compare it to. Every convolution algorithm that is "a matrix multiply" ends here.
#pragma once

namespace cs {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc);

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace cs
