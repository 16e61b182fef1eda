// test_activation_simd.cpp — the vectorised exp/sigmoid/SiLU of every CPU family this machine
// runs (cs_test::family_names()): ulp error of exp against double exp over the whole float range, special
// values, sigmoid/SiLU/SiLU' against double formulas, tails (n not a multiple of the vector width),
// and the threaded split giving the same bits as one call.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "engine/ops/activation.h"
#include "engine/parallel.h"
#include "cpu_families.h"

using namespace cs;

namespace {

// Restores the default instruction set even when a CHECK fails half-way.
struct IsaGuard {
  ~IsaGuard() { cs_test::restore_run_family(); }
};

// Distance in representable floats (finite, same sign or zero).
int64_t ulp_distance(float a, float b) {
  auto key = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? -static_cast<int64_t>(i & 0x7fffffff) : static_cast<int64_t>(i);
  };
  int64_t d = key(a) - key(b);
  return d < 0 ? -d : d;
}

double sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::vector<float> sweep(float lo, float hi, int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = lo + (hi - lo) * static_cast<float>(i) / static_cast<float>(n - 1);
  return v;
}

}  // namespace

TEST_CASE("vector exp is within 2 ulp of exp over the normal range, for every ISA") {
  IsaGuard guard;
  std::vector<float> x = sweep(-87.3f, 88.7f, 400001), y(x.size());
  // and some exactly representable points where the range reduction switches n
  for (int k = -120; k <= 120; ++k) x.push_back(static_cast<float>(k * 0.6931471805599453));
  y.resize(x.size());
  for (const std::string& isa : cs_test::family_names()) {
    CAPTURE(isa);
    REQUIRE(cs_test::use_family(isa));
    exp_kernel(x.size(), x.data(), y.data());
    int64_t worst = 0;
    size_t worst_i = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      float want = static_cast<float>(std::exp(static_cast<double>(x[i])));
      int64_t d = ulp_distance(y[i], want);
      if (d > worst) worst = d, worst_i = i;
    }
    CAPTURE(x[worst_i]);
    CAPTURE(y[worst_i]);
    CHECK(worst <= 2);
  }
}

TEST_CASE("vector exp: special values, subnormal and overflow ends") {
  IsaGuard guard;
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x = {0.0f, -0.0f, 1.0f, -1.0f, inf, -inf, nan, 89.0f, 88.8f, 1000.0f, -104.0f, -200.0f, -1e30f};
  std::vector<float> subn = sweep(-103.0f, -87.4f, 2001);
  x.insert(x.end(), subn.begin(), subn.end());
  std::vector<float> y(x.size());
  for (const std::string& isa : cs_test::family_names()) {
    CAPTURE(isa);
    REQUIRE(cs_test::use_family(isa));
    exp_kernel(x.size(), x.data(), y.data());
    CHECK(y[0] == 1.0f);
    CHECK(y[1] == 1.0f);
    CHECK(ulp_distance(y[2], 2.71828183f) <= 1);
    CHECK(ulp_distance(y[3], 0.36787944f) <= 1);
    CHECK(y[4] == inf);
    CHECK(y[5] == 0.0f);
    CHECK(std::isnan(y[6]));
    CHECK(y[7] == inf);
    CHECK(y[8] == inf);  // e^88.8 > FLT_MAX
    CHECK(y[9] == inf);
    CHECK(y[10] == 0.0f);  // below half the smallest subnormal
    CHECK(y[11] == 0.0f);
    CHECK(y[12] == 0.0f);
    // Subnormal results: within 2 ulp of the subnormal grid (2^-149) plus a relative 1e-6.
    for (size_t i = 13; i < x.size(); ++i) {
      double want = std::exp(static_cast<double>(x[i]));
      CHECK_MESSAGE(std::fabs(y[i] - want) <= 2 * 1.4013e-45 + 1e-6 * want, "x=" << x[i] << " y=" << y[i]);
    }
  }
}

TEST_CASE("vector sigmoid and SiLU forward/backward match double formulas, for every ISA") {
  IsaGuard guard;
  std::vector<float> x = sweep(-30.0f, 30.0f, 60001);
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> gy(x.size());
  for (float& g : gy) g = nd(rng);
  std::vector<float> s(x.size()), si(x.size()), gx(x.size());
  for (const std::string& isa : cs_test::family_names()) {
    CAPTURE(isa);
    REQUIRE(cs_test::use_family(isa));
    sigmoid_kernel(x.size(), x.data(), s.data());
    silu_kernel(x.size(), x.data(), si.data());
    silu_backward_kernel(x.size(), gy.data(), x.data(), gx.data());
    int bad = 0;
    for (size_t i = 0; i < x.size() && bad < 5; ++i) {
      double xd = x[i], sd = sigmoid_ref(xd);
      double grad = gy[i] * sd * (1.0 + xd * (1.0 - sd));
      // A few ulp relative; the SiLU gradient crosses 0 near x = -1.28, hence the absolute part
      // (its terms are O(|gy|)).
      bool ok = std::fabs(s[i] - sd) <= 4e-7 * sd && std::fabs(si[i] - xd * sd) <= 4e-7 * std::fabs(xd * sd) &&
                std::fabs(gx[i] - grad) <= 6e-7 * std::fabs(grad) + 1e-7 * std::fabs(gy[i]);
      if (!ok) {
        ++bad;
        MESSAGE("x=" << x[i] << " sigmoid " << s[i] << " vs " << sd << ", silu " << si[i] << " vs " << xd * sd
                     << ", silu' " << gx[i] << " vs " << grad);
      }
    }
    CHECK(bad == 0);
    // Ends: exact saturation, NaN propagates, silu(-inf) = -inf * 0 = NaN as in PyTorch.
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> e = {-inf, -1000.0f, 1000.0f, inf, nan}, o(e.size());
    sigmoid_kernel(e.size(), e.data(), o.data());
    CHECK(o[0] == 0.0f);
    CHECK(o[1] == 0.0f);
    CHECK(o[2] == 1.0f);
    CHECK(o[3] == 1.0f);
    CHECK(std::isnan(o[4]));
    silu_kernel(e.size(), e.data(), o.data());
    CHECK(std::isnan(o[0]));
    CHECK(o[2] == 1000.0f);
    CHECK(o[3] == inf);
    CHECK(std::isnan(o[4]));
  }
}

TEST_CASE("vector activations: tails and offsets give the same values as full vectors") {
  IsaGuard guard;
  std::vector<float> x = sweep(-6.0f, 6.0f, 64), gy = sweep(1.0f, 2.0f, 64);
  for (const std::string& isa : cs_test::family_names()) {
    CAPTURE(isa);
    REQUIRE(cs_test::use_family(isa));
    std::vector<float> full(64), full_b(64);
    silu_kernel(64, x.data(), full.data());
    silu_backward_kernel(64, gy.data(), x.data(), full_b.data());
    for (size_t off = 0; off < 9; ++off) {
      for (size_t n = 1; off + n <= 40; n += 3) {
        std::vector<float> part(n + 1, -7.0f), part_b(n + 1, -7.0f);
        silu_kernel(n, x.data() + off, part.data());
        silu_backward_kernel(n, gy.data() + off, x.data() + off, part_b.data());
        for (size_t i = 0; i < n; ++i) {
          CHECK(part[i] == full[off + i]);
          CHECK(part_b[i] == full_b[off + i]);
        }
        CHECK(part[n] == -7.0f);  // nothing written past n
        CHECK(part_b[n] == -7.0f);
      }
    }
    // in place
    std::vector<float> inplace(x);
    silu_kernel(inplace.size(), inplace.data(), inplace.data());
    CHECK(inplace == full);
  }
}

TEST_CASE("vector activations split over threads give the same bits as one thread") {
  const size_t n = 300001;  // several chunks of the parallel split, odd tail
  std::vector<float> x(n), gy(n);
  std::mt19937 rng(9);
  std::normal_distribution<float> nd(0.0f, 4.0f);
  for (size_t i = 0; i < n; ++i) x[i] = nd(rng), gy[i] = nd(rng);
  int saved = num_threads();
  set_num_threads(1);
  std::vector<float> a(n), ab(n);
  silu_kernel(n, x.data(), a.data());
  silu_backward_kernel(n, gy.data(), x.data(), ab.data());
  set_num_threads(2);
  std::vector<float> b(n), bb(n);
  silu_kernel(n, x.data(), b.data());
  silu_backward_kernel(n, gy.data(), x.data(), bb.data());
  set_num_threads(saved);
  CHECK(a == b);
  CHECK(ab == bb);
}
