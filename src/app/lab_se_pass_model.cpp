// lab_se_pass_model.cpp — the digit lab's SE statistics pass and its scheduling: a pass over the
// bundled test digits (or a sample of them while training) run in batches sized to each slice's
// budget (frames or idle time between them), the sums by the engine's accumulate_se_class_sums (the
// same function as `convscope se-stats`), and the per-class mean / spread / channel order shown.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "digit_lab_model.h"
#include "engine/nn/se_stats.h"
#include "engine/nn/squeeze_excite.h"

namespace cs::app {

float SeStats::mean(int b, int digit, int c) const {
  const Block& bl = blocks[b];
  return count[digit] > 0 ? static_cast<float>(bl.sum[digit * bl.channels + c] / count[digit]) : 0.0f;
}

float SeStats::stddev(int b, int digit, int c) const {
  const Block& bl = blocks[b];
  const int n = count[digit];
  if (n < 2) return 0.0f;
  const double m = bl.sum[digit * bl.channels + c] / n;
  const double var = std::max(0.0, bl.sumsq[digit * bl.channels + c] / n - m * m);
  return static_cast<float>(std::sqrt(var));
}

std::vector<int> SeStats::order_by_variance(int b) const {
  const int C = blocks[b].channels;
  std::vector<double> var(C, 0.0);
  for (int c = 0; c < C; ++c) {
    // Two passes: the means are close to each other, so E[x^2] - E[x]^2 would cancel.
    double m = 0;
    for (int d = 0; d < 10; ++d) m += mean(b, d, c);
    m /= 10;
    for (int d = 0; d < 10; ++d) var[c] += (mean(b, d, c) - m) * (mean(b, d, c) - m);
  }
  std::vector<int> order(C);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int c) { return var[a] > var[c]; });
  return order;
}


void SpeedEstimate::add(double ms, int items) {
  if (items < 1) return;
  recent_[next_] = ms / items;
  next_ = (next_ + 1) % kRemembered;
  count_ = std::min(count_ + 1, kRemembered);
}

double SpeedEstimate::ms_per_item() const {
  if (count_ == 0) return 0.0;
  return *std::min_element(recent_, recent_ + count_);
}

SeFramePlan se_frame_plan(const SeFrameInputs& in) {
  SeFramePlan plan;
  if (in.idle_service && in.frames_without_idle_progress < kSeIdleGraceFrames) return plan;
  plan.run = true;
  plan.budget_ms = std::max(0.0, kSeFrameTargetMs - in.spent_ms - in.outside_ms);
  plan.max_idle_calls = kSeMaxIdleFrames;
  return plan;
}

TrainingSplit split_training_budget(double budget_ms) {
  TrainingSplit split;
  split.se_ms = std::max(1.0, budget_ms * kSeTrainingShare);
  split.train_ms = std::max(1.0, budget_ms - split.se_ms);
  return split;
}

bool LabSession::se_begin() {
  if (!model_ || !digits_ok_ || se_.empty()) return false;
  const DigitSet& set = digits_->test;
  // While training, the weights change every step: a pass then covers a sample of the digits and runs
  // to its end over changing weights (a live view, marked as not current) before the next one starts,
  // instead of restarting forever and never showing anything. A full pass follows when training stops.
  const bool live = training_.info().running;
  const bool stale = pending_.weights_revision != weights_revision_;
  const bool restart = pending_.total == 0 || (!live && pending_.live) ||
                       (stale && (!live || pending_.complete() || !pending_.live));
  if (restart) {
    pending_ = SeStats{};
    pending_.weights_revision = weights_revision_;
    pending_.population = set.count;
    pending_.live = live;
    // A sample holds the first kSeLiveSample / 10 digits of each class, so every row of the heatmap
    // is measured whatever order the bundle keeps its digits in.
    se_sample_.clear();
    if (live && set.count > kSeLiveSample) {
      int taken[10] = {0};
      for (int i = 0; i < set.count && static_cast<int>(se_sample_.size()) < kSeLiveSample; ++i) {
        const int d = set.labels[i];
        if (d >= 0 && d < 10 && taken[d] < kSeLiveSample / 10) {
          ++taken[d];
          se_sample_.push_back(i);
        }
      }
    }
    pending_.total = se_sample_.empty() ? set.count : static_cast<int>(se_sample_.size());
    pending_.started_ms = lab_clock_ms();
    pending_.reset(se_);
  }
  return !pending_.complete();  // complete: up to date, stats_ took the pass when it completed
}

bool LabSession::se_pass_running() const {
  if (!model_ || !digits_ok_ || se_.empty()) return false;
  return !pending_.complete() || pending_.weights_revision != weights_revision_ ||
         (!training_.info().running && pending_.live);
}

// Each batch holds as many digits as fit in what is left of the budget at the speed measured so far
// (with a 25% margin: a small batch costs more per digit), one while the speed is unknown. A batch that
// does not fit is not started, so the budget holds however coarse a digit is. Eval mode: every digit's
// excitations are the same whatever batch it is in, so the sums do not depend on the split.
int LabSession::se_run_batches(double budget_ms, int batch, bool force_first, int* batches) {
  constexpr double kMargin = 1.25;
  const DigitSet& set = digits_->test;
  int digits = 0;
  bool lifted = false;
  const double t0 = lab_clock_ms();
  for (bool first = true; !pending_.complete(); first = false) {
    const double left = budget_ms - (lab_clock_ms() - t0);
    int n = std::min(batch, pending_.total - pending_.done);
    // Clamped as a double before the cast: a very fast forward (or a coarse clock) makes the quotient
    // huge, and an out-of-range float-to-int conversion traps in wasm.
    const double per = se_speed_.ms_per_item();
    const double fit = per > 0 ? left / (per * kMargin) : 1.0;
    if (fit < 1.0 && !(first && force_first)) break;
    n = static_cast<int>(std::clamp(fit, 1.0, double(n)));
    if (!lifted) {
      // The statistics describe the network itself: overrides are lifted for these passes.
      for (const SeBlockRef& r : se_) r.se->clear_excitation_overrides();
      model_->eval();
      lifted = true;
    }
    se_idx_.resize(n);
    se_labels_.resize(n);
    for (int k = 0; k < n; ++k) {
      se_idx_[k] = se_sample_.empty() ? pending_.done + k : se_sample_[pending_.done + k];
      se_labels_[k] = set.labels[se_idx_[k]];
    }
    digit_batch(se_x_, set, se_idx_.data(), n);
    const double tb = lab_clock_ms();
    if (!cs::accumulate_se_class_sums(*model_, se_, se_x_, se_labels_.data(), pending_, se_logits_)) break;
    pending_.forward_ms += lab_clock_ms() - tb;
    se_speed_.add(lab_clock_ms() - tb, n);
    pending_.done += n;
    digits += n;
    ++*batches;
  }
  if (lifted) apply_overrides();
  if (pending_.complete()) {
    pending_.wall_ms = lab_clock_ms() - pending_.started_ms;
    stats_ = pending_;
    ++se_passes_;
  }
  return digits;
}

void LabSession::step_se_stats(double budget_ms, int batch, int max_idle_calls) {
  se_step_.ms = 0;
  se_step_.digits = se_step_.batches = 0;
  if (!se_begin()) return;
  // A call that can start no batch is idle; after max_idle_calls of those one digit runs anyway.
  constexpr double kMargin = 1.25;
  const bool starved = se_step_.idle_calls >= max_idle_calls;
  const double per = se_speed_.ms_per_item();
  if (per > 0 && budget_ms < per * kMargin && !starved) {
    se_step_.idle_calls++;
    return;
  }
  const double t0 = lab_clock_ms();
  se_step_.digits = se_run_batches(budget_ms, batch, /*force_first=*/true, &se_step_.batches);
  se_step_.ms = lab_clock_ms() - t0;
  se_step_.idle_calls = 0;
  se_step_.ms_per_digit = se_speed_.ms_per_item();
}

int LabSession::step_se_stats_idle(double budget_ms, int batch) {
  if (!se_begin()) return 0;
  const double t0 = lab_clock_ms();
  int batches = 0;
  const int digits = se_run_batches(budget_ms, batch, /*force_first=*/false, &batches);
  se_idle_.ms += lab_clock_ms() - t0;
  se_idle_.digits += digits;
  se_idle_.slices++;
  se_idle_.empty_slices += digits == 0;
  return digits;
}

}  // namespace cs::app
