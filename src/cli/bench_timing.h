// bench_timing.h — timing one call as the peers' benchmarks do, for `convscope bench` (bench.cpp):
// warm-up, then >= 20 timed calls, the median wall time and the median process CPU time per call.
#pragma once
#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

#include "engine/status.h"

namespace cs::cli {

// cpu_ms: median process CPU time per call (all threads; see cpu_now_ms). On a machine shared with
// other work, wall time counts the time the process waited for a core; CPU time mostly does not,
// so before/after comparisons under load use it (it still sees cache and memory contention).
struct Timing {
  double median_ms = 0, min_ms = 0, cpu_ms = 0;
  int runs = 0;
};

// Process CPU time in ms. Natively std::clock (CLOCK_PROCESS_CPUTIME_ID on Linux). Emscripten's
// clock() is wall time in whole milliseconds, so under node ask node itself (process.cpuUsage,
// microseconds of user + system time); elsewhere fall back to wall time.
inline double cpu_now_ms() {
#if defined(__EMSCRIPTEN__)
  return EM_ASM_DOUBLE({
    if (typeof process !== 'undefined' && process.cpuUsage) {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
    return performance.now();
  });
#else
  return static_cast<double>(std::clock()) * 1e3 / CLOCKS_PER_SEC;
#endif
}

inline double median_of(std::vector<double>& t) {
  std::sort(t.begin(), t.end());
  size_t n = t.size();
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Warm-up: 5 calls or 0.2 s, whichever comes first (at least 2). Then >= 20 timed calls, continuing
// while less than `min_s` seconds have passed and fewer than 1000 calls were made.
template <class F>
Status time_calls(F&& call, double min_s, Timing* out) {
  Clock::time_point w0 = Clock::now();
  for (int i = 0; i < 5 && (i < 2 || seconds_since(w0) < 0.2); ++i) CS_RETURN_IF_ERROR(call());
  std::vector<double> t, cpu;
  Clock::time_point t0 = Clock::now();
  while (t.size() < 20 || (seconds_since(t0) < min_s && t.size() < 1000)) {
    Clock::time_point s = Clock::now();
    const double c = cpu_now_ms();
    CS_RETURN_IF_ERROR(call());
    cpu.push_back(cpu_now_ms() - c);
    t.push_back(seconds_since(s) * 1e3);
  }
  out->runs = static_cast<int>(t.size());
  out->median_ms = median_of(t);
  out->min_ms = t[0];  // sorted by median_of
  out->cpu_ms = median_of(cpu);
  return Status::ok();
}

}  // namespace cs::cli
