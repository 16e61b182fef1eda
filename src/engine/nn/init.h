// init.h — seeded random numbers and PyTorch's default parameter initialisation.
// std::mt19937's sequence is fixed by the C++ standard, but the std distributions are not (libstdc++
// and the wasm libc++ differ), so floats are made from the raw 32-bit outputs here: the same seed
// gives the same network natively and in the browser.
#pragma once
#include <cstdint>
#include <random>

#include "../tensor.h"

namespace cs {

class Rng {
 public:
  explicit Rng(uint32_t seed = 0) : gen_(seed) {}
  void seed(uint32_t s) { gen_.seed(s); }
  float uniform() { return static_cast<float>(gen_() >> 8) * (1.0f / 16777216.0f); }  // [0, 1)
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  uint32_t next_u32() { return static_cast<uint32_t>(gen_()); }

 private:
  std::mt19937 gen_;
};

// U(-bound, bound) for every element.
void uniform_fill(Tensor& t, float bound, Rng& rng);

// PyTorch's Conv2d/Linear reset_parameters(): kaiming_uniform_(w, a=sqrt(5)) gives
// bound = gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), i.e. 1/sqrt(fan_in);
// the bias is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) too. fan_in = weight.numel() / weight.dim(0).
float default_init_bound(int fan_in);
void kaiming_uniform_default(Tensor& weight, Tensor* bias, int fan_in, Rng& rng);

}  // namespace cs
