// activation.cpp — ReLU, GELU (exact erf), SiLU, sigmoid and softmax kernels plus their validating wrappers.
// The exp-based kernels (exp, sigmoid, SiLU forward/backward) run a vectorised Cephes exp
// (activation_simd.inc) compiled per instruction set and chosen at run time, as the GEMM does:
// AVX2+FMA (8 lanes) on x86-64 CPUs that have it, SIMD128 (4 lanes) in wasm, else scalar. libm's
// scalar expf behind a branch was ~45% of a DigitNet training step.
#include "activation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "../cpu.h"
#include "../parallel.h"

#include "simd.h"

#if defined(CS_SIMD_X86)
#define CS_ACT_X86 1
#endif

// [SECTION] scalar: the portable fallback ---------------------------------------------------------
namespace cs {
namespace act_scalar {
using namespace simd_scalar;
}  // namespace act_scalar
}  // namespace cs
#define CS_ACT_NS act_scalar
#include "activation_simd.inc"
#undef CS_ACT_NS

// [SECTION] wasm SIMD128 (no FMA in baseline wasm SIMD: mul + add) ---------------------------------
#if defined(__wasm_simd128__)
namespace cs {
namespace act_wasm {
using namespace simd_wasm;
}  // namespace act_wasm
}  // namespace cs
#define CS_ACT_NS act_wasm
#include "activation_simd.inc"
#undef CS_ACT_NS
#endif

// [SECTION] x86: AVX2+FMA in a target region (the binary itself is baseline x86-64) --------------
#if CS_ACT_X86
CS_TARGET_BEGIN("avx2,fma")
namespace cs {
namespace act_avx2 {
using namespace simd_avx2;
}  // namespace act_avx2
}  // namespace cs
#define CS_ACT_NS act_avx2
#include "activation_simd.inc"
#undef CS_ACT_NS
CS_TARGET_END
#endif

namespace cs {

// [SECTION] run-time choice of the instruction set -------------------------------------------------

namespace {

using UnaryFn = void (*)(size_t, const float*, float*);
using BinaryFn = void (*)(size_t, const float*, const float*, float*);

struct ActImpl {
  const char* name;
  UnaryFn exp, sigmoid, silu;
  BinaryFn silu_backward;
};

#define CS_ACT_IMPL(label, ns) \
  ActImpl { label, &ns::exp_n, &ns::sigmoid_n, &ns::silu_n, &ns::silu_backward_n }
const ActImpl kActScalar = CS_ACT_IMPL("scalar", act_scalar);
#if CS_ACT_X86
const ActImpl kActAvx2 = CS_ACT_IMPL("avx2", act_avx2);
#endif
#if defined(__wasm_simd128__)
const ActImpl kActSimd128 = CS_ACT_IMPL("simd128", act_wasm);
#endif
#undef CS_ACT_IMPL

// The kernels of the CPU family in use (cpu.h); avx512 keeps the AVX2 ones.
const ActImpl& active_act() {
  switch (cpu_family()) {
#if CS_ACT_X86
    case CpuFamily::Avx512:
    case CpuFamily::Avx2: return kActAvx2;
#endif
#if defined(__wasm_simd128__)
    case CpuFamily::Simd128: return kActSimd128;
#endif
    default: return kActScalar;
  }
}

// Element-wise, so any split gives the same bits; 32K floats (~20 us of SiLU) per chunk at least.
constexpr int64_t kActGrain = 32768;

void run_unary(UnaryFn f, size_t n, const float* x, float* y) {
  if (n < static_cast<size_t>(2 * kActGrain)) return f(n, x, y);
  parallel_for(0, static_cast<int64_t>(n), kActGrain, [&](int64_t lo, int64_t hi) {
    f(static_cast<size_t>(hi - lo), x + lo, y + lo);
  });
}
void run_binary(BinaryFn f, size_t n, const float* a, const float* b, float* y) {
  if (n < static_cast<size_t>(2 * kActGrain)) return f(n, a, b, y);
  parallel_for(0, static_cast<int64_t>(n), kActGrain, [&](int64_t lo, int64_t hi) {
    f(static_cast<size_t>(hi - lo), a + lo, b + lo, y + lo);
  });
}

}  // namespace

const char* activation_isa() { return active_act().name; }

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::ReLU: return "ReLU";
    case Activation::GELU: return "GELU";
    case Activation::SiLU: return "SiLU";
    case Activation::Sigmoid: return "Sigmoid";
    case Activation::None: break;
  }
  return "Identity";
}

// [SECTION] kernels

void relu_kernel(size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
// gy[i] is loaded unconditionally: a load under the condition is not if-converted by GCC, so the
// loop stayed scalar with a branch per element (14% of the M1 training step).
void relu_backward_kernel(size_t n, const float* gy, const float* x, float* gx) {
  for (size_t i = 0; i < n; ++i) {
    const float g = gy[i];
    gx[i] = x[i] > 0.0f ? g : 0.0f;
  }
}

static constexpr float kInvSqrt2 = 0.70710678118654752f;
static constexpr float kInvSqrt2Pi = 0.39894228040143268f;  // 1 / sqrt(2 pi)

void gelu_kernel(size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
}
// d/dx [x Phi(x)] = Phi(x) + x phi(x)
void gelu_backward_kernel(size_t n, const float* gy, const float* x, float* gx) {
  for (size_t i = 0; i < n; ++i) {
    float v = x[i];
    float cdf = 0.5f * (1.0f + std::erf(v * kInvSqrt2));
    float pdf = kInvSqrt2Pi * std::exp(-0.5f * v * v);
    gx[i] = gy[i] * (cdf + v * pdf);
  }
}

void silu_kernel(size_t n, const float* x, float* y) { run_unary(active_act().silu, n, x, y); }
void silu_backward_kernel(size_t n, const float* gy, const float* x, float* gx) {
  run_binary(active_act().silu_backward, n, gy, x, gx);
}
void sigmoid_kernel(size_t n, const float* x, float* y) { run_unary(active_act().sigmoid, n, x, y); }
void exp_kernel(size_t n, const float* x, float* y) { run_unary(active_act().exp, n, x, y); }

void sigmoid_backward_kernel(size_t n, const float* gy, const float* y, float* gx) {
  for (size_t i = 0; i < n; ++i) gx[i] = gy[i] * y[i] * (1.0f - y[i]);
}

// [SECTION] validating wrappers

using UnaryKernel = void (*)(size_t, const float*, float*);
using BinaryKernel = void (*)(size_t, const float*, const float*, float*);

static Status unary(UnaryKernel k, Tensor& out, const Tensor& in) {
  if (&out != &in) out.resize(in.shape());
  k(in.numel(), in.data(), out.data());
  return Status::ok();
}

static Status binary(BinaryKernel k, const char* who, Tensor& grad_in, const Tensor& grad_out,
                     const Tensor& saved, const char* saved_name) {
  if (grad_out.shape() != saved.shape())
    return Status::error(fmt("%s backward: grad_output %s does not match the saved %s %s", who,
                             grad_out.shape_string().c_str(), saved_name, saved.shape_string().c_str()));
  if (&grad_in != &grad_out && &grad_in != &saved) grad_in.resize(grad_out.shape());
  k(grad_out.numel(), grad_out.data(), saved.data(), grad_in.data());
  return Status::ok();
}

Status relu_forward(Tensor& out, const Tensor& in) { return unary(relu_kernel, out, in); }
Status relu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in) {
  return binary(relu_backward_kernel, "ReLU", grad_in, grad_out, in, "input");
}
Status gelu_forward(Tensor& out, const Tensor& in) { return unary(gelu_kernel, out, in); }
Status gelu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in) {
  return binary(gelu_backward_kernel, "GELU", grad_in, grad_out, in, "input");
}
Status silu_forward(Tensor& out, const Tensor& in) { return unary(silu_kernel, out, in); }
Status silu_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& in) {
  return binary(silu_backward_kernel, "SiLU", grad_in, grad_out, in, "input");
}
Status sigmoid_forward(Tensor& out, const Tensor& in) { return unary(sigmoid_kernel, out, in); }
Status sigmoid_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& out) {
  return binary(sigmoid_backward_kernel, "Sigmoid", grad_in, grad_out, out, "output");
}

Status activation_forward(Activation a, Tensor& out, const Tensor& in) {
  switch (a) {
    case Activation::ReLU: return relu_forward(out, in);
    case Activation::GELU: return gelu_forward(out, in);
    case Activation::SiLU: return silu_forward(out, in);
    case Activation::Sigmoid: return sigmoid_forward(out, in);
    case Activation::None: break;
  }
  if (&out != &in) {
    out.resize(in.shape());
    std::copy(in.values().begin(), in.values().end(), out.values().begin());
  }
  return Status::ok();
}

Status activation_backward(Activation a, Tensor& grad_in, const Tensor& grad_out, const Tensor& in,
                           const Tensor& out) {
  switch (a) {
    case Activation::ReLU: return relu_backward(grad_in, grad_out, in);
    case Activation::GELU: return gelu_backward(grad_in, grad_out, in);
    case Activation::SiLU: return silu_backward(grad_in, grad_out, in);
    case Activation::Sigmoid: return sigmoid_backward(grad_in, grad_out, out);
    case Activation::None: break;
  }
  if (grad_out.shape() != in.shape())
    return Status::error(fmt("Identity backward: grad_output %s does not match the input %s",
                             grad_out.shape_string().c_str(), in.shape_string().c_str()));
  if (&grad_in != &grad_out) {
    grad_in.resize(grad_out.shape());
    std::copy(grad_out.values().begin(), grad_out.values().end(), grad_in.values().begin());
  }
  return Status::ok();
}

// [SECTION] softmax

Status softmax_forward(Tensor& out, const Tensor& in) {
  CS_RETURN_IF_ERROR(expect_rank(in, 2, "softmax", "(batch, classes)"));
  const int N = in.dim(0), K = in.dim(1);
  if (K < 1) return Status::error("softmax needs at least one class, got " + in.shape_string());
  if (&out != &in) out.resize(in.shape());
  for (int n = 0; n < N; ++n) {
    const float* x = in.data() + static_cast<size_t>(n) * K;
    float* y = out.data() + static_cast<size_t>(n) * K;
    float m = *std::max_element(x, x + K);
    double sum = 0.0;
    for (int k = 0; k < K; ++k) {
      y[k] = std::exp(x[k] - m);
      sum += y[k];
    }
    float inv = static_cast<float>(1.0 / sum);
    for (int k = 0; k < K; ++k) y[k] *= inv;
  }
  return Status::ok();
}

Status softmax_backward(Tensor& grad_in, const Tensor& grad_out, const Tensor& out) {
  CS_RETURN_IF_ERROR(expect_rank(out, 2, "softmax backward", "(batch, classes)"));
  if (grad_out.shape() != out.shape())
    return Status::error(fmt("softmax backward: grad_output %s does not match the output %s",
                             grad_out.shape_string().c_str(), out.shape_string().c_str()));
  const int N = out.dim(0), K = out.dim(1);
  if (&grad_in != &grad_out && &grad_in != &out) grad_in.resize(out.shape());
  for (int n = 0; n < N; ++n) {
    size_t off = static_cast<size_t>(n) * K;
    const float* y = out.data() + off;
    const float* gy = grad_out.data() + off;
    float* gx = grad_in.data() + off;
    double dot = 0.0;
    for (int k = 0; k < K; ++k) dot += static_cast<double>(gy[k]) * y[k];
    for (int k = 0; k < K; ++k) gx[k] = y[k] * (gy[k] - static_cast<float>(dot));
  }
  return Status::ok();
}

}  // namespace cs
