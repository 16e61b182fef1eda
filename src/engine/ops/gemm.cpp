// gemm.cpp — the fast matrix multiply. Placeholder-free baseline: an i-k-j loop order that the
// compiler vectorises; the engine-speed work replaces the inside with a blocked SIMD kernel.
#include "gemm.h"

#include <cstddef>

namespace cs {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    float* c = C + static_cast<ptrdiff_t>(i) * ldc;
    if (beta == 0.0f)
      for (int j = 0; j < N; ++j) c[j] = 0.0f;
    else if (beta != 1.0f)
      for (int j = 0; j < N; ++j) c[j] *= beta;
    for (int k = 0; k < K; ++k) {
      float a = trans_a ? A[static_cast<ptrdiff_t>(k) * lda + i] : A[static_cast<ptrdiff_t>(i) * lda + k];
      if (!trans_b) {
        const float* b = B + static_cast<ptrdiff_t>(k) * ldb;
        for (int j = 0; j < N; ++j) c[j] += a * b[j];
      } else {
        for (int j = 0; j < N; ++j) c[j] += a * B[static_cast<ptrdiff_t>(j) * ldb + k];
      }
    }
  }
}

}  // namespace cs
