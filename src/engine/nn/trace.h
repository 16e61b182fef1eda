// trace.h — Trace: the activations of one forward pass, recorded by name ("block2.se.excitation"),
// in the order they were produced. The model writes it; the UI panels and tests only read it.
// Storage is kept across clear() so a warm forward pass with tracing does not allocate.
#pragma once
#include <string>
#include <vector>

#include "../tensor.h"

namespace cs {

class Trace {
 public:
  void clear() { count_ = 0; }  // forget the entries, keep their storage
  // Copies `value` under `name` (a repeated name adds a second entry; find() returns the first).
  void record(const std::string& name, const Tensor& value);
  const Tensor* find(const std::string& name) const;
  size_t size() const { return count_; }
  const std::string& name(size_t i) const { return entries_[i].name; }
  const Tensor& tensor(size_t i) const { return entries_[i].value; }
  std::vector<std::string> names() const;

 private:
  struct Entry {
    std::string name;
    Tensor value;
  };
  std::vector<Entry> entries_;
  size_t count_ = 0;
};

}  // namespace cs
