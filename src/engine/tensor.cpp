// tensor.cpp — Tensor storage, shape printing and the shape checks every op starts with.
#include "tensor.h"

#include <cassert>
#include <limits>

namespace cs {

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;
    n *= d;
  }
  return n;
}

Tensor::Tensor(Shape shape, float fill) : shape_(std::move(shape)) {
  int64_t n = shape_numel(shape_);
  assert(n >= 0 && n <= kMaxTensorElements);
  data_.assign(static_cast<size_t>(n), fill);
}

Tensor::Tensor(Shape shape, std::vector<float> values) : shape_(std::move(shape)), data_(std::move(values)) {
  assert(shape_numel(shape_) == static_cast<int64_t>(data_.size()));
}

Result<Tensor> Tensor::create(const Shape& shape, float fill) {
  int64_t n = shape_numel(shape);
  if (n < 0) return Status::error("invalid tensor shape " + shape_str(shape));
  if (n > kMaxTensorElements)
    return Status::error(fmt("tensor of shape %s has %lld elements, more than the limit of %lld",
                             shape_str(shape).c_str(), static_cast<long long>(n),
                             static_cast<long long>(kMaxTensorElements)));
  return Tensor(shape, fill);
}

int Tensor::dim(int i) const {
  int r = rank();
  if (i < 0) i += r;
  assert(i >= 0 && i < r);
  return shape_[static_cast<size_t>(i)];
}

float& Tensor::at(int n, int c, int h, int w) {
  assert(rank() == 4);
  return data_[((static_cast<size_t>(n) * shape_[1] + c) * shape_[2] + h) * shape_[3] + w];
}

float Tensor::at(int n, int c, int h, int w) const {
  assert(rank() == 4);
  return data_[((static_cast<size_t>(n) * shape_[1] + c) * shape_[2] + h) * shape_[3] + w];
}

void Tensor::resize(const Shape& shape) {
  int64_t n = shape_numel(shape);
  assert(n >= 0 && n <= kMaxTensorElements);
  shape_ = shape;
  data_.resize(static_cast<size_t>(n));
}

Status Tensor::reshape(const Shape& shape) {
  if (shape_numel(shape) != static_cast<int64_t>(data_.size()))
    return Status::error("cannot reshape " + shape_str(shape_) + " to " + shape_str(shape));
  shape_ = shape;
  return Status::ok();
}

void Tensor::fill(float value) {
  for (float& x : data_) x = value;
}

Status expect_rank(const Tensor& t, int rank, const char* who, const char* dims_description) {
  if (t.rank() == rank) return Status::ok();
  return Status::error(fmt("%s expected %dD input %s, got %s", who, rank, dims_description,
                           t.shape_string().c_str()));
}

Status expect_shape(const Tensor& t, const Shape& want, const char* who, const char* what) {
  if (t.shape() == want) return Status::ok();
  return Status::error(fmt("%s: %s must have shape %s, got %s", who, what, shape_str(want).c_str(),
                           t.shape_string().c_str()));
}

}  // namespace cs
