// gemm_naive.cpp — the plain three-loop matrix multiply: the oracle for gemm() in tests.
#include "gemm.h"

namespace cs {

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      double acc = 0.0;  // double: the oracle should not share float rounding with the fast path
      for (int k = 0; k < K; ++k) {
        float a = trans_a ? A[k * lda + i] : A[i * lda + k];
        float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        acc += static_cast<double>(a) * b;
      }
      float prev = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];  // beta 0 ignores NaN garbage in C
      C[i * ldc + j] = static_cast<float>(acc) + prev;
    }
  }
}

}  // namespace cs
