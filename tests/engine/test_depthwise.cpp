// test_depthwise.cpp — the direct depthwise kernels against the reference convolution (forward
// and all three gradients) over random shapes: kernel sizes 1-7, strides, padding, dilation,
// channel multipliers, odd sizes; and bit-identical results for 1 and 2 threads.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "engine/conv_check.h"
#include "engine/ops/conv2d.h"
#include "engine/ops/depthwise.h"
#include "engine/parallel.h"

namespace {

using cs::test::random_values;

// First mismatch as text ("" if none), so a red test says where.
std::string compare(const char* what, const std::vector<float>& got, const std::vector<float>& want, float tol) {
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * (1.0f + std::fabs(want[i])))) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s[%zu] = %.7g, reference %.7g", what, i, got[i], want[i]);
      return buf;
    }
  return "";
}

cs::ConvGeometry random_depthwise(std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 1 << 20);
  cs::ConvGeometry g;
  for (;;) {
    g.N = 1 + d(rng) % 3;
    g.C = 1 + d(rng) % 5;
    const int mult = 1 + d(rng) % 2;
    g.OC = g.C * mult;
    g.H = 1 + d(rng) % 17;
    g.W = 1 + d(rng) % 19;
    g.KH = 1 + d(rng) % 7;
    g.KW = 1 + d(rng) % 7;
    g.p.stride = {1 + d(rng) % 3, 1 + d(rng) % 3};
    g.p.dilation = {1 + d(rng) % 2, 1 + d(rng) % 2};
    g.p.padding = {d(rng) % (g.KH + 1), d(rng) % (g.KW + 1)};
    g.p.groups = g.C;
    long long oh = cs::conv_output_size(g.H, g.KH, g.p.stride.h, g.p.padding.h, g.p.dilation.h);
    long long ow = cs::conv_output_size(g.W, g.KW, g.p.stride.w, g.p.padding.w, g.p.dilation.w);
    if (oh <= 0 || ow <= 0) continue;
    g.OH = static_cast<int>(oh);
    g.OW = static_cast<int>(ow);
    return g;
  }
}

std::string describe(const cs::ConvGeometry& g) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "N=%d C=%d OC=%d %dx%d k%dx%d s%d,%d p%d,%d d%d,%d", g.N, g.C, g.OC, g.H, g.W, g.KH,
                g.KW, g.p.stride.h, g.p.stride.w, g.p.padding.h, g.p.padding.w, g.p.dilation.h, g.p.dilation.w);
  return buf;
}

}  // namespace

TEST_CASE("depthwise forward and backward equal the reference on random shapes") {
  std::mt19937 rng(2024);
  for (int t = 0; t < 150; ++t) {
    cs::ConvGeometry g = random_depthwise(rng);
    REQUIRE(cs::depthwise_applies(g));
    CAPTURE(describe(g));
    const size_t nin = static_cast<size_t>(g.N) * g.C * g.H * g.W, nw = static_cast<size_t>(g.OC) * g.KH * g.KW,
                 nout = static_cast<size_t>(g.N) * g.OC * g.OH * g.OW;
    auto x = random_values(nin, rng), w = random_values(nw, rng), b = random_values(g.OC, rng), dy = random_values(nout, rng);
    const bool with_bias = t % 3 != 0;
    std::vector<float> y(nout), y_ref(nout);
    cs::depthwise_forward(g, x.data(), w.data(), with_bias ? b.data() : nullptr, y.data());
    cs::conv2d_forward_reference(g, x.data(), w.data(), with_bias ? b.data() : nullptr, y_ref.data());
    std::string err = compare("y", y, y_ref, 1e-5f);
    if (!err.empty()) FAIL_CHECK(err);

    std::vector<float> dx(nin, NAN), dw(nw, NAN), db(g.OC, NAN), dx_ref(nin), dw_ref(nw), db_ref(g.OC);
    cs::depthwise_backward(g, dy.data(), x.data(), w.data(), dx.data(), dw.data(), db.data());
    cs::conv2d_backward_reference(g, dy.data(), x.data(), w.data(), dx_ref.data(), dw_ref.data(), db_ref.data());
    for (const auto& e : {compare("dx", dx, dx_ref, 1e-5f), compare("dw", dw, dw_ref, 1e-4f), compare("db", db, db_ref, 1e-4f)})
      if (!e.empty()) FAIL_CHECK(e);
  }
}

TEST_CASE("depthwise: only the wanted gradients are written, and threads do not change results") {
  std::mt19937 rng(5);
  cs::ConvGeometry g;
  g.N = 2, g.C = 24, g.OC = 24, g.H = 30, g.W = 33, g.KH = 7, g.KW = 7;
  g.p.padding = {3, 3};
  g.p.groups = 24;
  g.OH = 30, g.OW = 33;
  const size_t nin = 2 * 24 * 30 * 33, nw = 24 * 49, nout = nin;
  auto x = random_values(nin, rng), w = random_values(nw, rng), dy = random_values(nout, rng);
  std::vector<float> dw(nw, 7.0f), dx1(nin), dx2(nin), y1(nout), y2(nout);
  cs::depthwise_backward(g, dy.data(), x.data(), w.data(), nullptr, nullptr, nullptr);  // nothing wanted: no crash
  cs::set_num_threads(1);
  cs::depthwise_forward(g, x.data(), w.data(), nullptr, y1.data());
  cs::depthwise_backward(g, dy.data(), x.data(), w.data(), dx1.data(), nullptr, nullptr);
  CHECK(dw[0] == 7.0f);
  cs::set_num_threads(2);
  cs::depthwise_forward(g, x.data(), w.data(), nullptr, y2.data());
  cs::depthwise_backward(g, dy.data(), x.data(), w.data(), dx2.data(), nullptr, nullptr);
  cs::set_num_threads(0);
  CHECK(y1 == y2);
  CHECK(dx1 == dx2);
}

TEST_CASE("depthwise_applies") {
  cs::ConvGeometry g;
  g.C = 8, g.OC = 16, g.p.groups = 8;
  CHECK(cs::depthwise_applies(g));
  g.p.groups = 4;  // two input channels per group: grouped, not depthwise
  CHECK_FALSE(cs::depthwise_applies(g));
}

// The stride-1 kernel cuts each output row into blocks of up to 8 vectors (one row) or 4 vectors
// (three rows at once, kernels >= 5 tall without vertical dilation), with a partial last vector
// and 1-2 leftover rows. Widths 1..75 cover 1-10 vectors (one and two blocks of each kind, every
// tail length); heights cover OH % 3 = 0, 1, 2; dilation 2 vertically takes the one-row path.
TEST_CASE("depthwise stride 1: every row-block shape equals the reference") {
  std::mt19937 rng(77);
  const int kernels[][2] = {{7, 7}, {5, 3}, {3, 3}, {1, 5}, {6, 2}};
  int checked = 0;
  for (const auto& k : kernels)
    for (int W = 1; W <= 75; W += (W < 20 ? 1 : 7))
      for (int dil = 1; dil <= 2; ++dil) {
        cs::ConvGeometry g;
        g.N = 1, g.C = 2, g.OC = 2, g.KH = k[0], g.KW = k[1];
        g.H = 3 + (W * 7 + k[0]) % 9;
        g.W = W;
        g.p.groups = 2;
        g.p.dilation = {dil, 1 + (W % 2)};
        g.p.padding = {(g.KH - 1) * dil / 2 + W % 2, (g.KW - 1) * g.p.dilation.w / 2 + (W / 3) % 2};
        const long long oh = cs::conv_output_size(g.H, g.KH, 1, g.p.padding.h, g.p.dilation.h);
        const long long ow = cs::conv_output_size(g.W, g.KW, 1, g.p.padding.w, g.p.dilation.w);
        if (oh <= 0 || ow <= 0) continue;
        g.OH = static_cast<int>(oh), g.OW = static_cast<int>(ow);
        CAPTURE(describe(g));
        const size_t nin = static_cast<size_t>(g.C) * g.H * g.W, nw = static_cast<size_t>(g.OC) * g.KH * g.KW,
                     nout = static_cast<size_t>(g.OC) * g.OH * g.OW;
        auto x = random_values(nin, rng), w = random_values(nw, rng), b = random_values(g.OC, rng), dy = random_values(nout, rng);
        std::vector<float> y(nout, NAN), y_ref(nout);
        cs::depthwise_forward(g, x.data(), w.data(), b.data(), y.data());
        cs::conv2d_forward_reference(g, x.data(), w.data(), b.data(), y_ref.data());
        std::string err = compare("y", y, y_ref, 1e-5f);
        if (!err.empty()) FAIL_CHECK(err);
        // dX of stride 1 runs the same kernel on dY with the flipped weights.
        std::vector<float> dx(nin, NAN), dx_ref(nin), dw_ref(nw), db_ref(g.OC);
        cs::depthwise_backward(g, dy.data(), x.data(), w.data(), dx.data(), nullptr, nullptr);
        cs::conv2d_backward_reference(g, dy.data(), x.data(), w.data(), dx_ref.data(), dw_ref.data(), db_ref.data());
        err = compare("dx", dx, dx_ref, 1e-5f);
        if (!err.empty()) FAIL_CHECK(err);
        ++checked;
      }
  CHECK(checked > 150);
}
