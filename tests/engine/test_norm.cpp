// test_norm.cpp — BatchNorm2d (train/eval, running statistics) and LayerNorm2d against plain
// reference computations, finite-difference gradients and shape errors. PyTorch goldens: test_golden_nn.cpp.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/ops/norm.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("batchnorm train normalises each channel and updates running stats as PyTorch") {
  const int N = 3, C = 2, H = 2, W = 3;
  Tensor x = random_tensor({N, C, H, W}, 31, -2, 5);
  Tensor w({C}, std::vector<float>{1.5f, -0.5f}), b({C}, std::vector<float>{0.25f, 2.0f});
  Tensor rm({C}, 0.0f), rv({C}, 1.0f), y, mean, invstd;
  REQUIRE(batchnorm2d_forward_train(y, mean, invstd, x, w, b, &rm, &rv).is_ok());
  for (int c = 0; c < C; ++c) {
    double s = 0, sq = 0;
    const int M = N * H * W;
    for (int n = 0; n < N; ++n)
      for (int i = 0; i < H * W; ++i) s += x.at(n, c, i / W, i % W);
    double m = s / M;
    for (int n = 0; n < N; ++n)
      for (int i = 0; i < H * W; ++i) sq += std::pow(x.at(n, c, i / W, i % W) - m, 2);
    double var = sq / M;
    for (int n = 0; n < N; ++n)
      for (int i = 0; i < H * W; ++i) {
        double want = (x.at(n, c, i / W, i % W) - m) / std::sqrt(var + 1e-5) * w[c] + b[c];
        CHECK(y.at(n, c, i / W, i % W) == doctest::Approx(want).epsilon(1e-5));
      }
    CHECK(rm[c] == doctest::Approx(0.1 * m).epsilon(1e-6));
    CHECK(rv[c] == doctest::Approx(0.9 + 0.1 * sq / (M - 1)).epsilon(1e-6));  // unbiased
  }
  // Eval with these running statistics is a per-channel affine map.
  Tensor ye;
  REQUIRE(batchnorm2d_forward_eval(ye, x, w, b, rm, rv).is_ok());
  CHECK(ye.at(1, 1, 1, 2) ==
        doctest::Approx((x.at(1, 1, 1, 2) - rm[1]) / std::sqrt(rv[1] + 1e-5) * w[1] + b[1]).epsilon(1e-5));
}

TEST_CASE("batchnorm train gradients match finite differences") {
  Tensor x = random_tensor({2, 3, 3, 2}, 41, -1, 2), w = random_tensor({3}, 42, 0.5f, 1.5f),
         b = random_tensor({3}, 43), up = random_tensor({2, 3, 3, 2}, 44);
  Tensor y, mean, invstd, gx, gw, gb, tmp, m2, i2;
  REQUIRE(batchnorm2d_forward_train(y, mean, invstd, x, w, b, nullptr, nullptr).is_ok());
  REQUIRE(batchnorm2d_backward_train(&gx, &gw, &gb, up, x, w, mean, invstd).is_ok());
  auto loss = [&] {
    REQUIRE(batchnorm2d_forward_train(tmp, m2, i2, x, w, b, nullptr, nullptr).is_ok());
    return dot(tmp, up);
  };
  check_gradient_all(x, gx, loss, "bn grad_input", 1e-2f, 2e-3f, 2e-2f, 0.0);
  check_gradient_all(w, gw, loss, "bn grad_weight", 1e-2f, 2e-3f, 2e-2f, 0.0);
  check_gradient_all(b, gb, loss, "bn grad_bias", 1e-2f, 2e-3f, 2e-2f, 0.0);
}

TEST_CASE("batchnorm eval gradients match finite differences, also for (N, C) input") {
  Tensor x = random_tensor({4, 3}, 51), w = random_tensor({3}, 52), b = random_tensor({3}, 53),
         rm = random_tensor({3}, 54), rv = random_tensor({3}, 55, 0.5f, 2.0f), up = random_tensor({4, 3}, 56);
  Tensor y, gx, gw, gb, tmp;
  REQUIRE(batchnorm2d_forward_eval(y, x, w, b, rm, rv).is_ok());
  REQUIRE(batchnorm2d_backward_eval(&gx, &gw, &gb, up, x, w, rm, rv).is_ok());
  auto loss = [&] {
    REQUIRE(batchnorm2d_forward_eval(tmp, x, w, b, rm, rv).is_ok());
    return dot(tmp, up);
  };
  check_gradient_all(x, gx, loss, "bn eval grad_input", 1e-2f, 1e-4f, 1e-2f, 0.0);
  check_gradient_all(w, gw, loss, "bn eval grad_weight", 1e-2f, 1e-4f, 1e-2f, 0.0);
  check_gradient_all(b, gb, loss, "bn eval grad_bias", 1e-2f, 1e-4f, 1e-2f, 0.0);
}

TEST_CASE("layernorm2d normalises over channels at each pixel") {
  const int N = 2, C = 5, H = 3, W = 2;
  Tensor x = random_tensor({N, C, H, W}, 61, -3, 3), w = random_tensor({C}, 62), b = random_tensor({C}, 63);
  Tensor y, mean, rstd;
  REQUIRE(layernorm2d_forward(y, mean, rstd, x, w, b, 1e-6f).is_ok());
  for (int n = 0; n < N; ++n)
    for (int h = 0; h < H; ++h)
      for (int ww = 0; ww < W; ++ww) {
        double s = 0, sq = 0;
        for (int c = 0; c < C; ++c) s += x.at(n, c, h, ww);
        double m = s / C;
        for (int c = 0; c < C; ++c) sq += std::pow(x.at(n, c, h, ww) - m, 2);
        double r = 1.0 / std::sqrt(sq / C + 1e-6);
        for (int c = 0; c < C; ++c)
          CHECK(y.at(n, c, h, ww) == doctest::Approx((x.at(n, c, h, ww) - m) * r * w[c] + b[c]).epsilon(1e-5));
      }
}

TEST_CASE("layernorm2d gradients match finite differences") {
  Tensor x = random_tensor({2, 4, 2, 3}, 71, -2, 2), w = random_tensor({4}, 72, 0.5f, 1.5f),
         b = random_tensor({4}, 73), up = random_tensor({2, 4, 2, 3}, 74);
  Tensor y, mean, rstd, gx, gw, gb, tmp, m2, r2;
  REQUIRE(layernorm2d_forward(y, mean, rstd, x, w, b).is_ok());
  REQUIRE(layernorm2d_backward(&gx, &gw, &gb, up, x, w, mean, rstd).is_ok());
  auto loss = [&] {
    REQUIRE(layernorm2d_forward(tmp, m2, r2, x, w, b).is_ok());
    return dot(tmp, up);
  };
  check_gradient_all(x, gx, loss, "ln grad_input", 1e-2f, 2e-3f, 2e-2f, 0.0);
  check_gradient_all(w, gw, loss, "ln grad_weight", 1e-2f, 2e-3f, 2e-2f, 0.0);
  check_gradient_all(b, gb, loss, "ln grad_bias", 1e-2f, 2e-3f, 2e-2f, 0.0);
}

TEST_CASE("norm shape errors name the shapes") {
  Tensor x({2, 3, 4, 4}), y, m, s, w3({3}), w4({4});
  Status st = batchnorm2d_forward_train(y, m, s, x, w4, w3, nullptr, nullptr);
  REQUIRE_FALSE(st.is_ok());
  CHECK(st.message() == "BatchNorm2d: weight must have shape (3,) for 3 channels, got (4,)");
  st = batchnorm2d_forward_train(y, m, s, Tensor({1, 3, 1, 1}), w3, w3, nullptr, nullptr);
  CHECK(st.message() ==
        "BatchNorm2d in training mode needs more than 1 value per channel, got input (1, 3, 1, 1)");
  st = batchnorm2d_forward_eval(y, Tensor({3, 4, 4}), w3, w3, w3, w3);
  CHECK(st.message().find("got (3, 4, 4)") != std::string::npos);
  st = layernorm2d_forward(y, m, s, x, w3, w4);
  CHECK(st.message() == "LayerNorm2d: bias must have shape (3,) for 3 channels, got (4,)");
  Tensor gx;
  st = layernorm2d_backward(&gx, nullptr, nullptr, Tensor({2, 3, 4, 5}), x, w3, m, s);
  CHECK(st.message() == "LayerNorm2d backward: grad_output (2, 3, 4, 5) does not match input (2, 3, 4, 4)");
}
