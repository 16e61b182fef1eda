// sequential.cpp — ordered forward/backward over child layers with per-child output buffers.
#include "sequential.h"

#include <algorithm>

#include "layers.h"

namespace cs {

std::string indent_lines(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

std::string Sequential::describe() const {
  if (children_.empty()) return "Sequential()";
  std::string s = "Sequential(\n";
  for (const Child& c : children_) s += "  (" + c.key + "): " + indent_lines(c.layer->describe()) + "\n";
  return s + ")";
}

Layer* Sequential::add(LayerPtr layer, std::string key, std::optional<std::string> label) {
  if (key.empty()) key = std::to_string(children_.size());
  std::string l = label ? *label : key;
  layer->set_training(training_);
  layer->set_input_borrowed(children_.empty() ? borrow_input_ : true);
  children_.push_back(Child{std::move(key), std::move(l), std::move(layer), Tensor(), Tensor()});
  return children_.back().layer.get();
}

Status Sequential::forward(const Tensor& in, Tensor& out) {
  inferred_ = false;
  const Tensor* x = &in;
  for (Child& c : children_) {
    Status s = c.layer->forward(*x, c.out);
    if (!s) return Status::error("(" + c.key + ") " + s.message());
    x = &c.out;
  }
  if (&out != x) out = *x;
  return Status::ok();
}

Status Sequential::infer(const Tensor& in, Tensor& out) {
  inferred_ = true;
  const Tensor* x = &in;
  for (size_t i = 0; i < children_.size(); ++i) {
    Child& c = children_[i];
    auto* conv = dynamic_cast<Conv2d*>(c.layer.get());
    auto* act = i + 1 < children_.size() ? dynamic_cast<ActivationLayer*>(children_[i + 1].layer.get()) : nullptr;
    if (conv && act && act->activation() == Activation::ReLU) {
      Child& r = children_[i + 1];
      Status s = conv->infer_relu(*x, r.out);
      if (!s) return Status::error("(" + c.key + ") " + s.message());
      x = &r.out;
      ++i;
      continue;
    }
    Status s = c.layer->infer(*x, c.out);
    if (!s) return Status::error("(" + c.key + ") " + s.message());
    x = &c.out;
  }
  if (&out != x) out = *x;
  return Status::ok();
}

Status Sequential::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (inferred_) return Status::error("Sequential: backward after infer() (run forward first)");
  if (children_.empty()) {
    grad_in = grad_out;
    return Status::ok();
  }
  const Tensor* g = &grad_out;
  for (size_t i = children_.size(); i-- > 0;) {
    Child& c = children_[i];
    Tensor& dst = i == 0 ? grad_in : c.grad;
    Status s = c.layer->backward(*g, dst);
    if (!s) return Status::error("(" + c.key + ") " + s.message());
    g = &dst;
  }
  return Status::ok();
}

void Sequential::set_training(bool training) {
  training_ = training;
  for (Child& c : children_) c.layer->set_training(training);
}

void Sequential::set_input_borrowed(bool borrowed) {
  borrow_input_ = borrowed;
  if (!children_.empty()) children_[0].layer->set_input_borrowed(borrowed);
}

void Sequential::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  for (Child& c : children_) c.layer->named_tensors(prefix + c.key + ".", out);
}

void Sequential::trace_internals(const std::string& prefix, Trace& trace) const {
  for (const Child& c : children_) {
    if (c.label.empty()) {  // transparent child
      c.layer->trace_internals(prefix, trace);
      continue;
    }
    trace.record(prefix + c.label, c.out);
    c.layer->trace_internals(prefix + c.label + ".", trace);
  }
}

int64_t Sequential::macs() const {
  int64_t n = 0;
  for (const Child& c : children_) n += c.layer->macs();
  return n;
}

}  // namespace cs
