// test_conv_transpose2d.cpp — ConvTranspose2d against PyTorch golden data (reference, im2col and
// auto), the adjoint identity with Conv2d, finite-difference gradients and validation messages.
#include <doctest/doctest.h>

#include "engine/check.h"
#include "engine/golden.h"
#include "engine/ops/conv_transpose2d.h"

using namespace cs;
using namespace cs::test;

namespace {

ConvTranspose2dParams params_of(const nlohmann::json& c) {
  ConvTranspose2dParams p;
  p.stride = golden_pair(c, "stride");
  p.padding = golden_pair(c, "padding");
  p.output_padding = golden_pair(c, "output_padding");
  p.dilation = golden_pair(c, "dilation");
  p.groups = c["params"]["groups"].get<int>();
  return p;
}

}  // namespace

TEST_CASE("conv_transpose2d forward and backward match PyTorch") {
  auto cases = golden_cases("conv_transpose2d");
  REQUIRE(cases.size() >= 5);
  for (const auto& c : cases)
    for (ConvAlgo algo : {ConvAlgo::Reference, ConvAlgo::Im2col, ConvAlgo::Auto}) {
      const std::string label = c["name"].get<std::string>() + " [" + conv_algo_name(algo) + "]";
      Tensor x = golden_tensor(c, "input"), w = golden_tensor(c, "weight");
      Tensor b = golden_has(c, "bias") ? golden_tensor(c, "bias") : Tensor();
      const ConvTranspose2dParams p = params_of(c);
      Tensor y;
      Status s = conv_transpose2d_forward(y, x, w, b.empty() ? nullptr : &b, p, algo);
      REQUIRE_MESSAGE(s.is_ok(), label << ": " << s.message());
      check_close(y, golden_tensor(c, "output"), 1e-4f, 1e-4f, label + " output");
      Tensor dx, dw, db;
      s = conv_transpose2d_backward(&dx, &dw, b.empty() ? nullptr : &db, golden_tensor(c, "grad_output"), x, w, p, algo);
      REQUIRE_MESSAGE(s.is_ok(), label << ": " << s.message());
      check_close(dx, golden_tensor(c, "grad_input"), 1e-4f, 1e-4f, label + " grad_input");
      check_close(dw, golden_tensor(c, "grad_weight"), 1e-4f, 1e-4f, label + " grad_weight");
      if (!b.empty()) check_close(db, golden_tensor(c, "grad_bias"), 1e-4f, 1e-4f, label + " grad_bias");
    }
}

TEST_CASE("conv_transpose2d is the adjoint of conv2d: <conv(x), y> == <x, conv_t(y)>") {
  Tensor x({2, 4, 7, 6}), w({6, 2, 3, 3}), cx, y, ty;
  fill_random(x, 1);
  fill_random(w, 2);
  Conv2dParams cp;
  cp.stride = {2, 2};
  cp.padding = {1, 1};
  cp.groups = 2;
  REQUIRE(conv2d_forward(cx, x, w, nullptr, cp, ConvAlgo::Reference).is_ok());
  y = Tensor(cx.shape());
  fill_random(y, 3);
  ConvTranspose2dParams tp;
  tp.stride = cp.stride;
  tp.padding = cp.padding;
  tp.groups = 2;
  tp.output_padding = {0, 1};  // recovers the 7x6 input size from the 4x3 output
  REQUIRE(conv_transpose2d_forward(ty, y, w, nullptr, tp, ConvAlgo::Im2col).is_ok());
  REQUIRE(ty.shape() == x.shape());
  CHECK(dot(cx, y) == doctest::Approx(dot(x, ty)).epsilon(1e-5));
}

TEST_CASE("conv_transpose2d gradients agree with finite differences") {
  Tensor x({1, 4, 3, 4}), w({4, 3, 3, 2}), b({6}), y;
  fill_random(x, 5);
  fill_random(w, 6);
  fill_random(b, 7);
  ConvTranspose2dParams p;
  p.stride = {2, 1};
  p.padding = {1, 0};
  p.output_padding = {1, 0};
  p.dilation = {1, 2};
  p.groups = 2;
  REQUIRE(conv_transpose2d_forward(y, x, w, &b, p).is_ok());
  Tensor gy(y.shape());
  fill_random(gy, 8);
  Tensor dx, dw, db;
  REQUIRE(conv_transpose2d_backward(&dx, &dw, &db, gy, x, w, p).is_ok());
  auto loss = [&] {
    Tensor o;
    REQUIRE(conv_transpose2d_forward(o, x, w, &b, p, ConvAlgo::Reference).is_ok());
    return dot(o, gy);
  };
  check_gradient(x, dx, loss, 1e-2f, 2e-3f, 1e-2f, "conv_t input");
  check_gradient(w, dw, loss, 1e-2f, 2e-3f, 1e-2f, "conv_t weight");
  check_gradient(b, db, loss, 1e-2f, 2e-3f, 1e-2f, "conv_t bias");
}

TEST_CASE("conv_transpose2d validation messages print the bad values") {
  Tensor x({1, 4, 3, 3}), w({4, 2, 3, 3}), y;
  auto msg = [&](const Tensor& in, const Tensor& wt, const ConvTranspose2dParams& p, ConvAlgo a = ConvAlgo::Auto) {
    Status s = conv_transpose2d_forward(y, in, wt, nullptr, p, a);
    return s.is_ok() ? std::string("ok") : s.message();
  };
  ConvTranspose2dParams p;
  p.output_padding = {1, 1};
  CHECK(msg(x, w, p) ==
        "ConvTranspose2d: output_padding must be smaller than either stride or dilation, got output_padding 1,1, "
        "stride 1,1, dilation 1,1");
  p.dilation = {2, 2};  // now allowed: output_padding < dilation
  CHECK(msg(x, w, p) == "ok");
  p = ConvTranspose2dParams{};
  p.stride = {0, 1};
  CHECK(msg(x, w, p) == "ConvTranspose2d: stride must be >= 1, got 0");
  p = ConvTranspose2dParams{};
  p.groups = 3;
  CHECK(msg(x, w, p) == "ConvTranspose2d: in_channels 4 is not divisible by groups 3");
  p = ConvTranspose2dParams{};
  CHECK(msg(Tensor({1, 5, 3, 3}), w, p) ==
        "ConvTranspose2d: weight (4, 2, 3, 3) expects input with 4 channels, but input (1, 5, 3, 3) has 5 channels");
  p.padding = {3, 3};
  CHECK(msg(x, w, p).find("gives an output of -1x-1") != std::string::npos);
  CHECK(msg(x, w, ConvTranspose2dParams{}, ConvAlgo::Winograd).find("winograd") != std::string::npos);
  CHECK(msg(Tensor({4, 3, 3}), w, ConvTranspose2dParams{}) ==
        "ConvTranspose2d expected 4D input (batch, channels, height, width), got (4, 3, 3)");
  Tensor bad_bias({3});
  CHECK(conv_transpose2d_forward(y, x, w, &bad_bias, ConvTranspose2dParams{}).message() ==
        "ConvTranspose2d: bias must have shape (2,), got (3,)");
}

TEST_CASE("conv_transpose2d geometry refuses hostile sizes without overflowing") {
  ConvGeometry g;
  ConvTranspose2dParams p;
  p.stride = {1 << 30, 1 << 30};
  CHECK(conv_transpose2d_geometry({1, 1, 3, 3}, {1, 1, 3, 3}, p, &g).message().find("limit") != std::string::npos);
  p = ConvTranspose2dParams{};
  p.dilation = {1 << 30, 1};
  CHECK_FALSE(conv_transpose2d_geometry({1, 1, 3, 3}, {1, 1, 1 << 20, 3}, p, &g).is_ok());
  p = ConvTranspose2dParams{};
  p.groups = 1 << 20;
  CHECK_FALSE(conv_transpose2d_geometry({1, 1 << 20, 2, 2}, {1 << 20, 1 << 12, 3, 3}, p, &g).is_ok());
  CHECK(conv_transpose2d_geometry({2, 4, 3, 5}, {4, 3, 3, 3}, ConvTranspose2dParams{}, &g).is_ok());
  CHECK(g.C == 3);
  CHECK(g.H == 5);
  CHECK(g.W == 7);
  CHECK(g.OH == 3);
}
