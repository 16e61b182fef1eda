// test_conv_auto.cpp — ConvAlgo::Auto (every route: depthwise, 1x1 direct GEMM, im2col + GEMM,
// batch-parallel and single-image) against ConvAlgo::Reference, forward and backward, over random
// shapes with groups, strides, padding and dilation, through the validating entry points.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/conv2d.h"
#include "engine/ops/gemm.h"
#include "engine/parallel.h"
#include "cpu_families.h"

namespace {

cs::Tensor rand_tensor(const cs::Shape& s, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  cs::Tensor t(s);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = u(rng);
  return t;
}

std::string compare(const char* what, const cs::Tensor& got, const cs::Tensor& want, float tol) {
  if (got.shape() != want.shape()) return std::string(what) + ": shape " + got.shape_string() + " vs " + want.shape_string();
  for (size_t i = 0; i < want.numel(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * (1.0f + std::fabs(want[i])))) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s[%zu] = %.7g, reference %.7g", what, i, got[i], want[i]);
      return buf;
    }
  return "";
}

struct Shape4 {
  int N, C, H, W, OC, K, stride, pad, dil, groups;
};

std::string describe(const Shape4& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "N=%d C=%d %dx%d OC=%d k%d s%d p%d d%d g%d", s.N, s.C, s.H, s.W, s.OC, s.K, s.stride,
                s.pad, s.dil, s.groups);
  return buf;
}

void check_auto(const Shape4& s, std::mt19937& rng, bool bias) {
  CAPTURE(describe(s));
  cs::Conv2dParams p;
  p.stride = {s.stride, s.stride};
  p.padding = {s.pad, s.pad};
  p.dilation = {s.dil, s.dil};
  p.groups = s.groups;
  cs::Tensor x = rand_tensor({s.N, s.C, s.H, s.W}, rng), w = rand_tensor({s.OC, s.C / s.groups, s.K, s.K}, rng),
             b = rand_tensor({s.OC}, rng);
  cs::Tensor y, y_ref;
  REQUIRE(cs::conv2d_forward(y, x, w, bias ? &b : nullptr, p, cs::ConvAlgo::Auto).is_ok());
  REQUIRE(cs::conv2d_forward(y_ref, x, w, bias ? &b : nullptr, p, cs::ConvAlgo::Reference).is_ok());
  std::string e = compare("y", y, y_ref, 2e-5f);
  if (!e.empty()) FAIL_CHECK(e);
  cs::Tensor dy = rand_tensor(y_ref.shape(), rng);
  cs::Tensor dx, dw, db, dx_ref, dw_ref, db_ref;
  REQUIRE(cs::conv2d_backward(&dx, &dw, &db, dy, x, w, p, cs::ConvAlgo::Auto).is_ok());
  REQUIRE(cs::conv2d_backward(&dx_ref, &dw_ref, &db_ref, dy, x, w, p, cs::ConvAlgo::Reference).is_ok());
  for (const auto& err : {compare("dx", dx, dx_ref, 2e-5f), compare("dw", dw, dw_ref, 1e-4f), compare("db", db, db_ref, 1e-4f)})
    if (!err.empty()) FAIL_CHECK(err);
}

}  // namespace

TEST_CASE("conv auto equals the reference on random shapes (all routes)") {
  std::mt19937 rng(77);
  std::uniform_int_distribution<int> d(0, 1 << 20);
  int tried = 0;
  while (tried < 120) {
    Shape4 s;
    s.groups = 1 + d(rng) % 3;
    s.C = s.groups * (1 + d(rng) % 4);
    s.OC = s.groups * (1 + d(rng) % 5);
    s.N = 1 + d(rng) % 3;
    s.H = 1 + d(rng) % 13;
    s.W = 1 + d(rng) % 13;
    s.K = 1 + d(rng) % 4;
    s.stride = 1 + d(rng) % 2;
    s.dil = 1 + d(rng) % 2;
    s.pad = d(rng) % (s.K + 1);
    if (d(rng) % 4 == 0) s.K = 1, s.stride = 1, s.pad = 0;  // the direct 1x1 route
    if (d(rng) % 5 == 0) s.groups = s.C, s.OC = s.C * (1 + d(rng) % 2);  // depthwise route
    if (cs::conv_output_size(s.H, s.K, s.stride, s.pad, s.dil) <= 0 ||
        cs::conv_output_size(s.W, s.K, s.stride, s.pad, s.dil) <= 0)
      continue;
    check_auto(s, rng, tried % 2 == 0);
    ++tried;
  }
}

TEST_CASE("conv auto: bench-like shapes (batch-parallel and single large image)") {
  std::mt19937 rng(3);
  const Shape4 shapes[] = {
      {8, 16, 14, 14, 32, 3, 1, 1, 1, 1},   // L3-like batch: one image per thread
      {1, 32, 28, 28, 40, 3, 2, 1, 1, 1},   // L7-like stride 2
      {1, 48, 20, 20, 24, 1, 1, 0, 1, 1},   // L6-like 1x1
      {2, 32, 21, 21, 32, 7, 1, 3, 1, 32},  // L8-like depthwise 7x7
  };
  for (int threads : {1, 2}) {
    cs::set_num_threads(threads);
    for (const Shape4& s : shapes) check_auto(s, rng, true);
  }
  cs::set_num_threads(0);
}

TEST_CASE("conv auto: results are bit-identical for 1 and 2 threads") {
  std::mt19937 rng(11);
  cs::Conv2dParams p;
  p.padding = {1, 1};
  cs::Tensor x = rand_tensor({6, 16, 14, 14}, rng), w = rand_tensor({32, 16, 3, 3}, rng), b = rand_tensor({32}, rng);
  cs::Tensor y1, y2, dy = rand_tensor({6, 32, 14, 14}, rng), dx1, dw1, dx2, dw2;
  cs::set_num_threads(1);
  REQUIRE(cs::conv2d_forward(y1, x, w, &b, p).is_ok());
  REQUIRE(cs::conv2d_backward(&dx1, &dw1, nullptr, dy, x, w, p).is_ok());
  cs::set_num_threads(2);
  REQUIRE(cs::conv2d_forward(y2, x, w, &b, p).is_ok());
  REQUIRE(cs::conv2d_backward(&dx2, &dw2, nullptr, dy, x, w, p).is_ok());
  cs::set_num_threads(0);
  CHECK(y1.values() == y2.values());
  CHECK(dx1.values() == dx2.values());
  CHECK(dw1.values() == dw2.values());
}

TEST_CASE("conv auto: 'same' stride-1 shapes (one-run im2col) incl. tiny planes, dilation, groups") {
  std::mt19937 rng(21);
  // OW == W and stride 1: im2col copies each column row as one shifted run, then zeros the
  // wrapped padding columns. Kernels larger than the image, 1-pixel planes, dilation 2, groups.
  const Shape4 shapes[] = {
      {2, 3, 5, 5, 4, 3, 1, 1, 1, 1},  {1, 2, 1, 1, 3, 3, 1, 1, 1, 1}, {1, 2, 2, 2, 3, 5, 1, 2, 1, 1},
      {2, 2, 7, 7, 3, 3, 1, 2, 2, 1},  {1, 4, 6, 6, 4, 5, 1, 2, 1, 2}, {3, 2, 1, 9, 2, 3, 1, 1, 1, 1},
      {1, 1, 9, 1, 2, 3, 1, 1, 1, 1},  {2, 3, 4, 4, 2, 7, 1, 3, 1, 1},
  };
  for (const Shape4& s : shapes) check_auto(s, rng, true);
}

// "Same" stride-1 forward convolutions write im2col straight into the active kernel's B panels
// (NR = 4 scalar, 8 SIMD128, 16 AVX2, 32 AVX-512) and pack the weights once per call: every
// kernel's panel width, images whose pixel count is not a multiple of it, 1-row planes, 5x5 and
// dilated kernels (several wrapped padding columns per row), groups, batches, 1 and 2 threads; the stride-2 and unpadded shapes check the column-matrix route next to it.
TEST_CASE("conv auto: im2col-into-panels route for every GEMM kernel") {
  std::mt19937 rng(505);
  const Shape4 shapes[] = {
      {3, 16, 14, 14, 32, 3, 1, 1, 1, 1}, {1, 5, 9, 11, 7, 3, 2, 1, 1, 1},  {2, 6, 13, 5, 8, 3, 1, 1, 2, 2},
      {1, 3, 17, 17, 13, 5, 1, 2, 1, 1},  {4, 2, 3, 3, 3, 2, 1, 0, 1, 1},   {1, 8, 23, 23, 19, 3, 2, 0, 1, 1},
      {2, 4, 6, 7, 6, 3, 1, 1, 1, 2},     {1, 1, 28, 28, 16, 3, 1, 1, 1, 1},  {2, 3, 1, 17, 5, 3, 1, 1, 1, 1},
      {1, 2, 4, 33, 3, 5, 1, 2, 1, 1},    {2, 3, 5, 5, 4, 5, 1, 4, 2, 1},
  };
  for (const std::string& kernel : cs_test::family_names()) {
    CAPTURE(kernel);
    REQUIRE(cs_test::use_family(kernel));
    for (int threads : {1, 2}) {
      cs::set_num_threads(threads);
      for (const Shape4& s : shapes) check_auto(s, rng, threads == 1);
    }
  }
  cs_test::restore_run_family();
  cs::set_num_threads(0);
}
