// test_cost.cpp — output sizes, parameter and MAC counts, activation bytes and receptive fields
// against hand-computed values of well-known networks.
#include <doctest/doctest.h>

#include "engine/ops/cost.h"

using namespace cs;

TEST_CASE("conv output shape, params and MACs of ResNet's stem") {
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {3, 3};
  auto out = conv2d_output_shape({1, 3, 224, 224}, 64, {7, 7}, p);
  REQUIRE(out.is_ok());
  CHECK(*out == Shape{1, 64, 112, 112});
  CHECK(conv2d_param_count(3, 64, {7, 7}, 1, false) == 9408);
  CHECK(conv2d_param_count(3, 64, {7, 7}, 1, true) == 9472);
  CHECK(conv2d_macs({1, 3, 224, 224}, 64, {7, 7}, p) == 118013952LL);  // 112*112*64*3*49
  CHECK(activation_bytes(*out) == 1LL * 64 * 112 * 112 * 4);
}

TEST_CASE("depthwise conv costs divide by groups") {
  Conv2dParams p;
  p.padding = {1, 1};
  p.groups = 32;
  CHECK(conv2d_param_count(32, 32, {3, 3}, 32, true) == 32 * 9 + 32);
  CHECK(conv2d_macs({2, 32, 10, 10}, 32, {3, 3}, p) == 2LL * 32 * 100 * 9);
  p.groups = 5;
  CHECK_FALSE(conv2d_output_shape({2, 32, 10, 10}, 32, {3, 3}, p).is_ok());
  CHECK(linear_param_count(512, 10, true) == 5130);
  CHECK(linear_macs(8, 512, 10) == 40960);
  CHECK(norm_param_count(64) == 128);
}

TEST_CASE("pool and transposed conv output shapes") {
  auto a = pool2d_output_shape({1, 64, 112, 112}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, false);
  REQUIRE(a.is_ok());
  CHECK(*a == Shape{1, 64, 56, 56});
  auto b = pool2d_output_shape({1, 1, 5, 5}, {2, 2}, {2, 2}, {0, 0}, {1, 1}, true);  // ceil_mode
  REQUIRE(b.is_ok());
  CHECK(*b == Shape{1, 1, 3, 3});
  auto c = conv_transpose2d_output_shape({1, 8, 7, 7}, 4, {4, 4}, {2, 2}, {1, 1}, {0, 0}, {1, 1});
  REQUIRE(c.is_ok());
  CHECK(*c == Shape{1, 4, 14, 14});
  auto d = conv2d_output_shape({1, 1, 5, 5}, 1, {7, 7}, Conv2dParams{});
  REQUIRE_FALSE(d.is_ok());
  CHECK(d.message().find("7x7") != std::string::npos);
}

TEST_CASE("receptive field and jump of stacked layers") {
  // Three 3x3 stride-1 convs see 7x7; VGG-style 2x2/2 pool doubles the jump.
  auto r = receptive_fields({{3, 1, 1, 1}, {3, 1, 1, 1}, {3, 1, 1, 1}, {2, 2, 1, 0}, {3, 1, 1, 1}});
  REQUIRE(r.is_ok());
  CHECK((*r)[2].size == 7);
  CHECK((*r)[2].jump == 1);
  CHECK((*r)[2].start == -3);
  CHECK((*r)[3].size == 8);
  CHECK((*r)[3].jump == 2);
  CHECK((*r)[4].size == 12);
  CHECK((*r)[4].start == -5);  // -3 (padding so far) + pool start 0, then -1 tap * jump 2
  // ResNet stem: 7x7/2 pad 3 then 3x3/2 pad 1 max pool: RF 11, jump 4.
  auto s = receptive_fields({{7, 2, 1, 3}, {3, 2, 1, 1}});
  REQUIRE(s.is_ok());
  CHECK((*s)[1].size == 11);
  CHECK((*s)[1].jump == 4);
  // Dilation 2 on a 3x3 spans 5.
  auto d = receptive_fields({{3, 1, 2, 2}});
  REQUIRE(d.is_ok());
  CHECK((*d)[0].size == 5);
  int64_t first = 0, last = 0;
  rf_input_range((*s)[1], 3, &first, &last);
  CHECK(first == -5 + 3 * 4);
  CHECK(last == first + 10);
  auto bad = receptive_fields({{3, 0, 1, 0}});
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.message().find("layer 0") != std::string::npos);
}
