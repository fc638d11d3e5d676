// A small fixed thread pool: parallel_for splits [0, n) into contiguous ranges, one per thread,
// and the calling thread works on the first range. Sized to the usable cores (KERNO_NUM_THREADS
// overrides). A call made while the pool is busy (another JS thread, or a nested call) runs
// serially in the caller, so the pool is safe from worker_threads.
#pragma once
#include <cstddef>
#include <functional>

namespace kerno {

int num_threads();

// fn(begin, end, thread_index) over [0, n); ranges are split evenly, at least `grain` items each.
void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t, int)>& fn);

// The same over chunks (about 8 per thread, at least `grain` items each) that threads take in turn
// until none is left: a thread that loses its core for a while (a shared machine) takes fewer,
// where parallel_for's even split waits for it (the MNIST CNN's second layer: 3.6 -> 3.1 ms on 2
// cores). fn runs once per chunk, so use it only where no result depends on which thread ran
// which items (no per-thread partial sums: they would change with the schedule).
void parallel_chunks(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t, int)>& fn);

}  // namespace kerno
