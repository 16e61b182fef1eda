// simd.h — the per-instruction-set vector wrappers shared by the kernels that are written once and
// compiled once per ISA (gemm_kernel.inc, activation_simd.inc). Each namespace holds the same small
// API over its own vector type:
//   cs::simd_scalar  float, 1 lane: the portable fallback and a second opinion in tests;
//   cs::simd_wasm    v128_t, 4 lanes (wasm SIMD128; baseline wasm SIMD has no FMA: mul + add);
//   cs::simd_avx2    __m256, 8 lanes, AVX2+FMA, in a target region (the binary stays baseline x86-64);
//   cs::simd_avx512  __m512, 16 lanes, AVX-512F, in a target region (only what the GEMM uses).
// API: V, VL (lanes), v_zero, v_splat(a), v_load, v_store, v_bcast(p) (splat of *p), v_add, v_mul,
// v_div, v_madd(a, b, c) = a*b + c (FMA where the ISA has it), v_nmadd(a, b, c) = c - a*b, v_floor,
// v_clamp(x, lo, hi) (a NaN passes through), v_neg_abs(x) = -|x|, v_ge0(x) (mask of x >= 0),
// v_select(mask, if_true, if_false), v_relu(x) = x > 0 ? x : 0 (NaN -> 0), v_scale2(y, n) = y * 2^n for an integral float n in [-150, 128];
// simd_avx2 also has transpose8x8 (the GEMM packs transposed operands with it).
// A kernel namespace pulls one set in with `using namespace simd_<isa>;` inside the same target region.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CS_SIMD_X86 1
#include <immintrin.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

// A target region: the functions between CS_TARGET_BEGIN("avx2,fma") and CS_TARGET_END are compiled
// for that instruction set while the rest of the binary stays baseline (GCC and clang spell it apart).
#define CS_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define CS_TARGET_BEGIN(isa) CS_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#define CS_TARGET_END CS_PRAGMA(clang attribute pop)
#else
#define CS_TARGET_BEGIN(isa) CS_PRAGMA(GCC push_options) CS_PRAGMA(GCC target(isa))
#define CS_TARGET_END CS_PRAGMA(GCC pop_options)
#endif

// [SECTION] scalar ------------------------------------------------------------------------------
namespace cs {
namespace simd_scalar {
using V = float;
constexpr int VL = 1;
static inline V v_zero() { return 0.0f; }
static inline V v_splat(float a) { return a; }
static inline V v_load(const float* p) { return *p; }
static inline void v_store(float* p, V v) { *p = v; }
static inline V v_bcast(const float* p) { return *p; }
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
static inline V v_relu(V x) { return x > 0.0f ? x : 0.0f; }  // NaN -> 0, as relu_kernel
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
}  // namespace simd_scalar
}  // namespace cs

// [SECTION] wasm SIMD128 ------------------------------------------------------------------------
#if defined(__wasm_simd128__)
namespace cs {
namespace simd_wasm {
using V = v128_t;
constexpr int VL = 4;
static inline V v_zero() { return wasm_f32x4_splat(0.0f); }
static inline V v_splat(float a) { return wasm_f32x4_splat(a); }
static inline V v_load(const float* p) { return wasm_v128_load(p); }
static inline void v_store(float* p, V v) { wasm_v128_store(p, v); }
static inline V v_bcast(const float* p) { return wasm_v128_load32_splat(p); }  // one load-splat op
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
// pmax(0, x) = 0 < x ? x : 0: NaN -> 0, as relu_kernel.
static inline V v_relu(V x) { return wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), x); }
static inline V v_scale2(V y, V n) {
  v128_t k = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t k1 = wasm_i32x4_shr(k, 1), k2 = wasm_i32x4_sub(k, k1);
  v128_t bias = wasm_i32x4_splat(127);
  v128_t p1 = wasm_i32x4_shl(wasm_i32x4_add(k1, bias), 23), p2 = wasm_i32x4_shl(wasm_i32x4_add(k2, bias), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(y, p1), p2);
}
}  // namespace simd_wasm
}  // namespace cs
#endif

// [SECTION] x86: AVX2+FMA and AVX-512F, each in its own target region ---------------------------
#if CS_SIMD_X86
CS_TARGET_BEGIN("avx2,fma")
namespace cs {
namespace simd_avx2 {
using V = __m256;
constexpr int VL = 8;
static inline V v_zero() { return _mm256_setzero_ps(); }
static inline V v_splat(float a) { return _mm256_set1_ps(a); }
static inline V v_load(const float* p) { return _mm256_loadu_ps(p); }
static inline void v_store(float* p, V v) { _mm256_storeu_ps(p, v); }
static inline V v_bcast(const float* p) { return _mm256_broadcast_ss(p); }
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
// maxps returns its second operand when either is NaN: NaN -> 0, as relu_kernel.
static inline V v_relu(V x) { return _mm256_max_ps(x, _mm256_setzero_ps()); }
static inline V v_scale2(V y, V n) {
  __m256i k = _mm256_cvttps_epi32(n);
  __m256i k1 = _mm256_srai_epi32(k, 1), k2 = _mm256_sub_epi32(k, k1);
  __m256i bias = _mm256_set1_epi32(127);
  __m256 p1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
  __m256 p2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(y, p1), p2);
}
// dst row t (t < 8, stride dst_ld) = column t of the 8x8 block at src (row stride ld): the
// transposing copy the GEMM's packing needs for an operand stored the other way round.
static inline void transpose8x8(const float* src, ptrdiff_t ld, float* dst, ptrdiff_t dst_ld) {
  __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + ld), r2 = _mm256_loadu_ps(src + 2 * ld),
         r3 = _mm256_loadu_ps(src + 3 * ld), r4 = _mm256_loadu_ps(src + 4 * ld), r5 = _mm256_loadu_ps(src + 5 * ld),
         r6 = _mm256_loadu_ps(src + 6 * ld), r7 = _mm256_loadu_ps(src + 7 * ld);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
         t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
         t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE),
         s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE),
         s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE),
         s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(dst, _mm256_permute2f128_ps(s0, s4, 0x20));
  _mm256_storeu_ps(dst + dst_ld, _mm256_permute2f128_ps(s1, s5, 0x20));
  _mm256_storeu_ps(dst + 2 * dst_ld, _mm256_permute2f128_ps(s2, s6, 0x20));
  _mm256_storeu_ps(dst + 3 * dst_ld, _mm256_permute2f128_ps(s3, s7, 0x20));
  _mm256_storeu_ps(dst + 4 * dst_ld, _mm256_permute2f128_ps(s0, s4, 0x31));
  _mm256_storeu_ps(dst + 5 * dst_ld, _mm256_permute2f128_ps(s1, s5, 0x31));
  _mm256_storeu_ps(dst + 6 * dst_ld, _mm256_permute2f128_ps(s2, s6, 0x31));
  _mm256_storeu_ps(dst + 7 * dst_ld, _mm256_permute2f128_ps(s3, s7, 0x31));
}
}  // namespace simd_avx2
}  // namespace cs
CS_TARGET_END

CS_TARGET_BEGIN("avx512f")
namespace cs {
namespace simd_avx512 {
using V = __m512;
constexpr int VL = 16;
static inline V v_zero() { return _mm512_setzero_ps(); }
static inline V v_splat(float a) { return _mm512_set1_ps(a); }
static inline V v_load(const float* p) { return _mm512_loadu_ps(p); }
static inline void v_store(float* p, V v) { _mm512_storeu_ps(p, v); }
static inline V v_bcast(const float* p) { return _mm512_set1_ps(*p); }
static inline V v_add(V a, V b) { return _mm512_add_ps(a, b); }
static inline V v_mul(V a, V b) { return _mm512_mul_ps(a, b); }
static inline V v_madd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline V v_relu(V x) { return _mm512_max_ps(x, _mm512_setzero_ps()); }
}  // namespace simd_avx512
}  // namespace cs
CS_TARGET_END
#endif  // CS_SIMD_X86
