// conv_check.h — the shared check-against-the-reference harness of the fast convolution kernels'
// tests (test_conv_direct, test_winograd_wasm, test_winograd_avx2): one case = random operands in
// [-1, 1], the seven-loop reference (then ReLU if asked), the kernel under test writing into an
// output followed by a guard float, and a per-position failure message (n, oc, oh, ow).
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/ops/conv2d.h"

namespace cs::test {

struct ConvCase {
  int N, C, H, W, OC, KH, KW, pad_h, pad_w, dil;
  bool bias, relu;
};

inline std::string describe(const ConvCase& s) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "N=%d C=%d %dx%d OC=%d k%dx%d p%d,%d d%d bias=%d relu=%d", s.N, s.C, s.H, s.W, s.OC,
                s.KH, s.KW, s.pad_h, s.pad_w, s.dil, s.bias, s.relu);
  return buf;
}

// An output passes when |got - want| <= atol + rtol * |want| + terms * (sum of |w * x| over its
// taps + |b|): kernels that reassociate the sum (Winograd adds up to 16 inputs before
// multiplying) round in proportion to the size of the terms, not of the result.
struct ConvTolerance {
  float atol = 0.0f, rtol = 0.0f, terms = 0.0f;
};

// out = conv(x, w) + b (b may be null), then ReLU if relu: the kernel under test.
using ConvKernel = std::function<void(const ConvGeometry& g, const float* x, const float* w, const float* b, float* out,
                                      bool relu)>;

// n values uniform in [-1, 1]: the operands of the kernel tests.
inline std::vector<float> random_values(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& f : v) f = u(rng);
  return v;
}

// Runs one case; returns false (after recording a failure) on the first mismatch. Cases whose
// geometry is invalid or that `applies` rejects return true without checking; *checked counts the
// ones that ran. `label` names the kernel in failure messages.
inline bool check_conv_case(const ConvCase& s, std::mt19937& rng, const std::function<bool(const ConvGeometry&)>& applies,
                            const ConvKernel& kernel, const ConvTolerance& tol, int* checked,
                            const std::string& label = std::string()) {
  Conv2dParams p;
  p.padding = {s.pad_h, s.pad_w};
  p.dilation = {s.dil, s.dil};
  ConvGeometry g;
  if (!conv2d_geometry({s.N, s.C, s.H, s.W}, {s.OC, s.C, s.KH, s.KW}, p, &g).is_ok()) return true;
  if (!applies(g)) return true;
  const std::vector<float> x = random_values(static_cast<size_t>(s.N) * s.C * s.H * s.W, rng),
                           w = random_values(static_cast<size_t>(s.OC) * s.C * s.KH * s.KW, rng),
                           b = random_values(static_cast<size_t>(s.OC), rng);
  const size_t n_out = static_cast<size_t>(s.N) * s.OC * g.OH * g.OW;
  // One guard float after the output: a store past the last row would land there.
  std::vector<float> want(n_out), got(n_out + 1, 12345.0f), terms;
  conv2d_forward_reference(g, x.data(), w.data(), s.bias ? b.data() : nullptr, want.data());
  if (s.relu)
    for (float& v : want) v = v > 0.0f ? v : 0.0f;
  if (tol.terms > 0.0f) {  // the same convolution over |x|, |w|, |b|: each output's sum of |terms|
    std::vector<float> ax(x), aw(w), ab(b);
    for (float& v : ax) v = std::fabs(v);
    for (float& v : aw) v = std::fabs(v);
    for (float& v : ab) v = std::fabs(v);
    terms.resize(n_out);
    conv2d_forward_reference(g, ax.data(), aw.data(), s.bias ? ab.data() : nullptr, terms.data());
  }
  kernel(g, x.data(), w.data(), s.bias ? b.data() : nullptr, got.data(), s.relu);
  ++*checked;
  if (got[n_out] != 12345.0f) {
    FAIL_CHECK(describe(s) << ": wrote past the output");
    return false;
  }
  for (size_t i = 0; i < n_out; ++i) {
    const float bound = tol.atol + tol.rtol * std::fabs(want[i]) + (terms.empty() ? 0.0f : tol.terms * terms[i]);
    if (!(std::fabs(got[i] - want[i]) <= bound)) {
      const size_t L = static_cast<size_t>(g.OH) * g.OW;
      FAIL_CHECK(describe(s) << (label.empty() ? std::string() : " kernel " + label) << ": at (n " << i / (L * s.OC) << ", oc "
                             << (i / L) % s.OC << ", oh " << (i % L) / g.OW << ", ow " << i % g.OW << ") got "
                             << got[i] << ", reference " << want[i] << " (bound " << bound << ")");
      return false;
    }
  }
  return true;
}

}  // namespace cs::test
