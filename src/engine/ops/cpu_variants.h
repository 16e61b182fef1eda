// cpu_variants.h — a compiler-vectorised kernel body compiled twice in one binary, for baseline
// x86-64 and for AVX2+FMA, and chosen by the CPU family in use (cpu.h), so that CS_CPU and --cpu
// reach these loops too (GCC's target_clones would pick by the CPU alone, at load time).
// Use: mark the body CS_VARIANT_BODY and call it as CS_CALL_VARIANT(body, args...): the body is
// inlined into one wrapper per instruction set, and the avx2 and avx512 families run the AVX2 one
// (an AVX-512 compilation of the depthwise rows measured no faster: README "CPU families").
// Elsewhere (wasm, other CPUs) it is a plain call, compiled once for the build's own target.
// CS_CALL_VARIANT_NO_MEMSET: wrappers in which GCC does not turn short zeroing loops into memset
// calls (a call costs more than the stores for the few padding floats of a row).
#pragma once
#include <utility>

#include "../cpu.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CS_VARIANT_BODY __attribute__((always_inline)) inline

#if defined(__GNUC__) && !defined(__clang__)
#define CS_VARIANT_NO_MEMSET __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define CS_VARIANT_NO_MEMSET
#endif

namespace cs {
namespace cpu_variants {

#define CS_VARIANT_WRAPPERS(suffix, extra)                                                  \
  template <auto Body, class... A>                                                          \
  __attribute__((target("avx2,fma"))) extra auto avx2##suffix(A&&... a) {                  \
    return Body(std::forward<A>(a)...);                                                     \
  }                                                                                         \
  template <auto Body, class... A>                                                          \
  extra auto base##suffix(A&&... a) {                                                       \
    return Body(std::forward<A>(a)...);                                                     \
  }                                                                                         \
  template <auto Body, class... A>                                                          \
  inline auto call##suffix(A&&... a) {                                                      \
    const CpuFamily f = cpu_family();                                                       \
    if (f == CpuFamily::Avx2 || f == CpuFamily::Avx512) return avx2##suffix<Body>(std::forward<A>(a)...); \
    return base##suffix<Body>(std::forward<A>(a)...);                                       \
  }

CS_VARIANT_WRAPPERS(, )
CS_VARIANT_WRAPPERS(_no_memset, CS_VARIANT_NO_MEMSET)
#undef CS_VARIANT_WRAPPERS

}  // namespace cpu_variants
}  // namespace cs

#define CS_CALL_VARIANT(body, ...) ::cs::cpu_variants::call<&body>(__VA_ARGS__)
#define CS_CALL_VARIANT_NO_MEMSET(body, ...) ::cs::cpu_variants::call_no_memset<&body>(__VA_ARGS__)
#else
#define CS_VARIANT_BODY inline
#define CS_CALL_VARIANT(body, ...) body(__VA_ARGS__)
#define CS_CALL_VARIANT_NO_MEMSET(body, ...) body(__VA_ARGS__)
#endif
