// lab_se_pass_model.h — the digit lab's SE statistics pass, one job: the mean and spread of every SE
// block's excitation per digit class over the bundled test digits (a sample of them while training),
// run in batches sized to each slice's budget (frames, or idle time between them) and kept until the
// weights change; the sums are the engine's accumulate_se_class_sums, as in `convscope se-stats`. The
// network, its SE blocks and the digits are the session's (digit_lab_model.h), lent per call.
#pragma once
#include <functional>
#include <vector>

#include "digit_bundle_model.h"
#include "engine/nn/model.h"
#include "engine/nn/se_stats.h"
#include "engine/tensor.h"

namespace cs::app {

// An SE block of the network, named by its Trace prefix ("blocks.1.se").
using SeBlockRef = cs::SeBlock;  // the engine's one walk of the layer tree finds them

// Mean and spread of each SE block's excitation per digit class, over a set of digits: the engine's
// sums (blocks with name, channels, sum, sumsq per class; count; correct) and the pass around them.
struct SeStats : cs::SeClassSums {
  int done = 0, total = 0;   // digits accumulated / digits in the pass
  int population = 0;        // bundled test digits; a pass while training covers a sample (total < population)
  bool live = false;         // started while training: over changing weights, on the sample
  double forward_ms = 0;     // time spent in the network's forward passes of this pass (its CPU cost)
  double started_ms = 0, wall_ms = 0;  // when the pass started (steady clock), and how long it took to complete
  long long weights_revision = -1;  // weights the pass started with
  bool complete() const { return total > 0 && done == total; }
  bool sampled() const { return total < population; }
  float mean(int b, int digit, int c) const;
  float stddev(int b, int digit, int c) const;
  // Channel order for display: by variance of the per-digit means across the 10 digits, largest
  // first (the channels that tell digits apart); ties keep channel order.
  std::vector<int> order_by_variance(int b) const;
};

// The cost of one item of batched work (an SE digit) from the last few batches: the smallest per-item
// time among them. Time slicing on a shared machine only ever adds to a measurement (the thread was
// preempted, the browser ran a task): one slow batch must not make the estimate so large that no
// slice fits a batch any more (seen: a pass over 1000 digits took 42 s instead of ~2 s under load),
// while a real slowdown still shows once every remembered batch is slow.
class SpeedEstimate {
 public:
  static constexpr int kRemembered = 8;
  void add(double ms, int items);  // a batch of `items` (>= 1) took `ms`
  double ms_per_item() const;      // 0 until the first batch
 private:
  double recent_[kRemembered] = {};
  int count_ = 0, next_ = 0;
};

// How a frame takes part in the SE pass (digit_lab.cpp feeds it what the platform says). With an idle
// service that is delivering (an idle slice ran digits within the last `grace_frames` frames), the
// frame does none of it: the whole pass runs between frames and the frame keeps its CPU time
// (the 4 ms frame budget). Otherwise (no idle service, or it has been starved that long: the page is busy, the
// browser finds no idle time) frames take what is left under `target_ms` (the frame's own work and
// the part outside the app set aside), with one digit forced every `max_idle_frames` frames.
struct SeFramePlan {
  bool run = false;        // call step_se_stats this frame
  double budget_ms = 0;
  int max_idle_calls = 0;  // step_se_stats's starvation bound
};
struct SeFrameInputs {
  bool idle_service = false;        // platform_run_when_idle took the last request
  int frames_without_idle_progress = 0;
  double spent_ms = 0;              // this frame so far
  double outside_ms = 0;            // the part of recent frames outside the app (input, render, GL)
};
constexpr double kSeFrameTargetMs = 3.0;  // a frame that runs SE digits ends under this (the frame budget is 4 ms)
constexpr int kSeIdleGraceFrames = 30;    // ~0.5 s at 60 fps without an idle digit: frames take over
constexpr int kSeMaxIdleFrames = 32;      // 1 frame in 32 may overshoot: the 95th percentile holds
SeFramePlan se_frame_plan(const SeFrameInputs& in);

// While "Train it live" runs, the weights change every step and a pass over all 1000 test digits
// (~0.7 s of CPU in wasm) would never get its turn beside training's slices: the heatmap would freeze
// on the old weights. So a training frame's budget is shared: training keeps most of it, the SE pass
// gets the rest (at least one digit a frame, never starved), over a sample of kSeLiveSample digits
// that the panel names, so the heatmap refreshes every second or so while the network learns.
constexpr int kSeLiveSample = 100;
constexpr double kSeTrainingShare = 0.25;  // of the training budget, for the SE pass
struct TrainingSplit {
  double train_ms = 0, se_ms = 0;
};
TrainingSplit split_training_budget(double budget_ms);

// What a pass works on, lent by the session for one call. `model`, `se` and `set` are null or empty
// when the session has no network or no digits (then there is nothing to do).
struct SePassInputs {
  cs::Model* model = nullptr;
  const std::vector<SeBlockRef>* se = nullptr;
  const DigitSet* set = nullptr;                  // the bundled test digits
  long long weights_revision = 0;                 // the weights the network holds now
  bool training = false;                          // weights change every step
  std::function<void()> restore_overrides;        // after a batch: the student's SE overrides back on
};

class LabSePass {
 public:
  // Advances the statistics within `budget_ms` (batches of at most `batch` digits, each sized to fit
  // what is left at the speed measured so far). A batch that would not fit is not started: a call may
  // do nothing, but after `max_idle_calls` idle calls in a row the next runs one digit anyway, so a
  // pass always ends (0: every call runs at least one digit). A pass restarts when the weights changed
  // (while training: when it has finished, so the heatmap follows the learning); `stats()` is the last
  // complete pass, `pending()` the one being accumulated.
  void step(const SePassInputs& in, double budget_ms, int batch, int max_idle_calls);
  // The same pass in time the platform found idle between two frames: batches that fit `budget_ms` at
  // the measured speed (one digit while the speed is unknown), never forced, so a slice too short does
  // nothing. Shares the pass with step(): both add to pending() in digit order, so the statistics do
  // not depend on how the digits were split. Returns the digits run.
  int step_idle(const SePassInputs& in, double budget_ms, int batch);
  bool running(const SePassInputs& in) const;  // a pass is under way or due

  // The last step(): its CPU time, digits and forward passes (the granularity the budget works with).
  struct Step {
    double ms = 0;
    int digits = 0, batches = 0;
    int idle_calls = 0;           // calls in a row that ran nothing (budget too small for one digit)
    double ms_per_digit = 0;      // the estimate batches are sized with
  };
  struct Idle {
    double ms = 0;            // CPU time of all idle slices so far
    long long digits = 0, slices = 0, empty_slices = 0;
  };
  const Step& last_step() const { return step_; }
  const Idle& idle() const { return idle_; }
  const SeStats& stats() const { return stats_; }
  const SeStats& pending() const { return pending_; }
  long long passes() const { return passes_; }  // passes completed so far (each one refreshed stats())

 private:
  bool begin(const SePassInputs& in);  // starts or restarts a pass when due; false when there is nothing to do
  // Runs batches of at most `batch` digits while they fit `budget_ms` (the first one always when
  // `force_first`); adds them to pending_. Returns digits run; `batches` receives the forward passes.
  int run_batches(const SePassInputs& in, double budget_ms, int batch, bool force_first, int* batches);

  SeStats stats_, pending_;
  std::vector<int> sample_;  // the test digits of a sampled pass (the same number of each class); empty: all
  long long passes_ = 0;
  cs::Tensor x_, logits_;
  std::vector<int> idx_;     // the test digits of the batch being run
  std::vector<int> labels_;  // and their labels
  SpeedEstimate speed_;      // forward time per digit of the last batches (sizes the next one)
  Step step_;
  Idle idle_;
};

}  // namespace cs::app
