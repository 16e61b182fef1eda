// model.cpp — top-level forward/backward with tracing, and state_dict listing / loading by name.
#include "model.h"

#include <algorithm>

namespace cs {

Status Model::forward(const Tensor& in, Tensor& out, Trace* trace) {
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
