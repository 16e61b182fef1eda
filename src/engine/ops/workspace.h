// workspace.h — scratch memory reused across calls (im2col columns, Winograd tiles, packed GEMM
// panels), so hot paths allocate only the first time a shape is seen.
#pragma once
#include <cstddef>
#include <vector>

namespace cs {

class Workspace {
 public:
  // A buffer of at least n floats for `slot` (0..7); contents unspecified; valid until the next
  // call with the same slot and a larger n.
  float* buffer(int slot, size_t n) {
    std::vector<float>& b = slots_[static_cast<size_t>(slot) & 7];
    if (b.size() < n) b.resize(n);
    return b.data();
  }
  size_t bytes() const {
    size_t t = 0;
    for (const auto& b : slots_) t += b.capacity() * sizeof(float);
    return t;
  }

 private:
  std::vector<float> slots_[8];
};

}  // namespace cs
