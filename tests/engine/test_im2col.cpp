// test_im2col.cpp — im2col matches torch unfold, col2im is its exact adjoint, the "patches as
// rows" orientation is the transpose, and col2im (fold) counts overlaps.
#include <doctest/doctest.h>

#include "engine/check.h"
#include "engine/golden.h"
#include "engine/ops/im2col.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("im2col matches torch.nn.functional.unfold") {
  auto cases = golden_cases("im2col");
  REQUIRE(cases.size() >= 2);
  for (const auto& c : cases) {
    Conv2dParams p;
    p.stride = golden_pair(c, "stride");
    p.padding = golden_pair(c, "padding");
    p.dilation = golden_pair(c, "dilation");
    Tensor cols;
    Status s = im2col(cols, golden_tensor(c, "input"), golden_pair(c, "kernel"), p);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    check_close(cols, golden_tensor(c, "output"), 0, 0, c["name"].get<std::string>());
  }
}

TEST_CASE("col2im is the adjoint of im2col: <im2col(x), y> == <x, col2im(y)>") {
  struct Case {
    int C, H, W;
    Size2 k;
    Conv2dParams p;
  };
  Conv2dParams a, b, c, d;
  a.padding = {1, 1};
  b.stride = {2, 3};
  b.padding = {2, 0};
  b.dilation = {2, 1};
  c.stride = {3, 3};  // stride > kernel: some input pixels are never read
  d.padding = {3, 1};
  const Case cases[] = {{3, 5, 6, {3, 3}, a}, {2, 9, 8, {3, 2}, b}, {2, 7, 7, {2, 2}, c}, {1, 4, 5, {3, 3}, d}};
  uint32_t seed = 11;
  for (const Case& k : cases) {
    PatchGeometry pg;
    REQUIRE(make_patch_geometry(k.C, k.H, k.W, k.k, k.p, &pg).is_ok());
    Tensor x({k.C, k.H, k.W}), y({pg.rows(), pg.cols()}), cols({pg.rows(), pg.cols()}), back({k.C, k.H, k.W}, 99.0f);
    fill_random(x, seed++);
    fill_random(y, seed++);
    im2col(pg, x.data(), cols.data());
    col2im(pg, y.data(), back.data());  // must zero first: the 99s must not survive
    const double lhs = dot(cols, y), rhs = dot(x, back);
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-5));
  }
}

TEST_CASE("patches-as-rows is the transpose of the unfold layout") {
  Tensor x({2, 3, 6, 5});
  fill_random(x, 5);
  Conv2dParams p;
  p.stride = {2, 1};
  p.padding = {1, 1};
  Tensor cols, rows;
  REQUIRE(im2col(cols, x, {3, 2}, p).is_ok());
  REQUIRE(im2col(rows, x, {3, 2}, p, true).is_ok());
  REQUIRE(cols.rank() == 3);
  CHECK(rows.shape() == Shape{cols.dim(0), cols.dim(2), cols.dim(1)});
  int mismatches = 0;
  for (int n = 0; n < cols.dim(0); ++n)
    for (int r = 0; r < cols.dim(1); ++r)
      for (int l = 0; l < cols.dim(2); ++l)
        mismatches += cols[(static_cast<size_t>(n) * cols.dim(1) + r) * cols.dim(2) + l] !=
                      rows[(static_cast<size_t>(n) * cols.dim(2) + l) * cols.dim(1) + r];
  CHECK(mismatches == 0);
}

TEST_CASE("col2im of all-ones counts how many patches read each pixel (torch fold)") {
  Tensor ones({1, 1 * 3 * 3, 9}, 1.0f), counts;
  Conv2dParams p;
  p.padding = {1, 1};
  REQUIRE(col2im(counts, ones, {3, 3}, {3, 3}, p).is_ok());
  const std::vector<float> want = {4, 6, 4, 6, 9, 6, 4, 6, 4};
  CHECK(counts.values() == want);
  Status s = col2im(counts, ones, {4, 4}, {3, 3}, p);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("16 positions") != std::string::npos);
}

TEST_CASE("im2col validates its parameters") {
  Tensor x({1, 2, 4, 4}), cols;
  Conv2dParams p;
  CHECK(im2col(cols, x, {5, 5}, p).message() == "im2col: kernel 5x5 is larger than the padded input 4x4");
  p.stride = {0, 0};
  CHECK(im2col(cols, x, {3, 3}, p).message() == "im2col: stride must be >= 1, got 0");
  CHECK(im2col(cols, Tensor({2, 4, 4}), {3, 3}, Conv2dParams{}).message() ==
        "im2col expected 4D input (batch, channels, height, width), got (2, 4, 4)");
}
