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

#include "../parallel.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CS_ACT_X86 1
#include <immintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

// [SECTION] scalar: the portable fallback ---------------------------------------------------------
namespace cs {
namespace act_scalar {
using V = float;
constexpr size_t VL = 1;
static inline V v_splat(float a) { return a; }
static inline V v_load(const float* p) { return *p; }
static inline void v_store(float* p, V v) { *p = v; }
static inline V v_add(V a, V b) { return a + b; }
static inline V v_mul(V a, V b) { return a * b; }
static inline V v_div(V a, V b) { return a / b; }
static inline V v_madd(V a, V b, V c) { return a * b + c; }
static inline V v_nmadd(V a, V b, V c) { return c - a * b; }
static inline V v_floor(V a) { return std::floor(a); }
static inline V v_clamp(V x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }
static inline V v_neg_abs(V x) { return -std::fabs(x); }
static inline bool v_ge0(V x) { return x >= 0.0f; }
static inline V v_select(bool m, V a, V b) { return m ? a : b; }
static inline float pow2i(int k) {  // 2^k for k in [-126, 127]
  uint32_t bits = static_cast<uint32_t>(k + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
// Two factors so that 2^n for n in [-150, 128] stays representable (subnormal results, overflow to inf).
static inline V v_scale2(V y, V n) {
  if (n != n) return y;  // NaN input: y is NaN already (and NaN -> int would be undefined)
  int k = static_cast<int>(n), k1 = k / 2;
  return y * pow2i(k1) * pow2i(k - k1);
}
}  // namespace act_scalar
}  // namespace cs
#define CS_ACT_NS act_scalar
#include "activation_simd.inc"
#undef CS_ACT_NS

// [SECTION] wasm SIMD128 (no FMA in baseline wasm SIMD: mul + add) ---------------------------------
#if defined(__wasm_simd128__)
namespace cs {
namespace act_wasm {
using V = v128_t;
constexpr size_t VL = 4;
static inline V v_splat(float a) { return wasm_f32x4_splat(a); }
static inline V v_load(const float* p) { return wasm_v128_load(p); }
static inline void v_store(float* p, V v) { wasm_v128_store(p, v); }
static inline V v_add(V a, V b) { return wasm_f32x4_add(a, b); }
static inline V v_mul(V a, V b) { return wasm_f32x4_mul(a, b); }
static inline V v_div(V a, V b) { return wasm_f32x4_div(a, b); }
static inline V v_madd(V a, V b, V c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
static inline V v_nmadd(V a, V b, V c) { return wasm_f32x4_sub(c, wasm_f32x4_mul(a, b)); }
static inline V v_floor(V a) { return wasm_f32x4_floor(a); }
// pmax(x, lo) = x < lo ? lo : x, so a NaN x passes through (and pmin/pmax are one x86 op each in V8).
static inline V v_clamp(V x, float lo, float hi) {
  return wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_splat(lo)), wasm_f32x4_splat(hi));
}
static inline V v_neg_abs(V x) { return wasm_v128_or(x, wasm_f32x4_splat(-0.0f)); }
static inline V v_ge0(V x) { return wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f)); }
static inline V v_select(V m, V a, V b) { return wasm_v128_bitselect(a, b, m); }
static inline V v_scale2(V y, V n) {
  v128_t k = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t k1 = wasm_i32x4_shr(k, 1), k2 = wasm_i32x4_sub(k, k1);
  v128_t bias = wasm_i32x4_splat(127);
  v128_t p1 = wasm_i32x4_shl(wasm_i32x4_add(k1, bias), 23), p2 = wasm_i32x4_shl(wasm_i32x4_add(k2, bias), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(y, p1), p2);
}
}  // namespace act_wasm
}  // namespace cs
#define CS_ACT_NS act_wasm
#include "activation_simd.inc"
#undef CS_ACT_NS
#endif

// [SECTION] x86: AVX2+FMA in a target region (the binary itself is baseline x86-64) --------------
#if CS_ACT_X86
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace cs {
namespace act_avx2 {
using V = __m256;
constexpr size_t VL = 8;
static inline V v_splat(float a) { return _mm256_set1_ps(a); }
static inline V v_load(const float* p) { return _mm256_loadu_ps(p); }
static inline void v_store(float* p, V v) { _mm256_storeu_ps(p, v); }
static inline V v_add(V a, V b) { return _mm256_add_ps(a, b); }
static inline V v_mul(V a, V b) { return _mm256_mul_ps(a, b); }
static inline V v_div(V a, V b) { return _mm256_div_ps(a, b); }
static inline V v_madd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline V v_nmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
static inline V v_floor(V a) { return _mm256_floor_ps(a); }
// maxps/minps return their second operand when either is NaN: putting x second lets NaN through.
static inline V v_clamp(V x, float lo, float hi) {
  return _mm256_min_ps(_mm256_set1_ps(hi), _mm256_max_ps(_mm256_set1_ps(lo), x));
}
static inline V v_neg_abs(V x) { return _mm256_or_ps(x, _mm256_set1_ps(-0.0f)); }
static inline V v_ge0(V x) { return _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ); }
static inline V v_select(V m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
static inline V v_scale2(V y, V n) {
  __m256i k = _mm256_cvttps_epi32(n);
  __m256i k1 = _mm256_srai_epi32(k, 1), k2 = _mm256_sub_epi32(k, k1);
  __m256i bias = _mm256_set1_epi32(127);
  __m256 p1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
  __m256 p2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(y, p1), p2);
}
}  // namespace act_avx2
}  // namespace cs
#define CS_ACT_NS act_avx2
#include "activation_simd.inc"
#undef CS_ACT_NS
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace cs {

// [SECTION] run-time choice of the instruction set -------------------------------------------------

namespace {

using UnaryFn = void (*)(size_t, const float*, float*);
using BinaryFn = void (*)(size_t, const float*, const float*, float*);

struct ActImpl {
  const char* name;
  bool (*supported)();
  UnaryFn exp, sigmoid, silu;
  BinaryFn silu_backward;
};

bool always() { return true; }
#if CS_ACT_X86
bool has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

#define CS_ACT_IMPL(label, ns, pred) \
  ActImpl { label, pred, &ns::exp_n, &ns::sigmoid_n, &ns::silu_n, &ns::silu_backward_n }
// Fastest first: the first supported one is the default.
const ActImpl kActImpls[] = {
#if CS_ACT_X86
    CS_ACT_IMPL("avx2", act_avx2, has_avx2),
#endif
#if defined(__wasm_simd128__)
    CS_ACT_IMPL("simd128", act_wasm, always),
#endif
    CS_ACT_IMPL("scalar", act_scalar, always),
};
#undef CS_ACT_IMPL

const ActImpl*& active_act_ptr() {
  static const ActImpl* active = [] {
    for (const ActImpl& im : kActImpls)
      if (im.supported()) return &im;
    return &kActImpls[sizeof(kActImpls) / sizeof(kActImpls[0]) - 1];
  }();
  return active;
}
const ActImpl& active_act() { return *active_act_ptr(); }

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

std::vector<std::string> activation_isas() {
  std::vector<std::string> out;
  for (const ActImpl& im : kActImpls)
    if (im.supported()) out.push_back(im.name);
  return out;
}

bool activation_use_isa(const std::string& name) {
  for (const ActImpl& im : kActImpls) {
    if ((name == "auto" || name == im.name) && im.supported()) {
      active_act_ptr() = &im;
      return true;
    }
  }
  return false;
}

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
