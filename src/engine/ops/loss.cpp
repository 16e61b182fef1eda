// loss.cpp — cross-entropy over softmax (log-sum-exp form) and its gradient, with label validation.
#include "loss.h"

#include <algorithm>
#include <cmath>

namespace cs {

static Status check_labels(const Tensor& t, const std::vector<int>& labels, const char* who) {
  CS_RETURN_IF_ERROR(expect_rank(t, 2, who, "(batch, classes)"));
  const int N = t.dim(0), K = t.dim(1);
  if (static_cast<size_t>(N) != labels.size())
    return Status::error(fmt("%s: %zu labels for a batch of %d (input %s)", who, labels.size(), N,
                             t.shape_string().c_str()));
  if (N < 1 || K < 1) return Status::error(fmt("%s: empty input %s", who, t.shape_string().c_str()));
  for (int n = 0; n < N; ++n)
    if (labels[static_cast<size_t>(n)] < 0 || labels[static_cast<size_t>(n)] >= K)
      return Status::error(fmt("%s: label %d at batch index %d is outside [0, %d)", who,
                               labels[static_cast<size_t>(n)], n, K));
  return Status::ok();
}

Status cross_entropy_forward(float* loss, Tensor* probs, const Tensor& logits, const std::vector<int>& labels) {
  CS_RETURN_IF_ERROR(check_labels(logits, labels, "cross_entropy"));
  const int N = logits.dim(0), K = logits.dim(1);
  if (probs) {
    if (probs == &logits) return Status::error("cross_entropy: probs must not alias logits");
    probs->resize(logits.shape());
  }
  double total = 0.0;
  for (int n = 0; n < N; ++n) {
    const float* x = logits.data() + static_cast<size_t>(n) * K;
    const float m = *std::max_element(x, x + K);
    double sum = 0.0;
    for (int k = 0; k < K; ++k) sum += std::exp(static_cast<double>(x[k]) - m);
    const double lse = m + std::log(sum);
    total += lse - x[labels[static_cast<size_t>(n)]];
    if (probs) {
      float* p = probs->data() + static_cast<size_t>(n) * K;
      for (int k = 0; k < K; ++k) p[k] = static_cast<float>(std::exp(x[k] - lse));
    }
  }
  *loss = static_cast<float>(total / N);
  return Status::ok();
}

Status cross_entropy_backward(Tensor& grad_logits, const Tensor& probs, const std::vector<int>& labels) {
  CS_RETURN_IF_ERROR(check_labels(probs, labels, "cross_entropy backward"));
  const int N = probs.dim(0), K = probs.dim(1);
  if (&grad_logits != &probs) grad_logits.resize(probs.shape());
  const float inv_n = 1.0f / static_cast<float>(N);
  for (int n = 0; n < N; ++n) {
    const float* p = probs.data() + static_cast<size_t>(n) * K;
    float* g = grad_logits.data() + static_cast<size_t>(n) * K;
    for (int k = 0; k < K; ++k) g[k] = p[k] * inv_n;
    g[labels[static_cast<size_t>(n)]] -= inv_n;
  }
  return Status::ok();
}

Status argmax_rows(std::vector<int>& out, const Tensor& logits) {
  CS_RETURN_IF_ERROR(expect_rank(logits, 2, "argmax", "(batch, classes)"));
  const int N = logits.dim(0), K = logits.dim(1);
  if (K < 1) return Status::error("argmax of an input with no classes " + logits.shape_string());
  out.resize(static_cast<size_t>(N));
  for (int n = 0; n < N; ++n) {
    const float* x = logits.data() + static_cast<size_t>(n) * K;
    out[static_cast<size_t>(n)] = static_cast<int>(std::max_element(x, x + K) - x);
  }
  return Status::ok();
}

// [summed squared error and the dot-product loss] ---------------------------------------------------

static Status check_same_shape(const Tensor& a, const Tensor& b, const char* who, const char* what) {
  if (a.shape() != b.shape())
    return Status::error(fmt("%s: %s %s does not match y %s", who, what, b.shape_string().c_str(), a.shape_string().c_str()));
  return Status::ok();
}

Status mse_sum_forward(double* loss, const Tensor& y, const Tensor& target) {
  CS_RETURN_IF_ERROR(check_same_shape(y, target, "mse_loss", "target"));
  double total = 0.0;
  for (size_t i = 0; i < y.numel(); ++i) {
    const double d = static_cast<double>(y[i]) - target[i];
    total += d * d;
  }
  *loss = total;
  return Status::ok();
}

Status mse_sum_backward(Tensor& grad_y, const Tensor& y, const Tensor& target) {
  CS_RETURN_IF_ERROR(check_same_shape(y, target, "mse_loss", "target"));
  grad_y.resize(y.shape());
  for (size_t i = 0; i < y.numel(); ++i) grad_y[i] = 2.0f * (y[i] - target[i]);
  return Status::ok();
}

Status dot_loss_forward(double* loss, const Tensor& y, const Tensor& g) {
  CS_RETURN_IF_ERROR(check_same_shape(y, g, "dot_loss", "gradient"));
  double total = 0.0;
  for (size_t i = 0; i < y.numel(); ++i) total += static_cast<double>(y[i]) * g[i];
  *loss = total;
  return Status::ok();
}

}  // namespace cs
