// optimizer.cpp — SGD and Adam/AdamW updates, written in torch.optim's order of operations so that
// the golden steps made by PyTorch match to float rounding.
#include "optimizer.h"

#include <cmath>

namespace cs {

void Optimizer::zero_grad() {
  for (NamedTensor& p : params_)
    if (p.grad) p.grad->fill(0.0f);
}

Status Optimizer::check_grads() const {
  for (const NamedTensor& p : params_) {
    if (!p.grad) return Status::error(fmt("%s: parameter '%s' has no gradient", name(), p.name.c_str()));
    if (p.grad->shape() != p.value->shape())
      return Status::error(fmt("%s: gradient of '%s' has shape %s, parameter %s", name(), p.name.c_str(),
                               p.grad->shape_string().c_str(), p.value->shape_string().c_str()));
  }
  return Status::ok();
}

// [SECTION] SGD

SGD::SGD(std::vector<NamedTensor> params, const SGDOptions& o) : Optimizer(std::move(params)), options(o) {
  lr = o.lr;
}

Status SGD::step() {
  CS_RETURN_IF_ERROR(check_grads());
  const SGDOptions& o = options;
  if (o.nesterov && (o.momentum <= 0.0f || o.dampening != 0.0f))
    return Status::error("SGD: Nesterov momentum requires a momentum and zero dampening");
  if (buf_.size() != params_.size()) buf_.assign(params_.size(), Tensor());
  for (size_t k = 0; k < params_.size(); ++k) {
    Tensor& p = *params_[k].value;
    const Tensor& grad = *params_[k].grad;
    Tensor& b = buf_[k];
    const bool first = b.empty() && p.numel() > 0;
    if (o.momentum != 0.0f && first) b.resize(p.shape());
    for (size_t i = 0; i < p.numel(); ++i) {
      float g = grad[i];
      if (o.weight_decay != 0.0f) g += o.weight_decay * p[i];
      if (o.momentum != 0.0f) {
        b[i] = first ? g : o.momentum * b[i] + (1.0f - o.dampening) * g;
        g = o.nesterov ? g + o.momentum * b[i] : b[i];
      }
      p[i] -= lr * g;
    }
  }
  ++step_count_;
  return Status::ok();
}

std::vector<NamedTensor> SGD::state_tensors() {
  std::vector<NamedTensor> out;
  for (size_t k = 0; k < buf_.size(); ++k)
    if (!buf_[k].empty()) out.push_back({params_[k].name + ".momentum_buffer", &buf_[k], nullptr, false, false});
  return out;
}

void SGD::init_state() {
  buf_.assign(params_.size(), Tensor());
  if (options.momentum == 0.0f) return;  // plain SGD has no state
  for (size_t k = 0; k < params_.size(); ++k) buf_[k] = Tensor(params_[k].value->shape(), 0.0f);
}

// [SECTION] Adam / AdamW

Adam::Adam(std::vector<NamedTensor> params, const AdamOptions& o) : Optimizer(std::move(params)), options(o) {
  lr = o.lr;
}

Status Adam::step() {
  CS_RETURN_IF_ERROR(check_grads());
  const AdamOptions& o = options;
  if (!(o.beta1 >= 0.0f && o.beta1 < 1.0f && o.beta2 >= 0.0f && o.beta2 < 1.0f))
    return Status::error(fmt("%s: betas must be in [0, 1), got (%g, %g)", name(), o.beta1, o.beta2));
  if (m_.size() != params_.size()) {
    m_.assign(params_.size(), Tensor());
    v_.assign(params_.size(), Tensor());
  }
  ++step_count_;
  const double t = static_cast<double>(step_count_);
  const float bc1 = static_cast<float>(1.0 - std::pow(static_cast<double>(o.beta1), t));
  const float bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(o.beta2), t)));
  const float step_size = lr / bc1;
  for (size_t k = 0; k < params_.size(); ++k) {
    Tensor& p = *params_[k].value;
    const Tensor& grad = *params_[k].grad;
    if (m_[k].shape() != p.shape()) {
      m_[k] = Tensor(p.shape(), 0.0f);
      v_[k] = Tensor(p.shape(), 0.0f);
    }
    Tensor& m = m_[k];
    Tensor& v = v_[k];
    for (size_t i = 0; i < p.numel(); ++i) {
      float g = grad[i];
      if (o.weight_decay != 0.0f) {
        if (o.decoupled)
          p[i] *= 1.0f - lr * o.weight_decay;
        else
          g += o.weight_decay * p[i];
      }
      m[i] = o.beta1 * m[i] + (1.0f - o.beta1) * g;
      v[i] = o.beta2 * v[i] + (1.0f - o.beta2) * g * g;
      const float denom = std::sqrt(v[i]) / bc2_sqrt + o.eps;
      p[i] -= step_size * m[i] / denom;
    }
  }
  return Status::ok();
}

std::vector<NamedTensor> Adam::state_tensors() {
  std::vector<NamedTensor> out;
  for (size_t k = 0; k < m_.size(); ++k) {
    if (m_[k].empty()) continue;
    out.push_back({params_[k].name + ".exp_avg", &m_[k], nullptr, false, false});
    out.push_back({params_[k].name + ".exp_avg_sq", &v_[k], nullptr, false, false});
  }
  return out;
}

}  // namespace cs

namespace cs {

void Adam::init_state() {
  m_.assign(params_.size(), Tensor());
  v_.assign(params_.size(), Tensor());
  for (size_t k = 0; k < params_.size(); ++k) {
    m_[k] = Tensor(params_[k].value->shape(), 0.0f);
    v_[k] = Tensor(params_[k].value->shape(), 0.0f);
  }
}

}  // namespace cs
