// test_small_maps.cpp — the small-map paths of M1's tail against the reference convolution:
// the depthwise 3x3 on 7x7 maps (its compile-time variant, whose padded buffer is zeroed once per
// thread and call: run after a larger shape left data in that buffer) and the 1x1 convolution on
// small maps that auto sends to the direct tile over the flattened plane (7x7, 14x14, 1x1, 5x3,
// channel counts leaving partial panels, with and without bias, ReLU), 1 and 2 threads (bit for
// bit), every GEMM kernel of the machine.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/conv_check.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/depthwise.h"
#include "engine/ops/gemm.h"
#include "engine/ops/workspace.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

using cs::test::random_values;

// The first mismatch as text ("" if none): what a red test should say.
std::string first_mismatch(const std::vector<float>& got, const std::vector<float>& want, float tol) {
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * (1.0f + std::fabs(want[i])))) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "[%zu] = %.7g, reference %.7g", i, got[i], want[i]);
      return buf;
    }
  return "";
}

cs::ConvGeometry geometry(int N, int C, int H, int W, int OC, int K, int pad, int groups) {
  cs::Conv2dParams p;
  p.padding = {pad, pad};
  p.groups = groups;
  cs::ConvGeometry g;
  REQUIRE(cs::conv2d_geometry({N, C, H, W}, {OC, C / groups, K, K}, p, &g).is_ok());
  return g;
}

size_t out_size(const cs::ConvGeometry& g) { return static_cast<size_t>(g.N) * g.OC * g.OH * g.OW; }

}  // namespace

TEST_CASE("depthwise 3x3 on 7x7 maps equals the reference, after other shapes used the buffers (1 and 2 threads)") {
  const int threads_before = cs::num_threads();
  std::mt19937 rng(11);
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    CAPTURE(threads);
    // A larger depthwise first: its padded copies leave non-zero data in the per-thread buffers
    // that the 7x7 path reuses (its padding must be zeroed again, not assumed).
    // No padding, so the buffers' first rows hold input data (+100), where the 7x7 padding lies.
    const cs::ConvGeometry big = geometry(2, 8, 40, 40, 8, 5, 0, 8);
    std::vector<float> bx = random_values(static_cast<size_t>(2) * 8 * 40 * 40, rng), bw = random_values(8 * 25, rng), bb = random_values(8, rng);
    std::vector<float> by(out_size(big));
    for (float& v : bx) v += 100.0f;  // large values: a stale padding float would show
    cs::depthwise_forward(big, bx.data(), bw.data(), bb.data(), by.data());
    for (int N : {1, 64}) {
      for (bool bias : {true, false}) {
        CAPTURE(N);
        CAPTURE(bias);
        const cs::ConvGeometry g = geometry(N, 32, 7, 7, 32, 3, 1, 32);
        std::vector<float> x = random_values(static_cast<size_t>(N) * 32 * 49, rng), w = random_values(32 * 9, rng), b = random_values(32, rng);
        std::vector<float> got(out_size(g) + 1, 12345.0f), want(out_size(g));
        cs::depthwise_forward(g, x.data(), w.data(), bias ? b.data() : nullptr, got.data());
        cs::conv2d_forward_reference(g, x.data(), w.data(), bias ? b.data() : nullptr, want.data());
        CHECK(got[want.size()] == 12345.0f);
        got.pop_back();
        const std::string bad = first_mismatch(got, want, 1e-5f);
        CHECK_MESSAGE(bad.empty(), "depthwise 7x7 " << bad);
      }
    }
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("1x1 convolution on small maps (auto) equals the reference; 1 and 2 threads bit for bit") {
  const int threads_before = cs::num_threads();
  std::mt19937 rng(5);
  struct Case {
    int N, C, H, W, OC;
  };
  const Case cases[] = {{64, 32, 7, 7, 64},  // M1's pointwise
                        {1, 32, 7, 7, 64},   {3, 5, 14, 14, 9}, {2, 16, 1, 1, 6},
                        {2, 7, 5, 3, 13},    {1, 3, 16, 16, 4}, {2, 4, 30, 30, 8}};
  for (const std::string& kernel : cs_test::family_names()) {
    REQUIRE(cs_test::use_family(kernel));
    for (const Case& c : cases) {
      for (bool bias : {true, false}) {
        for (bool relu : {false, true}) {
          CAPTURE(kernel);
          CAPTURE(c.N);
          CAPTURE(c.C);
          CAPTURE(c.H);
          CAPTURE(c.W);
          CAPTURE(c.OC);
          CAPTURE(bias);
          CAPTURE(relu);
          const cs::ConvGeometry g = geometry(c.N, c.C, c.H, c.W, c.OC, 1, 0, 1);
          std::vector<float> x = random_values(static_cast<size_t>(c.N) * c.C * c.H * c.W, rng), w = random_values(static_cast<size_t>(c.OC) * c.C, rng),
                             b = random_values(static_cast<size_t>(c.OC), rng);
          const float* bp = bias ? b.data() : nullptr;
          std::vector<float> want(out_size(g)), one(out_size(g) + 1, 12345.0f), two(out_size(g) + 1, 12345.0f);
          cs::conv2d_forward_reference(g, x.data(), w.data(), bp, want.data());
          if (relu)
            for (float& v : want) v = v > 0.0f ? v : 0.0f;
          cs::Workspace ws;
          cs::set_num_threads(1);
          cs::conv2d_forward_auto(g, x.data(), w.data(), bp, one.data(), ws, relu);
          cs::set_num_threads(2);
          cs::conv2d_forward_auto(g, x.data(), w.data(), bp, two.data(), ws, relu);
          CHECK(one[want.size()] == 12345.0f);
          CHECK(one == two);
          one.pop_back();
          const std::string bad = first_mismatch(one, want, 1e-5f);
          CHECK_MESSAGE(bad.empty(), "1x1 " << bad);
        }
      }
    }
  }
  cs_test::restore_run_family();
  cs::set_num_threads(threads_before);
}
