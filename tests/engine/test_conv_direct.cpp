// test_conv_direct.cpp — the direct stride-1 convolution (conv2d_direct.h) against the seven-loop
// reference, for every instruction set this machine runs (it follows the GEMM kernel), 1 and 2
// threads, with and without bias and fused ReLU, over shapes that hit its edges: channel counts
// that are not multiples of the 4-channel panel, widths that are not multiples of the vector
// (the row's last vector overlaps the previous one), widths of exactly one vector, padding 0-2,
// dilation, non-square kernels, input channels in several blocks, batches split by image and
// images split by rows.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "engine/conv_check.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/conv2d_direct.h"
#include "engine/ops/gemm.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

using DirectCase = cs::test::ConvCase;

// Runs one case through the shared harness (conv_check.h); cases the direct path does not take
// (output narrower than one vector) return true without checking.
bool check_direct(const DirectCase& s, std::mt19937& rng, int* checked) {
  cs::test::ConvTolerance tol;
  tol.atol = 2e-5f;
  tol.rtol = 2e-5f;
  return cs::test::check_conv_case(
      s, rng, [](const cs::ConvGeometry& g) { return cs::conv2d_direct_applies(g); },
      [](const cs::ConvGeometry& g, const float* x, const float* w, const float* b, float* out, bool relu) {
        cs::conv2d_forward_direct(g, x, w, b, out, relu);
      },
      tol, checked, cs::conv2d_direct_kernel_name());
}

}  // namespace

TEST_CASE("direct stride-1 convolution equals the reference (every ISA, 1 and 2 threads, edges)") {
  const int threads_before = cs::num_threads();
  for (const std::string& kernel : cs_test::family_names()) {
    REQUIRE(cs_test::use_family(kernel));
    CAPTURE(kernel);
    for (int threads : {1, 2}) {
      cs::set_num_threads(threads);
      CAPTURE(threads);
      std::mt19937 rng(4242 + threads);
      int checked = 0;
      // The benchmark shapes (scaled down in N) and widths around the vector sizes 4, 8 and the
      // 3-vector tile (24 columns): exact, one over, one under.
      const DirectCase fixed[] = {
          {3, 16, 14, 14, 32, 3, 3, 1, 1, 1, true, false},  {1, 16, 14, 14, 32, 3, 3, 1, 1, 1, true, true},
          {2, 5, 8, 8, 7, 3, 3, 1, 1, 1, false, false},    {1, 3, 9, 9, 6, 3, 3, 1, 1, 1, true, true},
          {2, 4, 4, 4, 5, 3, 3, 1, 1, 1, true, false},     {1, 6, 25, 25, 9, 3, 3, 1, 1, 1, true, false},
          {1, 6, 23, 24, 4, 3, 3, 1, 1, 1, false, true},   {1, 1, 28, 28, 16, 3, 3, 1, 1, 1, true, true},
          {1, 64, 56, 56, 64, 3, 3, 1, 1, 1, true, false}, {70, 2, 7, 9, 3, 3, 3, 1, 1, 1, true, true},
          {1, 5, 12, 17, 11, 1, 1, 0, 0, 1, true, false},  {2, 3, 10, 13, 5, 5, 5, 2, 2, 1, false, false},
          {1, 3, 11, 19, 5, 3, 5, 0, 2, 2, true, true},    {1, 2, 16, 9, 3, 2, 4, 1, 0, 1, true, false},
          // Many channels: the input channels are cut into blocks whose sums add up in the output
          // (widths a multiple of the vector), or kept whole (an overlapping last vector); 1x1 as
          // in DigitNet's MBConv; N=2 with images large enough to split rows over the threads.
          {1, 64, 20, 16, 8, 3, 3, 1, 1, 1, true, true},   {2, 96, 14, 14, 24, 1, 1, 0, 0, 1, false, false},
          {1, 64, 14, 14, 16, 1, 1, 0, 0, 1, true, false}, {1, 40, 14, 14, 40, 3, 3, 1, 1, 1, false, true},
          {2, 64, 56, 24, 16, 3, 3, 1, 1, 1, true, false}, {1, 80, 9, 32, 5, 3, 3, 1, 1, 1, true, true},
          {1, 33, 30, 21, 6, 3, 3, 1, 1, 2, false, false},
      };
      for (const DirectCase& s : fixed) REQUIRE(check_direct(s, rng, &checked));
      std::uniform_int_distribution<int> d(0, 1 << 20);
      for (int i = 0; i < 60; ++i) {
        DirectCase s;
        s.N = 1 + d(rng) % 3;
        s.C = i % 4 == 0 ? 20 + d(rng) % 60 : 1 + d(rng) % 9;
        s.OC = 1 + d(rng) % 13;
        s.KH = 1 + d(rng) % 4;
        s.KW = 1 + d(rng) % 4;
        s.pad_h = d(rng) % 3;
        s.pad_w = d(rng) % 3;
        s.dil = 1 + d(rng) % 2;
        s.H = 1 + d(rng) % 20;
        s.W = 1 + d(rng) % 34;
        s.bias = d(rng) % 2 == 0;
        s.relu = d(rng) % 2 == 0;
        REQUIRE(check_direct(s, rng, &checked));
      }
      // Most random shapes must really reach the kernel (an `applies` that said no to everything
      // would pass the loop above vacuously).
      CHECK(checked >= 50);
    }
  }
  cs_test::restore_run_family();
  cs::set_num_threads(threads_before);
}

TEST_CASE("direct convolution: applies only to stride 1, groups 1, rows at least one vector wide") {
  cs::ConvGeometry g;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK(cs::conv2d_direct_applies(g));
  p.stride = {2, 2};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::conv2d_direct_applies(g));
  p.stride = {1, 1};
  p.groups = 2;
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 2, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::conv2d_direct_applies(g));
}
