// pool_layers.cpp — thin MaxPool2d / AvgPool2d / AdaptiveAvgPool2d layers calling ops/pool.h.
#include "pool_layers.h"

namespace cs {

static std::string pair_str(Size2 s) { return fmt("(%d, %d)", s.h, s.w); }
static Size2 resolved_stride(Size2 stride, Size2 kernel) { return stride.h == 0 && stride.w == 0 ? kernel : stride; }

std::string MaxPool2d::describe() const {
  return fmt("MaxPool2d(kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=%s)", pair_str(p_.kernel).c_str(),
             pair_str(resolved_stride(p_.stride, p_.kernel)).c_str(), pair_str(p_.padding).c_str(),
             pair_str(p_.dilation).c_str(), p_.ceil_mode ? "True" : "False");
}

Status MaxPool2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(max_pool2d_forward(out, in, p_));
  in_.save(in, borrow_input_);
  return Status::ok();
}

bool MaxPool2d::is_plain_2x2() const {
  const Size2 stride = resolved_stride(p_.stride, p_.kernel);
  return p_.kernel == Size2{2, 2} && stride == Size2{2, 2} && p_.padding == Size2{0, 0} && p_.dilation == Size2{1, 1} &&
         !p_.ceil_mode;
}

Status MaxPool2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (in_.rank() == 0) return Status::error("MaxPool2d: backward called before forward");
  return max_pool2d_backward(grad_in, grad_out, in_, p_);
}

std::string AvgPool2d::describe() const {
  return fmt("AvgPool2d(kernel_size=%s, stride=%s, padding=%s)", pair_str(p_.kernel).c_str(),
             pair_str(resolved_stride(p_.stride, p_.kernel)).c_str(), pair_str(p_.padding).c_str());
}

Status AvgPool2d::forward(const Tensor& in, Tensor& out) {
  CS_RETURN_IF_ERROR(avg_pool2d_forward(out, in, p_));
  in_shape_ = in.shape();
  return Status::ok();
}

Status AvgPool2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (in_shape_.empty()) return Status::error("AvgPool2d: backward called before forward");
  return avg_pool2d_backward(grad_in, grad_out, in_shape_, p_);
}

std::string AdaptiveAvgPool2d::describe() const {
  if (size_.h == size_.w) return fmt("AdaptiveAvgPool2d(output_size=%d)", size_.h);
  return "AdaptiveAvgPool2d(output_size=" + pair_str(size_) + ")";
}

Status AdaptiveAvgPool2d::forward(const Tensor& in, Tensor& out) {
  if (size_ == Size2{1, 1})
    CS_RETURN_IF_ERROR(global_avg_pool2d_forward(out, in));
  else
    CS_RETURN_IF_ERROR(adaptive_avg_pool2d_forward(out, in, size_));
  in_shape_ = in.shape();
  return Status::ok();
}

Status AdaptiveAvgPool2d::backward(const Tensor& grad_out, Tensor& grad_in) {
  if (in_shape_.empty()) return Status::error("AdaptiveAvgPool2d: backward called before forward");
  if (size_ == Size2{1, 1}) return global_avg_pool2d_backward(grad_in, grad_out, in_shape_);
  return adaptive_avg_pool2d_backward(grad_in, grad_out, in_shape_);
}

}  // namespace cs
