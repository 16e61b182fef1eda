// test_activation.cpp — ReLU/GELU/SiLU/sigmoid/softmax: closed-form values, finite-difference
// gradients, aliasing, and shape errors.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/ops/activation.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("activations match closed-form values") {
  Tensor x({1, 5}, std::vector<float>{-2.0f, -0.5f, 0.0f, 1.0f, 3.0f});
  Tensor y;
  REQUIRE(relu_forward(y, x).is_ok());
  CHECK(check_close(y, Tensor({1, 5}, {0, 0, 0, 1, 3}), 0, 0, "relu"));
  REQUIRE(gelu_forward(y, x).is_ok());
  // 0.5 x (1 + erf(x / sqrt 2)), values from torch.nn.functional.gelu
  CHECK(check_close(y, Tensor({1, 5}, {-0.04550026f, -0.15426877f, 0.0f, 0.84134475f, 2.99595031f}), 1e-6f, 1e-6f,
                     "gelu"));
  REQUIRE(silu_forward(y, x).is_ok());
  CHECK(check_close(y, Tensor({1, 5}, {-0.23840584f, -0.18877033f, 0.0f, 0.73105858f, 2.85772238f}), 1e-6f, 1e-6f,
                     "silu"));
  REQUIRE(sigmoid_forward(y, x).is_ok());
  CHECK(check_close(y, Tensor({1, 5}, {0.11920292f, 0.37754067f, 0.5f, 0.73105858f, 0.95257413f}), 1e-6f, 1e-6f,
                     "sigmoid"));
}

TEST_CASE("sigmoid and silu stay finite for huge inputs") {
  Tensor x({4}, std::vector<float>{-1000.0f, -90.0f, 90.0f, 1000.0f});
  Tensor y;
  REQUIRE(sigmoid_forward(y, x).is_ok());
  CHECK(y[0] == 0.0f);
  CHECK(y[3] == 1.0f);
  REQUIRE(silu_forward(y, x).is_ok());
  for (size_t i = 0; i < 4; ++i) CHECK(std::isfinite(y[i]));
  CHECK(y[3] == 1000.0f);
}

TEST_CASE("relu backward is 0 at the kink, as PyTorch") {
  Tensor x({3}, std::vector<float>{-1.0f, 0.0f, 2.0f}), g({3}, 1.0f), gx;
  REQUIRE(relu_backward(gx, g, x).is_ok());
  CHECK(gx[0] == 0.0f);
  CHECK(gx[1] == 0.0f);
  CHECK(gx[2] == 1.0f);
}

TEST_CASE("activation gradients match finite differences") {
  const Activation acts[] = {Activation::ReLU, Activation::GELU, Activation::SiLU, Activation::Sigmoid,
                             Activation::None};
  for (Activation a : acts) {
    CAPTURE(activation_name(a));
    Tensor x = random_tensor({2, 3, 4, 4}, 11, -3.0f, 3.0f);
    avoid_zero(x, 0.05f);  // ReLU kink: keep every point more than eps away from 0
    Tensor up = random_tensor(x.shape(), 12);
    Tensor y, gx;
    REQUIRE(activation_forward(a, y, x).is_ok());
    REQUIRE(activation_backward(a, gx, up, x, y).is_ok());
    Tensor tmp;
    check_gradient_all(x, gx, [&] {
      REQUIRE(activation_forward(a, tmp, x).is_ok());
      return dot(tmp, up);
    }, activation_name(a), 1e-2f, 1e-3f, 1e-2f, 0.0);
  }
}

TEST_CASE("activations work in place") {
  Tensor x = random_tensor({10}, 3, -2, 2);
  Tensor want;
  REQUIRE(gelu_forward(want, x).is_ok());
  Tensor y = x;
  REQUIRE(gelu_forward(y, y).is_ok());
  CHECK(check_close(y, want, 0, 0, "in-place gelu"));
}

TEST_CASE("softmax rows sum to one and match the reference") {
  Tensor x = random_tensor({3, 7}, 5, -20.0f, 20.0f);
  x[0] = 1000.0f;  // max subtraction keeps this finite
  Tensor y;
  REQUIRE(softmax_forward(y, x).is_ok());
  for (int n = 0; n < 3; ++n) {
    double s = 0, m = -1e30;
    for (int k = 0; k < 7; ++k) m = std::max(m, static_cast<double>(x[n * 7 + k]));
    for (int k = 0; k < 7; ++k) s += std::exp(x[n * 7 + k] - m);
    double total = 0;
    for (int k = 0; k < 7; ++k) {
      CHECK(y[n * 7 + k] == doctest::Approx(std::exp(x[n * 7 + k] - m) / s).epsilon(1e-5));
      total += y[n * 7 + k];
    }
    CHECK(total == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("softmax gradient matches finite differences") {
  Tensor x = random_tensor({3, 6}, 8, -2, 2), up = random_tensor({3, 6}, 9);
  Tensor y, gx, tmp;
  REQUIRE(softmax_forward(y, x).is_ok());
  REQUIRE(softmax_backward(gx, up, y).is_ok());
  check_gradient_all(x, gx, [&] {
    REQUIRE(softmax_forward(tmp, x).is_ok());
    return dot(tmp, up);
  }, "softmax", 1e-2f, 1e-4f, 1e-2f, 0.0);
}

TEST_CASE("activation shape errors name the shapes") {
  Tensor x({2, 3}), g({3, 2}), gx;
  Status s = relu_backward(gx, g, x);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "ReLU backward: grad_output (3, 2) does not match the saved input (2, 3)");
  s = softmax_forward(gx, Tensor({2, 3, 4}));
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("(2, 3, 4)") != std::string::npos);
  s = sigmoid_backward(gx, g, x);
  CHECK(s.message().find("saved output (2, 3)") != std::string::npos);
}
