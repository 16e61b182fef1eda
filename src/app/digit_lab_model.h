// digit_lab_model.h — the digit lab's engine side, without ImGui: the bundled digits, the current
// input (drawing, gallery digit or photo) turned into MNIST's 28x28 by engine/data/digit_input,
// DigitNet's prediction and trace (digit_lab_model.cpp), the SE statistics over the bundled test
// digits, accumulated in slices and cached until the weights change (a LabSePass,
// lab_se_pass_model.h), and in-page training in time-boxed slices (a LabTraining, lab_training_model.h). Panels read it;
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
#include "lab_se_pass_model.h"
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
std::vector<SeBlockRef> find_se_blocks(cs::Model& model);

class LabSession;

// The steady clock in milliseconds (the session's timings and budgets).
double lab_clock_ms();

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
  // The SE statistics over the bundled test digits (lab_se_pass_model.h: the job itself), on this
  // session's network and digits; the student's overrides are lifted for the pass's batches.
  void step_se_stats(double budget_ms, int batch = 10, int max_idle_calls = 0) {
    se_pass_.step(se_pass_inputs(), budget_ms, batch, max_idle_calls);
  }
  int step_se_stats_idle(double budget_ms, int batch = 10) { return se_pass_.step_idle(se_pass_inputs(), budget_ms, batch); }
  using SeStep = LabSePass::Step;
  using SeIdle = LabSePass::Idle;
  const SeStep& last_se_step() const { return se_pass_.last_step(); }
  const SeIdle& se_idle() const { return se_pass_.idle(); }
  bool se_pass_running() const { return se_pass_.running(se_pass_view()); }
  const SeStats& stats() const { return se_pass_.stats(); }
  const SeStats& pending() const { return se_pass_.pending(); }
  long long se_passes() const { return se_pass_.passes(); }

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
  SePassInputs se_pass_view() const;  // what the pass works on, without the overrides' callback
  SePassInputs se_pass_inputs();
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

  LabSePass se_pass_;
  LabTraining training_;  // holds an engine step that refers to *model_: forgotten when it changes
};

}  // namespace cs::app
