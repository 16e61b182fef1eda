// test_scale.h — how much of a randomised test's large cases a build runs: all of them in the plain
// builds; every fourth under AddressSanitizer, where a large case costs ~10x and the lane is there for
// memory safety (every code path and edge tile still runs there; the plain lanes check every case).
#pragma once

namespace cs_test {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Whether large case number t of a randomised loop runs in this build.
inline bool run_large_case(int t) { return !kSanitized || t % 4 == 0; }

}  // namespace cs_test
