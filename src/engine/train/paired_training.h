// paired_training.h — two classifiers trained side by side on the same batches, so their curves
// share one time axis and differ only by their settings. Each side is a configurable CNN
// (nn/cnn_builder.h) with its own optimizer and accumulated step (accumulated_step.h); one seeded
// generator draws every micro-batch once and both sides take it. Per step each side records its
// loss, accuracy, the L2 norm of every conv layer's weight gradient, and the activation statistics
// of every conv layer's output. A side whose loss stops being finite stops ("diverged at step N");
// the other goes on; so does one whose gradient or weights leave float's range. Identical settings
// on both sides give bit-identical histories.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../data/digit_bundle.h"
#include "../nn/cnn_builder.h"
#include "../nn/trace.h"
#include "accumulated_step.h"
#include "optimizer.h"

namespace cs {

enum class OptimizerKind { SGD, Momentum, Adam };  // Momentum: SGD with momentum 0.9
const char* optimizer_kind_name(OptimizerKind k);  // "sgd", "momentum", "adam"
bool parse_optimizer_kind(const std::string& name, OptimizerKind* out);

struct TrainingSideConfig {
  CnnConfig net;
  OptimizerKind optimizer = OptimizerKind::SGD;
  float learning_rate = 0.05f;
  bool operator==(const TrainingSideConfig& o) const;
};
Status validate_training_side(const TrainingSideConfig& c);  // the network's settings and the learning rate

// One conv layer's output (after its activation) in the last completed step's last micro-batch.
struct LayerActivation {
  float mean = 0, std = 0;
  float zero_fraction = 0;  // exactly zero: a ReLU that passed nothing (a "dead" unit for this input)
};

struct TrainingHistory {
  std::vector<float> loss;      // mean cross-entropy of each step's batch
  std::vector<float> accuracy;  // fraction of each step's batch classified right
  std::vector<std::vector<float>> grad_norm;  // [conv layer][step]: ||dL/dW||_2 of the step
  std::vector<std::string> layer_names;       // conv layer paths, as cnn_conv_layers
  std::vector<LayerActivation> activation;    // per conv layer, of the last step
  long long diverged_at = 0;  // the step (1-based) whose loss, a conv layer's gradient or a weight after
                              // its update was not a finite float; 0 while none was
  std::string error;          // why this side stopped (diverged, or an engine error), else empty
};

// The experiments that reproduce the course's claims, tuned on the bundled 1,000 MNIST training
// digits at seed 1, batch 32 (README, "The training lab"): "plain-vs-residual" (20 conv layers
// each), "batchnorm" (off vs on, SGD at learning rate 0.5), "init" (0.3x vs 4x PyTorch's default
// init), "same" (identical sides).
struct PairedPreset {
  const char* id;
  TrainingSideConfig left, right;
};
const std::vector<PairedPreset>& paired_training_presets();
const PairedPreset* find_paired_preset(const std::string& id);

// Loss, accuracy and every conv layer's gradient norms equal bit for bit, and the same divergence:
// what "identical settings give identical runs" means.
bool same_history(const TrainingHistory& a, const TrainingHistory& b);

class TrainingSide {
 public:
  Status configure(const TrainingSideConfig& c, uint32_t seed, int batch_size);
  // Adds one micro-batch to the step in progress; `*stepped` says whether it completed the step.
  // A non-finite loss, gradient or weight (or any engine error) stops the side: the status is ok, stopped()
  // turns true and history().error says why.
  Status add_micro_batch(const Tensor& x, const std::vector<int>& labels, bool* stepped);
  bool stopped() const { return !history_.error.empty(); }
  const TrainingHistory& history() const { return history_; }
  const TrainingSideConfig& config() const { return config_; }
  Model* model() { return model_.get(); }

 private:
  void record_step();
  TrainingSideConfig config_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<AccumulatedStep> step_;  // refers to *model_ and *optimizer_
  std::vector<std::pair<std::string, Conv2d*>> convs_;
  std::vector<std::string> outputs_;
  Trace trace_;
  TrainingHistory history_;
};

class PairedTraining {
 public:
  static constexpr long long kMaxSteps = 3000;  // a run's history is kept whole up to here
  // A piece of work (one micro-batch through both networks, forward and backward) is kept under
  // about this many multiply-accumulates, so that no piece holds a page's frame for long (about
  // 20-40 ms in wasm): a micro-batch asked for above it is made smaller.
  static constexpr double kMaxPieceMacs = 40e6;
  // Both networks start from weights drawn with `seed`, and the batches come from a generator
  // seeded with it. A step is `batch_size` digits, fed in micro-batches of `micro_batch` (or fewer:
  // kMaxPieceMacs; micro_batch() says how many).
  Status configure(const TrainingSideConfig& left, const TrainingSideConfig& right, uint32_t seed, int batch_size,
                   int micro_batch);
  // One micro-batch of `data` through both sides (a stopped side is skipped). `*stepped` says
  // whether it completed a step. Refuses an empty set and a run at kMaxSteps.
  Status run_piece(const DigitSet& data, bool* stepped);
  long long steps() const { return steps_; }
  bool finished() const;  // both sides stopped, or kMaxSteps reached
  const TrainingSide& side(int i) const { return sides_[i]; }
  TrainingSide& side(int i) { return sides_[i]; }
  uint32_t seed() const { return seed_; }
  int batch_size() const { return batch_size_; }
  int micro_batch() const { return micro_batch_; }

 private:
  TrainingSide sides_[2];
  uint32_t seed_ = 0;
  uint64_t draw_state_ = 0;
  int batch_size_ = 32, micro_batch_ = 8, in_step_ = 0;
  long long steps_ = 0;
  std::vector<int> indices_, labels_;
  Tensor x_;
};

}  // namespace cs
