// sequential.cpp — ordered forward/backward over child layers with per-child output buffers.
#include "sequential.h"

#include <algorithm>

#include "layers.h"
#include "pool_layers.h"
#include "squeeze_excite.h"

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

// [SECTION] inference fusions
// Patterns of consecutive children that Sequential::infer runs as fewer passes over memory. Each
// gives forward's output (bit for bit where the maths is the same operations; the SE + global
// pool one reorders a rounding); anything else runs child by child.

namespace {

bool is_relu(const Layer* l) {
  auto* a = dynamic_cast<const ActivationLayer*>(l);
  return a && a->activation() == Activation::ReLU;
}

bool is_pool2(const Layer* l) {
  auto* p = dynamic_cast<const MaxPool2d*>(l);
  return p && p->is_plain_2x2();
}

}  // namespace

Status Sequential::infer(const Tensor& in, Tensor& out) {
  inferred_ = true;
  const Tensor* x = &in;
  auto layer_at = [&](size_t j) -> Layer* { return j < children_.size() ? children_[j].layer.get() : nullptr; };
  for (size_t i = 0; i < children_.size(); ++i) {
    Child& c = children_[i];
    auto fail = [&](const Status& s) { return Status::error("(" + c.key + ") " + s.message()); };
    auto* conv = dynamic_cast<Conv2d*>(c.layer.get());
    // Conv2d + ReLU + SqueezeExcite + MaxPool2d(2): the pool reads the conv's output rows while
    // they are in cache, the SE's channel sums are taken there too, and since its scale is >= 0 it
    // multiplies the 4x smaller pooled map (M1's conv2 .. pool2).
    auto* se = dynamic_cast<SqueezeExcite*>(layer_at(i + 2));
    if (conv && is_relu(layer_at(i + 1)) && se && se->scale_is_nonnegative() && is_pool2(layer_at(i + 3)) &&
        conv->relu_pool2_fusable(x->shape())) {
      Tensor& y = children_[i + 3].out;
      Shape relu_shape;
      Status s = conv->infer_relu_pool2(*x, y, &se_sums_, &relu_shape);
      if (s) s = se->infer_excite_from_sums(relu_shape, se_sums_);
      if (s) s = se->infer_scale_in_place(y);
      if (!s) return fail(s);
      x = &y;
      i += 3;
      continue;
    }
    // Conv2d + ReLU + MaxPool2d(2): one pass, the full-size ReLU output is never stored.
    if (conv && is_relu(layer_at(i + 1)) && is_pool2(layer_at(i + 2)) && conv->relu_pool2_fusable(x->shape())) {
      Tensor& y = children_[i + 2].out;
      Status s = conv->infer_relu_pool2(*x, y);
      if (!s) return fail(s);
      x = &y;
      i += 2;
      continue;
    }
    // Conv2d + ReLU: ReLU applied as the convolution stores its outputs.
    if (conv && is_relu(layer_at(i + 1))) {
      Tensor& y = children_[i + 1].out;
      Status s = conv->infer_relu(*x, y);
      if (!s) return fail(s);
      x = &y;
      ++i;
      continue;
    }
    // SqueezeExcite + global average pool: mean(x * e) = e * mean(x), the scaled map is never formed.
    auto* gap = dynamic_cast<AdaptiveAvgPool2d*>(layer_at(i + 1));
    if (auto* se_here = dynamic_cast<SqueezeExcite*>(c.layer.get());
        se_here && gap && gap->output_size() == Size2{1, 1} && x->rank() == 4) {
      Tensor& y = children_[i + 1].out;
      Status s = se_here->infer_global_mean(*x, y);
      if (!s) return fail(s);
      x = &y;
      ++i;
      continue;
    }
    Status s = c.layer->infer(*x, c.out);
    if (!s) return fail(s);
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
