// check.h — shared test helpers: compare tensors elementwise (reporting the first mismatches with
// their N-d indices, as llm.c's check_tensor does), finite-difference gradient checks, and a check
// that an error message holds the words it should.
// Header-only so any tests/engine/*.cpp can include it as "engine/check.h".
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/tensor.h"

namespace cs::test {

// True when `needle` is in `haystack`; otherwise says what the message was instead.
inline bool has(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return true;
  MESSAGE("expected '" << needle << "' in: " << haystack);
  return false;
}

// "(0, 2, 3, 1)": the multi-index of flat position `flat` in `shape`.
inline std::string index_str(const Shape& shape, size_t flat) {
  std::vector<int> idx(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    const size_t n = shape[d] > 0 ? static_cast<size_t>(shape[d]) : 1;
    idx[d] = static_cast<int>(flat % n);
    flat /= n;
  }
  return shape_str(idx);
}

// Elementwise |actual - expected| <= atol + rtol * |expected| (NaN only matches NaN). On failure
// records one doctest failure listing the count, the worst error and the first `max_report`
// mismatches with indices. Returns whether everything matched.
inline bool check_close(const Tensor& actual, const Tensor& expected, float atol, float rtol, const std::string& name,
                        int max_report = 5) {
  if (actual.shape() != expected.shape()) {
    FAIL_CHECK(name << ": shape " << actual.shape_string() << " != expected " << expected.shape_string());
    return false;
  }
  size_t bad = 0;
  double worst = 0.0;
  std::string report;
  for (size_t i = 0; i < actual.numel(); ++i) {
    const float a = actual[i], e = expected[i];
    const bool nan_a = std::isnan(a), nan_e = std::isnan(e);
    const double err = std::fabs(static_cast<double>(a) - e);
    const bool ok = (nan_a || nan_e) ? (nan_a && nan_e)
                                     : (a == e || err <= atol + rtol * std::fabs(static_cast<double>(e)));
    if (ok) continue;
    if (!(nan_a || nan_e) && err > worst) worst = err;
    if (static_cast<int>(bad) < max_report)
      report += "\n  at " + index_str(actual.shape(), i) + ": got " + std::to_string(a) + ", expected " +
                std::to_string(e);
    ++bad;
  }
  if (bad == 0) return true;
  FAIL_CHECK(name << ": " << bad << " of " << actual.numel() << " values differ (atol " << atol << ", rtol " << rtol
                  << ", max abs error " << worst << ")" << report);
  return false;
}

// Checks an analytic gradient `grad` (same shape as `x`) of the scalar `loss()` — which must read
// `x` — against central differences (loss(x+eps) - loss(x-eps)) / 2eps at up to `max_points`
// positions spread over x. `x` is restored afterwards. Use float-friendly eps (1e-2 .. 1e-3).
inline bool check_gradient(Tensor& x, const Tensor& grad, const std::function<double()>& loss, float eps, float atol,
                           float rtol, const std::string& name, int max_points = 48) {
  if (grad.shape() != x.shape()) {
    FAIL_CHECK(name << ": gradient shape " << grad.shape_string() << " != " << x.shape_string());
    return false;
  }
  const size_t n = x.numel();
  const size_t step = n > static_cast<size_t>(max_points) ? n / static_cast<size_t>(max_points) : 1;
  Tensor numeric(x.shape(), 0.0f), analytic(x.shape(), 0.0f);
  for (size_t i = 0; i < n; i += step) {
    const float saved = x[i];
    x[i] = saved + eps;
    const double up = loss();
    x[i] = saved - eps;
    const double down = loss();
    x[i] = saved;
    numeric[i] = static_cast<float>((up - down) / (2.0 * eps));
    analytic[i] = grad[i];
  }
  return check_close(analytic, numeric, atol, rtol, name + " (analytic vs finite differences)");
}

// sum(out * weights) in double: the scalar whose gradient w.r.t. out is `weights`.
inline double dot(const Tensor& a, const Tensor& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.numel() && i < b.numel(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Deterministic pseudo-random fill in [-1, 1) (xorshift), so tests need no <random> state.
inline void fill_random(Tensor& t, uint32_t seed) {
  uint32_t s = seed * 2654435761u + 1u;
  for (size_t i = 0; i < t.numel(); ++i) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    t[i] = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
}

}  // namespace cs::test
