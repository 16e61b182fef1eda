// mbconv.cpp — builds MBConv from conv_bn_act stages and SqueezeExcite; adds the skip when shapes allow.
#include "mbconv.h"

#include <algorithm>

#include "residual.h"

namespace cs {

static Status check_mbconv(const MBConvOptions& o) {
  if (o.in_channels < 1 || o.out_channels < 1)
    return Status::error(fmt("MBConv: in_channels %d and out_channels %d must be >= 1", o.in_channels, o.out_channels));
  if (o.expand_ratio < 1 && o.expanded_channels == 0)
    return Status::error(fmt("MBConv: expand_ratio must be >= 1, got %d", o.expand_ratio));
  if (o.expanded_channels < 0) return Status::error(fmt("MBConv: expanded_channels must be >= 0, got %d", o.expanded_channels));
  if (o.kernel_size < 1 || o.kernel_size % 2 == 0)
    return Status::error(fmt("MBConv: kernel_size must be odd and >= 1, got %d", o.kernel_size));
  if (o.stride < 1 || o.stride > 2) return Status::error(fmt("MBConv: stride must be 1 or 2, got %d", o.stride));
  if (!(o.se_ratio >= 0.0f && o.se_ratio <= 1.0f))
    return Status::error(fmt("MBConv: se_ratio must be in [0, 1], got %g", o.se_ratio));
  return Status::ok();
}

MBConv::MBConv(const MBConvOptions& o, Rng& rng) : o_(o), status_(check_mbconv(o)) {
  if (!status_) return;
  const int expanded = o.expanded_channels > 0 ? o.expanded_channels : o.in_channels * o.expand_ratio;
  use_res_ = o.stride == 1 && o.in_channels == o.out_channels;
  int idx = 0;
  auto key = [&idx] { return std::to_string(idx++); };
  if (expanded != o.in_channels) {
    Conv2dOptions c;
    c.in_channels = o.in_channels;
    c.out_channels = expanded;
    c.kernel_size = {1, 1};
    block_.add(conv_bn_act(c, o.activation, rng, o.bn_eps, o.bn_momentum), key(), "expand");
  }
  Conv2dOptions dw;
  dw.in_channels = expanded;
  dw.out_channels = expanded;
  dw.kernel_size = {o.kernel_size, o.kernel_size};
  dw.stride = {o.stride, o.stride};
  dw.padding = {(o.kernel_size - 1) / 2, (o.kernel_size - 1) / 2};
  dw.groups = expanded;
  block_.add(conv_bn_act(dw, o.activation, rng, o.bn_eps, o.bn_momentum), key(), "depthwise");
  if (o.se_ratio > 0.0f) {
    const int squeeze = std::max(1, static_cast<int>(static_cast<float>(o.in_channels) * o.se_ratio));
    se_ = block_.add_as(new SqueezeExcite(expanded, squeeze, rng, o.activation, Activation::Sigmoid), key(), "se");
  }
  Conv2dOptions pj;
  pj.in_channels = expanded;
  pj.out_channels = o.out_channels;
  pj.kernel_size = {1, 1};
  block_.add(conv_bn_act(pj, Activation::None, rng, o.bn_eps, o.bn_momentum), key(), "project");
}

std::string MBConv::describe() const {
  return "MBConv(\n  (block): " + indent_lines(block_.describe()) + "\n)";
}

Status MBConv::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(status_);
  if (in.rank() == 4 && in.dim(1) != o_.in_channels)
    return Status::error(fmt("MBConv: input %s has %d channels, expected in_channels=%d", in.shape_string().c_str(),
                             in.dim(1), o_.in_channels));
  Status s = block_.forward(in, use_res_ ? block_out_ : out);
  if (!s) return Status::error("MBConv " + s.message());
  if (use_res_) add_into(out, block_out_, in);
  return Status::ok();
}

Status MBConv::backward(const Tensor& grad_out, Tensor& grad_in) {
  CS_RETURN_IF_ERROR(status_);
  if (!use_res_) {
    Status s = block_.backward(grad_out, grad_in);
    return s ? s : Status::error("MBConv " + s.message());
  }
  Status s = block_.backward(grad_out, g_block_);
  if (!s) return Status::error("MBConv " + s.message());
  if (g_block_.shape() != grad_out.shape())
    return Status::error(fmt("MBConv backward: grad_output %s does not match the input gradient %s",
                             grad_out.shape_string().c_str(), g_block_.shape_string().c_str()));
  add_into(grad_in, g_block_, grad_out);  // the skip passes the gradient through unchanged
  return Status::ok();
}

void MBConv::set_training(bool training) {
  training_ = training;
  block_.set_training(training);
}

void MBConv::named_tensors(const std::string& prefix, std::vector<NamedTensor>& out) {
  block_.named_tensors(prefix + "block.", out);
}

void MBConv::trace_internals(const std::string& prefix, Trace& trace) const {
  block_.trace_internals(prefix, trace);
  if (use_res_) trace.record(prefix + "residual", block_out_);
}

}  // namespace cs
