// init.cpp — uniform fills and PyTorch's default Conv2d/Linear initialisation bounds.
#include "init.h"

#include <cmath>

namespace cs {

void uniform_fill(Tensor& t, float bound, Rng& rng) {
  for (size_t i = 0; i < t.numel(); ++i) t[i] = rng.uniform(-bound, bound);
}

float default_init_bound(int fan_in) { return fan_in > 0 ? 1.0f / std::sqrt(static_cast<float>(fan_in)) : 0.0f; }

void kaiming_uniform_default(Tensor& weight, Tensor* bias, int fan_in, Rng& rng) {
  const float bound = default_init_bound(fan_in);
  uniform_fill(weight, bound, rng);
  if (bias) uniform_fill(*bias, bound, rng);
}

}  // namespace cs
