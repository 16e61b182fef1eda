// tensor.h — Tensor: a shape and contiguous row-major (NCHW for images) float32 storage.
// Everything the engine computes flows through Tensors; panels only read them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "status.h"

namespace cs {

using Shape = std::vector<int>;

// "(3, 224, 224)", as PyTorch prints sizes.
std::string shape_str(const Shape& shape);
// Number of elements; -1 if a dimension is negative or the product overflows int64.
int64_t shape_numel(const Shape& shape);

// Largest tensor the engine will allocate (elements). Untrusted sizes (files, UI) are checked
// against it before any allocation so a hostile header cannot exhaust memory.
constexpr int64_t kMaxTensorElements = int64_t(1) << 28;  // 1 GiB of float32

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);  // shape must be valid (asserted)
  Tensor(Shape shape, std::vector<float> values);     // values.size() must equal numel

  // Validated construction for shapes that come from outside (files, UI, CLI).
  static Result<Tensor> create(const Shape& shape, float fill = 0.0f);

  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int dim(int i) const;  // negative i counts from the end, as in PyTorch
  size_t numel() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  float& operator[](size_t i) { return data_[i]; }
  float operator[](size_t i) const { return data_[i]; }
  std::vector<float>& values() { return data_; }
  const std::vector<float>& values() const { return data_; }

  // 4-D element access (n, c, h, w); asserts rank 4 in debug builds.
  float& at(int n, int c, int h, int w);
  float at(int n, int c, int h, int w) const;

  // Reshape to `shape` reusing the existing allocation where possible (no allocation when the
  // capacity suffices: hot paths call this every step). Contents are unspecified afterwards.
  void resize(const Shape& shape);
  // Same numel, new shape (like torch.reshape on contiguous data). Returns an error if numel differs.
  Status reshape(const Shape& shape);
  void fill(float value);
  std::string shape_string() const { return shape_str(shape_); }

 private:
  Shape shape_;
  std::vector<float> data_;
};

// "Conv2d expected 4D input (batch, channels, height, width), got (3, 224, 224)"
Status expect_rank(const Tensor& t, int rank, const char* who, const char* dims_description);
Status expect_shape(const Tensor& t, const Shape& want, const char* who, const char* what);

}  // namespace cs
