// accumulated_step.cpp — gradient accumulation over micro-batches and the optimizer step; the
// time-budgeted loop of pieces.
#include "accumulated_step.h"

#include <algorithm>
#include <cmath>

#include "../ops/loss.h"

namespace cs {

AccumulatedStep::AccumulatedStep(Model& model, Optimizer& optimizer, int batch_size)
    : model_(model), optimizer_(optimizer), batch_size_(batch_size), params_(model.parameters()) {
  if (batch_size < 1) status_ = Status::error(fmt("training step: batch size must be >= 1, got %d", batch_size));
}

void AccumulatedStep::discard_partial_step() {
  for (Tensor& a : accum_) a.fill(0.0f);
  samples_ = correct_ = 0;
  loss_sum_ = 0;
}

Status AccumulatedStep::add_micro_batch(const Tensor& x, const std::vector<int>& labels, bool* stepped, Trace* trace) {
  *stepped = false;
  CS_RETURN_IF_ERROR(status_);
  const int n = static_cast<int>(labels.size());
  if (n < 1 || n > remaining())
    return Status::error(fmt("training step: a micro-batch of %d samples does not fit the %d left of a batch of %d", n,
                             remaining(), batch_size_));
  if (x.rank() < 1 || x.dim(0) != n)
    return Status::error(fmt("training step: %d labels for an input of shape %s", n, x.shape_string().c_str()));
  model_.train();
  CS_RETURN_IF_ERROR(model_.forward(x, logits_, trace));
  float loss = 0;
  CS_RETURN_IF_ERROR(cross_entropy_forward(&loss, &probs_, logits_, labels));
  if (!std::isfinite(loss)) {
    diverged_ = true;
    return Status::error(fmt("training diverged: loss is %g at step %lld", static_cast<double>(loss),
                             static_cast<long long>(optimizer_.steps())));
  }
  CS_RETURN_IF_ERROR(cross_entropy_backward(grad_logits_, probs_, labels));
  CS_RETURN_IF_ERROR(model_.backward(grad_logits_));
  CS_RETURN_IF_ERROR(argmax_rows(predicted_, logits_));
  for (int k = 0; k < n; ++k) correct_ += predicted_[k] == labels[k];
  loss_sum_ += static_cast<double>(loss) * n;
  const bool whole_batch = samples_ == 0 && n == batch_size_;
  samples_ += n;
  if (!whole_batch) {
    // Backward wrote this micro-batch's gradient into the parameters' grads: add its share.
    if (accum_.size() != params_.size()) {
      accum_.clear();
      for (const NamedTensor& p : params_) accum_.emplace_back(p.value->shape(), 0.0f);
    }
    const float w = static_cast<float>(n) / batch_size_;
    for (size_t i = 0; i < params_.size(); ++i) {
      const float* g = params_[i].grad->data();
      float* a = accum_[i].data();
      for (size_t j = 0; j < accum_[i].numel(); ++j) a[j] += w * g[j];
    }
    if (samples_ < batch_size_) return Status::ok();
    // The batch is complete: the optimizer reads the accumulated gradient.
    for (size_t i = 0; i < params_.size(); ++i) {
      std::copy(accum_[i].values().begin(), accum_[i].values().end(), params_[i].grad->values().begin());
      accum_[i].fill(0.0f);
    }
  }
  CS_RETURN_IF_ERROR(optimizer_.step());
  last_.loss = loss_sum_ / batch_size_;
  last_.correct = correct_;
  last_.samples = batch_size_;
  samples_ = correct_ = 0;
  loss_sum_ = 0;
  *stepped = true;
  return Status::ok();
}

Status run_pieces_within(double budget_ms, const std::function<double()>& clock_ms,
                         const std::function<Status()>& micro_batch, int* pieces_run,
                         const std::function<bool()>& wanted) {
  const double t0 = clock_ms();
  int pieces = 0;
  Status st = Status::ok();
  do {
    if (wanted && !wanted()) break;
    st = micro_batch();
    if (!st) break;
    ++pieces;
  } while (clock_ms() - t0 + (clock_ms() - t0) / pieces < budget_ms);
  if (pieces_run) *pieces_run = pieces;
  return st;
}

}  // namespace cs
