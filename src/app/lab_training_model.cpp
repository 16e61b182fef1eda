// lab_training_model.cpp — the digit lab's in-page training: batches of the bundled training digits
// drawn with a seeded generator, handed in micro-batches to the engine's accumulated Adam step inside
// a frame's time budget (engine/train/accumulated_step), and the loss / accuracy curves the training
// panel draws.
#include "lab_training_model.h"

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

void LabTraining::start() {
  info_.error.clear();
  info_.running = true;
}

void LabTraining::forget_step() {
  step_.reset();  // refers to the optimizer: goes first
  optimizer_.reset();
}

void LabTraining::restart_history() {
  const bool running = info_.running;
  info_ = TrainInfo{};
  info_.running = running;
  recent_accuracy_.clear();
}

// A step of batch_size digits is accumulated over micro-batches by the engine, so one piece of work
// fits a frame's budget even when a whole batch does not.
cs::Status LabTraining::micro_batch(cs::Model& model, const DigitSet& set, float learning_rate,
                                    const std::function<void()>& weights_changed) {
  if (!step_) {
    cs::AdamOptions o;
    o.lr = learning_rate;
    optimizer_ = std::make_unique<cs::Adam>(model.parameters(), o);
    step_ = std::make_unique<cs::AccumulatedStep>(model, *optimizer_, info_.batch_size);
  }
  const int n = std::min(info_.micro_batch, step_->remaining());
  std::uniform_int_distribution<int> pick(0, set.count - 1);
  std::vector<int> idx(n);
  for (int& i : idx) i = pick(rng_);
  digit_batch(x_, set, idx.data(), n);
  labels_.resize(n);
  for (int k = 0; k < n; ++k) labels_[k] = set.labels[idx[k]];
  optimizer_->lr = learning_rate;
  bool stepped = false;
  const cs::Status st = step_->add_micro_batch(x_, labels_, &stepped);
  model.eval();  // the prediction between pieces runs in inference mode
  CS_RETURN_IF_ERROR(st);
  if (!stepped) return cs::Status::ok();

  const cs::AccumulatedStepResult& done = step_->last_step();
  recent_accuracy_.push_back(static_cast<float>(done.correct) / done.samples);
  if (recent_accuracy_.size() > static_cast<size_t>(kWindow)) recent_accuracy_.erase(recent_accuracy_.begin());
  info_.loss = static_cast<float>(done.loss);
  info_.accuracy = std::accumulate(recent_accuracy_.begin(), recent_accuracy_.end(), 0.0f) / recent_accuracy_.size();
  info_.step++;
  push_curve(info_.loss_curve, info_.loss, kCurveMax);
  push_curve(info_.accuracy_curve, info_.accuracy, kCurveMax);
  weights_changed();
  return cs::Status::ok();
}

int LabTraining::run(cs::Model& model, const DigitSet& set, float learning_rate, double budget_ms,
                     const std::function<void()>& weights_changed) {
  if (!info_.running) return 0;
  const double t0 = lab_clock_ms();
  const long long step0 = info_.step;
  const cs::Status st = cs::run_pieces_within(
      budget_ms, lab_clock_ms, [&] { return micro_batch(model, set, learning_rate, weights_changed); });
  if (!st) {
    info_.error = step_ && step_->diverged() ? cs::fmt(tr(S::lab_err_diverged), info_.step) : st.message();
    info_.running = false;
  }
  info_.last_slice_ms = lab_clock_ms() - t0;
  return static_cast<int>(info_.step - step0);
}

}  // namespace cs::app
