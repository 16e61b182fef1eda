// lab_training_model.cpp — the digit lab's in-page training: Adam on batches of the bundled training
// digits drawn with a seeded generator, each step accumulated over micro-batches so one piece of work
// fits a frame's budget, and the loss / accuracy curves the training panel draws.
#include <algorithm>
#include <numeric>

#include "digit_lab_model.h"
#include "engine/ops/loss.h"
#include "ui_strings.h"

namespace cs::app {

namespace {

void push_curve(std::vector<float>& curve, float v, size_t cap) {
  curve.push_back(v);
  // Keep the whole history at a bounded size: halve the resolution when full.
  if (curve.size() >= cap) {
    size_t j = 0;
    for (size_t i = 0; i + 1 < curve.size(); i += 2) curve[j++] = 0.5f * (curve[i] + curve[i + 1]);
    curve.resize(j);
  }
}

}  // namespace

void LabSession::start_training() {
  if (!model_ || !digits_ok_ || digits_->train.count == 0) {  // the page fetches its training digits later
    train_.error = tr(!model_ ? S::lab_err_no_network : digits_ok_ ? S::lab_err_training_digits_later : S::lab_err_no_training_digits);
    return;
  }
  train_.error.clear();
  train_.running = true;
}

// Gradient accumulation: the step's gradient is sum_i (n_i / N) grad_i over its micro-batches (each
// loss is a mean over its n_i samples), identical to one batch of N except for BatchNorm, which
// normalises each micro-batch with its own statistics. It keeps one piece of work small enough for
// a frame's budget even when a whole batch is not.
cs::Status LabSession::train_micro_batch() {
  const DigitSet& set = digits_->train;
  const int N = train_.batch_size;
  const int n = std::min(train_.micro_batch, N - step_samples_);
  std::uniform_int_distribution<int> pick(0, set.count - 1);
  std::vector<int> idx(n);
  for (int& i : idx) i = pick(train_rng_);
  digit_batch(tx_, set, idx.data(), n);
  tlabels_.resize(n);
  for (int k = 0; k < n; ++k) tlabels_[k] = set.labels[idx[k]];
  if (!optimizer_) {
    cs::AdamOptions o;
    o.lr = learning_rate;
    params_ = model_->parameters();
    optimizer_ = std::make_unique<cs::Adam>(params_, o);
    accum_.clear();
    for (const cs::NamedTensor& p : params_) accum_.emplace_back(p.value->shape(), 0.0f);
    step_samples_ = step_correct_ = 0;
    step_loss_ = 0;
  }
  model_->train();
  float loss = 0;
  CS_RETURN_IF_ERROR(model_->forward(tx_, tlogits_, nullptr));
  CS_RETURN_IF_ERROR(cs::cross_entropy_forward(&loss, &tprobs_, tlogits_, tlabels_));
  CS_RETURN_IF_ERROR(cs::cross_entropy_backward(tgrad_, tprobs_, tlabels_));
  CS_RETURN_IF_ERROR(model_->backward(tgrad_, nullptr));
  model_->eval();
  const float w = static_cast<float>(n) / N;
  for (size_t i = 0; i < params_.size(); ++i) {
    const float* g = params_[i].grad->data();
    float* a = accum_[i].data();
    for (size_t j = 0; j < accum_[i].numel(); ++j) a[j] += w * g[j];
  }
  const int K = tprobs_.dim(1);
  for (int k = 0; k < n; ++k) {
    const float* row = tprobs_.data() + static_cast<size_t>(k) * K;
    step_correct_ += std::max_element(row, row + K) - row == tlabels_[k];  // the first of equal maxima, as argmax
  }
  step_loss_ += static_cast<double>(loss) * n;
  step_samples_ += n;
  if (step_samples_ < N) return cs::Status::ok();

  // The batch is complete: hand the accumulated gradient to Adam.
  for (size_t i = 0; i < params_.size(); ++i) {
    std::copy(accum_[i].values().begin(), accum_[i].values().end(), params_[i].grad->values().begin());
    accum_[i].fill(0.0f);
  }
  optimizer_->lr = learning_rate;
  CS_RETURN_IF_ERROR(optimizer_->step());
  recent_acc_.push_back(static_cast<float>(step_correct_) / N);
  if (recent_acc_.size() > static_cast<size_t>(kWindow)) recent_acc_.erase(recent_acc_.begin());
  train_.loss = static_cast<float>(step_loss_ / N);
  train_.accuracy = std::accumulate(recent_acc_.begin(), recent_acc_.end(), 0.0f) / recent_acc_.size();
  train_.step++;
  push_curve(train_.loss_curve, train_.loss, kCurveMax);
  push_curve(train_.accuracy_curve, train_.accuracy, kCurveMax);
  step_samples_ = step_correct_ = 0;
  step_loss_ = 0;
  after_weights_changed();
  return cs::Status::ok();
}

int LabSession::step_training(double budget_ms) {
  if (!train_.running || !model_) return 0;
  const double t0 = lab_clock_ms();
  const long long step0 = train_.step;
  int pieces = 0;
  // The overrides are an inference experiment; training updates the real network.
  for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
  do {
    cs::Status st = train_micro_batch();
    if (!st) {
      train_.error = st.message();
      train_.running = false;
      break;
    }
    ++pieces;
  } while (lab_clock_ms() - t0 + (lab_clock_ms() - t0) / pieces < budget_ms);  // stop before a piece would overrun
  apply_overrides();
  train_.last_slice_ms = lab_clock_ms() - t0;
  return static_cast<int>(train_.step - step0);
}

}  // namespace cs::app
