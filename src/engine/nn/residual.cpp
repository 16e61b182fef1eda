// residual.cpp — the skip connection block and the Conv-BN-activation builder.
#include "residual.h"

namespace cs {

void add_into(Tensor& out, const Tensor& a, const Tensor& b) {
  out.resize(a.shape());
  for (size_t i = 0; i < a.numel(); ++i) out[i] = a[i] + b[i];
}

Residual::Residual(LayerPtr body, LayerPtr shortcut, Activation post)
    : body_(std::move(body)), shortcut_(std::move(shortcut)), post_(post) {}

std::string Residual::describe() const {
  std::string s = "Residual(\n  (body): " + indent_lines(body_->describe()) + "\n";
  s += "  (shortcut): " + (shortcut_ ? indent_lines(shortcut_->describe()) : std::string("Identity()")) + "\n";
  if (post_ != Activation::None) s += std::string("  (act): ") + activation_name(post_) + "()\n";
  return s + ")";
}

Status Residual::forward(const Tensor& in, Tensor& out) {
  Status s = body_->forward(in, body_out_);
  if (!s) return Status::error("Residual (body) " + s.message());
  const Tensor* sc = &in;
  if (shortcut_) {
    s = shortcut_->forward(in, short_out_);
    if (!s) return Status::error("Residual (shortcut) " + s.message());
    sc = &short_out_;
  }
  if (body_out_.shape() != sc->shape())
    return Status::error(fmt("Residual: body output %s does not match shortcut output %s (use a projection shortcut)",
                             body_out_.shape_string().c_str(), sc->shape_string().c_str()));
  add_into(sum_, body_out_, *sc);
  CS_RETURN_IF_ERROR(activation_forward(post_, out, sum_));
  if (post_ == Activation::Sigmoid) out_ = out;
  return Status::ok();
}

Status Residual::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (sum_.rank() == 0) return Status::error("Residual: backward called before forward");
  CS_RETURN_IF_ERROR(activation_backward(post_, g_sum_, grad_out, sum_, out_));
  Status s = body_->backward(g_sum_, g_body_);
  if (!s) return Status::error("Residual (body) " + s.message());
  const Tensor* gs = &g_sum_;
  if (shortcut_) {
    s = shortcut_->backward(g_sum_, g_short_);
    if (!s) return Status::error("Residual (shortcut) " + s.message());
    gs = &g_short_;
  }
  if (g_body_.shape() != gs->shape())
    return Status::error(fmt("Residual backward: body input gradient %s does not match shortcut's %s",
                             g_body_.shape_string().c_str(), gs->shape_string().c_str()));
  add_into(grad_in, g_body_, *gs);
  return Status::ok();
}

void Residual::set_training(bool training) {
  training_ = training;
  body_->set_training(training);
  if (shortcut_) shortcut_->set_training(training);
}

void Residual::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  body_->named_tensors(prefix + "body.", out);
  if (shortcut_) shortcut_->named_tensors(prefix + "shortcut.", out);
}

void Residual::trace_internals(const std::string& prefix, Trace& trace) const {
  trace.record(prefix + "body", body_out_);
  body_->trace_internals(prefix + "body.", trace);
  if (shortcut_) {
    trace.record(prefix + "shortcut", short_out_);
    shortcut_->trace_internals(prefix + "shortcut.", trace);
  }
  trace.record(prefix + "sum", sum_);
}

std::unique_ptr<Sequential> conv_bn_act(const Conv2dOptions& conv, Activation act, Rng& rng, float bn_eps,
                                        float bn_momentum) {
  Conv2dOptions o = conv;
  o.bias = false;  // the BatchNorm's bias makes a conv bias redundant
  std::unique_ptr<Sequential> s(new Sequential());
  s->add(LayerPtr(new Conv2d(o, rng)), "0", "conv");
  s->add(LayerPtr(new BatchNorm2d(o.out_channels, bn_eps, bn_momentum)), "1", "bn");
  if (act != Activation::None) s->add(make_activation(act), "2", "act");
  return s;
}

}  // namespace cs
