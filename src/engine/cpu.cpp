// cpu.cpp — detection of the CPU's families and the process-wide family in use (see cpu.h).
#include "cpu.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace cs {

namespace {

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define CS_CPU_X86 1
#endif

bool supported(CpuFamily f) {
  switch (f) {
    case CpuFamily::Scalar:
      return true;
#if CS_CPU_X86
    case CpuFamily::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CpuFamily::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(__wasm_simd128__)
    case CpuFamily::Simd128:
      return true;
#endif
    default:
      return false;
  }
}

constexpr CpuFamily kFastestFirst[] = {CpuFamily::Avx512, CpuFamily::Avx2, CpuFamily::Simd128, CpuFamily::Scalar};

CpuFamily best() {
  for (CpuFamily f : kFastestFirst)
    if (supported(f)) return f;
  return CpuFamily::Scalar;
}

std::string& env_error() {
  static std::string e;
  return e;
}

std::atomic<CpuFamily> g_active{CpuFamily::Scalar};
std::once_flag g_env_once;

std::string available_list() {
  std::string s;
  for (CpuFamily f : cpu_families()) s += (s.empty() ? "" : ", ") + std::string(cpu_family_name(f));
  return s;
}

// Checks a name: the family, or the sentence refusing it.
Status resolve(const std::string& name, CpuFamily* out) {
  if (name.empty() || name == "auto") {
    *out = best();
    return Status::ok();
  }
  CpuFamily f;
  if (!cpu_family_from_name(name, &f))
    return Status::error(fmt("unknown CPU family '%s': use one of scalar, avx2, avx512, simd128 or auto (this CPU has %s)",
                             name.c_str(), available_list().c_str()));
  if (!supported(f))
    return Status::error(fmt("CPU family '%s' is not available on this CPU (it has %s; features seen: %s)",
                             name.c_str(), available_list().c_str(), cpu_features().c_str()));
  *out = f;
  return Status::ok();
}

// The family at first use: CS_CPU when it names one this CPU has, else the fastest.
void read_env_once() {
  std::call_once(g_env_once, [] {
    CpuFamily f = best();
    const char* env = std::getenv("CS_CPU");
    if (env && *env) {
      Status s = resolve(env, &f);
      if (!s) {
        env_error() = "CS_CPU: " + s.message();
        f = best();
      }
    }
    g_active.store(f, std::memory_order_relaxed);
  });
}

}  // namespace

const char* cpu_family_name(CpuFamily f) {
  switch (f) {
    case CpuFamily::Scalar: return "scalar";
    case CpuFamily::Avx2: return "avx2";
    case CpuFamily::Avx512: return "avx512";
    case CpuFamily::Simd128: return "simd128";
  }
  return "scalar";
}

bool cpu_family_from_name(const std::string& name, CpuFamily* out) {
  for (CpuFamily f : kFastestFirst)
    if (name == cpu_family_name(f)) {
      *out = f;
      return true;
    }
  return false;
}

bool cpu_has_family(CpuFamily f) { return supported(f); }

std::vector<CpuFamily> cpu_families() {
  std::vector<CpuFamily> out;
  for (CpuFamily f : kFastestFirst)
    if (supported(f)) out.push_back(f);
  return out;
}

CpuFamily cpu_best_family() { return best(); }

CpuFamily cpu_family() {
  read_env_once();
  return g_active.load(std::memory_order_relaxed);
}

Status cpu_use_family(const std::string& name) {
  CpuFamily f;
  Status s = resolve(name, &f);
  if (!s) return s;
  read_env_once();  // CS_CPU is read before the first switch, so it cannot undo it later
  g_active.store(f, std::memory_order_relaxed);
  return Status::ok();
}

const std::string& cpu_env_error() {
  read_env_once();
  return env_error();
}

std::string cpu_features() {
#if CS_CPU_X86
  // __builtin_cpu_supports takes string literals only, hence the table of calls.
  const struct {
    const char* name;
    int has;  // __builtin_cpu_supports answers an int
  } kSeen[] = {{"sse2", __builtin_cpu_supports("sse2")},         {"sse4.1", __builtin_cpu_supports("sse4.1")},
               {"avx", __builtin_cpu_supports("avx")},           {"avx2", __builtin_cpu_supports("avx2")},
               {"fma", __builtin_cpu_supports("fma")},           {"avx512f", __builtin_cpu_supports("avx512f")},
               {"avx512dq", __builtin_cpu_supports("avx512dq")}, {"avx512bw", __builtin_cpu_supports("avx512bw")},
               {"avx512vl", __builtin_cpu_supports("avx512vl")}, {"avx512vnni", __builtin_cpu_supports("avx512vnni")}};
  std::string s;
  for (const auto& f : kSeen)
    if (f.has) s += (s.empty() ? "" : " ") + std::string(f.name);
  return s.empty() ? "baseline x86" : s;
#elif defined(__wasm_simd128__)
  return "wasm simd128";
#else
  return "portable";
#endif
}

}  // namespace cs
