// test_linear.cpp — Linear forward against a triple loop, gradients against finite differences, shape errors.
#include <doctest/doctest.h>

#include "engine/ops/linear.h"
#include "nn_testing.h"

using namespace cs;
using namespace cs::test;

static Tensor linear_reference(const Tensor& x, const Tensor& w, const Tensor* b) {
  const int N = x.dim(0), I = x.dim(1), O = w.dim(0);
  Tensor y({N, O});
  for (int n = 0; n < N; ++n)
    for (int o = 0; o < O; ++o) {
      double s = b ? (*b)[o] : 0.0;
      for (int i = 0; i < I; ++i) s += static_cast<double>(x[n * I + i]) * w[o * I + i];
      y[n * O + o] = static_cast<float>(s);
    }
  return y;
}

TEST_CASE("linear forward matches the reference, with and without bias") {
  Tensor x = random_tensor({5, 13}, 1), w = random_tensor({7, 13}, 2), b = random_tensor({7}, 3);
  Tensor y;
  REQUIRE(linear_forward(y, x, w, &b).is_ok());
  CHECK(check_close(y, linear_reference(x, w, &b), 1e-5f, 1e-5f, "linear+bias"));
  REQUIRE(linear_forward(y, x, w, nullptr).is_ok());
  CHECK(check_close(y, linear_reference(x, w, nullptr), 1e-5f, 1e-5f, "linear"));
}

TEST_CASE("linear gradients match finite differences") {
  Tensor x = random_tensor({4, 6}, 4), w = random_tensor({3, 6}, 5), b = random_tensor({3}, 6);
  Tensor up = random_tensor({4, 3}, 7);
  Tensor y, gx, gw, gb, tmp;
  REQUIRE(linear_forward(y, x, w, &b).is_ok());
  REQUIRE(linear_backward(&gx, &gw, &gb, up, x, w).is_ok());
  auto loss = [&] {
    REQUIRE(linear_forward(tmp, x, w, &b).is_ok());
    return dot(tmp, up);
  };
  check_gradient_all(x, gx, loss, "linear grad_input", 1e-2f, 1e-4f, 1e-3f, 0.0);
  check_gradient_all(w, gw, loss, "linear grad_weight", 1e-2f, 1e-4f, 1e-3f, 0.0);
  check_gradient_all(b, gb, loss, "linear grad_bias", 1e-2f, 1e-4f, 1e-3f, 0.0);
}

TEST_CASE("linear shape errors name the shapes") {
  Tensor x({2, 5}), w({3, 4}), y;
  Status s = linear_forward(y, x, w, nullptr);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message() == "Linear: input (2, 5) has 5 features but weight (3, 4) expects in_features=4");
  Tensor b({4});
  s = linear_forward(y, x, Tensor({3, 5}), &b);
  CHECK(s.message() == "Linear: bias must have shape (3,) for out_features=3, got (4,)");
  s = linear_forward(y, Tensor({2, 5, 1, 1}), w, nullptr);
  CHECK(s.message() == "Linear expected 2D input (batch, in_features), got (2, 5, 1, 1)");
  Tensor gx;
  s = linear_backward(&gx, nullptr, nullptr, Tensor({2, 4}), x, Tensor({3, 5}));
  CHECK(s.message() == "Linear backward: grad_output must have shape (2, 3), got (2, 4)");
}
