// nn_testing.h — helpers for the nn/op tests on top of check.h: seeded random tensors, ReLU-kink
// avoidance, and a gradient checker that visits every element and skips kinks deliberately.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/check.h"
#include "engine/tensor.h"

namespace cs::test {

// Small deterministic generator (splitmix64): same numbers natively and in wasm.
struct TestRng {
  uint64_t s;
  explicit TestRng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(next() >> 40) / 16777216.0f; }
};

inline cs::Tensor random_tensor(const cs::Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  cs::Tensor t(shape);
  TestRng r(seed);
  for (size_t i = 0; i < t.numel(); ++i) t[i] = r.uniform(lo, hi);
  return t;
}

// Moves values closer than `margin` to zero away from it (ReLU kink), keeping their sign.
inline void avoid_zero(cs::Tensor& t, float margin) {
  for (size_t i = 0; i < t.numel(); ++i)
    if (std::fabs(t[i]) < margin) t[i] = t[i] < 0 ? -margin - std::fabs(t[i]) : margin + std::fabs(t[i]);
}

// Central differences of loss() w.r.t. every element of x (perturbed in place and restored),
// compared with `analytic`. A point where the slopes at step eps and eps/2 disagree sits on a kink
// (ReLU at 0, max ties): it is skipped deliberately, and at most `max_skip_fraction` may be skipped.
// The comparison uses the Richardson-extrapolated slope (4 D(eps/2) - D(eps)) / 3.
inline void check_gradient_all(cs::Tensor& x, const cs::Tensor& analytic, const std::function<double()>& loss,
                           const std::string& what, float eps = 1e-2f, float atol = 2e-3f, float rtol = 2e-2f,
                           double max_skip_fraction = 0.05, size_t max_points = 0) {
  REQUIRE_MESSAGE(x.shape() == analytic.shape(),
                  what << ": gradient shape " << analytic.shape_string() << " != " << x.shape_string());
  size_t bad = 0, skipped = 0;
  std::string first, skipped_report;
  // max_points > 0 visits an evenly spread subset (odd stride so it walks across channels and rows).
  size_t stride = max_points && x.numel() > max_points ? (x.numel() / max_points) | 1 : 1;
  size_t visited = 0;
  for (size_t i = 0; i < x.numel(); i += stride) {
    ++visited;
    const float x0 = x[i];
    x[i] = x0 + eps;
    double lp = loss();
    x[i] = x0 - eps;
    double lm = loss();
    x[i] = x0 + eps / 2;
    double lp2 = loss();
    x[i] = x0 - eps / 2;
    double lm2 = loss();
    x[i] = x0;
    double num = (lp - lm) / (2.0 * eps);
    double num2 = (lp2 - lm2) / static_cast<double>(eps);
    // Richardson extrapolation cancels the eps^2 term of the central difference, so strongly curved
    // (but smooth) functions such as a LayerNorm over 4 channels still compare tightly.
    double rich = (4.0 * num2 - num) / 3.0;
    double tol = atol + rtol * std::fabs(rich);
    if (std::fabs(rich - analytic[i]) <= tol) continue;
    // A kink inside [x - eps, x + eps] makes the two step sizes disagree by O(1) and extrapolation
    // meaningless: such points are skipped (and counted), never silently passed.
    if (std::fabs(num - num2) > 3.0 * tol) {
      if (skipped++ < 3)
        skipped_report += "\n  skipped [" + std::to_string(i) + "] step " + std::to_string(num) + " half step " +
                          std::to_string(num2) + " analytic " + std::to_string(analytic[i]);
      continue;
    }
    if (bad++ < 5)
      first += "\n  [" + std::to_string(i) + "] numeric " + std::to_string(rich) + " (steps " + std::to_string(num) +
               ", " + std::to_string(num2) + ") analytic " + std::to_string(analytic[i]);
  }
  CHECK_MESSAGE(bad == 0, what << ": " << bad << " of " << visited << " checked gradient entries differ" << first);
  CHECK_MESSAGE(static_cast<double>(skipped) <= max_skip_fraction * static_cast<double>(visited),
                what << ": " << skipped << " of " << visited << " entries skipped as kinks" << skipped_report);
}

}  // namespace cs::test

#include "engine/nn/layer.h"
#include "engine/parallel.h"

namespace cs::test {

// Finite differences run thousands of tiny forwards; on a loaded machine waking pool workers for
// each costs more than the work, so the checks run single-threaded (results are bit-identical).
struct SingleThreaded {
  int saved = cs::num_threads();
  SingleThreaded() { cs::set_num_threads(1); }
  ~SingleThreaded() { cs::set_num_threads(saved); }
};

// Checks a layer's input gradient and every trainable parameter's gradient against central
// differences of sum(forward(x) * upstream). The layer must be deterministic between calls.
inline void check_layer_gradients(cs::Layer& layer, cs::Tensor x, uint64_t seed, const std::string& what,
                                  float eps = 1e-2f, float atol = 2e-3f, float rtol = 2e-2f,
                                  double max_skip_fraction = 0.05, size_t max_points = 96) {
  SingleThreaded single;
  cs::Tensor y;
  REQUIRE_MESSAGE(layer.forward(x, y).is_ok(), what);
  cs::Tensor up = random_tensor(y.shape(), seed);
  cs::Tensor gx;
  cs::Status s = layer.backward(up, gx);
  REQUIRE_MESSAGE(s.is_ok(), what << ": " << s.message());
  std::vector<cs::NamedTensor> params;
  layer.named_tensors("", params);
  std::vector<cs::Tensor> grads;  // copies: the checker's forwards must not disturb them
  for (auto& p : params) grads.push_back(p.grad ? *p.grad : cs::Tensor());
  cs::Tensor tmp;
  auto loss = [&] {
    REQUIRE(layer.forward(x, tmp).is_ok());
    return dot(tmp, up);
  };
  check_gradient_all(x, gx, loss, what + " grad_input", eps, atol, rtol, max_skip_fraction, max_points);
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].trainable)
      check_gradient_all(*params[i].value, grads[i], loss, what + " " + params[i].name, eps, atol, rtol,
                         max_skip_fraction, max_points);
}

}  // namespace cs::test
