// cpu_families.h — the CPU family a test run was started with (CS_CPU, or the fastest), and a loop
// that runs a check once per family this machine has, naming the family when a check fails and
// coming back to the run's own family afterwards (so a CS_CPU=scalar run stays scalar).
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/cpu.h"

namespace cs_test {

// The family of this run: taken once, before any test switches.
inline cs::CpuFamily run_family() {
  static const cs::CpuFamily f = cs::cpu_family();
  return f;
}

struct FamilyRestore {
  FamilyRestore() { (void)run_family(); }
  ~FamilyRestore() { (void)cs::cpu_use_family(cs::cpu_family_name(run_family())); }
};

// Name-based forms for loops written over kernel names.
inline std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (cs::CpuFamily f : cs::cpu_families()) out.push_back(cs::cpu_family_name(f));
  return out;
}
inline bool use_family(const std::string& name) {
  (void)run_family();
  return cs::cpu_use_family(name).is_ok();
}
inline void restore_run_family() { (void)cs::cpu_use_family(cs::cpu_family_name(run_family())); }

template <class Body>
void for_each_cpu_family(Body&& body) {
  FamilyRestore restore;
  for (cs::CpuFamily f : cs::cpu_families()) {
    const std::string name = cs::cpu_family_name(f);
    CAPTURE(name);
    REQUIRE(cs::cpu_use_family(name).is_ok());
    body(f);
  }
}

// The families whose native kernels route to the AVX2 Winograd, direct tiles and conv + ReLU + pool
// fusions (cpu.h).
inline bool avx2_kernels(cs::CpuFamily f) { return f == cs::CpuFamily::Avx2 || f == cs::CpuFamily::Avx512; }

}  // namespace cs_test
