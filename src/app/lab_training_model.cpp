// lab_training_model.cpp — the digit lab's in-page training: batches of the bundled training digits
// drawn with a seeded generator, handed in micro-batches to the engine's accumulated Adam step inside
// a frame's time budget (engine/train/accumulated_step), and the loss / accuracy curves the training
// panel draws.
#include <algorithm>
#include <numeric>

#include "digit_lab_model.h"
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

// A step of batch_size digits is accumulated over micro-batches by the engine (engine/train/
// accumulated_step), so one piece of work fits a frame's budget even when a whole batch does not.
cs::Status LabSession::train_micro_batch() {
  if (!step_) {
    cs::AdamOptions o;
    o.lr = learning_rate;
    optimizer_ = std::make_unique<cs::Adam>(model_->parameters(), o);
    step_ = std::make_unique<cs::AccumulatedStep>(*model_, *optimizer_, train_.batch_size);
  }
  const DigitSet& set = digits_->train;
  const int n = std::min(train_.micro_batch, step_->remaining());
  std::uniform_int_distribution<int> pick(0, set.count - 1);
  std::vector<int> idx(n);
  for (int& i : idx) i = pick(train_rng_);
  digit_batch(tx_, set, idx.data(), n);
  tlabels_.resize(n);
  for (int k = 0; k < n; ++k) tlabels_[k] = set.labels[idx[k]];
  optimizer_->lr = learning_rate;
  bool stepped = false;
  const cs::Status st = step_->add_micro_batch(tx_, tlabels_, &stepped);
  model_->eval();  // the prediction between pieces runs in inference mode
  CS_RETURN_IF_ERROR(st);
  if (!stepped) return cs::Status::ok();

  const cs::AccumulatedStepResult& done = step_->last_step();
  recent_acc_.push_back(static_cast<float>(done.correct) / done.samples);
  if (recent_acc_.size() > static_cast<size_t>(kWindow)) recent_acc_.erase(recent_acc_.begin());
  train_.loss = static_cast<float>(done.loss);
  train_.accuracy = std::accumulate(recent_acc_.begin(), recent_acc_.end(), 0.0f) / recent_acc_.size();
  train_.step++;
  push_curve(train_.loss_curve, train_.loss, kCurveMax);
  push_curve(train_.accuracy_curve, train_.accuracy, kCurveMax);
  after_weights_changed();
  return cs::Status::ok();
}

void LabSession::forget_training_step() {
  step_.reset();  // refers to the optimizer: goes first
  optimizer_.reset();
}

int LabSession::step_training(double budget_ms) {
  if (!train_.running || !model_) return 0;
  const double t0 = lab_clock_ms();
  const long long step0 = train_.step;
  // The overrides are an inference experiment; training updates the real network.
  for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
  const cs::Status st = cs::run_pieces_within(budget_ms, lab_clock_ms, [this] { return train_micro_batch(); });
  if (!st) {
    train_.error = st.message();
    train_.running = false;
  }
  apply_overrides();
  train_.last_slice_ms = lab_clock_ms() - t0;
  return static_cast<int>(train_.step - step0);
}

}  // namespace cs::app
