// test_cpu.cpp — the CPU family switch (cpu.h): names, refusals that say what the CPU has, the
// fastest family as the default, and every kernel choice following the family in use.
#include <doctest/doctest.h>

#include <string>

#include "cpu_families.h"
#include "engine/ops/activation.h"
#include "engine/ops/conv2d_direct.h"
#include "engine/ops/gemm.h"
#include "engine/ops/winograd_avx2.h"

TEST_CASE("cpu: family names round-trip; unknown and unavailable families are refused by name") {
  cs_test::FamilyRestore restore;
  for (cs::CpuFamily f : {cs::CpuFamily::Scalar, cs::CpuFamily::Avx2, cs::CpuFamily::Avx512, cs::CpuFamily::Simd128}) {
    cs::CpuFamily back;
    REQUIRE(cs::cpu_family_from_name(cs::cpu_family_name(f), &back));
    CHECK(back == f);
  }
  const cs::CpuFamily before = cs::cpu_family();
  cs::Status s = cs::cpu_use_family("avx1024");
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("avx1024") != std::string::npos);
  CHECK(s.message().find("scalar") != std::string::npos);  // says what this CPU has
  CHECK(cs::cpu_family() == before);
  for (cs::CpuFamily f : {cs::CpuFamily::Avx2, cs::CpuFamily::Avx512, cs::CpuFamily::Simd128}) {
    if (cs::cpu_has_family(f)) continue;
    s = cs::cpu_use_family(cs::cpu_family_name(f));
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message().find("not available") != std::string::npos);
    CHECK(s.message().find(cs::cpu_family_name(f)) != std::string::npos);
    CHECK(cs::cpu_family() == before);
  }
}

TEST_CASE("cpu: scalar always; auto is the fastest the CPU has; the features are named") {
  cs_test::FamilyRestore restore;
  const std::vector<cs::CpuFamily> fams = cs::cpu_families();
  REQUIRE(!fams.empty());
  CHECK(fams.back() == cs::CpuFamily::Scalar);
  CHECK(cs::cpu_best_family() == fams.front());
  REQUIRE(cs::cpu_use_family("auto").is_ok());
  CHECK(cs::cpu_family() == fams.front());
  CHECK(!cs::cpu_features().empty());
#if defined(__x86_64__)
  CHECK(cs::cpu_has_family(cs::CpuFamily::Avx2) == (cs::cpu_features().find("avx2") != std::string::npos &&
                                                    cs::cpu_features().find("fma") != std::string::npos));
  CHECK(cs::cpu_has_family(cs::CpuFamily::Avx512) ==
        (cs::cpu_has_family(cs::CpuFamily::Avx2) && cs::cpu_features().find("avx512f") != std::string::npos));
#endif
  // A run started with CS_CPU runs that family (a refused CS_CPU stops the test program at start).
  CHECK(cs::cpu_env_error().empty());
}

TEST_CASE("cpu: every CPU-dependent kernel follows the family in use") {
  cs_test::for_each_cpu_family([](cs::CpuFamily f) {
    const std::string name = cs::cpu_family_name(f);
    CHECK(std::string(cs::gemm_kernel_name()) == name);
    const std::string tile = cs::conv2d_direct_kernel_name(), act = cs::activation_isa();
    if (f == cs::CpuFamily::Scalar) {
      CHECK(tile == "scalar");
      CHECK(act == "scalar");
    } else if (f == cs::CpuFamily::Simd128) {
      CHECK(tile == "simd128");
      CHECK(act == "simd128");
    } else {  // avx2, avx512: AVX2 tiles and activations (part of every AVX-512 CPU)
      CHECK(tile == "avx2");
      CHECK(act == "avx2");
    }
#if defined(CS_WINOGRAD_AVX2)
    CHECK(cs::winograd_avx2_available() == cs_test::avx2_kernels(f));
#endif
  });
}
