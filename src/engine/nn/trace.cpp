// trace.cpp — named activation records with storage reuse.
#include "trace.h"

#include <algorithm>

namespace cs {

void Trace::record(const std::string& name, const Tensor& value) {
  if (count_ == entries_.size()) entries_.emplace_back();
  Entry& e = entries_[count_++];
  e.name = name;
  e.value.resize(value.shape());
  std::copy(value.values().begin(), value.values().end(), e.value.values().begin());
}

const Tensor* Trace::find(const std::string& name) const {
  for (size_t i = 0; i < count_; ++i)
    if (entries_[i].name == name) return &entries_[i].value;
  return nullptr;
}

std::vector<std::string> Trace::names() const {
  std::vector<std::string> out;
  out.reserve(count_);
  for (size_t i = 0; i < count_; ++i) out.push_back(entries_[i].name);
  return out;
}

}  // namespace cs
