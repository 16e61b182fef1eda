// test_winograd.cpp — the public F(2x2,3x3) tile transforms: the matrices as printed in Lavin &
// Gray, each transform against explicit matrix products, and one tile against direct correlation.
#include <doctest/doctest.h>

#include "engine/check.h"
#include "engine/ops/winograd.h"

using namespace cs;
using namespace cs::test;

namespace {
// Generic row-major C (m x n) = A (m x k) * B (k x n).
void matmul(const float* A, const float* B, float* C, int m, int k, int n) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float s = 0;
      for (int t = 0; t < k; ++t) s += A[i * k + t] * B[t * n + j];
      C[i * n + j] = s;
    }
}
void transpose(const float* A, float* T, int m, int n) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) T[j * m + i] = A[i * n + j];
}
}  // namespace

TEST_CASE("winograd transforms equal the matrix products B^T d B, G g G^T, A^T m A") {
  Tensor d({16}), g({9}), m({16});
  fill_random(d, 1);
  fill_random(g, 2);
  fill_random(m, 3);
  float B[16], GT[12], A[8], t[16], want[16], got[16];
  transpose(&kWinogradBT[0][0], B, 4, 4);
  transpose(&kWinogradG[0][0], GT, 4, 3);
  transpose(&kWinogradAT[0][0], A, 2, 4);

  matmul(&kWinogradBT[0][0], d.data(), t, 4, 4, 4);
  matmul(t, B, want, 4, 4, 4);
  winograd_input_transform(d.data(), got);
  for (int i = 0; i < 16; ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));

  matmul(&kWinogradG[0][0], g.data(), t, 4, 3, 3);
  matmul(t, GT, want, 4, 3, 4);
  winograd_kernel_transform(g.data(), got);
  for (int i = 0; i < 16; ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));

  matmul(&kWinogradAT[0][0], m.data(), t, 2, 4, 4);
  matmul(t, A, want, 2, 4, 2);
  winograd_output_transform(m.data(), got);
  for (int i = 0; i < 4; ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-6));
}

TEST_CASE("one winograd tile equals the direct 2x2 valid correlation") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    Tensor d({16}), g({9});
    fill_random(d, seed);
    fill_random(g, seed + 100);
    float y[4];
    winograd_tile(d.data(), g.data(), y);
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) {
        float direct = 0;
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) direct += d[(r + i) * 4 + c + j] * g[i * 3 + j];
        CHECK(y[r * 2 + c] == doctest::Approx(direct).epsilon(1e-5));
      }
  }
}

TEST_CASE("winograd matrices are the published F(2x2,3x3) ones") {
  // Lavin & Gray 2015, eq. (8): a typo in any entry changes every convolution result.
  CHECK(kWinogradBT[0][2] == -1.0f);
  CHECK(kWinogradBT[2][1] == -1.0f);
  CHECK(kWinogradBT[3][3] == -1.0f);
  CHECK(kWinogradG[2][1] == -0.5f);
  CHECK(kWinogradG[1][2] == 0.5f);
  CHECK(kWinogradAT[1][3] == -1.0f);
  CHECK(kWinogradAT[0][3] == 0.0f);
}
