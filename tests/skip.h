// skip.h — the one way a doctest says "this check cannot run here" (a tool, a data set or a fixture
// is missing). With CS_ALLOW_SKIP=1 (hand runs, or scripts/test.sh when steps are switched off) the
// check says "skip: why" and passes; otherwise it FAILS with the reason, so a full run cannot pass
// with a check that never ran. Either way the skip is appended to the file CS_SKIP_LOG names (when
// set), which scripts/test.sh counts in its closing line. The same contract: tests/cli/skip.py,
// tests/web/harness.mjs skip().
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include <doctest/doctest.h>
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace cs_test {

// The wasm runtime under node hides process.env from getenv(): read the variable from JavaScript.
inline bool skips_allowed() {
#ifdef __EMSCRIPTEN__
  return EM_ASM_INT({ return process.env.CS_ALLOW_SKIP === '1' ? 1 : 0; }) != 0;
#else
  const char* v = std::getenv("CS_ALLOW_SKIP");
  return v && std::string(v) == "1";
#endif
}

inline void log_skip(const std::string& line) {
#ifdef __EMSCRIPTEN__
  EM_ASM({
    if (process.env.CS_SKIP_LOG) require('fs').appendFileSync(process.env.CS_SKIP_LOG, UTF8ToString($0) + '\n');
  }, line.c_str());
#else
  const char* path = std::getenv("CS_SKIP_LOG");
  if (!path || !*path) return;
  if (std::FILE* f = std::fopen(path, "a")) {
    std::fprintf(f, "%s\n", line.c_str());
    std::fclose(f);
  }
#endif
}

// "tests/engine/test_idx.cpp:107": the file from the tests folder on, as a reader finds it.
inline std::string skip_where(const std::string& file, int line) {
  const size_t at = file.rfind("tests/");
  return (at == std::string::npos ? file : file.substr(at)) + ":" + std::to_string(line);
}

}  // namespace cs_test

// CS_SKIP(reason): records the skip, then passes (CS_ALLOW_SKIP=1) or fails; returns from the test.
#define CS_SKIP(reason)                                                                                          \
  do {                                                                                                           \
    const std::string cs_skip_what_ = cs_test::skip_where(__FILE__, __LINE__) + ": " + (reason);                \
    cs_test::log_skip(cs_skip_what_);                                                                            \
    if (cs_test::skips_allowed()) {                                                                              \
      MESSAGE("skip: " << cs_skip_what_);                                                                        \
    } else {                                                                                                     \
      FAIL_CHECK("skipped, which counts as a failure (CS_ALLOW_SKIP=1 allows it): " << cs_skip_what_);          \
    }                                                                                                            \
    return;                                                                                                      \
  } while (0)
