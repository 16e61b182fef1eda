// pool_layers.h — pooling layers over ops/pool.h: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d (output 1x1
// is global average pooling). No parameters; each keeps its input (shape) for the backward pass.
#pragma once
#include "../ops/pool.h"
#include "layer.h"

namespace cs {

class MaxPool2d : public Layer {
 public:
  explicit MaxPool2d(const MaxPool2dParams& p) : p_(p) {}
  const char* type() const override { return "MaxPool2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  const MaxPool2dParams& params() const { return p_; }
  // Kernel 2x2, stride 2, no padding, dilation 1, floor: the pool Sequential::infer fuses into
  // the convolution before it.
  bool is_plain_2x2() const;

 private:
  MaxPool2dParams p_;
  SavedInput in_;
};

class AvgPool2d : public Layer {
 public:
  explicit AvgPool2d(const AvgPool2dParams& p) : p_(p) {}
  const char* type() const override { return "AvgPool2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  const AvgPool2dParams& params() const { return p_; }

 private:
  AvgPool2dParams p_;
  Shape in_shape_;
};

// AdaptiveAvgPool2d(output_size); {1, 1} (the default) is global average pooling: (N,C,H,W) -> (N,C,1,1).
class AdaptiveAvgPool2d : public Layer {
 public:
  explicit AdaptiveAvgPool2d(Size2 output_size = {1, 1}) : size_(output_size) {}
  const char* type() const override { return "AdaptiveAvgPool2d"; }
  std::string describe() const override;
  Status forward(const Tensor& in, Tensor& out) override;
  Status backward(const Tensor& grad_out, Tensor& grad_in) override;
  Size2 output_size() const { return size_; }

 private:
  Size2 size_;
  Shape in_shape_;
};

}  // namespace cs
