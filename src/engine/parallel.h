// parallel.h — a tiny persistent thread pool: set_num_threads() and parallel_for() over an index
// range split into fixed, contiguous chunks. Natively the workers live for the whole process (no
// thread start per call: M1 at batch 1 is ~30 us of work); in wasm there are no pthreads and
// everything runs inline on the calling thread.
//
// Determinism: the chunk boundaries depend only on (range, grain, thread count), and callers use
// parallel_for to split *independent* outputs (GEMM tiles, images, channels) - never to split a
// sum - so results are bit-identical for any thread count.
#pragma once
#include <cstdint>
#include <type_traits>

namespace cs {

// Threads used by parallel_for (and so by gemm and the convolutions). n <= 0 means "all hardware
// threads". Always 1 in wasm. Not meant to be called while a parallel_for is running.
void set_num_threads(int n);
int num_threads();
// Hardware threads of this machine (1 in wasm).
int hardware_threads();

// Calls fn(lo, hi) on disjoint contiguous chunks covering [begin, end), each at least `grain`
// indices long (except when the range itself is shorter), at most num_threads() chunks, in
// parallel. Returns when all chunks are done. Nested calls (from inside fn) run serially.
template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, F&& fn);

// ---------------------------------------------------------------------------------------------
// [implementation detail] a type-erased call without std::function's allocation.
using ChunkFn = void (*)(void* ctx, int64_t lo, int64_t hi);
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, ChunkFn fn, void* ctx);

template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, F&& fn) {
  using Fn = typename std::remove_reference<F>::type;
  parallel_for_impl(begin, end, grain,
                    [](void* ctx, int64_t lo, int64_t hi) { (*static_cast<Fn*>(ctx))(lo, hi); },
                    const_cast<void*>(static_cast<const void*>(&fn)));
}

}  // namespace cs
