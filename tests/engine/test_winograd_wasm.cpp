// test_winograd_wasm.cpp — the SIMD128 Winograd F(2x2,3x3) convolution (winograd_wasm.h) against
// the seven-loop reference: odd and even output sizes (clipped last tiles), tile rows of exactly
// one vector and rows whose last vector overlaps the previous one, padding 0-2, channel counts
// that are not multiples of the 4-channel panel, one input channel, batches, bias and fused ReLU;
// and ConvAlgo::Auto routing the peers' L2 shape to it. Only built for wasm SIMD128, where the
// kernel exists (the native suite has no case here).
#include <doctest/doctest.h>

#if defined(__wasm_simd128__)
#include <cmath>
#include <random>

#include "engine/conv_check.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/ops/winograd_wasm.h"
#include "cpu_families.h"

namespace {

// N, C, H, W, OC, pad_h, pad_w, bias, relu: a 3x3 undilated case of the shared harness.
struct WinoCase {
  int N, C, H, W, OC, pad_h, pad_w;
  bool bias, relu;
};

// Runs one case through the shared harness (conv_check.h); shapes the kernel does not take
// (fewer than 4 tiles per row) return true without checking.
bool check_winograd(const WinoCase& s, std::mt19937& rng, int* checked) {
  const cs::test::ConvCase c{s.N, s.C, s.H, s.W, s.OC, 3, 3, s.pad_h, s.pad_w, 1, s.bias, s.relu};
  // F(2x2,3x3) rounds differently from the direct sum (the transforms add up to 4 inputs before
  // multiplying): allow an error growing with the depth; a wrong tap or channel is off by ~0.1-1.
  cs::test::ConvTolerance tol;
  tol.atol = tol.rtol = 2e-6f * s.C * 9;
  return cs::test::check_conv_case(
      c, rng, [](const cs::ConvGeometry& g) { return cs::winograd_wasm_applies(g); },
      [](const cs::ConvGeometry& g, const float* x, const float* w, const float* b, float* out, bool relu) {
        cs::conv2d_forward_winograd_wasm(g, x, w, b, out, relu);
      },
      tol, checked);
}

}  // namespace

TEST_CASE("wasm Winograd F(2x2,3x3) equals the reference (odd sizes, overlapping tile vectors, padding)") {
  std::mt19937 rng(777);
  int checked = 0;
  // The benchmark shapes (L2/L3 at smaller N, M1's second layer, L4 cut down) and tile rows of 4
  // (exact), 5-7 (overlapping) and 8-9 tiles, with odd and even output sizes.
  const WinoCase fixed[] = {
      {1, 16, 14, 14, 32, 1, 1, true, false}, {3, 16, 14, 14, 32, 1, 1, true, true},
      {1, 64, 20, 18, 64, 1, 1, true, false}, {1, 1, 28, 28, 16, 1, 1, true, true},
      {2, 5, 7, 7, 7, 1, 1, false, false},    {1, 3, 8, 8, 6, 1, 1, true, true},
      {1, 6, 9, 10, 9, 0, 0, true, false},    {2, 4, 13, 13, 5, 1, 1, false, true},
      {1, 7, 11, 16, 4, 2, 2, true, false},   {1, 9, 15, 17, 13, 0, 1, true, true},
      {1, 2, 1, 14, 3, 1, 1, true, false},    {1, 3, 4, 20, 2, 0, 2, false, false},
  };
  for (const WinoCase& s : fixed) REQUIRE(check_winograd(s, rng, &checked));
  std::uniform_int_distribution<int> d(0, 1 << 20);
  for (int i = 0; i < 60; ++i) {
    WinoCase s;
    s.N = 1 + d(rng) % 3;
    s.C = i % 5 == 0 ? 17 + d(rng) % 40 : 1 + d(rng) % 9;
    s.OC = 1 + d(rng) % 13;
    s.pad_h = d(rng) % 3;
    s.pad_w = d(rng) % 3;
    s.H = 1 + d(rng) % 20;
    s.W = 5 + d(rng) % 30;
    s.bias = d(rng) % 2 == 0;
    s.relu = d(rng) % 2 == 0;
    REQUIRE(check_winograd(s, rng, &checked));
  }
  // Most shapes must really reach the kernel (an `applies` that said no would pass vacuously).
  CHECK(checked >= 55);
}

TEST_CASE("wasm Winograd: applies to 3x3 stride-1 undilated convolutions with at least 4 tiles per row") {
  cs::ConvGeometry g;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_geometry({1, 4, 7, 7}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK(cs::winograd_wasm_applies(g));  // OW 7: tiles 4
  REQUIRE(cs::conv2d_geometry({1, 4, 7, 6}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_wasm_applies(g));  // OW 6: 3 tiles, less than a vector
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 5, 5}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_wasm_applies(g));
  p.dilation = {2, 2};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_wasm_applies(g));
  p.dilation = {1, 1};
  p.stride = {2, 2};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_wasm_applies(g));
  p.stride = {1, 1};
  p.groups = 2;
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 2, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_wasm_applies(g));
}

TEST_CASE("ConvAlgo::Auto in wasm: the peers' L2 layer (16->32 14x14) through the SIMD128 Winograd equals the reference") {
  REQUIRE(cs_test::use_family("simd128"));
  cs::Tensor x({2, 16, 14, 14}), w({32, 16, 3, 3}), b({32}), got, want;
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (size_t i = 0; i < x.numel(); ++i) x.data()[i] = u(rng);
  for (size_t i = 0; i < w.numel(); ++i) w.data()[i] = u(rng);
  for (size_t i = 0; i < b.numel(); ++i) b.data()[i] = u(rng);
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_forward(want, x, w, &b, p, cs::ConvAlgo::Reference).is_ok());
  REQUIRE(cs::conv2d_forward_relu(got, x, w, &b, p, cs::ConvAlgo::Auto).is_ok());
  REQUIRE(got.numel() == want.numel());
  for (size_t i = 0; i < got.numel(); ++i) {
    const float r = want.data()[i] > 0.0f ? want.data()[i] : 0.0f;
    REQUIRE(std::fabs(got.data()[i] - r) <= 3e-4f * (1.0f + std::fabs(r)));
  }
  cs_test::restore_run_family();
}
#endif
