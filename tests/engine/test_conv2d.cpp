// test_conv2d.cpp — Conv2d against PyTorch golden data (every algorithm, forward and backward),
// finite-difference gradients, parameter validation messages and workspace reuse.
#include <doctest/doctest.h>

#include "engine/check.h"
#include "engine/golden.h"
#include "engine/ops/conv2d.h"

using namespace cs;
using namespace cs::test;

namespace {

Conv2dParams params_of(const nlohmann::json& c) {
  Conv2dParams p;
  p.stride = golden_pair(c, "stride");
  p.padding = golden_pair(c, "padding");
  p.dilation = golden_pair(c, "dilation");
  p.groups = c["params"]["groups"].get<int>();
  return p;
}

const float kAtol = 1e-4f, kRtol = 1e-4f;

}  // namespace

TEST_CASE("conv2d forward and backward match PyTorch for every algorithm") {
  auto cases = golden_cases("conv2d");
  REQUIRE(cases.size() >= 10);
  int winograd_cases = 0;
  for (const auto& c : cases) {
    const std::string name = c["name"];
    Tensor x = golden_tensor(c, "input"), w = golden_tensor(c, "weight");
    Tensor b = golden_has(c, "bias") ? golden_tensor(c, "bias") : Tensor();
    Tensor y = golden_tensor(c, "output"), gy = golden_tensor(c, "grad_output");
    Tensor gx = golden_tensor(c, "grad_input"), gw = golden_tensor(c, "grad_weight");
    const Conv2dParams p = params_of(c);
    ConvGeometry g;
    REQUIRE(conv2d_geometry(x.shape(), w.shape(), p, &g).is_ok());
    for (ConvAlgo algo : {ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd, ConvAlgo::Auto}) {
      const std::string label = name + " [" + conv_algo_name(algo) + "]";
      Tensor out;
      Status s = conv2d_forward(out, x, w, b.empty() ? nullptr : &b, p, algo);
      if (algo == ConvAlgo::Winograd && !winograd_supported(g)) {
        CHECK_MESSAGE(!s.is_ok(), label << " must refuse, not fall back");
        continue;
      }
      if (algo == ConvAlgo::Winograd) ++winograd_cases;
      REQUIRE_MESSAGE(s.is_ok(), label << ": " << s.message());
      check_close(out, y, kAtol, kRtol, label + " output");

      Tensor dx, dw, db;
      s = conv2d_backward(&dx, &dw, b.empty() ? nullptr : &db, gy, x, w, p, algo);
      REQUIRE_MESSAGE(s.is_ok(), label << ": " << s.message());
      check_close(dx, gx, kAtol, kRtol, label + " grad_input");
      check_close(dw, gw, kAtol, kRtol, label + " grad_weight");
      if (!b.empty()) check_close(db, golden_tensor(c, "grad_bias"), kAtol, kRtol, label + " grad_bias");
    }
  }
  CHECK(winograd_cases >= 5);  // the golden set must exercise Winograd, not only skip it
}

TEST_CASE("conv2d backward can skip gradients and overwrites rather than accumulates") {
  auto cases = golden_cases("conv2d");
  const auto& c = cases.at(1);  // conv_odd_stride2: batch 2, stride 2
  Tensor x = golden_tensor(c, "input"), w = golden_tensor(c, "weight"), gy = golden_tensor(c, "grad_output");
  Conv2dParams p = params_of(c);
  for (ConvAlgo algo : {ConvAlgo::Reference, ConvAlgo::Im2col}) {
    Tensor dw({1}, 123.0f);  // stale contents and wrong shape: must be resized and overwritten
    REQUIRE(conv2d_backward(nullptr, &dw, nullptr, gy, x, w, p, algo).is_ok());
    check_close(dw, golden_tensor(c, "grad_weight"), kAtol, kRtol, std::string("weight-only ") + conv_algo_name(algo));
    Tensor dx(x.shape(), 7.0f);
    REQUIRE(conv2d_backward(&dx, nullptr, nullptr, gy, x, w, p, algo).is_ok());
    check_close(dx, golden_tensor(c, "grad_input"), kAtol, kRtol, std::string("input-only ") + conv_algo_name(algo));
  }
}

TEST_CASE("conv2d gradients agree with finite differences") {
  struct Case {
    Shape x, w;
    Conv2dParams p;
  };
  Conv2dParams strided;
  strided.stride = {2, 1};
  strided.padding = {1, 2};
  strided.dilation = {1, 2};
  Conv2dParams grouped;
  grouped.groups = 2;
  grouped.padding = {1, 1};
  const Case cases[] = {{{2, 3, 5, 6}, {4, 3, 3, 3}, strided}, {{1, 4, 5, 5}, {4, 2, 3, 2}, grouped}};
  uint32_t seed = 1;
  for (const Case& k : cases)
    for (ConvAlgo algo : {ConvAlgo::Reference, ConvAlgo::Im2col}) {
      Tensor x(k.x), w(k.w), b({k.w[0]}), y, gy;
      fill_random(x, seed++);
      fill_random(w, seed++);
      fill_random(b, seed++);
      REQUIRE(conv2d_forward(y, x, w, &b, k.p, algo).is_ok());
      gy = Tensor(y.shape());
      fill_random(gy, seed++);
      Tensor dx, dw, db;
      REQUIRE(conv2d_backward(&dx, &dw, &db, gy, x, w, k.p, algo).is_ok());
      auto loss = [&] {
        Tensor out;
        REQUIRE(conv2d_forward(out, x, w, &b, k.p, ConvAlgo::Reference).is_ok());
        return dot(out, gy);
      };
      const std::string label = std::string("fd ") + conv_algo_name(algo);
      check_gradient(x, dx, loss, 1e-2f, 2e-3f, 1e-2f, label + " input");
      check_gradient(w, dw, loss, 1e-2f, 2e-3f, 1e-2f, label + " weight");
      check_gradient(b, db, loss, 1e-2f, 2e-3f, 1e-2f, label + " bias");
    }
}

TEST_CASE("winograd handles odd sizes, padding, groups and many channels like the reference") {
  uint32_t seed = 100;
  for (int H : {3, 4, 5, 8, 11})
    for (int pad : {0, 1, 2})
      for (int groups : {1, 3}) {
        Tensor x({2, 6, H, H + 1}), w({9, 6 / groups, 3, 3}), b({9});
        fill_random(x, seed++);
        fill_random(w, seed++);
        fill_random(b, seed++);
        Conv2dParams p;
        p.padding = {pad, pad};
        p.groups = groups;
        Tensor ref, win;
        REQUIRE(conv2d_forward(ref, x, w, &b, p, ConvAlgo::Reference).is_ok());
        REQUIRE(conv2d_forward(win, x, w, &b, p, ConvAlgo::Winograd).is_ok());
        check_close(win, ref, 1e-4f, 1e-4f, "winograd H=" + std::to_string(H) + " pad=" + std::to_string(pad));
      }
}

TEST_CASE("conv2d validation messages print the bad values") {
  Tensor x({1, 3, 5, 5}), w({4, 3, 3, 3}), y;
  Conv2dParams p;
  auto msg = [&](const Tensor& in, const Tensor& wt, const Conv2dParams& q, ConvAlgo a = ConvAlgo::Auto) {
    Status s = conv2d_forward(y, in, wt, nullptr, q, a);
    return s.is_ok() ? std::string("ok") : s.message();
  };
  p.stride = {0, 1};
  CHECK(msg(x, w, p) == "Conv2d: stride must be >= 1, got 0");
  p = Conv2dParams{};
  p.padding = {-1, 0};
  CHECK(msg(x, w, p) == "Conv2d: padding must be >= 0, got -1");
  p = Conv2dParams{};
  p.dilation = {1, 0};
  CHECK(msg(x, w, p) == "Conv2d: dilation must be >= 1, got 0");
  p = Conv2dParams{};
  CHECK(msg(x, Tensor({4, 3, 7, 7}), p) == "Conv2d: kernel 7x7 is larger than the padded input 5x5");
  p.dilation = {3, 3};
  CHECK(msg(x, w, p) == "Conv2d: kernel 3x3 (dilated 7x7) is larger than the padded input 5x5");
  p = Conv2dParams{};
  p.groups = 4;
  CHECK(msg(Tensor({1, 6, 5, 5}), Tensor({4, 1, 3, 3}), p) == "Conv2d: in_channels 6 is not divisible by groups 4");
  p.groups = 2;
  CHECK(msg(Tensor({1, 6, 5, 5}), Tensor({5, 3, 3, 3}), p) == "Conv2d: out_channels 5 is not divisible by groups 2");
  p = Conv2dParams{};
  CHECK(msg(Tensor({1, 4, 5, 5}), w, p) ==
        "Conv2d: weight (4, 3, 3, 3) expects input with 3 channels (groups=1), but input (1, 4, 5, 5) has 4 channels");
  CHECK(msg(Tensor({3, 224, 224}), w, p) ==
        "Conv2d expected 4D input (batch, channels, height, width), got (3, 224, 224)");
  CHECK(msg(x, Tensor({4, 3, 3}), p).find("expected 4D weight") != std::string::npos);
  CHECK(msg(x, Tensor({4, 3, 1, 3}), p, ConvAlgo::Winograd).find("winograd") != std::string::npos);
  p.stride = {2, 2};
  CHECK(msg(x, w, p, ConvAlgo::Winograd).find("stride 2,2") != std::string::npos);

  Tensor bad_bias({5});
  Status s = conv2d_forward(y, x, w, &bad_bias, Conv2dParams{});
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "Conv2d: bias must have shape (4,), got (5,)");
  Tensor gy({1, 4, 2, 2}), dx;
  s = conv2d_backward(&dx, nullptr, nullptr, gy, x, w, Conv2dParams{});
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "Conv2d backward: grad_output must have shape (1, 4, 3, 3), got (1, 4, 2, 2)");
}

TEST_CASE("conv2d geometry refuses hostile sizes without overflowing") {
  ConvGeometry g;
  Conv2dParams p;
  p.padding = {1 << 30, 1 << 30};
  Status s = conv2d_geometry({1, 1, 4, 4}, {1, 1, 3, 3}, p, &g);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("limit") != std::string::npos);
  p = Conv2dParams{};
  p.dilation = {1 << 30, 1};
  CHECK_FALSE(conv2d_geometry({1, 1, 4, 4}, {1, 1, 3, 3}, p, &g).is_ok());
  p = Conv2dParams{};
  CHECK_FALSE(conv2d_geometry({1, 1 << 20, 1 << 10, 1 << 10}, {1, 1 << 20, 1, 1}, p, &g).is_ok());
  CHECK_FALSE(conv2d_geometry({1, 3, 5, 5}, {0, 3, 3, 3}, p, &g).is_ok());
  CHECK(check_conv_params(5, 5, 3, 3, p).is_ok());
  CHECK(check_conv_params(2, 2, 3, 3, p).message() == "Conv2d: kernel 3x3 is larger than the padded input 2x2");
}

TEST_CASE("conv algorithm names round-trip") {
  for (ConvAlgo a : {ConvAlgo::Auto, ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Winograd}) {
    ConvAlgo back = ConvAlgo::Auto;
    REQUIRE(parse_conv_algo(conv_algo_name(a), &back));
    CHECK(back == a);
  }
  ConvAlgo x;
  CHECK_FALSE(parse_conv_algo("fft", &x));
  CHECK_FALSE(parse_conv_algo(nullptr, &x));
}

TEST_CASE("a warm workspace is not reallocated") {
  Tensor x({2, 4, 9, 9}), w({6, 4, 3, 3}), y;
  fill_random(x, 7);
  fill_random(w, 8);
  Conv2dParams p;
  p.padding = {1, 1};
  Workspace ws;
  for (ConvAlgo algo : {ConvAlgo::Im2col, ConvAlgo::Winograd}) {
    REQUIRE(conv2d_forward(y, x, w, nullptr, p, algo, &ws).is_ok());
    const size_t bytes = ws.bytes();
    const float* y_data = y.data();
    REQUIRE(conv2d_forward(y, x, w, nullptr, p, algo, &ws).is_ok());
    CHECK(ws.bytes() == bytes);
    CHECK(y.data() == y_data);
  }
}
