// test_norm_fast.cpp — BatchNorm2d training forward/backward (vectorised double row sums, channels
// over threads) against a plain long-double reference on sizes that are not multiples of the
// vector width, 2-D inputs, large means, and bit-identical results for 1 and 2 threads.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/norm.h"
#include "engine/parallel.h"

using namespace cs;

namespace {

struct BnRef {
  std::vector<double> y, gx, gw, gb, mean, invstd;
};

// PyTorch's formulas, one channel at a time, sums in long double in index order.
BnRef reference_bn(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& gy, float eps) {
  const int N = x.dim(0), C = x.dim(1);
  const size_t inner = x.rank() == 4 ? static_cast<size_t>(x.dim(2)) * x.dim(3) : 1;
  const double M = static_cast<double>(N) * inner;
  BnRef r;
  r.y.resize(x.numel());
  r.gx.resize(x.numel());
  r.gw.resize(C);
  r.gb.resize(C);
  r.mean.resize(C);
  r.invstd.resize(C);
  auto at = [&](int n, int c, size_t i) { return (static_cast<size_t>(n) * C + c) * inner + i; };
  for (int c = 0; c < C; ++c) {
    long double s = 0, sq = 0, sg = 0, sgx = 0;
    for (int n = 0; n < N; ++n)
      for (size_t i = 0; i < inner; ++i) s += x[at(n, c, i)];
    const double mean = static_cast<double>(s / M);
    for (int n = 0; n < N; ++n)
      for (size_t i = 0; i < inner; ++i) sq += (x[at(n, c, i)] - (long double)mean) * (x[at(n, c, i)] - (long double)mean);
    const double invstd = 1.0 / std::sqrt(static_cast<double>(sq / M) + eps);
    for (int n = 0; n < N; ++n)
      for (size_t i = 0; i < inner; ++i) {
        const double xhat = (x[at(n, c, i)] - mean) * invstd;
        r.y[at(n, c, i)] = xhat * w[c] + b[c];
        sg += gy[at(n, c, i)];
        sgx += gy[at(n, c, i)] * xhat;
      }
    for (int n = 0; n < N; ++n)
      for (size_t i = 0; i < inner; ++i) {
        const double xhat = (x[at(n, c, i)] - mean) * invstd;
        r.gx[at(n, c, i)] = w[c] * invstd * (gy[at(n, c, i)] - static_cast<double>(sg / M) - xhat * static_cast<double>(sgx / M));
      }
    r.gw[c] = static_cast<double>(sgx);
    r.gb[c] = static_cast<double>(sg);
    r.mean[c] = mean;
    r.invstd[c] = invstd;
  }
  return r;
}

int count_bad(const float* got, const std::vector<double>& want, double atol, double rtol, const std::string& what) {
  int bad = 0;
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]))) {
      if (bad < 3) MESSAGE(what << "[" << i << "] = " << got[i] << ", reference " << want[i]);
      ++bad;
    }
  return bad;
}

}  // namespace

TEST_CASE("batchnorm train forward/backward equal the reference (odd sizes, 2-D, offset means, threads)") {
  const Shape shapes[] = {{3, 5, 7, 9}, {64, 4, 14, 14}, {2, 3, 1, 1}, {5, 6}, {1, 2, 33, 1}};
  std::mt19937 rng(11);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const int saved = num_threads();
  for (const Shape& s : shapes) {
    CAPTURE(shape_str(s));
    Tensor x(s), gy(s), w({s[1]}), b({s[1]});
    // |mean| >> std where a channel has many values (the two-pass variance matters there); not for
    // 2-6 values per channel, where y = x*scale + shift cancels to a few float ulps of |x*scale|
    // and the float formula (PyTorch's too) cannot meet 2e-5.
    const size_t per_channel = x.numel() / static_cast<size_t>(s[1]);
    const float offset = per_channel >= 64 ? 100.0f : 0.0f;
    for (size_t i = 0; i < x.numel(); ++i) x[i] = offset + 3.0f * nd(rng);
    for (size_t i = 0; i < gy.numel(); ++i) gy[i] = nd(rng);
    for (int c = 0; c < s[1]; ++c) w[c] = 1.0f + 0.1f * nd(rng), b[c] = nd(rng);
    const float eps = 1e-5f;
    BnRef ref = reference_bn(x, w, b, gy, eps);
    std::vector<Tensor> outs;
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      Tensor y, mean, invstd, gx, gw, gb;
      Tensor rm({s[1]}, 0.0f), rv({s[1]}, 1.0f);
      BatchNormParams p;
      p.eps = eps;
      REQUIRE(batchnorm2d_forward_train(y, mean, invstd, x, w, b, &rm, &rv, p).is_ok());
      REQUIRE(batchnorm2d_backward_train(&gx, &gw, &gb, gy, x, w, mean, invstd).is_ok());
      CHECK(count_bad(y.data(), ref.y, 2e-5, 2e-5, "y") == 0);
      CHECK(count_bad(mean.data(), ref.mean, 0, 1e-6, "mean") == 0);
      CHECK(count_bad(invstd.data(), ref.invstd, 0, 1e-5, "invstd") == 0);
      CHECK(count_bad(gx.data(), ref.gx, 1e-5, 1e-4, "grad_in") == 0);
      CHECK(count_bad(gw.data(), ref.gw, 1e-4, 1e-4, "grad_weight") == 0);
      CHECK(count_bad(gb.data(), ref.gb, 1e-4, 1e-5, "grad_bias") == 0);
      for (const Tensor* t : {&y, &mean, &invstd, &gx, &gw, &gb, &rm, &rv}) outs.push_back(*t);
    }
    const size_t k = outs.size() / 2;
    for (size_t i = 0; i < k; ++i) CHECK(outs[i].values() == outs[k + i].values());
  }
  set_num_threads(saved);
}
