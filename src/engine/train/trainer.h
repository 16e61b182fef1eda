// trainer.h — DigitNet training on MNIST in resumable slices, with no I/O and no printing (the CLI
// and the page drive it, show progress and save checkpoints):
//   data     a held-out validation split (the last `validation_size` training images), the rest
//            shuffled per epoch from (seed, epoch)
//   augment  per image, from (seed, epoch, index): stroke thickness (grey dilation/erosion), then a
//            random affine map (rotation, scale, shift) sampled bilinearly around the centre
//   optim    AdamW with a one-cycle schedule (linear warm-up, cosine decay to ~0), each batch one
//            step of accumulated_step.h (the step the page's lab takes in micro-batches)
// Deterministic for a seed and thread count: every random choice is a function of (seed, epoch,
// index), so a run resumed from a checkpoint continues exactly as the uninterrupted run.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../data/idx.h"
#include "../data/safetensors.h"
#include "../nn/model.h"
#include "accumulated_step.h"
#include "optimizer.h"

namespace cs {

struct AugmentOptions {
  float max_rotation_deg = 12.0f;
  float min_scale = 0.85f, max_scale = 1.12f;
  float max_shift = 2.5f;       // pixels
  float thicken_prob = 0.15f;   // 3x3 cross grey dilation
  float thin_prob = 0.15f;      // 3x3 cross grey erosion
};

struct TrainerOptions {
  int epochs = 4;
  int batch_size = 64;
  uint32_t seed = 1;
  float max_lr = 4e-3f;
  float weight_decay = 1e-2f;     // AdamW (decoupled)
  float warmup_fraction = 0.15f;  // of all steps
  int validation_size = 5000;
  bool augment = true;
  AugmentOptions aug;
};

// Augments one 28x28 image (values 0..1) into `out` with randomness from `rng_state`.
void augment_digit(const float* in, float* out, const AugmentOptions& o, uint64_t rng_state);

struct EvalResult {
  int count = 0, correct = 0;
  double accuracy = 0, loss = 0;
  int confusion[10][10] = {};  // [true][predicted]
  double class_accuracy(int c) const;
};
// Evaluates `model` (switched to eval mode) on images [begin, begin + count) of `set`.
Result<EvalResult> evaluate_digits(Model& model, const MnistSet& set, int begin, int count, int batch = 250);

struct TrainProgress {
  int epoch = 0;               // 0-based epoch of the next step
  int step_in_epoch = 0;
  int steps_per_epoch = 0;
  int64_t step = 0;            // global steps done
  int64_t total_steps = 0;
  float lr = 0;
  double last_loss = 0;        // mean over the steps of the last run_steps call
  double last_accuracy = 0;    // training accuracy (augmented) over those steps
  int images = 0;              // images processed in the last run_steps call
  bool finished = false;
};

class Trainer {
 public:
  // `train` must outlive the trainer. The model is trained in place.
  Trainer(Model& model, const MnistSet& train, const TrainerOptions& options);
  Status init_status() const { return status_; }

  // Runs up to `max_steps` steps (stops early at the end of training).
  Status run_steps(int max_steps);
  const TrainProgress& progress() const { return progress_; }
  bool finished() const { return progress_.finished; }
  float lr_at(int64_t step) const;  // the schedule
  int validation_begin() const { return train_count_; }
  int validation_count() const { return val_count_; }
  Result<EvalResult> validate(int batch = 250);

  // Checkpoint: weights, AdamW moments and the step counter, in one safetensors file. Tensors are
  // named "model.<key>" and "optim.<key>.exp_avg"/"exp_avg_sq"; metadata holds the step and options.
  SafeTensors checkpoint(const std::map<std::string, std::string>& extra_metadata = {});
  Status restore(const SafeTensors& checkpoint, const std::string& source);

 private:
  void make_batch(int epoch, int step_in_epoch);
  void shuffle_epoch(int epoch);

  Model& model_;
  const MnistSet& data_;
  TrainerOptions o_;
  Status status_;
  std::unique_ptr<Adam> adam_;
  std::unique_ptr<AccumulatedStep> step_;  // forward, loss, backward and the AdamW step of a batch
  int train_count_ = 0, val_count_ = 0;
  int order_epoch_ = -1;
  std::vector<int> order_;
  TrainProgress progress_;
  Tensor x_;
  std::vector<int> labels_;
};

}  // namespace cs
