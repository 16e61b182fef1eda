// test_winograd_avx2.cpp — the AVX2 Winograd F(2x2,3x3) convolution (winograd_avx2.h) against the
// seven-loop reference (the shared harness of conv_check.h): odd and even output sizes (clipped
// last tiles), tile rows shorter than, equal to and longer than a vector of 8 tiles, padding 0-2,
// channel counts that do not fill the 4-channel panel, one input channel, batches (split by image)
// and single large images (split by blocks of tiles), bias and fused ReLU, 1 and 2 threads, the
// same bits for either thread count; the fused conv + ReLU + MaxPool2d(2) (+ channel sums) against
// reference conv -> ReLU -> pool (and bit for bit against the kernel's own unfused output pooled);
// and ConvAlgo::Auto's routing. Only where the kernel is built (x86 with GCC or clang) and the CPU
// runs it.
#include <doctest/doctest.h>

#include "engine/ops/winograd_avx2.h"

#if defined(CS_WINOGRAD_AVX2)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/conv_check.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/ops/pool.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

// Winograd's error grows with the terms it adds before multiplying (the input transform sums up
// to 4 inputs, the output transform 9 products): bounded by a multiple of the sum of |w*x| of
// each output. A wrong transform coefficient or a dropped bias is off by a sizeable part of it.
cs::test::ConvTolerance winograd_tolerance() {
  cs::test::ConvTolerance tol;
  tol.atol = 1e-6f;
  tol.rtol = 1e-6f;
  tol.terms = 4e-6f;
  return tol;
}

bool check_winograd(const cs::test::ConvCase& s, std::mt19937& rng, int* checked) {
  return cs::test::check_conv_case(
      s, rng, [](const cs::ConvGeometry& g) { return cs::winograd_avx2_applies(g); },
      [](const cs::ConvGeometry& g, const float* x, const float* w, const float* b, float* out, bool relu) {
        cs::conv2d_forward_winograd_avx2(g, x, w, b, out, relu);
      },
      winograd_tolerance(), checked, "winograd_avx2");
}

cs::test::ConvCase case3x3(int N, int C, int H, int W, int OC, int pad, bool bias, bool relu) {
  return cs::test::ConvCase{N, C, H, W, OC, 3, 3, pad, pad, 1, bias, relu};
}

using cs::test::random_values;

// A 3x3 convolution with padding 1 of input shape s into oc channels, and its random operands.
struct PaddedConv {
  cs::ConvGeometry g;
  std::vector<float> x, w, b;
};

PaddedConv padded_conv3x3(const cs::Shape& s, int oc, unsigned seed) {
  PaddedConv c;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_geometry(s, {oc, s[1], 3, 3}, p, &c.g).is_ok());
  std::mt19937 rng(seed);
  c.x = random_values(static_cast<size_t>(s[0]) * s[1] * s[2] * s[3], rng);
  c.w = random_values(static_cast<size_t>(oc) * s[1] * 9, rng);
  c.b = random_values(oc, rng);
  return c;
}

// The AVX2 Winograd belongs to the avx2 and avx512 families: in the others (scalar here) it must be
// off, which is all there is to check of it; returns whether the run's family has it.
bool family_has_avx2_winograd() {
  if (cs_test::avx2_kernels(cs::cpu_family())) return true;
  CHECK_FALSE(cs::winograd_avx2_available());
  return false;
}

}  // namespace

TEST_CASE("AVX2 Winograd F(2x2,3x3) equals the reference (odd sizes, tile rows vs vectors, padding, 1 and 2 threads)") {
  if (!family_has_avx2_winograd()) return;
  const int threads_before = cs::num_threads();
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    CAPTURE(threads);
    std::mt19937 rng(2024 + threads);
    int checked = 0;
    // The benchmark shapes (L3 = M1's conv2 at smaller N, L2, L4 cut down, M1's conv1) and tile
    // rows of 1-3 tiles, 7 (one vector minus a lane), 8 (exact), 9 and 28 (3.5 vectors), odd and
    // even output sizes, padding 0-2; one large image split into blocks (64 channels: 16 tiles a block).
    const cs::test::ConvCase fixed[] = {
        case3x3(3, 16, 14, 14, 32, 1, true, false), case3x3(1, 16, 14, 14, 32, 1, true, true),
        case3x3(1, 64, 20, 18, 64, 1, true, false), case3x3(1, 1, 28, 28, 16, 1, true, true),
        case3x3(2, 5, 7, 7, 7, 1, false, false),    case3x3(1, 3, 16, 16, 6, 1, true, true),
        case3x3(1, 6, 9, 10, 9, 0, true, false),    case3x3(2, 4, 13, 13, 5, 1, false, true),
        case3x3(1, 7, 11, 16, 4, 2, true, false),   case3x3(1, 9, 15, 17, 13, 0, true, true),
        case3x3(1, 2, 1, 14, 3, 1, true, false),    case3x3(1, 3, 4, 20, 2, 0, false, false),
        case3x3(1, 2, 3, 3, 3, 0, true, false),     case3x3(2, 3, 2, 5, 5, 1, true, true),
        case3x3(1, 64, 56, 56, 64, 1, true, false), case3x3(1, 33, 30, 21, 6, 2, false, true),
        case3x3(70, 2, 7, 9, 3, 1, true, true),
    };
    for (const cs::test::ConvCase& s : fixed) REQUIRE(check_winograd(s, rng, &checked));
    std::uniform_int_distribution<int> d(0, 1 << 20);
    for (int i = 0; i < 60; ++i) {
      const int C = i % 5 == 0 ? 17 + d(rng) % 48 : 1 + d(rng) % 9;
      const int OC = 1 + d(rng) % 13, pad_h = d(rng) % 3, pad_w = d(rng) % 3;
      const int N = 1 + d(rng) % 3, H = 1 + d(rng) % 24, W = 1 + d(rng) % 40;
      const bool bias = d(rng) % 2 == 0, relu = d(rng) % 2 == 0;
      REQUIRE(check_winograd({N, C, H, W, OC, 3, 3, pad_h, pad_w, 1, bias, relu}, rng, &checked));
    }
    // Most shapes must really reach the kernel (an `applies` that said no would pass vacuously;
    // only inputs smaller than the 3x3 kernel plus padding are invalid).
    CHECK(checked >= 65);
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("AVX2 Winograd: the same bits with 1 and 2 threads (blocks of one image, images of a batch)") {
  if (!family_has_avx2_winograd()) return;
  const int threads_before = cs::num_threads();
  for (const cs::Shape& s : {cs::Shape{1, 64, 56, 56}, cs::Shape{1, 16, 30, 27}, cs::Shape{5, 16, 14, 14}}) {
    CAPTURE(cs::shape_str(s));
    const int oc = 20;
    const PaddedConv c = padded_conv3x3(s, oc, 5);
    const cs::ConvGeometry& g = c.g;
    const std::vector<float> &x = c.x, &w = c.w, &b = c.b;
    const size_t n = static_cast<size_t>(g.N) * oc * g.OH * g.OW;
    std::vector<float> y1(n), y2(n);
    cs::set_num_threads(1);
    cs::conv2d_forward_winograd_avx2(g, x.data(), w.data(), b.data(), y1.data(), true);
    cs::set_num_threads(2);
    cs::conv2d_forward_winograd_avx2(g, x.data(), w.data(), b.data(), y2.data(), true);
    CHECK(std::memcmp(y1.data(), y2.data(), sizeof(float) * n) == 0);
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("AVX2 Winograd relu + maxpool2: pooled map and channel sums the same bits with 1 and 2 threads") {
  if (!family_has_avx2_winograd()) return;
  const int threads_before = cs::num_threads();
  // A large single image (its blocks split over the threads, sums added block by block) with odd
  // sizes, and a batch (one image per thread).
  for (const cs::Shape& s : {cs::Shape{1, 24, 61, 59}, cs::Shape{5, 16, 14, 14}}) {
    CAPTURE(cs::shape_str(s));
    const int oc = 20;
    const PaddedConv c = padded_conv3x3(s, oc, 8);
    const cs::ConvGeometry& g = c.g;
    const std::vector<float> &x = c.x, &w = c.w, &b = c.b;
    const size_t np = static_cast<size_t>(g.N) * oc * (g.OH / 2) * (g.OW / 2), ns = static_cast<size_t>(g.N) * oc;
    std::vector<float> p1(np), p2(np);
    std::vector<double> s1(ns), s2(ns);
    cs::set_num_threads(1);
    cs::conv2d_forward_winograd_avx2_relu_pool2(g, x.data(), w.data(), b.data(), p1.data(), s1.data());
    cs::set_num_threads(2);
    cs::conv2d_forward_winograd_avx2_relu_pool2(g, x.data(), w.data(), b.data(), p2.data(), s2.data());
    CHECK(std::memcmp(p1.data(), p2.data(), sizeof(float) * np) == 0);
    CHECK(std::memcmp(s1.data(), s2.data(), sizeof(double) * ns) == 0);
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("AVX2 Winograd relu + maxpool2 (+ sums) equals reference conv -> ReLU -> pool, odd sizes included") {
  if (!family_has_avx2_winograd()) return;
  const int threads_before = cs::num_threads();
  const cs::test::ConvTolerance tol = winograd_tolerance();
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    // M1's conv2 (even 14x14), odd sizes both ways and one way (the pool drops the last row or
    // column, the sums keep it), tile rows of 1-2 and 28 tiles, one large image (block split),
    // batches, no bias, padding 0 and 2, 1 input channel.
    struct PoolCase {
      cs::Shape in;
      int oc, pad;
      bool bias;
    };
    const PoolCase cases[] = {
        {{3, 16, 14, 14}, 32, 1, true}, {{2, 3, 13, 13}, 6, 1, true},   {{1, 5, 29, 20}, 6, 1, false},
        {{2, 4, 16, 17}, 7, 1, true},   {{1, 64, 56, 56}, 12, 1, true}, {{3, 2, 4, 5}, 3, 0, true},
        {{1, 1, 9, 9}, 5, 2, true},     {{4, 8, 7, 7}, 8, 1, false},    {{1, 3, 4, 40}, 4, 0, true},
    };
    for (const PoolCase& pc : cases) {
      CAPTURE(threads);
      CAPTURE(cs::shape_str(pc.in));
      cs::Conv2dParams p;
      p.padding = {pc.pad, pc.pad};
      cs::ConvGeometry g;
      REQUIRE(cs::conv2d_geometry(pc.in, {pc.oc, pc.in[1], 3, 3}, p, &g).is_ok());
      REQUIRE(cs::winograd_avx2_relu_pool2_applies(g));
      std::mt19937 rng(31);
      cs::Tensor x(pc.in), w({pc.oc, pc.in[1], 3, 3}), b({pc.oc});
      for (cs::Tensor* t : {&x, &w, &b}) {
        const std::vector<float> v = random_values(t->numel(), rng);
        std::copy(v.begin(), v.end(), t->data());
      }
      const float* bp = pc.bias ? b.data() : nullptr;
      // The reference: conv -> ReLU -> pool, and |terms| through the same pool for the bound.
      cs::Tensor ref(cs::Shape{g.N, g.OC, g.OH, g.OW}), terms(ref.shape()), pooled_ref, pooled_terms;
      cs::conv2d_forward_reference(g, x.data(), w.data(), bp, ref.data());
      for (size_t i = 0; i < ref.numel(); ++i) ref[i] = ref[i] > 0.0f ? ref[i] : 0.0f;
      cs::Tensor ax = x, aw = w, ab = b;
      for (cs::Tensor* t : {&ax, &aw, &ab})
        for (size_t i = 0; i < t->numel(); ++i) (*t)[i] = std::fabs((*t)[i]);
      cs::conv2d_forward_reference(g, ax.data(), aw.data(), pc.bias ? ab.data() : nullptr, terms.data());
      REQUIRE(cs::max_pool2d_forward(pooled_ref, ref, cs::MaxPool2dParams{}).is_ok());
      REQUIRE(cs::max_pool2d_forward(pooled_terms, terms, cs::MaxPool2dParams{}).is_ok());
      // The kernel's own unfused output, pooled: the fused values must be the same bits.
      cs::Tensor y(ref.shape()), pooled_own;
      cs::conv2d_forward_winograd_avx2(g, x.data(), w.data(), bp, y.data(), true);
      REQUIRE(cs::max_pool2d_forward(pooled_own, y, cs::MaxPool2dParams{}).is_ok());

      // A guard float after the pooled map: a store past it would land there.
      std::vector<float> pooled(pooled_ref.numel() + 1, 12345.0f), pooled2(pooled_ref.numel() + 1, 12345.0f);
      std::vector<double> sums(static_cast<size_t>(g.N) * g.OC, -1.0);
      cs::conv2d_forward_winograd_avx2_relu_pool2(g, x.data(), w.data(), bp, pooled.data(), sums.data());
      cs::conv2d_forward_winograd_avx2_relu_pool2(g, x.data(), w.data(), bp, pooled2.data(), nullptr);
      CHECK(pooled[pooled_ref.numel()] == 12345.0f);
      CHECK(pooled2[pooled_ref.numel()] == 12345.0f);
      CHECK(std::memcmp(pooled.data(), pooled_own.data(), sizeof(float) * pooled_own.numel()) == 0);
      CHECK(std::memcmp(pooled2.data(), pooled_own.data(), sizeof(float) * pooled_own.numel()) == 0);
      for (size_t i = 0; i < pooled_ref.numel(); ++i) {
        const float bound = tol.atol + tol.rtol * std::fabs(pooled_ref[i]) + tol.terms * pooled_terms[i];
        if (!(std::fabs(pooled[i] - pooled_ref[i]) <= bound)) {
          FAIL_CHECK("pooled " << cs::shape_str(pooled_ref.shape()) << " at " << i << ": got " << pooled[i]
                               << ", reference " << pooled_ref[i]);
          break;
        }
      }
      // Sums over the whole OH x OW ReLU map (odd sizes: the row and column the pool drops too),
      // against the reference map's and against the kernel's own map (summed in double).
      const size_t hw = static_cast<size_t>(g.OH) * g.OW;
      for (size_t nc = 0; nc < sums.size(); ++nc) {
        double want = 0.0, own = 0.0, t = 0.0;
        for (size_t i = 0; i < hw; ++i) {
          want += ref[nc * hw + i];
          own += y[nc * hw + i];
          t += terms[nc * hw + i];
        }
        CHECK(std::fabs(sums[nc] - want) <= 1e-6 + 4e-6 * t);
        CHECK(std::fabs(sums[nc] - own) <= 1e-6 * std::max(1.0, t));
      }
    }
  }
  cs::set_num_threads(threads_before);
}

TEST_CASE("AVX2 Winograd: applies to 3x3 stride-1 undilated ungrouped convolutions; the pool variant to 2x2 maps and up") {
  if (!family_has_avx2_winograd()) return;
  cs::ConvGeometry g;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(cs::conv2d_geometry({1, 4, 1, 1}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK(cs::winograd_avx2_applies(g));  // a 1x1 map: one clipped tile
  CHECK_FALSE(cs::winograd_avx2_relu_pool2_applies(g));
  REQUIRE(cs::conv2d_geometry({1, 4, 2, 2}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK(cs::winograd_avx2_relu_pool2_applies(g));
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 5, 5}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_avx2_applies(g));
  p.dilation = {2, 2};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_avx2_applies(g));
  p.dilation = {1, 1};
  p.stride = {2, 2};
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_avx2_applies(g));
  p.stride = {1, 1};
  p.groups = 2;
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 2, 3, 3}, p, &g).is_ok());
  CHECK_FALSE(cs::winograd_avx2_applies(g));
  // Off with a non-AVX2 GEMM kernel (the scalar fallback must not reach AVX2 code).
  p.groups = 1;
  REQUIRE(cs::conv2d_geometry({1, 4, 20, 20}, {8, 4, 3, 3}, p, &g).is_ok());
  REQUIRE(cs_test::use_family("scalar"));
  CHECK_FALSE(cs::winograd_avx2_applies(g));
  cs_test::restore_run_family();
}

TEST_CASE("ConvAlgo::Auto natively: 3x3 stride-1 layers of 8+ channels run the AVX2 Winograd (bias, ReLU), 1 channel the direct tiles") {
  // The avx2 and avx512 families route to the AVX2 kernels; the scalar family to im2col + GEMM.
  const bool avx2 = cs_test::avx2_kernels(cs::cpu_family());
  const std::string wino = avx2 ? "winograd_avx2" : "gemm", direct = avx2 ? "direct" : "gemm";
  cs::Conv2dParams p;
  p.padding = {1, 1};
  cs::ConvGeometry g;
  // L2, L3 (M1's conv2), L4 and an 8 -> 8 layer: Winograd; M1's conv1 (1 -> 16): direct.
  for (const cs::Shape& s : {cs::Shape{1, 16, 14, 14}, cs::Shape{64, 16, 14, 14}, cs::Shape{1, 64, 56, 56}}) {
    REQUIRE(cs::conv2d_geometry(s, {s[1] == 64 ? 64 : 32, s[1], 3, 3}, p, &g).is_ok());
    CHECK(std::string(cs::conv2d_auto_forward_path(g)) == wino);
  }
  REQUIRE(cs::conv2d_geometry({2, 8, 9, 9}, {8, 8, 3, 3}, p, &g).is_ok());
  CHECK(std::string(cs::conv2d_auto_forward_path(g)) == wino);
  REQUIRE(cs::conv2d_geometry({64, 1, 28, 28}, {16, 1, 3, 3}, p, &g).is_ok());
  CHECK(std::string(cs::conv2d_auto_forward_path(g)) == direct);
  // Stride 2 and 5x5 are not Winograd's.
  REQUIRE(cs::conv2d_geometry({1, 16, 14, 14}, {32, 16, 5, 5}, p, &g).is_ok());
  CHECK(std::string(cs::conv2d_auto_forward_path(g)) != "winograd_avx2");
  // Through the validating entry point (conv2d_forward_relu, Auto): the reference within the bound.
  std::mt19937 rng(99);
  cs::Tensor x({3, 16, 14, 14}), w({32, 16, 3, 3}), b({32}), got, want, terms;
  for (cs::Tensor* t : {&x, &w, &b}) {
    const std::vector<float> v = random_values(t->numel(), rng);
    std::copy(v.begin(), v.end(), t->data());
  }
  REQUIRE(cs::conv2d_forward(want, x, w, &b, p, cs::ConvAlgo::Reference).is_ok());
  REQUIRE(cs::conv2d_forward_relu(got, x, w, &b, p, cs::ConvAlgo::Auto).is_ok());
  cs::Tensor ax = x, aw = w, ab = b;
  for (cs::Tensor* t : {&ax, &aw, &ab})
    for (size_t i = 0; i < t->numel(); ++i) (*t)[i] = std::fabs((*t)[i]);
  REQUIRE(cs::conv2d_forward(terms, ax, aw, &ab, p, cs::ConvAlgo::Reference).is_ok());
  REQUIRE(got.numel() == want.numel());
  const cs::test::ConvTolerance tol = winograd_tolerance();
  int bad = 0;
  for (size_t i = 0; i < got.numel(); ++i) {
    const float r = want[i] > 0.0f ? want[i] : 0.0f;
    if (!(std::fabs(got[i] - r) <= tol.atol + tol.rtol * std::fabs(r) + tol.terms * terms[i])) ++bad;
  }
  CHECK(bad == 0);
}
#endif
