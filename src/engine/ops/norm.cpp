// norm.cpp — BatchNorm2d (train/eval, running statistics) and channel LayerNorm kernels with shape checks.
// Sums are accumulated in double: a channel of a 64x56x56 batch has 200k elements, and float sums
// of that length lose the digits the golden comparisons look at.
#include "norm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../parallel.h"
#include "cpu_variants.h"


namespace cs {

namespace {

// [SECTION] row reductions in double, vectorised: element i of a row goes to lane i % 8 of two
// 4-double accumulators, the lanes are added in a fixed order at the end and rows are added in
// order, so a result depends on the data alone (not on threads). A single running double (one
// dependent add per element) was ~25% of a DigitNet training step.
typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
// Vectors by reference, not by value: a 32-byte vector argument/return from baseline-ISA code is
// an ABI corner compilers warn about (as in depthwise.cpp).
inline void load4d(v4d& out, const float* p) {
  v4f f;
  std::memcpy(&f, p, sizeof f);
  out = __builtin_convertvector(f, v4d);
}
inline double lanes_sum(const v4d& a, const v4d& b) {
  const v4d s = a + b;
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// sum x
CS_VARIANT_BODY double row_sum_body(const float* __restrict x, size_t n) {
  v4d s0 = {0, 0, 0, 0}, s1 = s0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4d a0, a1;
    load4d(a0, x + i);
    load4d(a1, x + i + 4);
    s0 += a0;
    s1 += a1;
  }
  double t = 0.0;
  for (; i < n; ++i) t += x[i];
  return lanes_sum(s0, s1) + t;
}
double row_sum(const float* __restrict x, size_t n) {
  return CS_CALL_VARIANT(row_sum_body, x, n);
}

// sum (x - mean)^2
CS_VARIANT_BODY double row_sq_dev_body(const float* __restrict x, size_t n, double mean) {
  v4d s0 = {0, 0, 0, 0}, s1 = s0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4d d0, d1;
    load4d(d0, x + i);
    load4d(d1, x + i + 4);
    d0 -= mean;
    d1 -= mean;
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  double t = 0.0;
  for (; i < n; ++i) {
    const double d = x[i] - mean;
    t += d * d;
  }
  return lanes_sum(s0, s1) + t;
}
double row_sq_dev(const float* __restrict x, size_t n, double mean) {
  return CS_CALL_VARIANT(row_sq_dev_body, x, n, mean);
}

// *sg += sum gy, *sgx += sum gy (x - mean)
CS_VARIANT_BODY void row_sums_gy_body(const float* __restrict gy, const float* __restrict x, size_t n, double mean, double* sg,
                 double* sgx) {
  v4d g0 = {0, 0, 0, 0}, g1 = g0, p0 = g0, p1 = g0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4d a0, a1, x0, x1;
    load4d(a0, gy + i);
    load4d(a1, gy + i + 4);
    load4d(x0, x + i);
    load4d(x1, x + i + 4);
    g0 += a0;
    g1 += a1;
    p0 += a0 * (x0 - mean);
    p1 += a1 * (x1 - mean);
  }
  double tg = 0.0, tp = 0.0;
  for (; i < n; ++i) {
    tg += gy[i];
    tp += static_cast<double>(gy[i]) * (x[i] - mean);
  }
  *sg += lanes_sum(g0, g1) + tg;
  *sgx += lanes_sum(p0, p1) + tp;
}
void row_sums_gy(const float* __restrict gy, const float* __restrict x, size_t n, double mean, double* sg,
                 double* sgx) {
  CS_CALL_VARIANT(row_sums_gy_body, gy, x, n, mean, sg, sgx);
}

// Channels per parallel chunk: at least ~32K values.
int64_t channel_grain(size_t per_channel) {
  return std::max<int64_t>(1, static_cast<int64_t>(32768 / std::max<size_t>(1, per_channel)));
}

// (N, C, H, W) or (N, C): C channels, each N blocks of `inner` (= H*W, or 1) contiguous values.
struct ChannelLayout {
  int N = 0, C = 0;
  size_t inner = 1;
};

Status bn_layout(const Tensor& in, const char* who, ChannelLayout* l) {
  if (in.rank() != 4 && in.rank() != 2)
    return Status::error(fmt("%s expected 4D input (batch, channels, height, width) or 2D (batch, channels), got %s",
                             who, in.shape_string().c_str()));
  l->N = in.dim(0);
  l->C = in.dim(1);
  l->inner = in.rank() == 4 ? static_cast<size_t>(in.dim(2)) * in.dim(3) : 1;
  return Status::ok();
}

Status expect_channels(const Tensor& t, int C, const char* who, const char* what) {
  if (t.rank() != 1 || t.dim(0) != C)
    return Status::error(fmt("%s: %s must have shape (%d,) for %d channels, got %s", who, what, C, C,
                             t.shape_string().c_str()));
  return Status::ok();
}

Status expect_same(const Tensor& a, const Tensor& b, const char* who, const char* a_name, const char* b_name) {
  if (a.shape() != b.shape())
    return Status::error(fmt("%s: %s %s does not match %s %s", who, a_name, a.shape_string().c_str(), b_name,
                             b.shape_string().c_str()));
  return Status::ok();
}

}  // namespace

// [SECTION] BatchNorm2d

Status batchnorm2d_forward_train(Tensor& out, Tensor& save_mean, Tensor& save_invstd, const Tensor& in,
                                 const Tensor& weight, const Tensor& bias, Tensor* running_mean,
                                 Tensor* running_var, const BatchNormParams& p) {
  const char* who = "BatchNorm2d";
  ChannelLayout l;
  CS_RETURN_IF_ERROR(bn_layout(in, who, &l));
  CS_RETURN_IF_ERROR(expect_channels(weight, l.C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_channels(bias, l.C, who, "bias"));
  if (running_mean) CS_RETURN_IF_ERROR(expect_channels(*running_mean, l.C, who, "running_mean"));
  if (running_var) CS_RETURN_IF_ERROR(expect_channels(*running_var, l.C, who, "running_var"));
  const size_t M = static_cast<size_t>(l.N) * l.inner;
  if (M < 2)
    return Status::error(fmt("BatchNorm2d in training mode needs more than 1 value per channel, got input %s",
                             in.shape_string().c_str()));
  if (!(p.eps > 0.0f)) return Status::error(fmt("BatchNorm2d eps must be > 0, got %g", p.eps));

  out.resize(in.shape());
  save_mean.resize({l.C});
  save_invstd.resize({l.C});
  const size_t cstride = l.inner, nstride = static_cast<size_t>(l.C) * l.inner;
  parallel_for(0, l.C, channel_grain(M), [&](int64_t c_lo, int64_t c_hi) {
    for (int c = static_cast<int>(c_lo); c < static_cast<int>(c_hi); ++c) {
      double sum = 0.0;
      for (int n = 0; n < l.N; ++n) sum += row_sum(in.data() + n * nstride + c * cstride, l.inner);
      const double mean = sum / static_cast<double>(M);
      double sq = 0.0;  // two-pass variance: no cancellation when |mean| >> std
      for (int n = 0; n < l.N; ++n) sq += row_sq_dev(in.data() + n * nstride + c * cstride, l.inner, mean);
      const double var = sq / static_cast<double>(M);
      const float invstd = static_cast<float>(1.0 / std::sqrt(var + p.eps));
      save_mean[c] = static_cast<float>(mean);
      save_invstd[c] = invstd;
      const float scale = weight[c] * invstd;
      const float shift = bias[c] - static_cast<float>(mean) * scale;
      for (int n = 0; n < l.N; ++n) {
        const float* x = in.data() + n * nstride + c * cstride;
        float* y = out.data() + n * nstride + c * cstride;
        for (size_t i = 0; i < l.inner; ++i) y[i] = x[i] * scale + shift;
      }
      if (running_mean)
        (*running_mean)[c] = (1.0f - p.momentum) * (*running_mean)[c] + p.momentum * static_cast<float>(mean);
      if (running_var) {
        const double unbiased = sq / static_cast<double>(M - 1);
        (*running_var)[c] = (1.0f - p.momentum) * (*running_var)[c] + p.momentum * static_cast<float>(unbiased);
      }
    }
  });
  return Status::ok();
}

Status batchnorm2d_forward_eval(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor& bias,
                                const Tensor& running_mean, const Tensor& running_var, float eps) {
  const char* who = "BatchNorm2d";
  ChannelLayout l;
  CS_RETURN_IF_ERROR(bn_layout(in, who, &l));
  CS_RETURN_IF_ERROR(expect_channels(weight, l.C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_channels(bias, l.C, who, "bias"));
  CS_RETURN_IF_ERROR(expect_channels(running_mean, l.C, who, "running_mean"));
  CS_RETURN_IF_ERROR(expect_channels(running_var, l.C, who, "running_var"));
  out.resize(in.shape());
  const size_t cstride = l.inner, nstride = static_cast<size_t>(l.C) * l.inner;
  for (int c = 0; c < l.C; ++c) {
    const float invstd = 1.0f / std::sqrt(running_var[c] + eps);
    const float scale = weight[c] * invstd;
    const float shift = bias[c] - running_mean[c] * scale;
    for (int n = 0; n < l.N; ++n) {
      const float* x = in.data() + n * nstride + c * cstride;
      float* y = out.data() + n * nstride + c * cstride;
      for (size_t i = 0; i < l.inner; ++i) y[i] = x[i] * scale + shift;
    }
  }
  return Status::ok();
}

Status batchnorm2d_backward_train(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias,
                                  const Tensor& grad_out, const Tensor& in, const Tensor& weight,
                                  const Tensor& save_mean, const Tensor& save_invstd) {
  const char* who = "BatchNorm2d backward";
  ChannelLayout l;
  CS_RETURN_IF_ERROR(bn_layout(in, who, &l));
  CS_RETURN_IF_ERROR(expect_same(grad_out, in, who, "grad_output", "input"));
  CS_RETURN_IF_ERROR(expect_channels(weight, l.C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_channels(save_mean, l.C, who, "save_mean"));
  CS_RETURN_IF_ERROR(expect_channels(save_invstd, l.C, who, "save_invstd"));
  if (grad_in) grad_in->resize(in.shape());
  if (grad_weight) grad_weight->resize({l.C});
  if (grad_bias) grad_bias->resize({l.C});
  const double M = static_cast<double>(l.N) * static_cast<double>(l.inner);
  const size_t cstride = l.inner, nstride = static_cast<size_t>(l.C) * l.inner;
  parallel_for(0, l.C, channel_grain(static_cast<size_t>(M)), [&](int64_t c_lo, int64_t c_hi) {
    for (int c = static_cast<int>(c_lo); c < static_cast<int>(c_hi); ++c) {
      const float mean = save_mean[c], invstd = save_invstd[c];
      double sum_gy = 0.0, sum_gy_xm = 0.0;
      for (int n = 0; n < l.N; ++n)
        row_sums_gy(grad_out.data() + n * nstride + c * cstride, in.data() + n * nstride + c * cstride, l.inner,
                    mean, &sum_gy, &sum_gy_xm);
      const double sum_gy_xhat = sum_gy_xm * invstd;
      if (grad_weight) (*grad_weight)[c] = static_cast<float>(sum_gy_xhat);
      if (grad_bias) (*grad_bias)[c] = static_cast<float>(sum_gy);
      if (!grad_in) continue;
      const float k = weight[c] * invstd;
      const float mean_gy = static_cast<float>(sum_gy / M);
      const float mean_gy_xhat = static_cast<float>(sum_gy_xhat / M);
      for (int n = 0; n < l.N; ++n) {
        const float* x = in.data() + n * nstride + c * cstride;
        const float* gy = grad_out.data() + n * nstride + c * cstride;
        float* gx = grad_in->data() + n * nstride + c * cstride;
        for (size_t i = 0; i < l.inner; ++i) {
          const float xhat = (x[i] - mean) * invstd;
          gx[i] = k * (gy[i] - mean_gy - xhat * mean_gy_xhat);
        }
      }
    }
  });
  return Status::ok();
}

Status batchnorm2d_backward_eval(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias,
                                 const Tensor& grad_out, const Tensor& in, const Tensor& weight,
                                 const Tensor& running_mean, const Tensor& running_var, float eps) {
  const char* who = "BatchNorm2d backward";
  ChannelLayout l;
  CS_RETURN_IF_ERROR(bn_layout(in, who, &l));
  CS_RETURN_IF_ERROR(expect_same(grad_out, in, who, "grad_output", "input"));
  CS_RETURN_IF_ERROR(expect_channels(weight, l.C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_channels(running_mean, l.C, who, "running_mean"));
  CS_RETURN_IF_ERROR(expect_channels(running_var, l.C, who, "running_var"));
  if (grad_in) grad_in->resize(in.shape());
  if (grad_weight) grad_weight->resize({l.C});
  if (grad_bias) grad_bias->resize({l.C});
  const size_t cstride = l.inner, nstride = static_cast<size_t>(l.C) * l.inner;
  for (int c = 0; c < l.C; ++c) {
    const float invstd = 1.0f / std::sqrt(running_var[c] + eps);
    const float mean = running_mean[c];
    double sum_gy = 0.0, sum_gy_xhat = 0.0;
    for (int n = 0; n < l.N; ++n) {
      const float* x = in.data() + n * nstride + c * cstride;
      const float* gy = grad_out.data() + n * nstride + c * cstride;
      float* gx = grad_in ? grad_in->data() + n * nstride + c * cstride : nullptr;
      for (size_t i = 0; i < l.inner; ++i) {
        sum_gy += gy[i];
        sum_gy_xhat += static_cast<double>(gy[i]) * (x[i] - mean) * invstd;
        if (gx) gx[i] = gy[i] * weight[c] * invstd;
      }
    }
    if (grad_weight) (*grad_weight)[c] = static_cast<float>(sum_gy_xhat);
    if (grad_bias) (*grad_bias)[c] = static_cast<float>(sum_gy);
  }
  return Status::ok();
}

// [SECTION] LayerNorm2d (over channels)

Status layernorm2d_forward(Tensor& out, Tensor& save_mean, Tensor& save_rstd, const Tensor& in,
                           const Tensor& weight, const Tensor& bias, float eps) {
  const char* who = "LayerNorm2d";
  CS_RETURN_IF_ERROR(expect_rank(in, 4, who, "(batch, channels, height, width)"));
  const int N = in.dim(0), C = in.dim(1), H = in.dim(2), W = in.dim(3);
  CS_RETURN_IF_ERROR(expect_channels(weight, C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_channels(bias, C, who, "bias"));
  if (!(eps > 0.0f)) return Status::error(fmt("LayerNorm2d eps must be > 0, got %g", eps));
  out.resize(in.shape());
  save_mean.resize({N, H, W});
  save_rstd.resize({N, H, W});
  const size_t HW = static_cast<size_t>(H) * W;
  // Channels of one pixel are HW apart in NCHW: walk pixels in the inner loop for contiguous access.
  // Per-pixel accumulators, kept between calls so a warm forward does not allocate.
  thread_local std::vector<double> sum, sq;
  sum.resize(HW);
  sq.resize(HW);
  for (int n = 0; n < N; ++n) {
    const float* x = in.data() + static_cast<size_t>(n) * C * HW;
    float* y = out.data() + static_cast<size_t>(n) * C * HW;
    float* mean_n = save_mean.data() + n * HW;
    float* rstd_n = save_rstd.data() + n * HW;
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(sq.begin(), sq.end(), 0.0);
    for (int c = 0; c < C; ++c)
      for (size_t i = 0; i < HW; ++i) sum[i] += x[c * HW + i];
    for (size_t i = 0; i < HW; ++i) mean_n[i] = static_cast<float>(sum[i] / C);
    for (int c = 0; c < C; ++c)
      for (size_t i = 0; i < HW; ++i) {
        double d = x[c * HW + i] - static_cast<double>(sum[i] / C);
        sq[i] += d * d;
      }
    for (size_t i = 0; i < HW; ++i) rstd_n[i] = static_cast<float>(1.0 / std::sqrt(sq[i] / C + eps));
    for (int c = 0; c < C; ++c)
      for (size_t i = 0; i < HW; ++i)
        y[c * HW + i] = (x[c * HW + i] - mean_n[i]) * rstd_n[i] * weight[c] + bias[c];
  }
  return Status::ok();
}

// Per pixel, with g = gy * w: gx = rstd * (g - mean_c(g) - xhat * mean_c(g * xhat)).
Status layernorm2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                            const Tensor& in, const Tensor& weight, const Tensor& save_mean,
                            const Tensor& save_rstd) {
  const char* who = "LayerNorm2d backward";
  CS_RETURN_IF_ERROR(expect_rank(in, 4, who, "(batch, channels, height, width)"));
  CS_RETURN_IF_ERROR(expect_same(grad_out, in, who, "grad_output", "input"));
  const int N = in.dim(0), C = in.dim(1), H = in.dim(2), W = in.dim(3);
  CS_RETURN_IF_ERROR(expect_channels(weight, C, who, "weight"));
  CS_RETURN_IF_ERROR(expect_shape(save_mean, {N, H, W}, who, "save_mean"));
  CS_RETURN_IF_ERROR(expect_shape(save_rstd, {N, H, W}, who, "save_rstd"));
  const size_t HW = static_cast<size_t>(H) * W;
  if (grad_in) grad_in->resize(in.shape());
  thread_local std::vector<double> gw, gb, sum_g, sum_gx;  // reused: no allocation once warm
  gw.assign(static_cast<size_t>(C), 0.0);
  gb.assign(static_cast<size_t>(C), 0.0);
  sum_g.resize(HW);
  sum_gx.resize(HW);
  for (int n = 0; n < N; ++n) {
    const float* x = in.data() + static_cast<size_t>(n) * C * HW;
    const float* gy = grad_out.data() + static_cast<size_t>(n) * C * HW;
    const float* mean = save_mean.data() + n * HW;
    const float* rstd = save_rstd.data() + n * HW;
    std::fill(sum_g.begin(), sum_g.end(), 0.0);
    std::fill(sum_gx.begin(), sum_gx.end(), 0.0);
    for (int c = 0; c < C; ++c) {
      double gwc = 0.0, gbc = 0.0;
      for (size_t i = 0; i < HW; ++i) {
        const float xhat = (x[c * HW + i] - mean[i]) * rstd[i];
        const float g = gy[c * HW + i];
        gwc += static_cast<double>(g) * xhat;
        gbc += g;
        sum_g[i] += static_cast<double>(g) * weight[c];
        sum_gx[i] += static_cast<double>(g) * weight[c] * xhat;
      }
      gw[static_cast<size_t>(c)] += gwc;
      gb[static_cast<size_t>(c)] += gbc;
    }
    if (!grad_in) continue;
    float* gx = grad_in->data() + static_cast<size_t>(n) * C * HW;
    for (int c = 0; c < C; ++c)
      for (size_t i = 0; i < HW; ++i) {
        const float xhat = (x[c * HW + i] - mean[i]) * rstd[i];
        const float g = gy[c * HW + i] * weight[c];
        gx[c * HW + i] =
            rstd[i] * (g - static_cast<float>(sum_g[i] / C) - xhat * static_cast<float>(sum_gx[i] / C));
      }
  }
  if (grad_weight) {
    grad_weight->resize({C});
    for (int c = 0; c < C; ++c) (*grad_weight)[c] = static_cast<float>(gw[static_cast<size_t>(c)]);
  }
  if (grad_bias) {
    grad_bias->resize({C});
    for (int c = 0; c < C; ++c) (*grad_bias)[c] = static_cast<float>(gb[static_cast<size_t>(c)]);
  }
  return Status::ok();
}

}  // namespace cs
