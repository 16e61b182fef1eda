// sequential.h — Sequential: runs child layers in order, keeps every child's output (for backward
// and the Trace), and backpropagates in reverse. Each child has
//   key   — its state_dict name component, "0", "1", ... by default as nn.Sequential, or a name;
//   label — its Trace name component ("conv", "bn"); defaults to the key. An empty label makes the
//           child transparent in the Trace: its output is not recorded and its internals appear under
//           the parent's prefix (a "blocks" Sequential whose children are traced as "block1", "block2").
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "layer.h"

namespace cs {

class Sequential : public Layer {
 public:
  const char* type() const override { return "Sequential"; }
  std::string describe() const override;  // multi-line, like PyTorch's print(model)

  // Adds a child; returns a pointer to it (owned by this Sequential) for configuration.
  Layer* add(LayerPtr layer, std::string key = "", std::optional<std::string> label = std::nullopt);
  template <typename T>
  T* add_as(T* layer, std::string key = "", std::optional<std::string> label = std::nullopt) {
    add(LayerPtr(layer), std::move(key), std::move(label));
    return layer;
  }

  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  // Children's infer in order, with inference fusions: Conv2d + ReLU runs as one
  // conv2d_forward_relu; Conv2d + ReLU + MaxPool2d(2) (with or without a SqueezeExcite before
  // the pool) as one direct-convolution pass that pools in cache; SqueezeExcite + global average
  // pool as e * mean(x). The result lands in the pattern's last child's output buffer (the others
  // are then stale). A backward after infer is an error until the next forward.
  Status infer(const Tensor& in, Tensor& out) override;
  void set_training(bool training) override;
  // Passed on to the first child; the others always borrow (their inputs are this Sequential's
  // per-child output buffers, rewritten only by the next forward).
  void set_input_borrowed(bool borrowed) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  // Records each child's output as prefix + label, then the child's internals under prefix + label + ".".
  void trace_internals(const std::string& prefix, Trace& trace) const override;
  int64_t macs() const override;
  void children(std::vector<LayerChild>& out) override {
    for (Child& c : children_) out.push_back({c.label, c.layer.get()});
  }

  size_t size() const { return children_.size(); }
  Layer& child(size_t i) { return *children_[i].layer; }
  const Layer& child(size_t i) const { return *children_[i].layer; }
  const std::string& key(size_t i) const { return children_[i].key; }
  const std::string& label(size_t i) const { return children_[i].label; }
  const Tensor& output(size_t i) const { return children_[i].out; }  // of the last forward
  // Gradient of the last backward w.r.t. child i's input (= child i-1's output), for i >= 1; child 0's
  // input gradient is written to the caller's grad_in. What Grad-CAM reads at a named point.
  const Tensor& input_grad(size_t i) const { return children_[i].grad; }

 private:
  struct Child {
    std::string key, label;
    LayerPtr layer;
    Tensor out, grad;  // the child's output, and the gradient w.r.t. its input
  };
  std::vector<Child> children_;
  bool inferred_ = false;
  std::vector<double> se_sums_;  // infer's Conv2d + ReLU + SE + pool fusion: channel sums  // the last pass was infer(): the caches backward needs are stale
};

// Indents every line after the first by two spaces (nested describe()).
std::string indent_lines(const std::string& s);

}  // namespace cs
