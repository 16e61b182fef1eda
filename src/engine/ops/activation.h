// activation.h — elementwise activations and softmax, forward and backward, as PyTorch defines them.
//   x (any shape) -> y (same shape); softmax works over the last dimension of a (N, K) tensor.
// Backward functions take what they need: ReLU/GELU/SiLU the forward *input*, sigmoid and softmax
// the forward *output* (cheaper and how PyTorch's autograd saves them). grad_in is overwritten.
// `out` may alias `in` (in-place), and `grad_in` may alias `grad_out`.
#pragma once
#include <string>
#include <vector>

#include "../status.h"
#include "../tensor.h"

namespace cs {

enum class Activation { None, ReLU, GELU, SiLU, Sigmoid };
const char* activation_name(Activation a);  // "ReLU", "GELU", "SiLU", "Sigmoid", "Identity"

// relu(x) = max(x, 0); d/dx = 1 for x > 0, 0 otherwise (PyTorch's choice at the kink x == 0).
Status relu_forward(Tensor& out, const Tensor& in);
Status relu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in);

// gelu(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)): PyTorch's default (approximate='none').
Status gelu_forward(Tensor& out, const Tensor& in);
Status gelu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in);

// silu(x) = x * sigmoid(x) (a.k.a. swish, EfficientNet's activation).
Status silu_forward(Tensor& out, const Tensor& in);
Status silu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in);

// sigmoid(x) = 1 / (1 + exp(-x)); backward uses the output y: dy/dx = y (1 - y).
Status sigmoid_forward(Tensor& out, const Tensor& in);
Status sigmoid_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& out);

// Dispatch on `a` (None = identity copy). `saved` is the input for ReLU/GELU/SiLU and the output for Sigmoid.
Status activation_forward(Activation a, Tensor& out, const Tensor& in);
Status activation_backward(Activation a, Tensor& grad_in, const Tensor& grad_out, const Tensor& in,
                           const Tensor& out);

// logits (N, K) -> probabilities (N, K), each row summing to 1 (max-subtracted for stability).
Status softmax_forward(Tensor& out, const Tensor& in);
// grad_in = y * (grad_out - sum_k grad_out_k y_k), row by row; `out` is the softmax output.
Status softmax_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& out);

// Unchecked kernels on n contiguous floats (the layers and blocks call these on their own buffers).
void relu_kernel(size_t n, const float* x, float* y);
void relu_backward_kernel(size_t n, const float* gy, const float* x, float* gx);
void gelu_kernel(size_t n, const float* x, float* y);
void gelu_backward_kernel(size_t n, const float* gy, const float* x, float* gx);
void silu_kernel(size_t n, const float* x, float* y);
void silu_backward_kernel(size_t n, const float* gy, const float* x, float* gx);
void sigmoid_kernel(size_t n, const float* x, float* y);
void sigmoid_backward_kernel(size_t n, const float* gy, const float* y, float* gx);
// y = e^x, vectorised (Cephes: range reduction + degree-5 polynomial), within 2 ulp of the exact
// value; subnormal results below e^-87.3 are approximate (0 below e^-103.3), +inf above ~88.72.
// sigmoid and SiLU (forward and backward) are built on it.
void exp_kernel(size_t n, const float* x, float* y);

// The instruction set of exp/sigmoid/SiLU, following the CPU family in use (cpu.h): "avx2" (the
// avx2 and avx512 families), "simd128" (wasm) or "scalar".
const char* activation_isa();

}  // namespace cs
