// norm.h — BatchNorm2d and channel LayerNorm (ConvNeXt's LayerNorm2d), forward and backward, as PyTorch.
//   BatchNorm2d: x (N, C, H, W) or (N, C) -> y, normalised per channel over (N, H, W).
//     train: batch statistics (biased variance); running_mean/var updated with momentum and the
//     *unbiased* variance: running = (1 - momentum) * running + momentum * batch.
//     eval:  running statistics.
//   LayerNorm2d: x (N, C, H, W) -> y, normalised over C at every (n, h, w), then y = xhat * w[c] + b[c].
// weight/bias are (C). Backward overwrites grad_in / grad_weight / grad_bias (each may be null).
#pragma once
#include "../status.h"
#include "../tensor.h"

namespace cs {

struct BatchNormParams {
  float eps = 1e-5f;
  float momentum = 0.1f;  // PyTorch's convention: weight of the new batch statistic
};

// Training-mode forward. save_mean / save_invstd (C) are filled for the backward pass
// (invstd = 1 / sqrt(var_biased + eps)). running_mean / running_var may be null (track_running_stats=False).
Status batchnorm2d_forward_train(Tensor& out, Tensor& save_mean, Tensor& save_invstd, const Tensor& in,
                                 const Tensor& weight, const Tensor& bias, Tensor* running_mean,
                                 Tensor* running_var, const BatchNormParams& p = {});

// Eval-mode forward with the running statistics.
Status batchnorm2d_forward_eval(Tensor& out, const Tensor& in, const Tensor& weight, const Tensor& bias,
                                const Tensor& running_mean, const Tensor& running_var, float eps = 1e-5f);

// Backward of the training forward (the batch statistics depend on x, so all of x's gradient terms appear):
//   gx = w * invstd / M * (M * gy - sum(gy) - xhat * sum(gy * xhat)), M = N*H*W.
Status batchnorm2d_backward_train(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias,
                                  const Tensor& grad_out, const Tensor& in, const Tensor& weight,
                                  const Tensor& save_mean, const Tensor& save_invstd);

// Backward of the eval forward (statistics are constants): gx = gy * w / sqrt(running_var + eps).
Status batchnorm2d_backward_eval(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias,
                                 const Tensor& grad_out, const Tensor& in, const Tensor& weight,
                                 const Tensor& running_mean, const Tensor& running_var, float eps = 1e-5f);

// LayerNorm over channels. save_mean / save_rstd are (N, H, W) for the backward pass.
Status layernorm2d_forward(Tensor& out, Tensor& save_mean, Tensor& save_rstd, const Tensor& in,
                           const Tensor& weight, const Tensor& bias, float eps = 1e-6f);
Status layernorm2d_backward(Tensor* grad_in, Tensor* grad_weight, Tensor* grad_bias, const Tensor& grad_out,
                            const Tensor& in, const Tensor& weight, const Tensor& save_mean,
                            const Tensor& save_rstd);

}  // namespace cs
