// layer.h — the Layer interface every layer and block implements, and NamedTensor, one entry of a
// PyTorch-style state_dict ("blocks.1.se.fc1.bias" -> tensor, gradient, parameter or buffer).
//   forward(in, out): out is resized and overwritten (its storage reused between calls); the layer
//     keeps what its backward pass needs (a copy of the input, saved statistics).
//   backward(grad_out, grad_in): uses the caches of the last forward; writes grad_in and
//     *overwrites* the parameter gradients (one backward per optimizer step, no accumulation).
// Layers never throw; errors come back as Status naming the layer and the shapes.
// children(): the layers a block is built from, so that one walker (walk.h) finds every layer of a
//   model, under the same path its activations are traced with.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"
#include "trace.h"

namespace cs {

struct NamedTensor {
  std::string name;        // PyTorch state_dict key, e.g. "stem.0.weight", "bn.running_mean"
  Tensor* value = nullptr;
  Tensor* grad = nullptr;  // null for buffers
  bool trainable = false;  // parameter (true) or buffer (running_mean, running_var, ...)
  bool integer = false;    // int64 in PyTorch (num_batches_tracked); held here as a float scalar
};

// What a layer keeps of its forward input for backward: a pointer when the caller has promised
// (Layer::set_input_borrowed) that the input tensor outlives the next backward unchanged, else a
// copy. Sequential makes that promise for every child but the first (their inputs are its own
// per-child output buffers), which removes one full copy of every activation per forward pass
// (M1 at batch 64: ~15 MB of memmove, a fifth of the forward time).
class SavedInput {
 public:
  SavedInput() = default;
  SavedInput(const SavedInput& o) : copy_(o.copy_), ptr_(o.ptr_ == &o.copy_ ? &copy_ : o.ptr_) {}
  SavedInput& operator=(const SavedInput& o) {
    if (this != &o) {
      copy_ = o.copy_;
      ptr_ = o.ptr_ == &o.copy_ ? &copy_ : o.ptr_;
    }
    return *this;
  }
  void save(const Tensor& in, bool borrow) {
    if (borrow) {
      ptr_ = &in;
    } else {
      copy_ = in;
      ptr_ = &copy_;
    }
  }
  const Tensor& get() const { return ptr_ ? *ptr_ : copy_; }  // an empty tensor before the first save
  operator const Tensor&() const { return get(); }
  int rank() const { return get().rank(); }
  int dim(int i) const { return get().dim(i); }
  const Shape& shape() const { return get().shape(); }
  size_t numel() const { return get().numel(); }
  bool empty() const { return get().empty(); }
  const float* data() const { return get().data(); }
  std::string shape_string() const { return get().shape_string(); }

 private:
  Tensor copy_;
  const Tensor* ptr_ = nullptr;
};

class Layer;

// One layer a block is built from, with the path segment its activations are traced under ("body"
// of a Residual; "" where they are traced under the block's own prefix, as MBConv's inner layers).
struct LayerChild {
  std::string label;
  Layer* layer;
};

class Layer {
 public:
  virtual ~Layer() = default;
  virtual const char* type() const = 0;                    // "Conv2d", as PyTorch's class name
  virtual std::string describe() const { return std::string(type()) + "()"; }  // like PyTorch's repr

  virtual Status forward(const Tensor& in, Tensor& out) = 0;
  virtual Status backward(const Tensor& grad_out, Tensor& grad_in) = 0;
  // Inference only: the same output as forward, but no backward may follow and containers need
  // not keep every child's output (Sequential fuses Conv2d + ReLU into one pass over the output).
  virtual Status infer(const Tensor& in, Tensor& out) { return forward(in, out); }

  // train() / eval(): BatchNorm uses batch or running statistics, Dropout drops or passes.
  virtual void set_training(bool training) { training_ = training; }
  bool training() const { return training_; }

  // The caller promises that the `in` tensor of each forward stays alive and unchanged until the
  // next forward (or the backward that follows it), so the layer may keep a pointer instead of a
  // copy (SavedInput). Off by default; Sequential turns it on for its children.
  virtual void set_input_borrowed(bool borrowed) { borrow_input_ = borrowed; }

  // Appends parameters and buffers in PyTorch's state_dict order (own tensors, then children),
  // each name prefixed with `prefix` ("blocks.1.").
  virtual void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
    (void)prefix;
    (void)out;
  }
  // After forward: records internal activations of composite layers under `prefix` ("block2.se.").
  // A layer's own output is recorded by its container, not here.
  virtual void trace_internals(const std::string& prefix, Trace& trace) const {
    (void)prefix;
    (void)trace;
  }
  // Multiply-accumulates of the last forward pass (convolutions and linear layers; elementwise
  // work is not counted, as most profilers). Containers sum their children.
  virtual int64_t macs() const { return 0; }
  // Appends the layers this one is built from, in forward order (none for a plain layer); they are
  // owned by this one and live as long as it does.
  virtual void children(std::vector<LayerChild>& out) { (void)out; }

 protected:
  bool training_ = true;  // PyTorch modules start in training mode
  bool borrow_input_ = false;
};

using LayerPtr = std::unique_ptr<Layer>;

}  // namespace cs
