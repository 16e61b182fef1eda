// accumulated_step.h — one optimizer step of a classifier over a batch of N samples given in
// micro-batches: forward, cross-entropy and backward per micro-batch, the gradients summed weighted
// n_i / N, the optimizer's step once N samples are in; and the loop that runs micro-batches inside
// a time budget. In: the model, its optimizer, micro-batches (x, labels). Out: the step's mean loss
// and correct count. No I/O, no data source: the caller draws the batches (the CLI's Trainer from
// MNIST, the page's lab from its bundled digits), so two networks can be trained on the same ones.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "../nn/model.h"
#include "../status.h"
#include "optimizer.h"

namespace cs {

// The step that completed last.
struct AccumulatedStepResult {
  double loss = 0;  // mean cross-entropy over its N samples
  int correct = 0;  // samples whose largest logit is the label (the first of equal maxima)
  int samples = 0;  // N
};

class AccumulatedStep {
 public:
  // `model` and `optimizer` (built over model.parameters()) must outlive this object.
  AccumulatedStep(Model& model, Optimizer& optimizer, int batch_size);
  Status init_status() const { return status_; }
  int batch_size() const { return batch_size_; }
  int samples_in_step() const { return samples_; }  // of the step being accumulated
  int remaining() const { return batch_size_ - samples_; }

  // Forward (training mode), loss and backward over `x` (n, ...) with `labels` (n <= remaining()).
  // Sets `*stepped` to whether this micro-batch completed the batch and the optimizer stepped (at
  // its current lr); last_step() then describes that step. The gradient of a step is
  // sum_i (n_i / N) grad_i: one batch of N exactly when the network has no BatchNorm (which
  // normalises each micro-batch with its own statistics). A batch given whole is not copied.
  // A non-finite loss is an error and nothing is accumulated. `trace` (may be null) records the
  // micro-batch's forward activations.
  Status add_micro_batch(const Tensor& x, const std::vector<int>& labels, bool* stepped, Trace* trace = nullptr);
  const AccumulatedStepResult& last_step() const { return last_; }
  // True once a micro-batch's loss was not finite (add_micro_batch returned the error saying so).
  bool diverged() const { return diverged_; }
  // Drops the part of a step accumulated so far (the weights were replaced under it).
  void discard_partial_step();

 private:
  bool diverged_ = false;
  Model& model_;
  Optimizer& optimizer_;
  int batch_size_;
  Status status_;
  std::vector<NamedTensor> params_;
  std::vector<Tensor> accum_;  // the weighted gradient sum of the step so far (empty until needed)
  int samples_ = 0, correct_ = 0;
  double loss_sum_ = 0;        // sum of n_i * loss_i
  AccumulatedStepResult last_;
  Tensor logits_, probs_, grad_logits_;
  std::vector<int> predicted_;
};

// Runs `micro_batch` (one piece of work) until `budget_ms` on `clock_ms` is used: always once, then
// again while the time so far plus one more piece at the mean cost so far stays under the budget,
// so a slice ends before a piece would overrun it. Stops at the first error. `pieces_run` (may be
// null) receives the pieces run. The numbers trained do not depend on the budget: only how many
// pieces a call runs does. `wanted` (may be empty) is asked before every piece, the first too: a
// false answer ends the slice (a step target reached, nothing left to run).
Status run_pieces_within(double budget_ms, const std::function<double()>& clock_ms,
                         const std::function<Status()>& micro_batch, int* pieces_run = nullptr,
                         const std::function<bool()>& wanted = {});

}  // namespace cs
