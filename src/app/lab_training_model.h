// lab_training_model.h — the digit lab's in-page training, one job: batches of the bundled training
// digits drawn with a seeded generator, handed in micro-batches to the engine's accumulated Adam step
// inside a frame's time budget (engine/train/accumulated_step), and the loss / accuracy history the
// training panel draws. The network and the digits are the session's (digit_lab_model.h), lent per call.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "digit_bundle_model.h"
#include "engine/nn/model.h"
#include "engine/status.h"
#include "engine/train/accumulated_step.h"
#include "engine/train/optimizer.h"

namespace cs::app {

struct TrainInfo {
  bool running = false;
  long long step = 0;
  float loss = 0.0f;          // mean cross-entropy of the last batch
  float accuracy = 0.0f;      // fraction correct over the last LabTraining::kWindow batches
  int batch_size = 16;
  int micro_batch = 4;        // samples per forward/backward: a step is spread over frames in pieces
  double last_slice_ms = 0;
  std::vector<float> loss_curve, accuracy_curve;  // one point per step (capped, decimated)
  std::string error;
};

class LabTraining {
 public:
  static constexpr int kWindow = 20;    // batches in the running accuracy
  static constexpr size_t kCurveMax = 600;

  void start();
  void refuse(const std::string& why) { info_.error = why; }  // why it cannot start
  void pause() { info_.running = false; }
  // Runs micro-batches of `set` on `model` at `learning_rate` until `budget_ms` is used (at least one
  // while running); `weights_changed` runs after every completed step. An engine error pauses
  // training with the error in info(). Returns the steps completed.
  int run(cs::Model& model, const DigitSet& set, float learning_rate, double budget_ms,
          const std::function<void()>& weights_changed);
  // The weights were replaced: Adam's moments and a half-accumulated step belong to the old ones.
  void forget_step();
  // A fresh network: a fresh history (running or paused stays as it was).
  void restart_history();
  const TrainInfo& info() const { return info_; }

 private:
  cs::Status micro_batch(cs::Model& model, const DigitSet& set, float learning_rate,
                         const std::function<void()>& weights_changed);
  TrainInfo info_;
  std::unique_ptr<cs::Adam> optimizer_;
  std::unique_ptr<cs::AccumulatedStep> step_;  // refers to the model and to *optimizer_
  std::mt19937 rng_{1234};
  cs::Tensor x_;
  std::vector<int> labels_;
  std::vector<float> recent_accuracy_;  // of the last kWindow steps
};

}  // namespace cs::app
