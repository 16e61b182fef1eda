// test_direct_pool_tile.cpp — conv2d_forward_direct_relu_pool2 without channel sums (the AVX2
// pooling tile that pools in registers; the band path on other kernels) against the layer-by-layer
// result maxpool2x2(relu(conv2d_forward_direct)) bit for bit and against the reference within
// rounding: every GEMM kernel of the machine, 1 and 2 threads (batch split and row-pair split),
// channel counts that leave a partial panel, odd sizes, rows whose last column group overlaps,
// padding and dilation, and a guard float after the pooled output.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/conv2d.h"
#include "engine/ops/conv2d_direct.h"
#include "engine/ops/gemm.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

struct PoolCase {
  int N, C, H, W, OC, K, pad, dil;
  bool bias;
};

// pooled (N, OC, OH/2, OW/2) = maxpool2x2 (floor) of y (N, OC, OH, OW) after ReLU.
std::vector<float> relu_pool_of(const cs::ConvGeometry& g, const std::vector<float>& y) {
  const int POH = g.OH / 2, POW = g.OW / 2;
  std::vector<float> p(static_cast<size_t>(g.N) * g.OC * POH * POW);
  for (int nc = 0; nc < g.N * g.OC; ++nc)
    for (int i = 0; i < POH; ++i)
      for (int j = 0; j < POW; ++j) {
        const float* s = y.data() + (static_cast<size_t>(nc) * g.OH + 2 * i) * g.OW + 2 * j;
        float m = std::fmax(std::fmax(s[0], s[1]), std::fmax(s[g.OW], s[g.OW + 1]));
        p[(static_cast<size_t>(nc) * POH + i) * POW + j] = m > 0.0f ? m : 0.0f;
      }
  return p;
}

std::string describe(const PoolCase& s) {
  return "N=" + std::to_string(s.N) + " C=" + std::to_string(s.C) + " " + std::to_string(s.H) + "x" +
         std::to_string(s.W) + " OC=" + std::to_string(s.OC) + " k" + std::to_string(s.K) + " p" +
         std::to_string(s.pad) + " d" + std::to_string(s.dil) + (s.bias ? " bias" : "");
}

// Returns the number of cases checked (those the fused op applies to).
int check_cases(const std::vector<PoolCase>& cases, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  int checked = 0;
  for (const PoolCase& s : cases) {
    cs::Conv2dParams p;
    p.padding = {s.pad, s.pad};
    p.dilation = {s.dil, s.dil};
    cs::ConvGeometry g;
    if (!cs::conv2d_geometry({s.N, s.C, s.H, s.W}, {s.OC, s.C, s.K, s.K}, p, &g).is_ok()) continue;
    if (!cs::conv2d_direct_relu_pool2_applies(g)) continue;
    CAPTURE(describe(s));
    std::vector<float> x(static_cast<size_t>(s.N) * s.C * s.H * s.W), w(static_cast<size_t>(s.OC) * s.C * s.K * s.K),
        b(static_cast<size_t>(s.OC));
    for (float& v : x) v = u(rng);
    for (float& v : w) v = u(rng);
    for (float& v : b) v = u(rng);
    const float* bp = s.bias ? b.data() : nullptr;
    const size_t full = static_cast<size_t>(g.N) * g.OC * g.OH * g.OW;
    std::vector<float> direct(full), ref(full);
    cs::conv2d_forward_direct(g, x.data(), w.data(), bp, direct.data(), false);
    cs::conv2d_forward_reference(g, x.data(), w.data(), bp, ref.data());
    const std::vector<float> want = relu_pool_of(g, direct), want_ref = relu_pool_of(g, ref);
    std::vector<float> got(want.size() + 1, 12345.0f);  // + a guard float
    cs::conv2d_forward_direct_relu_pool2(g, x.data(), w.data(), bp, got.data(), nullptr);
    ++checked;
    CHECK_MESSAGE(got[want.size()] == 12345.0f, "wrote past the pooled output");
    const int POH = g.OH / 2, POW = g.OW / 2;
    for (size_t i = 0; i < want.size(); ++i) {
      const bool same = got[i] == want[i];
      const bool near = std::fabs(got[i] - want_ref[i]) <= 1e-5f * (1.0f + std::fabs(want_ref[i]));
      if (!same || !near) {
        const size_t plane = static_cast<size_t>(POH) * POW;
        FAIL_CHECK("at (n " << i / (plane * g.OC) << ", oc " << (i / plane) % g.OC << ", i " << (i % plane) / POW
                            << ", j " << i % POW << ") got " << got[i] << ", conv+relu+pool " << want[i]
                            << ", reference " << want_ref[i]);
        break;
      }
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("direct conv + ReLU + 2x2 max-pool without sums equals conv, ReLU, pool (every kernel, 1 and 2 threads)") {
  const int threads_before = cs::num_threads();
  std::mt19937 rng(17);
  const std::vector<PoolCase> cases = {
      {64, 1, 28, 28, 16, 3, 1, 1, true},  // M1's conv1 (batch split over the threads)
      {1, 1, 28, 28, 16, 3, 1, 1, true},   // M1-b1's conv1 (row pairs split)
      {3, 1, 28, 28, 13, 3, 1, 1, false},  // a partial last panel (13 = 3 x 4 + 1), no bias
      {2, 3, 17, 19, 6, 3, 1, 1, true},    // odd sizes: last row / column dropped by the pool
      {2, 2, 16, 16, 7, 3, 1, 1, true},    // the pooled row is exactly one group
      {1, 5, 20, 22, 9, 5, 2, 1, true},    // 5x5, pad 2; 22 -> 11 pooled: overlapping last group
      {2, 2, 24, 24, 5, 3, 2, 2, true},    // dilation 2
      {1, 4, 12, 11, 4, 3, 0, 1, true},    // no padding: 10x9 output, one group of 4 pooled columns
      {1, 16, 70, 72, 8, 3, 1, 1, true},   // a large single image: row pairs over the threads
  };
  for (const std::string& kernel : cs_test::family_names()) {
    REQUIRE(cs_test::use_family(kernel));
    CAPTURE(kernel);
    for (int threads : {1, 2}) {
      cs::set_num_threads(threads);
      CAPTURE(threads);
      CHECK(check_cases(cases, rng) == static_cast<int>(cases.size()));
    }
  }
  cs_test::restore_run_family();
  cs::set_num_threads(threads_before);
}

TEST_CASE("direct conv + ReLU + pool: 1 and 2 threads give the same bits") {
  const int threads_before = cs::num_threads();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int N : {1, 8}) {
    CAPTURE(N);
    cs::Conv2dParams p;
    p.padding = {1, 1};
    cs::ConvGeometry g;
    REQUIRE(cs::conv2d_geometry({N, 2, 30, 30}, {12, 2, 3, 3}, p, &g).is_ok());
    std::vector<float> x(static_cast<size_t>(N) * 2 * 30 * 30), w(12 * 2 * 9), b(12);
    for (float& v : x) v = u(rng);
    for (float& v : w) v = u(rng);
    for (float& v : b) v = u(rng);
    const size_t n = static_cast<size_t>(N) * 12 * 15 * 15;
    std::vector<float> one(n), two(n);
    cs::set_num_threads(1);
    cs::conv2d_forward_direct_relu_pool2(g, x.data(), w.data(), b.data(), one.data(), nullptr);
    cs::set_num_threads(2);
    cs::conv2d_forward_direct_relu_pool2(g, x.data(), w.data(), b.data(), two.data(), nullptr);
    CHECK(one == two);
  }
  cs::set_num_threads(threads_before);
}
