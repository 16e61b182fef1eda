// test_main.cpp — doctest's main for the engine and app tests (native and wasm-under-node). It runs
// the tests with the CPU family named by --cpu=NAME (or CS_CPU; default the fastest this CPU has),
// says which one, and refuses a family it cannot honour: an unknown name fails the run; a family
// this CPU lacks is reported as not run (exit 77, which ctest shows as skipped, with this sentence)
// instead of passing under another family's name.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/cpu.h"

int main(int argc, char** argv) {
  const char* env = std::getenv("CS_CPU");
  std::string wanted = env ? env : "";
  for (int i = 1; i < argc; ++i)
    if (!std::strncmp(argv[i], "--cpu=", 6)) wanted = argv[i] + 6;  // wasm under node sees no environment
  if (!wanted.empty()) {
    const cs::Status s = cs::cpu_use_family(wanted);
    if (!s.is_ok()) {
      cs::CpuFamily f;
      std::printf("%s\n", s.message().c_str());
      if (cs::cpu_family_from_name(wanted, &f)) {
        std::printf("CPU family %s: not run (this CPU lacks it)\n", wanted.c_str());
        return 77;
      }
      return 2;
    }
  }
  std::printf("CPU family %s (%s; CPU features: %s)\n", cs::cpu_family_name(cs::cpu_family()),
              wanted.empty() ? "the fastest this CPU has" : "as asked", cs::cpu_features().c_str());
  doctest::Context context(argc, argv);
  return context.run();
}
