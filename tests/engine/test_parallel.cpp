// test_parallel.cpp — the thread pool: every index visited exactly once, chunks contiguous and
// at least `grain` long, nested calls run serially, and thread-count changes take effect.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

#include "engine/parallel.h"

namespace {
struct ThreadGuard {
  ~ThreadGuard() { cs::set_num_threads(0); }
};
}  // namespace

TEST_CASE("parallel_for covers the range exactly once with contiguous chunks") {
  ThreadGuard guard;
  for (int threads : {1, 2, 3, 8}) {
    cs::set_num_threads(threads);
    CAPTURE(threads);
    for (int64_t n : {0, 1, 2, 7, 100, 1001}) {
      CAPTURE(n);
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n + 1));
      std::mutex mu;
      std::vector<std::pair<int64_t, int64_t>> chunks;
      cs::parallel_for(0, n, 10, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) hits[static_cast<size_t>(i)]++;
        std::lock_guard<std::mutex> lk(mu);
        chunks.push_back({lo, hi});
      });
      for (int64_t i = 0; i < n; ++i) CHECK(hits[static_cast<size_t>(i)].load() == 1);
      CHECK(static_cast<int>(chunks.size()) <= cs::num_threads());
      for (auto& c : chunks) {
        CHECK(c.first < c.second);
        if (n >= 10) CHECK(c.second - c.first >= 10);  // grain respected
      }
    }
  }
}

TEST_CASE("parallel_for with an offset range and nested calls") {
  ThreadGuard guard;
  cs::set_num_threads(2);
  std::atomic<int64_t> sum{0};
  cs::parallel_for(5, 105, 1, [&](int64_t lo, int64_t hi) {
    // A nested parallel_for must run serially on this thread (and still cover its range).
    cs::parallel_for(lo, hi, 1, [&](int64_t a, int64_t b) {
      for (int64_t i = a; i < b; ++i) sum += i;
    });
  });
  CHECK(sum.load() == (5 + 104) * 100 / 2);
}

TEST_CASE("set_num_threads") {
  ThreadGuard guard;
  cs::set_num_threads(3);
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  CHECK(cs::num_threads() == 1);  // no threads in the browser build
#else
  CHECK(cs::num_threads() == 3);
  std::atomic<int> chunks{0};
  cs::parallel_for(0, 3000, 1, [&](int64_t, int64_t) { chunks++; });
  CHECK(chunks.load() == 3);
#endif
  cs::set_num_threads(0);
  CHECK(cs::num_threads() == cs::hardware_threads());
}
