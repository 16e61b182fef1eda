// lab_se_pass_model.cpp — the digit lab's SE statistics pass and its scheduling (see
// lab_se_pass_model.h), and the per-class mean / spread / channel order the SE panel shows.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "lab_se_pass_model.h"

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

bool LabSePass::begin(const SePassInputs& in) {
  if (!in.model || !in.set || !in.se || in.se->empty()) return false;
  const DigitSet& set = *in.set;
  // While training, the weights change every step: a pass then covers a sample of the digits and runs
  // to its end over changing weights (a live view, marked as not current) before the next one starts,
  // instead of restarting forever and never showing anything. A full pass follows when training stops.
  const bool live = in.training;
  const bool stale = pending_.weights_revision != in.weights_revision;
  const bool restart = pending_.total == 0 || (!live && pending_.live) ||
                       (stale && (!live || pending_.complete() || !pending_.live));
  if (restart) {
    pending_ = SeStats{};
    pending_.weights_revision = in.weights_revision;
    pending_.population = set.count;
    pending_.live = live;
    // A sample holds the first kSeLiveSample / 10 digits of each class, so every row of the heatmap
    // is measured whatever order the bundle keeps its digits in.
    sample_.clear();
    if (live && set.count > kSeLiveSample) {
      int taken[10] = {0};
      for (int i = 0; i < set.count && static_cast<int>(sample_.size()) < kSeLiveSample; ++i) {
        const int d = set.labels[i];
        if (d >= 0 && d < 10 && taken[d] < kSeLiveSample / 10) {
          ++taken[d];
          sample_.push_back(i);
        }
      }
    }
    pending_.total = sample_.empty() ? set.count : static_cast<int>(sample_.size());
    pending_.started_ms = lab_clock_ms();
    pending_.reset(*in.se);
  }
  return !pending_.complete();  // complete: up to date, stats_ took the pass when it completed
}

bool LabSePass::running(const SePassInputs& in) const {
  if (!in.model || !in.set || !in.se || in.se->empty()) return false;
  return !pending_.complete() || pending_.weights_revision != in.weights_revision ||
         (!in.training && pending_.live);
}

// Each batch holds as many digits as fit in what is left of the budget at the speed measured so far
// (with a 25% margin: a small batch costs more per digit), one while the speed is unknown. A batch that
// does not fit is not started, so the budget holds however coarse a digit is. Eval mode: every digit's
// excitations are the same whatever batch it is in, so the sums do not depend on the split.
int LabSePass::run_batches(const SePassInputs& in, double budget_ms, int batch, bool force_first, int* batches) {
  constexpr double kMargin = 1.25;
  const DigitSet& set = *in.set;
  int digits = 0;
  bool lifted = false;
  const double t0 = lab_clock_ms();
  for (bool first = true; !pending_.complete(); first = false) {
    const double left = budget_ms - (lab_clock_ms() - t0);
    int n = std::min(batch, pending_.total - pending_.done);
    // Clamped as a double before the cast: a very fast forward (or a coarse clock) makes the quotient
    // huge, and an out-of-range float-to-int conversion traps in wasm.
    const double per = speed_.ms_per_item();
    const double fit = per > 0 ? left / (per * kMargin) : 1.0;
    if (fit < 1.0 && !(first && force_first)) break;
    n = static_cast<int>(std::clamp(fit, 1.0, double(n)));
    if (!lifted) {
      // The statistics describe the network itself: overrides are lifted for these passes.
      for (const SeBlockRef& r : *in.se) r.se->clear_excitation_overrides();
      in.model->eval();
      lifted = true;
    }
    idx_.resize(n);
    labels_.resize(n);
    for (int k = 0; k < n; ++k) {
      idx_[k] = sample_.empty() ? pending_.done + k : sample_[pending_.done + k];
      labels_[k] = set.labels[idx_[k]];
    }
    digit_batch(x_, set, idx_.data(), n);
    const double tb = lab_clock_ms();
    if (!cs::accumulate_se_class_sums(*in.model, *in.se, x_, labels_.data(), pending_, logits_)) break;
    pending_.forward_ms += lab_clock_ms() - tb;
    speed_.add(lab_clock_ms() - tb, n);
    pending_.done += n;
    digits += n;
    ++*batches;
  }
  if (lifted && in.restore_overrides) in.restore_overrides();
  if (pending_.complete()) {
    pending_.wall_ms = lab_clock_ms() - pending_.started_ms;
    stats_ = pending_;
    ++passes_;
  }
  return digits;
}

void LabSePass::step(const SePassInputs& in, double budget_ms, int batch, int max_idle_calls) {
  step_.ms = 0;
  step_.digits = step_.batches = 0;
  if (!begin(in)) return;
  // A call that can start no batch is idle; after max_idle_calls of those one digit runs anyway.
  constexpr double kMargin = 1.25;
  const bool starved = step_.idle_calls >= max_idle_calls;
  const double per = speed_.ms_per_item();
  if (per > 0 && budget_ms < per * kMargin && !starved) {
    step_.idle_calls++;
    return;
  }
  const double t0 = lab_clock_ms();
  step_.digits = run_batches(in, budget_ms, batch, /*force_first=*/true, &step_.batches);
  step_.ms = lab_clock_ms() - t0;
  step_.idle_calls = 0;
  step_.ms_per_digit = speed_.ms_per_item();
}

int LabSePass::step_idle(const SePassInputs& in, double budget_ms, int batch) {
  if (!begin(in)) return 0;
  const double t0 = lab_clock_ms();
  int batches = 0;
  const int digits = run_batches(in, budget_ms, batch, /*force_first=*/false, &batches);
  idle_.ms += lab_clock_ms() - t0;
  idle_.digits += digits;
  idle_.slices++;
  idle_.empty_slices += digits == 0;
  return digits;
}

}  // namespace cs::app
