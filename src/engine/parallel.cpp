// parallel.cpp — the persistent worker pool behind parallel_for (see parallel.h). Workers spin
// briefly after a job (back-to-back layer calls reuse them without a futex round trip), then sleep
// on a condition variable. wasm builds without pthreads run every chunk inline.
#include "parallel.h"

#include <algorithm>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define CS_NO_THREADS 1
#endif

#ifndef CS_NO_THREADS
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CS_CPU_RELAX() _mm_pause()
#else
#define CS_CPU_RELAX() ((void)0)
#endif
#endif

namespace cs {

namespace {

struct Job {
  ChunkFn fn = nullptr;
  void* ctx = nullptr;
  int64_t begin = 0, n = 0;
  int chunks = 0;
  // Chunk i covers [begin + n*i/chunks, begin + n*(i+1)/chunks): a pure function of the job, so
  // the split never depends on which thread runs which chunk.
  void run_chunk(int i) const {
    int64_t lo = begin + n * i / chunks, hi = begin + n * (i + 1) / chunks;
    if (lo < hi) fn(ctx, lo, hi);
  }
};

// How many chunks a range gets: at most `threads`, each at least `grain` long.
int chunk_count(int64_t n, int64_t grain, int threads) {
  if (grain < 1) grain = 1;
  int64_t c = n / grain;
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(c, threads)));
}

}  // namespace

#ifdef CS_NO_THREADS

void set_num_threads(int) {}
int num_threads() { return 1; }
int hardware_threads() { return 1; }

void parallel_for_impl(int64_t begin, int64_t end, int64_t, ChunkFn fn, void* ctx) {
  if (begin < end) fn(ctx, begin, end);
}

#else

namespace {

thread_local bool t_inside_job = false;  // nested parallel_for runs serially

// Spin this long for the next job (or for workers to finish) before sleeping.
constexpr auto kSpin = std::chrono::microseconds(200);

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int threads) {
    std::lock_guard<std::mutex> busy(run_mu_);
    stop_workers();
    start(threads);
  }

  // Runs the job's chunks on the caller (chunk 0) and the workers. Falls back to serial when the
  // pool is already busy (a second application thread, or a nested call).
  void run(const Job& job) {
    std::unique_lock<std::mutex> busy(run_mu_, std::try_to_lock);
    if (!busy.owns_lock() || t_inside_job || job.chunks <= 1 || workers_.empty()) {
      for (int i = 0; i < job.chunks; ++i) job.run_chunk(i);
      return;
    }
    job_ = job;
    int on_workers = std::min(job.chunks, threads()) - 1;  // chunks 1..on_workers
    remaining_.store(on_workers, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(wake_mu_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_cv_.notify_all();
    t_inside_job = true;
    job_.run_chunk(0);
    for (int i = on_workers + 1; i < job.chunks; ++i) job_.run_chunk(i);  // more chunks than threads
    t_inside_job = false;
    wait_done();
  }

 private:
  void start(int threads) {
    stop_ = false;
    // The generation is read here, not in the new thread: a job posted before the thread first
    // runs must still be seen as new.
    uint64_t gen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, gen] { worker(i, gen); });
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(wake_mu_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void wait_done() {
    auto t0 = std::chrono::steady_clock::now();
    for (int spins = 0; remaining_.load(std::memory_order_acquire) != 0; ++spins) {
      CS_CPU_RELAX();
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() - t0 > kSpin) {
        std::unique_lock<std::mutex> lk(done_mu_);
        done_cv_.wait(lk, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
        break;
      }
    }
  }

  void worker(int index, uint64_t seen) {
    t_inside_job = true;  // a parallel_for inside a chunk runs serially on this worker
    for (;;) {
      uint64_t g = generation_.load(std::memory_order_acquire);
      auto t0 = std::chrono::steady_clock::now();
      for (int spins = 0; g == seen; ++spins) {
        CS_CPU_RELAX();
        g = generation_.load(std::memory_order_acquire);
        if (g == seen && (spins & 255) == 255 && std::chrono::steady_clock::now() - t0 > kSpin) {
          std::unique_lock<std::mutex> lk(wake_mu_);
          wake_cv_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
          g = generation_.load(std::memory_order_acquire);
        }
      }
      seen = g;
      {
        std::lock_guard<std::mutex> lk(wake_mu_);  // stop_ is written under this lock
        if (stop_) return;
      }
      if (index < std::min(job_.chunks, threads())) {
        job_.run_chunk(index);
        if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          std::lock_guard<std::mutex> lk(done_mu_);
          done_cv_.notify_one();
        }
      }
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mu_;  // one job at a time
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  std::atomic<uint64_t> generation_{0};
  bool stop_ = false;
  Job job_;
  std::atomic<int> remaining_{0};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
};

std::atomic<int> g_threads{0};  // 0: not chosen yet -> hardware_threads()

// Created on first use and deliberately never destroyed: workers must not be joined during
// static destruction while some other static's destructor might still run a parallel_for.
Pool& pool() {
  static Pool* p = new Pool(num_threads());
  return *p;
}

}  // namespace

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 64u));
}

int num_threads() {
  int n = g_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : hardware_threads();
}

void set_num_threads(int n) {
  if (n <= 0) n = hardware_threads();
  n = std::min(n, 64);
  g_threads.store(n, std::memory_order_relaxed);
  Pool& p = pool();
  if (p.threads() != n) p.resize(n);
}

void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, ChunkFn fn, void* ctx) {
  if (begin >= end) return;
  Job job;
  job.fn = fn;
  job.ctx = ctx;
  job.begin = begin;
  job.n = end - begin;
  job.chunks = chunk_count(job.n, grain, t_inside_job ? 1 : num_threads());
  if (job.chunks <= 1) {
    fn(ctx, begin, end);
    return;
  }
  pool().run(job);
}

#endif  // CS_NO_THREADS

}  // namespace cs
