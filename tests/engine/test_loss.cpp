// test_loss.cpp — cross-entropy: hand-computed values, stability, gradient, label validation.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/ops/loss.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("cross entropy of uniform logits is log K") {
  Tensor x({2, 10}, 0.5f);
  float loss = 0;
  REQUIRE(cross_entropy_forward(&loss, nullptr, x, {3, 9}).is_ok());
  CHECK(loss == doctest::Approx(std::log(10.0)).epsilon(1e-6));
}

TEST_CASE("cross entropy matches -log softmax by hand and is stable") {
  Tensor x({2, 3}, std::vector<float>{1.0f, 2.0f, 3.0f, 1000.0f, 0.0f, -1000.0f});
  float loss = 0;
  Tensor probs;
  REQUIRE(cross_entropy_forward(&loss, &probs, x, {0, 0}).is_ok());
  double l0 = -(1.0 - std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)));
  CHECK(loss == doctest::Approx((l0 + 0.0) / 2).epsilon(1e-6));
  CHECK(probs[3] == doctest::Approx(1.0));
  CHECK(std::isfinite(probs[5]));
}

TEST_CASE("cross entropy gradient matches finite differences") {
  Tensor x = random_tensor({4, 5}, 21, -3, 3);
  std::vector<int> labels{0, 4, 2, 2};
  float loss = 0;
  Tensor probs, g;
  REQUIRE(cross_entropy_forward(&loss, &probs, x, labels).is_ok());
  REQUIRE(cross_entropy_backward(g, probs, labels).is_ok());
  check_gradient_all(x, g, [&] {
    float l = 0;
    REQUIRE(cross_entropy_forward(&l, nullptr, x, labels).is_ok());
    return static_cast<double>(l);
  }, "cross_entropy", 1e-2f, 1e-4f, 1e-2f, 0.0);
}

TEST_CASE("cross entropy rejects bad labels and shapes") {
  Tensor x({2, 3});
  float loss = 0;
  Status s = cross_entropy_forward(&loss, nullptr, x, {0, 3});
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "cross_entropy: label 3 at batch index 1 is outside [0, 3)");
  s = cross_entropy_forward(&loss, nullptr, x, {0});
  CHECK(s.message() == "cross_entropy: 1 labels for a batch of 2 (input (2, 3))");
  s = cross_entropy_forward(&loss, nullptr, Tensor({2, 3, 1}), {0, 1});
  CHECK(s.message() == "cross_entropy expected 2D input (batch, classes), got (2, 3, 1)");
  std::vector<int> am;
  REQUIRE(argmax_rows(am, Tensor({2, 3}, std::vector<float>{0, 5, 1, 7, 7, 2})).is_ok());
  CHECK(am == std::vector<int>{1, 0});
}

TEST_CASE("summed squared error and its gradient equal nn.MSELoss(reduction=\"sum\")") {
  // torch: MSELoss(reduction="sum")([1, 2, 3, -0.5], [0, 4, 3, 1]) = 7.25, grad [2, -4, 0, -3]
  Tensor y({1, 1, 2, 2}, std::vector<float>{1, 2, 3, -0.5f}), t({1, 1, 2, 2}, std::vector<float>{0, 4, 3, 1});
  double loss = 0;
  REQUIRE(mse_sum_forward(&loss, y, t).is_ok());
  CHECK(loss == 7.25);
  Tensor g;
  REQUIRE(mse_sum_backward(g, y, t).is_ok());
  CHECK(g.values() == std::vector<float>{2, -4, 0, -3});
  Tensor wrong({1, 1, 1, 4}, 0.0f);
  Status s = mse_sum_forward(&loss, y, wrong);
  CHECK(!s.is_ok());
  CHECK(s.message() == "mse_loss: target (1, 1, 1, 4) does not match y (1, 1, 2, 2)");
}

TEST_CASE("the dot-product loss is sum g*y, so its finite difference along y is g") {
  Tensor y({1, 1, 1, 3}, std::vector<float>{1, -2, 4}), g({1, 1, 1, 3}, std::vector<float>{3, 0.5f, -1});
  double loss = 0;
  REQUIRE(dot_loss_forward(&loss, y, g).is_ok());
  CHECK(loss == 3 - 1 - 4);
  CHECK(!dot_loss_forward(&loss, y, Tensor({3}, 0.0f)).is_ok());
}
