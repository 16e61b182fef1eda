// test_pool.cpp — MaxPool2d / AvgPool2d / AdaptiveAvgPool2d / global average pooling against
// PyTorch golden data, finite-difference gradients, PyTorch's edge rules and validation messages.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

#include "engine/check.h"
#include "engine/golden.h"
#include "engine/ops/pool.h"
#include "engine/parallel.h"

using namespace cs;
using namespace cs::test;

namespace {

MaxPool2dParams max_params(const nlohmann::json& c) {
  MaxPool2dParams p;
  p.kernel = golden_pair(c, "kernel");
  p.stride = golden_pair(c, "stride");
  p.padding = golden_pair(c, "padding");
  p.dilation = golden_pair(c, "dilation");
  p.ceil_mode = c["params"]["ceil_mode"].get<bool>();
  return p;
}

AvgPool2dParams avg_params(const nlohmann::json& c) {
  AvgPool2dParams p;
  p.kernel = golden_pair(c, "kernel");
  p.stride = golden_pair(c, "stride");
  p.padding = golden_pair(c, "padding");
  p.ceil_mode = c["params"]["ceil_mode"].get<bool>();
  p.count_include_pad = c["params"]["count_include_pad"].get<bool>();
  p.divisor_override = c["params"]["divisor_override"].get<int>();
  return p;
}

}  // namespace

TEST_CASE("max_pool2d forward and backward match PyTorch") {
  auto cases = golden_cases("max_pool2d");
  REQUIRE(cases.size() >= 5);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    Tensor x = golden_tensor(c, "input"), y, gx;
    REQUIRE(max_pool2d_forward(y, x, max_params(c)).is_ok());
    check_close(y, golden_tensor(c, "output"), 0, 0, name + " output");  // max is exact
    REQUIRE(max_pool2d_backward(gx, golden_tensor(c, "grad_output"), x, max_params(c)).is_ok());
    check_close(gx, golden_tensor(c, "grad_input"), 1e-5f, 1e-5f, name + " grad_input");
  }
}

TEST_CASE("avg_pool2d forward and backward match PyTorch (ceil_mode, count_include_pad, divisor)") {
  auto cases = golden_cases("avg_pool2d");
  REQUIRE(cases.size() >= 6);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    Tensor x = golden_tensor(c, "input"), y, gx;
    REQUIRE(avg_pool2d_forward(y, x, avg_params(c)).is_ok());
    check_close(y, golden_tensor(c, "output"), 1e-5f, 1e-5f, name + " output");
    REQUIRE(avg_pool2d_backward(gx, golden_tensor(c, "grad_output"), x.shape(), avg_params(c)).is_ok());
    check_close(gx, golden_tensor(c, "grad_input"), 1e-5f, 1e-5f, name + " grad_input");
  }
}

TEST_CASE("adaptive and global average pooling match PyTorch") {
  auto cases = golden_cases("adaptive_avg_pool2d");
  REQUIRE(cases.size() >= 3);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    Tensor x = golden_tensor(c, "input"), y, gx;
    const Size2 out = golden_pair(c, "output_size");
    REQUIRE(adaptive_avg_pool2d_forward(y, x, out).is_ok());
    check_close(y, golden_tensor(c, "output"), 1e-5f, 1e-5f, name + " output");
    REQUIRE(adaptive_avg_pool2d_backward(gx, golden_tensor(c, "grad_output"), x.shape()).is_ok());
    check_close(gx, golden_tensor(c, "grad_input"), 1e-5f, 1e-5f, name + " grad_input");
    if (out == Size2{1, 1}) {
      Tensor gy2, gx2;
      REQUIRE(global_avg_pool2d_forward(gy2, x).is_ok());
      check_close(gy2, golden_tensor(c, "output"), 1e-5f, 1e-5f, name + " global");
      REQUIRE(global_avg_pool2d_backward(gx2, golden_tensor(c, "grad_output"), x.shape()).is_ok());
      check_close(gx2, golden_tensor(c, "grad_input"), 1e-5f, 1e-5f, name + " global grad");
    }
  }
}

TEST_CASE("pool gradients agree with finite differences") {
  Tensor x({2, 2, 7, 6});
  // A strictly increasing ramp plus noise smaller than the step: no ties inside any window, so
  // max pooling is differentiable everywhere we probe (ties are kinks, skipped deliberately).
  fill_random(x, 42);
  for (size_t i = 0; i < x.numel(); ++i) x[i] = 0.1f * static_cast<float>((i * 37) % x.numel()) + 0.01f * x[i];
  MaxPool2dParams mp;
  mp.kernel = {3, 2};
  mp.stride = {2, 1};
  mp.padding = {1, 1};
  mp.dilation = {1, 2};
  mp.ceil_mode = true;
  AvgPool2dParams ap;
  ap.kernel = {3, 3};
  ap.stride = {2, 2};
  ap.padding = {1, 1};
  ap.ceil_mode = true;
  ap.count_include_pad = false;

  Tensor y, gy, gx;
  REQUIRE(max_pool2d_forward(y, x, mp).is_ok());
  gy = Tensor(y.shape());
  fill_random(gy, 3);
  REQUIRE(max_pool2d_backward(gx, gy, x, mp).is_ok());
  check_gradient(x, gx, [&] { Tensor o; REQUIRE(max_pool2d_forward(o, x, mp).is_ok()); return dot(o, gy); },
                 1e-3f, 2e-3f, 1e-2f, "max_pool2d", 84);

  REQUIRE(avg_pool2d_forward(y, x, ap).is_ok());
  gy = Tensor(y.shape());
  fill_random(gy, 4);
  REQUIRE(avg_pool2d_backward(gx, gy, x.shape(), ap).is_ok());
  check_gradient(x, gx, [&] { Tensor o; REQUIRE(avg_pool2d_forward(o, x, ap).is_ok()); return dot(o, gy); },
                 1e-2f, 2e-3f, 1e-2f, "avg_pool2d", 84);

  REQUIRE(adaptive_avg_pool2d_forward(y, x, {3, 4}).is_ok());
  gy = Tensor(y.shape());
  fill_random(gy, 5);
  REQUIRE(adaptive_avg_pool2d_backward(gx, gy, x.shape()).is_ok());
  check_gradient(x, gx, [&] { Tensor o; REQUIRE(adaptive_avg_pool2d_forward(o, x, {3, 4}).is_ok()); return dot(o, gy); },
                 1e-2f, 2e-3f, 1e-2f, "adaptive_avg_pool2d", 84);
}

TEST_CASE("max pool pads with -inf, breaks ties to the first element and propagates NaN") {
  Tensor x({1, 1, 2, 2}, -5.0f), y, gx;
  MaxPool2dParams p;
  p.kernel = {2, 2};
  p.stride = {1, 1};
  p.padding = {1, 1};
  std::vector<int32_t> idx;
  REQUIRE(max_pool2d_forward(y, x, p, &idx).is_ok());
  CHECK(y.shape() == Shape{1, 1, 3, 3});
  for (size_t i = 0; i < y.numel(); ++i) CHECK(y[i] == -5.0f);  // never the 0 of zero padding
  // All four inputs tie in the centre window: the first (row-major) wins, as PyTorch.
  CHECK(idx[4] == 0);
  Tensor gy({1, 1, 3, 3}, 0.0f);
  gy[4] = 1.0f;
  REQUIRE(max_pool2d_backward(gx, gy, x, p).is_ok());
  CHECK(gx.values() == std::vector<float>{1, 0, 0, 0});

  x[3] = std::numeric_limits<float>::quiet_NaN();
  REQUIRE(max_pool2d_forward(y, x, p, &idx).is_ok());
  CHECK(std::isnan(y[4]));
  CHECK(idx[4] == 3);
}

TEST_CASE("ceil_mode drops a last window that would start in the right padding") {
  // PyTorch: MaxPool2d(2, stride=2, padding=1, ceil_mode=True) on 4 wide -> 3, not 4.
  CHECK(pool_output_size(4, 2, 2, 1, 1, true) == 3);
  CHECK(pool_output_size(5, 2, 2, 0, 1, true) == 3);
  CHECK(pool_output_size(5, 2, 2, 0, 1, false) == 2);
  CHECK(pool_output_size(8, 3, 2, 1, 1, true) == 5);
  CHECK(pool_output_size(8, 3, 2, 1, 1, false) == 4);
  CHECK(pool_output_size(2, 5, 1, 0, 1, false) == 0);
  // AvgPool2d with ceil_mode and count_include_pad: the last window of a 1x3 row (kernel 2,
  // stride 2) hangs over the edge; PyTorch clips it to the padded input, so its divisor is 1, not 2.
  Tensor x({1, 1, 1, 3}, 1.0f), y;
  AvgPool2dParams ap;
  ap.kernel = {1, 2};
  ap.stride = {1, 2};
  ap.ceil_mode = true;
  REQUIRE(avg_pool2d_forward(y, x, ap).is_ok());
  CHECK(y.values() == std::vector<float>{1.0f, 1.0f});
}

TEST_CASE("ceil_mode keeps a window wider than the input when it starts inside it") {
  // PyTorch: F.max_pool2d(ones(1,1,1,1), 2, stride=4, ceil_mode=True) is 1x1 (the window hangs over
  // the edge), and so is a 3x3 input under a 4x4 kernel; without ceil_mode there is no output.
  CHECK(pool_output_size(1, 2, 4, 0, 1, true) == 1);
  CHECK(pool_output_size(3, 4, 4, 0, 1, true) == 1);
  CHECK(pool_output_size(3, 4, 4, 0, 1, false) == 0);
  CHECK(pool_output_size(11, 5, 5, 0, 3, true) == 1);  // dilated span 13 <= 11 + stride - 1
  CHECK(pool_output_size(2, 5, 1, 0, 1, true) == 0);   // stride 1: ceil adds nothing
  CHECK(pool_output_size(4, 5, 3, 0, 1, true) == 1);
  Tensor x({1, 1, 3, 3}), y;
  for (int i = 0; i < 9; ++i) x[i] = static_cast<float>(i) - 4.0f;
  MaxPool2dParams mp;
  mp.kernel = {4, 4};
  mp.ceil_mode = true;
  REQUIRE(max_pool2d_forward(y, x, mp).is_ok());
  CHECK(y.shape() == Shape{1, 1, 1, 1});
  CHECK(y[0] == 4.0f);
  AvgPool2dParams ap;
  ap.kernel = {4, 4};
  ap.ceil_mode = true;
  ap.count_include_pad = false;
  REQUIRE(avg_pool2d_forward(y, x, ap).is_ok());
  CHECK(y.shape() == Shape{1, 1, 1, 1});
  CHECK(y[0] == 0.0f);  // the mean of the 9 inputs, -4 .. 4
  mp.ceil_mode = false;
  CHECK_FALSE(max_pool2d_forward(y, x, mp).is_ok());
}

TEST_CASE("pool validation messages print the bad values") {
  Tensor x({1, 2, 5, 5}), y;
  MaxPool2dParams p;
  p.kernel = {3, 3};
  p.padding = {2, 2};
  CHECK(max_pool2d_forward(y, x, p).message() ==
        "MaxPool2d: padding 2x2 must be at most half of the kernel size 3x3 (as PyTorch requires)");
  p = MaxPool2dParams{};
  p.kernel = {0, 2};
  CHECK(max_pool2d_forward(y, x, p).message() == "MaxPool2d: kernel_size must be >= 1, got 0x2");
  p = MaxPool2dParams{};
  p.stride = {-1, 1};
  CHECK(max_pool2d_forward(y, x, p).message() == "MaxPool2d: stride must be >= 1, got -1");
  p = MaxPool2dParams{};
  p.kernel = {7, 7};
  CHECK(max_pool2d_forward(y, x, p).message() ==
        "MaxPool2d: input 5x5 is too small for kernel 7x7 (dilation 1x1, padding 0x0): output would be 0x0");
  CHECK(max_pool2d_forward(y, Tensor({2, 5, 5}), MaxPool2dParams{}).message() ==
        "MaxPool2d expected 4D input (batch, channels, height, width), got (2, 5, 5)");
  AvgPool2dParams a;
  a.divisor_override = -2;
  CHECK(avg_pool2d_forward(y, x, a).message() == "AvgPool2d: divisor_override must be > 0 (or 0 for none), got -2");
  CHECK(adaptive_avg_pool2d_forward(y, x, {0, 3}).message() == "AdaptiveAvgPool2d: output_size must be >= 1, got 0x3");
  Tensor gx;
  CHECK(max_pool2d_backward(gx, Tensor({1, 2, 3, 3}), x, MaxPool2dParams{}).message() ==
        "MaxPool2d backward: grad_output must have shape (1, 2, 2, 2), got (1, 2, 3, 3)");
}

TEST_CASE("default params are PyTorch's: stride = kernel") {
  Tensor x({1, 1, 4, 4}), y;
  for (size_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(i);
  REQUIRE(max_pool2d_forward(y, x, MaxPool2dParams{}).is_ok());
  CHECK(y.values() == std::vector<float>{5, 7, 13, 15});
  REQUIRE(avg_pool2d_forward(y, x, AvgPool2dParams{}).is_ok());
  CHECK(y.values() == std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f});
}

namespace {

// The PyTorch CPU rule written as plainly as possible, independent of pool.cpp: window taps in
// row-major order, padding never chosen, strict '>' (first of ties), a NaN always takes over.
void reference_max_pool(const Tensor& x, const MaxPool2dParams& p, int OH, int OW, const Tensor& gy, Tensor* y,
                        std::vector<int32_t>* idx, Tensor* gx) {
  const int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  const Size2 s = (p.stride.h == 0 && p.stride.w == 0) ? p.kernel : p.stride;
  *y = Tensor({N, C, OH, OW});
  idx->assign(y->numel(), -1);
  *gx = Tensor(x.shape(), 0.0f);
  for (int nc = 0; nc < N * C; ++nc)
    for (int oh = 0; oh < OH; ++oh)
      for (int ow = 0; ow < OW; ++ow) {
        int best = -1;
        float bv = 0;
        for (int kh = 0; kh < p.kernel.h; ++kh)
          for (int kw = 0; kw < p.kernel.w; ++kw) {
            int ih = oh * s.h - p.padding.h + kh * p.dilation.h, iw = ow * s.w - p.padding.w + kw * p.dilation.w;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            float v = x[static_cast<size_t>(nc) * H * W + ih * W + iw];
            if (best < 0 || v > bv || std::isnan(v)) best = ih * W + iw, bv = v;
          }
        size_t o = (static_cast<size_t>(nc) * OH + oh) * OW + ow;
        (*y)[o] = best < 0 ? -std::numeric_limits<float>::infinity() : bv;
        (*idx)[o] = best;
        if (best >= 0) (*gx)[static_cast<size_t>(nc) * H * W + best] += gy[o];
      }
}

bool same_values(const Tensor& a, const Tensor& b) {  // bitwise-equal up to NaN payloads
  if (a.shape() != b.shape()) return false;
  for (size_t i = 0; i < a.numel(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

}  // namespace

TEST_CASE("max pool 2x2 stride 2 fast path equals the reference rule (ties, NaN, odd sizes, threads)") {
  struct Case {
    int N, C, H, W;
    bool ceil_mode;
  };
  // 28x28 / 14x14: M1's pools; 7x9 drops a row and a column; ceil_mode with odd sizes leaves the
  // fast path (a half window), with even sizes stays on it; N*C large enough to split over threads.
  const Case cases[] = {{2, 3, 28, 28, false}, {3, 2, 7, 9, false}, {1, 2, 7, 9, true},
                        {2, 2, 6, 8, true},    {64, 16, 14, 14, false}, {1, 1, 2, 2, false}};
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> small(-3, 3);  // few distinct values: many ties
  const int saved = num_threads();
  for (const Case& c : cases) {
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      CAPTURE(c.H);
      CAPTURE(c.W);
      CAPTURE(c.ceil_mode);
      CAPTURE(threads);
      Tensor x({c.N, c.C, c.H, c.W});
      for (size_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(small(rng));
      for (size_t i = 5; i < x.numel(); i += 97) x[i] = std::numeric_limits<float>::quiet_NaN();
      MaxPool2dParams p;
      p.ceil_mode = c.ceil_mode;
      Tensor y, gx;
      std::vector<int32_t> idx;
      REQUIRE(max_pool2d_forward(y, x, p, &idx).is_ok());
      Tensor gy(y.shape());
      for (size_t i = 0; i < gy.numel(); ++i) gy[i] = static_cast<float>(small(rng)) + 0.5f;
      Tensor ry, rgx;
      std::vector<int32_t> ridx;
      reference_max_pool(x, p, y.dim(2), y.dim(3), gy, &ry, &ridx, &rgx);
      CHECK(same_values(y, ry));
      CHECK(idx == ridx);
      Tensor y2;
      REQUIRE(max_pool2d_forward(y2, x, p).is_ok());  // the value-only loop
      CHECK(same_values(y2, ry));
      gx = Tensor(x.shape(), 123.0f);  // stale values must not survive (uncovered rows/columns)
      REQUIRE(max_pool2d_backward(gx, gy, x, p).is_ok());
      CHECK(same_values(gx, rgx));
    }
  }
  set_num_threads(saved);
}
