// test_conv_geometry.cpp — the one place of convolution's index and size formulas (conv_geometry.h):
// the output-size formula against a count of the window positions that fit, PyTorch's ceil_mode
// rule for pooling, the transposed size as the inverse of the forward one, and the validation
// sentences that name the offending values.
#include <doctest/doctest.h>

#include <string>

#include "engine/ops/conv_geometry.h"

namespace {

// Window starts that keep the whole dilated window inside the padded input, counted one by one.
long long count_windows(long long in, long long k, long long s, long long p, long long d) {
  long long n = 0;
  for (long long start = -p; start + d * (k - 1) <= in - 1 + p; start += s) ++n;
  return n;
}

bool contains(const cs::Status& st, const std::string& part) { return st.message().find(part) != std::string::npos; }

}  // namespace

TEST_CASE("conv_output_size is the number of window positions that fit (floor), 0 when none") {
  for (int in = 1; in <= 12; ++in)
    for (int k = 1; k <= 5; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p <= 2; ++p)
          for (int d = 1; d <= 2; ++d) {
            CAPTURE(in);
            CAPTURE(k);
            CAPTURE(s);
            CAPTURE(p);
            CAPTURE(d);
            CHECK(cs::conv_output_size(in, k, s, p, d) == count_windows(in, k, s, p, d));
          }
  CHECK(cs::conv_output_size(28, 3, 1, 1, 1) == 28);  // "same"
  CHECK(cs::conv_output_size(7, 3, 2, 0, 1) == 3);    // floor((7 - 3) / 2) + 1
  CHECK(cs::conv_output_size(2, 5, 1, 0, 1) == 0);    // kernel larger than the input
  // Hostile sizes do not overflow.
  CHECK(cs::conv_output_size(2000000000LL, 3, 1, 2000000000LL, 1) == 5999999998LL);
}

TEST_CASE("conv_input_index: output o at tap k reads o*stride - pad + k*dilation") {
  CHECK(cs::conv_input_index(0, 0, 1, 1, 1) == -1);  // in the padding
  CHECK(cs::conv_input_index(3, 2, 2, 1, 2) == 9);
  // Every tap of every output counted by conv_output_size lies inside the padded input.
  const int in = 9, k = 3, s = 2, p = 1, d = 2;
  const long long out = cs::conv_output_size(in, k, s, p, d);
  for (int o = 0; o < out; ++o)
    for (int t = 0; t < k; ++t) {
      const int i = cs::conv_input_index(o, t, s, p, d);
      CHECK(i >= -p);
      CHECK(i <= in - 1 + p);
    }
}

TEST_CASE("pool_output_size: ceil_mode adds a last window only if it starts inside the input or left padding") {
  CHECK(cs::pool_output_size(5, 2, 2, 0, 1, false) == 2);
  CHECK(cs::pool_output_size(5, 2, 2, 0, 1, true) == 3);
  CHECK(cs::pool_output_size(4, 2, 2, 0, 1, true) == 2);  // no partial window to add
  CHECK(cs::pool_output_size(1, 2, 4, 0, 1, true) == 1);  // as PyTorch: a 1x1 input pools to 1x1
  // A last window that would start in the right padding is dropped.
  CHECK(cs::pool_output_size(6, 2, 2, 1, 1, true) == 4);
  CHECK(cs::pool_output_size(6, 2, 2, 1, 1, false) == 4);
}

TEST_CASE("conv_transpose_output_size inverts the forward size") {
  for (int in = 1; in <= 8; ++in)
    for (int k = 1; k <= 4; ++k)
      for (int s = 1; s <= 3; ++s)
        for (int p = 0; p < k; ++p) {
          const long long out = cs::conv_output_size(in, k, s, p, 1);
          if (out <= 0) continue;
          // The transposed conv of the forward output gives back `in` with output_padding =
          // the rows the floor dropped.
          const long long back = cs::conv_transpose_output_size(out, k, s, p, 1, 0);
          CHECK(back <= in);
          CHECK(in - back < s);
          CHECK(cs::conv_transpose_output_size(out, k, s, p, 1, in - back) == in);
        }
}

TEST_CASE("conv2d_geometry fills the shapes and refuses bad ones in words that name the values") {
  cs::ConvGeometry g;
  cs::Conv2dParams p;
  p.padding = {1, 1};
  p.stride = {2, 2};
  REQUIRE(cs::conv2d_geometry({2, 4, 9, 7}, {6, 4, 3, 3}, p, &g).is_ok());
  CHECK(g.N == 2);
  CHECK(g.C == 4);
  CHECK(g.OC == 6);
  CHECK(g.OH == 5);
  CHECK(g.OW == 4);
  p.groups = 2;
  REQUIRE(cs::conv2d_geometry({2, 4, 9, 7}, {6, 2, 3, 3}, p, &g).is_ok());
  CHECK(g.c_per_group() == 2);
  CHECK(g.oc_per_group() == 3);

  cs::Conv2dParams bad;
  bad.stride = {0, 1};
  cs::Status st = cs::conv2d_geometry({1, 1, 5, 5}, {1, 1, 3, 3}, bad, &g);
  CHECK_FALSE(st.is_ok());
  CHECK(contains(st, "0"));
  bad = cs::Conv2dParams{};
  bad.groups = 4;
  st = cs::conv2d_geometry({1, 6, 5, 5}, {4, 1, 3, 3}, bad, &g);
  CHECK_FALSE(st.is_ok());
  CHECK(contains(st, "6"));
  CHECK(contains(st, "4"));
  st = cs::conv2d_geometry({1, 1, 5, 5}, {1, 1, 7, 7}, cs::Conv2dParams{}, &g);
  CHECK_FALSE(st.is_ok());
  CHECK(contains(st, "7"));
  st = cs::conv2d_geometry({1, 2, 5, 5}, {1, 3, 3, 3}, cs::Conv2dParams{}, &g);  // weight's C/groups != input's C
  CHECK_FALSE(st.is_ok());
  st = cs::conv2d_geometry({1, 2, 5}, {1, 2, 3, 3}, cs::Conv2dParams{}, &g);  // not 4-D
  CHECK_FALSE(st.is_ok());
  CHECK(cs::check_conv_params(5, 5, 3, 3, cs::Conv2dParams{}).is_ok());
  bad = cs::Conv2dParams{};
  bad.dilation = {0, 1};
  CHECK_FALSE(cs::check_conv_params(5, 5, 3, 3, bad).is_ok());
}
