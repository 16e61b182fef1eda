// test_tensor.cpp — Tensor storage, shape strings and shape errors.
#include <doctest/doctest.h>

#include "engine/tensor.h"

using namespace cs;

TEST_CASE("shape_str prints like PyTorch") {
  CHECK(shape_str({3, 224, 224}) == "(3, 224, 224)");
  CHECK(shape_str({5}) == "(5,)");
  CHECK(shape_str({}) == "()");
}

TEST_CASE("expect_rank names the op and the shape") {
  Tensor t({3, 224, 224});
  Status s = expect_rank(t, 4, "Conv2d", "(batch, channels, height, width)");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "Conv2d expected 4D input (batch, channels, height, width), got (3, 224, 224)");
}

TEST_CASE("create refuses overflowing and oversized shapes") {
  CHECK_FALSE(Tensor::create({65535, 65535, 65535}).is_ok());
  CHECK_FALSE(Tensor::create({-1, 2}).is_ok());
  auto ok = Tensor::create({2, 3}, 1.5f);
  REQUIRE(ok.is_ok());
  CHECK(ok->numel() == 6);
  CHECK((*ok)[5] == 1.5f);
}

TEST_CASE("resize reuses storage and reshape checks numel") {
  Tensor t({2, 8});
  t.resize({1, 4});
  CHECK(t.numel() == 4);
  CHECK(t.reshape({2, 2}).is_ok());
  CHECK_FALSE(t.reshape({3}).is_ok());
}
