// digit_lab_model.h — the digit lab's engine side, without ImGui: the bundled digits, the current
// input (drawing, gallery digit or photo) turned into MNIST's 28x28 by engine/data/digit_input,
// DigitNet's prediction and trace (digit_lab_model.cpp), the SE statistics over the bundled test
// digits, accumulated in slices and cached until the weights change (lab_se_pass_model.cpp), and
// in-page training in time-boxed slices (a LabTraining, lab_training_model.h). Panels read it;
// digit_lab.cpp drives it once per frame.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "digit_bundle_model.h"
#include "draw_pad_model.h"
#include "lab_training_model.h"
#include "engine/data/digit_input.h"
#include "engine/nn/digitnet.h"
#include "engine/nn/model.h"
#include "engine/nn/receptive_field.h"
#include "engine/nn/saliency.h"
#include "engine/nn/se_stats.h"
#include "engine/nn/squeeze_excite.h"
#include "engine/status.h"

namespace cs::app {

// The SE blocks of a model in forward order, named by their Trace prefix ("blocks.1.se").
using SeBlockRef = cs::SeBlock;  // the engine's one walk of the layer tree finds them
std::vector<SeBlockRef> find_se_blocks(cs::Model& model);

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

class LabSession;

// The steady clock in milliseconds (the session's timings and budgets).
double lab_clock_ms();
// Digits `indices` of `set` as the network's input batch (n, 1, 28, 28) in [0, 1].
void digit_batch(cs::Tensor& x, const DigitSet& set, const int* indices, int n);

// The saliency map the lab shows (input view, pad overlay, state()) for `mode` (DigitLabState::
// saliency_mode: 1 Grad-CAM resized to 28x28, 2 |input gradient|) and its largest value, the top of
// the colour scale. `map` is null (and max 0) when the mode is off or the session has no saliency.
struct ShownSaliency {
  const float* map = nullptr;  // kDigitPixels values, row-major 28x28
  float max = 0.0f;
};
ShownSaliency shown_saliency_map(const LabSession& s, int mode);

class LabSession {
 public:
  // Uses the digits parsed by the app (app_bundled_digits parses digits.bin once for the lessons and
  // the lab; this class never parses it). Null keeps the session usable for drawing, without gallery
  // or training, and digits_error() says `why_missing`.
  void use_digits(std::shared_ptr<const DigitBundle> digits, const std::string& why_missing = "no bundled digits");
  bool has_digits() const { return digits_ok_; }
  const DigitBundle& digits() const { return *digits_; }
  const std::string& digits_error() const { return digits_error_; }

  // [input] Each returns true when the 28x28 the network sees changed.
  bool use_drawing(const DrawPad& pad);            // re-prepares only when pad.revision() changed
  bool use_gallery(int test_index);                // false if out of range
  bool use_photo(const cs::GreyImage& grey);
  // The last photo as the pad shows it (at most DrawPad::kDefaultSide on its longer side, the engine's
  // grey levels: 0 black .. 1 white); empty before the first photo.
  const cs::GreyImage& photo_preview() const { return photo_preview_; }
  const cs::DigitSteps& steps() const { return steps_; }  // preprocessing of a drawing or photo
  const cs::DigitStages& photo_stages() const { return photo_stages_; }  // the last photo's pictures between steps
  bool input_is_mnist() const { return from_gallery_; }   // gallery digits skip preprocessing
  const std::vector<float>& input28() const { return input28_; }  // (28*28) in [0,1], ink = 1
  bool has_input() const { return has_input_; }
  long long input_revision() const { return input_revision_; }
  long long pad_revision() const { return pad_revision_; }  // DrawPad::revision() prepared last (-1: not a drawing)
  double prepare_ms() const { return prepare_ms_; }

  // [gallery] class-grouped order, and rows of at most `columns` cells starting a new row per class.
  struct GalleryRow {
    int label = 0;
    int first = 0;  // position in gallery_order()
    int count = 0;
  };
  const std::vector<int>& gallery_order() const { return gallery_order_; }
  std::vector<GalleryRow> gallery_rows(int columns) const;

  // [network] `factory` builds a freshly initialised network from a seed (DigitNet's layout);
  // `weights` are the shipped safetensors (may be empty: the network starts untrained).
  using ModelFactory = std::function<std::unique_ptr<cs::Model>(uint32_t seed)>;
  cs::Status init_network(ModelFactory factory, const uint8_t* weights, size_t size);
  // Weights from a safetensors file the user opened (`name` for messages and the panel), checked by
  // the engine (engine/nn/digitnet load_digitnet_state: architecture, every name and shape; the
  // parser: header, dtype F32/F16, byte ranges, finite values) before anything is copied: a refused
  // file returns why and leaves the network's weights as they were.
  cs::Status load_weights(const uint8_t* bytes, size_t size, const std::string& name);
  cs::Status reset_to_shipped();        // the weights given to init_network
  cs::Status reinitialise(uint32_t seed);  // from scratch (random init)
  // Which weights the network holds: the shipped file, a file the user opened, or a random start;
  // plus the training steps taken since (training changes whichever they were).
  enum class WeightsSource { Shipped, File, Scratch };
  WeightsSource weights_source() const { return weights_source_; }
  const std::string& weights_name() const { return weights_name_; }  // file name ("" from scratch)
  long long steps_since_weights() const { return training_.info().step - weights_step_; }
  bool has_network() const { return model_ != nullptr; }
  bool has_shipped_weights() const { return !shipped_.empty(); }
  const std::string& network_error() const { return network_error_; }
  cs::Model* model() { return model_.get(); }
  long long model_revision() const { return model_revision_; }  // +1 for every network built (not for new weights)
  long long weights_revision() const { return weights_revision_; }
  int64_t parameter_count() const { return parameter_count_; }

  // [prediction] Runs DigitNet (batch 1, eval mode, traced) when the input, the weights or an SE
  // override changed since the last call. Returns true if it ran.
  bool update_prediction();
  const std::vector<float>& probabilities() const { return probs_; }  // softmax of the logits
  int predicted() const { return predicted_; }  // -1 without input or network
  double inference_ms() const { return inference_ms_; }
  const cs::Trace& trace() const { return trace_; }
  long long prediction_revision() const { return prediction_revision_; }

  // [explanations] Input gradient and Grad-CAM (at engine default_cam_layer: DigitNet's "head") of class
  // `cls` for the current input, from engine/nn/saliency (eval mode, parameter gradients untouched: safe
  // between training steps). Recomputed only when the prediction (input, weights, SE overrides) or the
  // class changed; returns true if it ran.
  bool update_saliency(int cls);
  bool has_saliency() const { return saliency_ok_; }
  const cs::SaliencyMaps& saliency() const { return saliency_; }
  const std::vector<float>& saliency_magnitude() const { return saliency_abs_; }  // |input gradient|, 28x28
  const std::string& saliency_error() const { return saliency_error_; }
  double saliency_ms() const { return saliency_ms_; }
  long long saliency_runs() const { return saliency_runs_; }  // computations so far (the cache at work)
  // The box on the 28x28 input that unit (y, x) of the traced activation `name` reads (engine/nn/receptive_field).
  cs::Result<cs::ReceptiveField> receptive_field(const std::string& name, int y, int x) const;

  // [SE]
  const std::vector<SeBlockRef>& se_blocks() const { return se_; }
  std::vector<float> current_excitation(int block) const;  // of the current input (raw, before overrides)
  // Overrides one channel's excitation (NaN removes the override); kept across weight changes.
  cs::Status set_se_override(int block, int channel, float value);
  float se_override(int block, int channel) const;  // NaN when none
  void clear_se_overrides();
  // Advances the SE statistics over the bundled test digits within `budget_ms` (batches of at most
  // `batch` digits, each sized to fit what is left at the speed measured so far). A batch that would not
  // fit is not started: a call may do nothing, but after `max_idle_calls` idle calls in a row the next
  // runs one digit anyway, so a pass always ends (0: every call runs at least one digit).
  // A pass restarts when the weights changed (while training: when it has finished, so the heatmap
  // follows the learning); `stats()` is the last complete pass, `pending()` the one being accumulated.
  void step_se_stats(double budget_ms, int batch = 10, int max_idle_calls = 0);
  // The last call: its CPU time, digits and forward passes (the granularity the budget works with).
  struct SeStep {
    double ms = 0;
    int digits = 0, batches = 0;
    int idle_calls = 0;           // calls in a row that ran nothing (budget too small for one digit)
    double ms_per_digit = 0;      // the estimate batches are sized with
  };
  const SeStep& last_se_step() const { return se_step_; }
  // The same pass in time the platform found idle between two frames (platform_run_when_idle): batches
  // that fit `budget_ms` at the measured speed (one digit while the speed is unknown), never forced, so
  // a slice too short does nothing. Shares the pass with step_se_stats: both add to pending() in digit
  // order, so the statistics do not depend on how the digits were split. Returns the digits run.
  int step_se_stats_idle(double budget_ms, int batch = 10);
  struct SeIdle {
    double ms = 0;            // CPU time of all idle slices so far
    long long digits = 0, slices = 0, empty_slices = 0;
  };
  const SeIdle& se_idle() const { return se_idle_; }
  bool se_pass_running() const;  // a pass is under way or due (the weights changed since the last one)
  const SeStats& stats() const { return stats_; }
  const SeStats& pending() const { return pending_; }
  long long se_passes() const { return se_passes_; }  // passes completed so far (each one refreshed stats())

  // [training] on the bundled training digits (lab_training_model.h: the job itself).
  void start_training();  // or says why not in training().error
  void pause_training() { training_.pause(); }
  // Runs whole steps until `budget_ms` is used (at least one micro-batch when running), with the SE
  // overrides lifted (training updates the real network). Returns steps run.
  int step_training(double budget_ms);
  const TrainInfo& training() const { return training_.info(); }
  float learning_rate = 1e-3f;
  static constexpr int kWindow = LabTraining::kWindow;  // batches in the running accuracy

 private:
  void after_weights_changed();
  cs::Status load_checked(const uint8_t* bytes, size_t size, const std::string& name);
  void apply_overrides();
  bool se_begin();  // starts or restarts a pass when due; false when there is nothing to do
  // Runs batches of at most `batch` digits while they fit `budget_ms` (the first one always when
  // `force_first`); adds them to pending_. Returns digits run; `batches` receives the forward passes.
  int se_run_batches(double budget_ms, int batch, bool force_first, int* batches);
  std::shared_ptr<const DigitBundle> digits_ = std::make_shared<const DigitBundle>();  // never null
  bool digits_ok_ = false;
  std::string digits_error_ = "no bundled digits";
  std::vector<int> gallery_order_;

  cs::DigitSteps steps_;
  cs::DigitStages photo_stages_;
  std::vector<float> input28_ = std::vector<float>(kDigitPixels, 0.0f);
  bool has_input_ = false;
  bool from_gallery_ = false;
  long long pad_revision_ = -1;
  long long input_revision_ = 0;
  double prepare_ms_ = 0;
  cs::GreyImage photo_preview_;

  ModelFactory factory_;
  std::unique_ptr<cs::Model> model_;
  std::vector<uint8_t> shipped_;
  std::string network_error_ = "no network";
  WeightsSource weights_source_ = WeightsSource::Scratch;
  std::string weights_name_;
  long long weights_step_ = 0;  // train_.step when the weights were loaded or reinitialised
  long long weights_revision_ = 0;
  long long model_revision_ = 0;
  int64_t parameter_count_ = 0;
  std::vector<SeBlockRef> se_;
  std::vector<std::vector<float>> overrides_;  // [block][channel], NaN = none
  long long override_revision_ = 0;

  cs::Tensor x_, logits_, probs_t_, grad_logits_, grad_in_;
  cs::Trace trace_;
  std::vector<float> probs_;
  int predicted_ = -1;
  double inference_ms_ = 0;
  long long seen_input_ = -1, seen_weights_ = -1, seen_overrides_ = -1;
  long long prediction_revision_ = 0;

  cs::SaliencyMaps saliency_;
  std::vector<float> saliency_abs_;
  bool saliency_ok_ = false;
  std::string saliency_error_;
  double saliency_ms_ = 0;
  long long saliency_runs_ = 0;
  long long saliency_revision_ = -1;
  int saliency_class_ = -1;

  SeStats stats_, pending_;
  std::vector<int> se_sample_;  // the test digits of a sampled pass (the same number of each class); empty: all
  long long se_passes_ = 0;
  cs::Tensor se_x_, se_logits_;
  std::vector<int> se_idx_;  // the test digits of the batch being run
  std::vector<int> se_labels_;  // and their labels
  SpeedEstimate se_speed_;  // forward time per digit of the last SE batches (sizes the next one)
  SeStep se_step_;
  SeIdle se_idle_;

  LabTraining training_;  // holds an engine step that refers to *model_: forgotten when it changes
};

}  // namespace cs::app
