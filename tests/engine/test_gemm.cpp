// test_gemm.cpp — every GEMM micro-kernel this machine can run (AVX-512/AVX2/SIMD128/scalar)
// against gemm_naive over many random shapes: odd M/N/K, both transposes, lda/ldb/ldc wider than
// the matrix, beta 0/1/other, K spanning several cache blocks, and 1 vs 2 threads bit-identical.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/gemm.h"
#include "engine/parallel.h"
#include "test_scale.h"
#include "cpu_families.h"

namespace {

struct Case {
  bool ta, tb;
  int M, N, K, lda, ldb, ldc;
  float beta;
};

std::string describe(const Case& c) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "ta=%d tb=%d M=%d N=%d K=%d lda=%d ldb=%d ldc=%d beta=%g", c.ta, c.tb, c.M, c.N,
                c.K, c.lda, c.ldb, c.ldc, c.beta);
  return buf;
}

// Runs gemm and gemm_naive on the same random data; returns the first mismatch (empty if none).
// C starts as NaN where beta == 0: beta 0 must ignore C's old contents.
std::string check(const Case& c, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  int a_rows = c.ta ? c.K : c.M, b_rows = c.tb ? c.N : c.K;
  std::vector<float> A(static_cast<size_t>(a_rows) * c.lda), B(static_cast<size_t>(b_rows) * c.ldb);
  for (auto& x : A) x = u(rng);
  for (auto& x : B) x = u(rng);
  std::vector<float> C(static_cast<size_t>(c.M) * c.ldc);
  for (auto& x : C) x = c.beta == 0.0f ? NAN : u(rng);
  std::vector<float> want = C;
  cs::gemm(c.ta, c.tb, c.M, c.N, c.K, A.data(), c.lda, B.data(), c.ldb, c.beta, C.data(), c.ldc);
  cs::gemm_naive(c.ta, c.tb, c.M, c.N, c.K, A.data(), c.lda, B.data(), c.ldb, c.beta, want.data(), c.ldc);
  float tol = 1e-5f * static_cast<float>(c.K + 4);  // |a*b| <= 1: float error grows ~ K eps
  for (int i = 0; i < c.M; ++i)
    for (int j = 0; j < c.ldc; ++j) {
      size_t at = static_cast<size_t>(i) * c.ldc + j;
      float got = C[at], ref = want[at];
      bool ok = j < c.N ? std::fabs(got - ref) <= tol : (std::isnan(ref) ? std::isnan(got) : got == ref);
      if (!ok) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s: C[%d][%d] = %.7g, naive %.7g%s", describe(c).c_str(), i, j, got, ref,
                      j >= c.N ? " (padding column written)" : "");
        return buf;
      }
    }
  return "";
}

Case random_case(std::mt19937& rng, int max_dim) {
  std::uniform_int_distribution<int> dim(1, max_dim), pad(0, 3), coin(0, 1), beta_pick(0, 2);
  Case c;
  c.ta = coin(rng);
  c.tb = coin(rng);
  c.M = dim(rng);
  c.N = dim(rng);
  c.K = dim(rng);
  c.lda = (c.ta ? c.M : c.K) + pad(rng);
  c.ldb = (c.tb ? c.K : c.N) + pad(rng);
  c.ldc = c.N + pad(rng);
  const float betas[] = {0.0f, 1.0f, -0.5f};
  c.beta = betas[beta_pick(rng)];
  return c;
}

// Restores the default kernel and thread count whatever a test does.
struct KernelGuard {
  ~KernelGuard() {
    cs_test::restore_run_family();
    cs::set_num_threads(0);
  }
};

}  // namespace

TEST_CASE("gemm: every available kernel matches gemm_naive on random shapes") {
  KernelGuard guard;
  for (const std::string& kernel : cs_test::family_names()) {
    CAPTURE(kernel);
    REQUIRE(cs_test::use_family(kernel));
    CHECK(kernel == cs::gemm_kernel_name());
    std::mt19937 rng(1234);
    for (int t = 0; t < 300; ++t) {
      Case c = random_case(rng, t < 200 ? 40 : 300);  // small shapes hit every edge tile
      if (t >= 200 && !cs_test::run_large_case(t)) continue;
      std::string err = check(c, rng);
      if (!err.empty()) FAIL_CHECK(err);
    }
  }
}

TEST_CASE("gemm: depths over several cache blocks and shapes of the convolution cases") {
  KernelGuard guard;
  const Case cases[] = {
      {false, false, 64, 3136, 576, 576, 3136, 3136, 0.0f},  // L4 forward: W (OC x C*9) * cols
      {false, false, 32, 196, 144, 144, 196, 196, 1.0f},     // L3 per image, bias preloaded
      {false, true, 32, 144, 196, 196, 196, 144, 1.0f},      // L3 dW: dY * cols^T, accumulated
      {true, false, 144, 196, 32, 144, 196, 196, 0.0f},      // L3 dcols: W^T * dY
      {false, false, 7, 5, 1100, 1100, 5, 5, 0.0f},          // K > 4 blocks, tiny tile
      {true, true, 13, 29, 777, 13, 777, 31, -0.5f},
  };
  for (const std::string& kernel : cs_test::family_names()) {
    CAPTURE(kernel);
    REQUIRE(cs_test::use_family(kernel));
    std::mt19937 rng(7);
    for (const Case& c : cases) {
      std::string err = check(c, rng);
      if (!err.empty()) FAIL_CHECK(err);
    }
  }
}

TEST_CASE("gemm: results are bit-identical for 1 and 2 threads") {
  KernelGuard guard;
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  // Wide (column split) and tall (row split) products, both above the parallel threshold.
  const int shapes[][3] = {{64, 3136, 576}, {700, 24, 300}, {33, 517, 129}};
  for (const auto& s : shapes) {
    int M = s[0], N = s[1], K = s[2];
    CAPTURE(M);
    CAPTURE(N);
    CAPTURE(K);
    std::vector<float> A(static_cast<size_t>(M) * K), B(static_cast<size_t>(K) * N);
    for (auto& x : A) x = u(rng);
    for (auto& x : B) x = u(rng);
    std::vector<float> c1(static_cast<size_t>(M) * N), c2(c1.size());
    cs::set_num_threads(1);
    cs::gemm(false, false, M, N, K, A.data(), K, B.data(), N, 0.0f, c1.data(), N);
    cs::set_num_threads(2);
    cs::gemm(false, false, M, N, K, A.data(), K, B.data(), N, 0.0f, c2.data(), N);
    size_t diff = 0;
    for (size_t i = 0; i < c1.size(); ++i) diff += c1[i] != c2[i];
    CHECK(diff == 0);
  }
}

TEST_CASE("gemm: K = 0 gives beta*C and M or N = 0 touches nothing") {
  float C[4] = {1, 2, 3, 4};
  float dummy = 5.0f;
  cs::gemm(false, false, 2, 2, 0, &dummy, 1, &dummy, 2, 0.5f, C, 2);
  CHECK(C[0] == 0.5f);
  CHECK(C[3] == 2.0f);
  cs::gemm(false, false, 2, 2, 0, &dummy, 1, &dummy, 2, 0.0f, C, 2);
  CHECK(C[1] == 0.0f);
  float D[1] = {NAN};
  cs::gemm(false, false, 0, 1, 3, &dummy, 3, &dummy, 1, 0.0f, D, 1);
  CHECK(std::isnan(D[0]));
}

TEST_CASE("gemm: its kernel is the CPU family's") {
  KernelGuard guard;
  for (const std::string& family : cs_test::family_names()) {
    REQUIRE(cs_test::use_family(family));
    CHECK(std::string(cs::gemm_kernel_name()) == family);
  }
}

// gemm_packed (operands packed once by gemm_pack_a / gemm_pack_b, as the convolutions do) must
// equal gemm() bit for bit: same K blocks, same sums. Edge panels (M, N not multiples of the
// tile), depths over several blocks, transposed sources, beta 0/1/other, 1 and 2 threads.
TEST_CASE("gemm_packed: bit-identical to gemm for every kernel, shape and thread count") {
  KernelGuard guard;
  for (const std::string& kernel : cs_test::family_names()) {
    CAPTURE(kernel);
    REQUIRE(cs_test::use_family(kernel));
    const cs::GemmPanels gp = cs::gemm_panels();
    std::mt19937 rng(4321);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int t = 0; t < 160; ++t) {
      Case c = random_case(rng, t < 100 ? 40 : 700);
      if (t == 0) c = {false, false, 64, 3136, 576, 576, 3136, 3136, 1.0f};  // L4 per image
      if (t == 1) c = {false, false, 32, 196, 144, 144, 196, 196, 1.0f};     // L3 per image
      if (t >= 100 && !cs_test::run_large_case(t)) continue;
      CAPTURE(describe(c));
      int a_rows = c.ta ? c.K : c.M, b_rows = c.tb ? c.N : c.K;
      std::vector<float> A(static_cast<size_t>(a_rows) * c.lda), B(static_cast<size_t>(b_rows) * c.ldb);
      for (auto& x : A) x = u(rng);
      for (auto& x : B) x = u(rng);
      std::vector<float> C0(static_cast<size_t>(c.M) * c.ldc);
      for (auto& x : C0) x = u(rng);
      std::vector<float> want = C0;
      cs::gemm(c.ta, c.tb, c.M, c.N, c.K, A.data(), c.lda, B.data(), c.ldb, c.beta, want.data(), c.ldc);
      // Guard floats past the packed sizes catch a pack writing beyond what *_size promised.
      const size_t as = cs::gemm_packed_a_size(c.M, c.K), bs = cs::gemm_packed_b_size(c.K, c.N);
      CHECK(as % (static_cast<size_t>(gp.mr) * c.K) == 0);
      CHECK(bs % (static_cast<size_t>(gp.nr) * c.K) == 0);
      std::vector<float> pa(as + 8, 123.0f), pb(bs + 8, 123.0f);
      cs::gemm_pack_a(c.ta, c.M, c.K, A.data(), c.lda, pa.data());
      cs::gemm_pack_b(c.tb, c.K, c.N, B.data(), c.ldb, pb.data());
      CHECK(pa[as] == 123.0f);
      CHECK(pb[bs] == 123.0f);
      for (int threads : {1, 2}) {
        cs::set_num_threads(threads);
        std::vector<float> C = C0;
        cs::gemm_packed(c.M, c.N, c.K, pa.data(), pb.data(), c.beta, C.data(), c.ldc);
        size_t diff = 0;
        for (int i = 0; i < c.M; ++i)
          for (int j = 0; j < c.ldc; ++j) {
            size_t at = static_cast<size_t>(i) * c.ldc + j;
            diff += !(C[at] == want[at]) && !(j >= c.N && C[at] == C0[at]);
          }
        CHECK_MESSAGE(diff == 0, "threads=" << threads);
      }
    }
  }
}
