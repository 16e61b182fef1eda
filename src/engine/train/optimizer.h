// optimizer.h — SGD (momentum, dampening, Nesterov, weight decay) and Adam / AdamW, step for step
// as torch.optim defines them, over the (value, grad) pairs a Model lists (Model::parameters()).
// Per-parameter state (momentum buffers, Adam moments) is created on the first step() and is
// readable for checkpointing (state_tensors()).
#pragma once
#include <string>
#include <vector>

#include "../nn/layer.h"
#include "../status.h"

namespace cs {

class Optimizer {
 public:
  explicit Optimizer(std::vector<NamedTensor> params) : params_(std::move(params)) {}
  virtual ~Optimizer() = default;
  virtual const char* name() const = 0;
  // Applies one update from the gradients; errors if a gradient's shape differs from its parameter's.
  virtual Status step() = 0;
  void zero_grad();
  float lr = 0.01f;
  int64_t steps() const { return step_count_; }
  // Optimizer state as named tensors ("<param>.momentum_buffer", "<param>.exp_avg", ...), for saving.
  virtual std::vector<NamedTensor> state_tensors() = 0;
  // Resuming from a checkpoint: allocate every state tensor (so state_tensors() lists them all and
  // they can be filled from the file), then restore the step counter. Only for loading: a fresh
  // SGD must not call it (PyTorch's first momentum step copies the gradient instead of decaying 0).
  virtual void init_state() = 0;
  void set_steps(int64_t n) { step_count_ = n; }

 protected:
  Status check_grads() const;
  std::vector<NamedTensor> params_;
  int64_t step_count_ = 0;
};

struct SGDOptions {
  float lr = 0.01f;
  float momentum = 0.0f;
  float dampening = 0.0f;
  float weight_decay = 0.0f;
  bool nesterov = false;
};

// torch.optim.SGD:  g = grad + wd * p;  b = g (first step) or momentum * b + (1 - dampening) * g;
//                   g = nesterov ? g + momentum * b : b;  p -= lr * g
class SGD : public Optimizer {
 public:
  SGD(std::vector<NamedTensor> params, const SGDOptions& o);
  const char* name() const override { return "SGD"; }
  Status step() override;
  std::vector<NamedTensor> state_tensors() override;
  void init_state() override;
  SGDOptions options;

 private:
  std::vector<Tensor> buf_;
};

struct AdamOptions {
  float lr = 1e-3f;
  float beta1 = 0.9f, beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
  bool decoupled = false;  // AdamW: p *= 1 - lr * wd, instead of adding wd * p to the gradient
};

// torch.optim.Adam / AdamW: m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
class Adam : public Optimizer {
 public:
  Adam(std::vector<NamedTensor> params, const AdamOptions& o);
  const char* name() const override { return options.decoupled ? "AdamW" : "Adam"; }
  Status step() override;
  std::vector<NamedTensor> state_tensors() override;
  void init_state() override;
  AdamOptions options;

 private:
  std::vector<Tensor> m_, v_;
};

}  // namespace cs
