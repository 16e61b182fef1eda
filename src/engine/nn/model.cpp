// model.cpp — top-level forward/backward with tracing, and state_dict listing / loading by name.
#include "model.h"

#include <algorithm>

#include "mbconv.h"

namespace cs {

namespace {

// Walks Sequentials (and MBConv's inner block) the way trace_internals names their children.
// `grad_out` is the gradient w.r.t. `seq`'s own output (null at the model's top level).
const Tensor* find_output_gradient(const Sequential& seq, const std::string& prefix, const std::string& name,
                                   const Tensor* grad_out) {
  for (size_t i = 0; i < seq.size(); ++i) {
    const std::string& label = seq.label(i);
    const std::string path = label.empty() ? prefix : prefix + label;
    // Child i's output gradient is child i+1's input gradient, or the container's own output gradient.
    const Tensor* g = i + 1 < seq.size() ? &seq.input_grad(i + 1) : grad_out;
    if (!label.empty() && path == name) return g;
    const std::string inner = label.empty() ? prefix : path + ".";
    if (name.compare(0, inner.size(), inner) != 0) continue;
    const Layer& child = seq.child(i);
    const Sequential* sub = dynamic_cast<const Sequential*>(&child);
    // An MBConv's skip passes its output gradient to the inner block's output unchanged.
    if (!sub)
      if (auto* mb = dynamic_cast<const MBConv*>(&child)) sub = &mb->block();
    if (sub)
      if (const Tensor* r = find_output_gradient(*sub, inner, name, g)) return r;
  }
  return nullptr;
}

}  // namespace

const Tensor* Model::output_gradient(const std::string& name) const {
  return find_output_gradient(root_, "", name, nullptr);
}

Status Model::forward(const Tensor& in, Tensor& out, Trace* trace) {
  input_shape_ = in.shape();
  CS_RETURN_IF_ERROR(root_.forward(in, out));
  if (trace) {
    trace->clear();
    trace->record("input", in);
    root_.trace_internals("", *trace);
  }
  return Status::ok();
}

Status Model::backward(const Tensor& grad_out, Tensor* grad_in) {
  return root_.backward(grad_out, grad_in ? *grad_in : grad_in_);
}

std::vector<NamedTensor> Model::state_dict() {
  std::vector<NamedTensor> out;
  root_.named_tensors("", out);
  return out;
}

std::vector<NamedTensor> Model::parameters() {
  std::vector<NamedTensor> all = state_dict(), out;
  for (NamedTensor& t : all)
    if (t.trainable) out.push_back(t);
  return out;
}

int64_t Model::parameter_count() {
  int64_t n = 0;
  for (const NamedTensor& t : parameters()) n += static_cast<int64_t>(t.value->numel());
  return n;
}

void Model::zero_grad() {
  for (NamedTensor& t : parameters())
    if (t.grad) t.grad->fill(0.0f);
}

Status load_state_dict(Model& model, const std::vector<LoadedTensor>& src, bool strict) {
  std::vector<NamedTensor> dst = model.state_dict();
  // Validate everything first so a failed load leaves the model untouched.
  std::vector<const LoadedTensor*> match(dst.size(), nullptr);
  for (size_t i = 0; i < dst.size(); ++i) {
    for (const LoadedTensor& s : src)
      if (s.name == dst[i].name) match[i] = &s;
    if (!match[i]) {
      if (strict && !dst[i].integer) return Status::error("state_dict is missing key '" + dst[i].name + "'");
      continue;
    }
    // num_batches_tracked may arrive as () or (1,): compare element counts for scalars.
    const bool scalar_ok = dst[i].integer && match[i]->value.numel() == 1;
    if (!scalar_ok && match[i]->value.shape() != dst[i].value->shape())
      return Status::error(fmt("state_dict key '%s': shape %s in the file, %s in the model", dst[i].name.c_str(),
                               match[i]->value.shape_string().c_str(), dst[i].value->shape_string().c_str()));
  }
  if (strict)
    for (const LoadedTensor& s : src)
      if (std::none_of(dst.begin(), dst.end(), [&](const NamedTensor& d) { return d.name == s.name; }))
        return Status::error("state_dict has unexpected key '" + s.name + "'");
  for (size_t i = 0; i < dst.size(); ++i)
    if (match[i])
      std::copy(match[i]->value.values().begin(), match[i]->value.values().end(), dst[i].value->values().begin());
  return Status::ok();
}

}  // namespace cs
