// model.h — Model: the top-level Sequential of named parts ("stem", "blocks", "head"), with
//   forward(x, logits, &trace)  — records "input" and every intermediate activation by name,
//   backward(grad_logits)       — fills every parameter's gradient,
//   state_dict()                — PyTorch names and shapes, for safetensors save/load,
//   parameters()                — trainable tensors with their gradients, for the optimizer.
#pragma once
#include <string>
#include <vector>

#include "sequential.h"
#include "trace.h"

namespace cs {

class Model {
 public:
  // Adds a top-level part (key = state_dict prefix; label = Trace prefix, defaults to key).
  Layer* add(LayerPtr layer, std::string key = "", std::optional<std::string> label = std::nullopt) {
    return root_.add(std::move(layer), std::move(key), std::move(label));
  }
  Sequential& root() { return root_; }
  const Sequential& root() const { return root_; }

  // With `trace`, it is cleared and receives "input", then each part and its internals.
  Status forward(const Tensor& in, Tensor& out, Trace* trace = nullptr);
  // Inference only (Sequential::infer: Conv2d + ReLU fused): the same output as forward, no Trace,
  // and backward is an error until the next forward. What `convscope bench` times for M1.
  Status infer(const Tensor& in, Tensor& out) {
    input_shape_ = in.shape();
    return root_.infer(in, out);
  }
  // Gradient w.r.t. the model input goes to `grad_in` if given.
  Status backward(const Tensor& grad_out, Tensor* grad_in = nullptr);
  // After backward: the gradient w.r.t. the activation the Trace records as `name` ("head", "block2",
  // "stem.act"): the output of a part reached through Sequential containers (and MBConv blocks).
  // Null when `name` is no such point, or is the model's last output (that gradient is backward's argument).
  const Tensor* output_gradient(const std::string& name) const;

  void train() { root_.set_training(true); }
  void eval() { root_.set_training(false); }
  bool training() const { return root_.training(); }

  std::vector<NamedTensor> state_dict();  // parameters and buffers, PyTorch order
  std::vector<NamedTensor> parameters();  // trainable only
  int64_t parameter_count();              // elements of trainable tensors
  int64_t macs() const { return root_.macs(); }  // of the last forward pass
  const Shape& input_shape() const { return input_shape_; }  // of the last forward pass
  void zero_grad();
  std::string describe() const { return root_.describe(); }

 private:
  Sequential root_;
  Tensor grad_in_;
  Shape input_shape_;
};

// Copies values by name from `src` (e.g. loaded from a file) into the model's tensors. Every model
// tensor must be present with the same shape unless `strict` is false; errors name the key and shapes.
struct LoadedTensor {
  std::string name;
  Tensor value;
};
Status load_state_dict(Model& model, const std::vector<LoadedTensor>& src, bool strict = true);

}  // namespace cs
