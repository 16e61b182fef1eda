// cpu.h — the instruction-set family the engine's CPU-dependent kernels run with, and the one switch
// that forces it. A family names every choice that depends on the CPU at once: the GEMM micro-kernel,
// the direct tiles, the Winograd and fused conv + ReLU + pool kernels, the activation and the
// compiler-vectorised depthwise / BatchNorm / pooling rows.
//   scalar   portable code only (every CPU; the second opinion in tests);
//   avx2     AVX2 + FMA kernels (x86-64 CPUs with avx2 and fma);
//   avx512   AVX-512F GEMM and depthwise rows, with the AVX2 kernels where those are faster
//            (x86-64 CPUs with avx512f, avx2 and fma);
//   simd128  wasm SIMD128 (the wasm build).
// By default the engine uses the fastest family the CPU has. The environment variable CS_CPU
// (scalar|avx2|avx512|simd128|auto), read at first use, or cpu_use_family() overrides it; a family
// the CPU lacks is refused by name, never silently replaced.
#pragma once
#include <string>
#include <vector>

#include "status.h"

namespace cs {

enum class CpuFamily { Scalar, Avx2, Avx512, Simd128 };

const char* cpu_family_name(CpuFamily f);
bool cpu_family_from_name(const std::string& name, CpuFamily* out);  // false for an unknown name

bool cpu_has_family(CpuFamily f);        // this CPU (and this build) can run it
std::vector<CpuFamily> cpu_families();   // those it can run, fastest first
CpuFamily cpu_family();                  // the family in use
CpuFamily cpu_best_family();             // what "auto" means here

// "auto" (or "") restores the fastest; an unknown name or a family this CPU lacks is an error that
// names it and what the CPU has, and leaves the family in use unchanged.
Status cpu_use_family(const std::string& name);

// The CPU features the choice looked at, as names ("sse2 avx avx2 fma avx512f avx512bw ...").
std::string cpu_features();

// CS_CPU as read at first use: empty when unset or valid; otherwise the sentence saying why it was
// refused (the engine then runs the fastest family; programs that honour CS_CPU report it and stop).
const std::string& cpu_env_error();

}  // namespace cs
