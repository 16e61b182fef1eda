// residual.h — Residual: out = act(body(x) + shortcut(x)), the ResNet skip connection.
// shortcut is identity (null) or a projection (typically 1x1 Conv2d + BatchNorm2d when the body
// changes channels or stride). state_dict keys: "body.*", "shortcut.*". Trace: "body.*",
// "shortcut" (projection only), "sum" (before the activation).
#pragma once
#include "../ops/activation.h"
#include "layers.h"
#include "sequential.h"

namespace cs {

class Residual : public Layer {
 public:
  Residual(LayerPtr body, LayerPtr shortcut = nullptr, Activation post = Activation::None);
  const char* type() const override { return "Residual"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  void set_training(bool training) override;
  void named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) override;
  void trace_internals(const std::string& prefix, Trace& trace) const override;
  int64_t macs() const override { return body_->macs() + (shortcut_ ? shortcut_->macs() : 0); }
  void children(std::vector<LayerChild>& out) override {
    out.push_back({"body", body_.get()});
    if (shortcut_) out.push_back({"shortcut", shortcut_.get()});
  }

  Layer& body() { return *body_; }
  Layer* shortcut() { return shortcut_.get(); }

 private:
  LayerPtr body_, shortcut_;
  Activation post_;
  Tensor body_out_, short_out_, sum_, out_;
  Tensor g_sum_, g_body_, g_short_;
};

// Conv2d(bias=False) -> BatchNorm2d -> activation as one Sequential with keys 0, 1, 2 and labels
// "conv", "bn", "act" (torchvision's Conv2dNormActivation). Activation::None leaves out the act.
std::unique_ptr<Sequential> conv_bn_act(const Conv2dOptions& conv, Activation act, Rng& rng, float bn_eps = 1e-5f,
                                        float bn_momentum = 0.1f);

// Elementwise helpers used by the blocks (shapes are checked by the callers).
void add_into(Tensor& out, const Tensor& a, const Tensor& b);  // out = a + b

}  // namespace cs
