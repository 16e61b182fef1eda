// gemm.h — C = op(A) * op(B) + beta * C for row-major float32 matrices.
// op(A) is M x K, op(B) is K x N, C is M x N. lda/ldb/ldc are row strides of the stored matrices.
// gemm() is the fast path (blocked, SIMD, threaded where it pays); gemm_naive() is the three-loop
// oracle the tests compare it to. Every convolution algorithm that is "a matrix multiply" ends here.
#pragma once
#include <string>
#include <vector>

namespace cs {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float beta, float* C, int ldc);

// The micro-kernel gemm() uses: "avx512", "avx2", "simd128" or "scalar" (chosen at first use from
// what the CPU supports; see gemm.cpp). gemm_kernels() lists those this machine can run, fastest
// first; gemm_use_kernel() switches (tests compare each to the oracle; bench reports them).
const char* gemm_kernel_name();
std::vector<std::string> gemm_kernels();
bool gemm_use_kernel(const std::string& name);  // "auto" restores the default; false if unsupported

void gemm_naive(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
                const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace cs
