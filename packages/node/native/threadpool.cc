#include "threadpool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <sched.h>
#endif

namespace kerno {
namespace {

int usable_cores() {
  const char* env = std::getenv("KERNO_NUM_THREADS");
  if (env && std::atoi(env) > 0) return std::min(std::atoi(env), 256);
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

// How long a hand-off spins on an atomic before it sleeps on a condition variable: a worker
// waiting for the next job, and the caller waiting for the workers to finish. A sleeping thread
// costs a wake-up per parallel section (a futex and, in a virtual machine, an interrupt between
// cores; under Emscripten, Atomics.wait), while a training step's kernels come a few hundred
// microseconds apart with JavaScript between them. OpenMP runtimes spin likewise before they
// sleep (GOMP_SPINCOUNT, KMP_BLOCKTIME). Measured on a 2-core Xeon VM, bench workers, alternating:
// the MNIST CNN's fit 5,300-5,950 images/s sleeping at once, 6,590-6,860 with only the caller
// spinning, 7,330-7,480 with both spinning 1 ms (6,380-7,220 at 100 us, 6,710-7,520 at 1 ms in a
// second run); filter visualization 6.1 -> 5.0 s; cats-vs-dogs 110-122 images/s sleeping, 123 at
// 1 ms, 128-129 at 5 ms; image-folder decoding, sgemm, VGG16 and the LSTM unchanged. Under
// Emscripten (Node): 1,410-1,480 MNIST images/s sleeping, 1,670-1,830 at 2 ms, 1,680-1,800 at 5 ms.
// Both builds spin 2 ms. KERNO_POOL_SPIN_US overrides it for the native addon (0: sleep at once,
// for a machine shared with other work); the wasm module does not see the process's environment.
std::chrono::microseconds spin_time() {
  const char* env = std::getenv("KERNO_POOL_SPIN_US");
  return std::chrono::microseconds(env && std::atoi(env) >= 0 ? std::atoi(env) : 2000);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until done() or `spin` has passed (reading the clock every 256 tries); true when done().
template <typename Done>
bool spin_until(std::chrono::microseconds spin, Done done) {
  if (spin.count() == 0) return done();
  const auto until = std::chrono::steady_clock::now() + spin;
  for (;;) {
    for (int i = 0; i < 256; i++) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= until) return done();
  }
}

class Pool {
 public:
  // the spin time is read before any worker starts
  explicit Pool(int n) : spin_(spin_time()) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    stop();
    quit_.store(false);
    // a worker starts from the ticket as it is now, so that it never takes a finished job for a new one
    const std::uint64_t now = ticket_.load();
    for (int i = 1; i < n; i++) workers_.emplace_back([this, i, now] { loop(i, now); });
  }

  // Runs job(i) for i in [0, count); the caller runs job(0). One atomic word, the ticket, says
  // that there is a new job and how many take part (its generation above kCountBits, the count
  // below), so that a worker reads both at once: one that takes no part never reads the job, and
  // one that does counts down pending_ once done, so that the next run cannot change the job
  // under it. A worker or the caller sleeps only after saying so (sleepers_, caller_sleeps_), and
  // the other side takes the mutex and notifies only then: with these seq_cst operations no
  // wake-up is lost, since either the notifier sees the flag or the sleeper's check under the
  // mutex sees the new value.
  void run(int count, const std::function<void(int)>& job) {
    job_ = &job;
    pending_.store(count - 1);
    ticket_.store((((ticket_.load() >> kCountBits) + 1) << kCountBits) | static_cast<std::uint64_t>(count));
    if (sleepers_.load() > 0) {
      { std::lock_guard<std::mutex> lk(mu_); }
      cv_.notify_all();
    }
    job(0);
    if (!spin_until(spin_, [this] { return pending_.load() == 0; })) {
      std::unique_lock<std::mutex> lk(mu_);
      caller_sleeps_.store(true);
      done_cv_.wait(lk, [this] { return pending_.load() == 0; });
      caller_sleeps_.store(false);
    }
    job_ = nullptr;
  }

  std::mutex busy;  // held while a parallel_for runs

 private:
  void loop(int index, std::uint64_t seen) {
    for (;;) {
      // sequentially consistent loads, as the no-lost-wake-up argument above needs
      const auto fresh = [&] { return quit_.load() || ticket_.load() != seen; };
      if (!spin_until(spin_, fresh)) {
        std::unique_lock<std::mutex> lk(mu_);
        sleepers_.fetch_add(1);
        cv_.wait(lk, fresh);
        sleepers_.fetch_sub(1);
      }
      if (quit_.load()) return;
      seen = ticket_.load();
      if (index >= static_cast<int>(seen & ((1u << kCountBits) - 1))) continue;
      (*job_)(index);
      if (pending_.fetch_sub(1) == 1 && caller_sleeps_.load()) {
        { std::lock_guard<std::mutex> lk(mu_); }
        done_cv_.notify_one();
      }
    }
  }

  void stop() {
    quit_.store(true);
    { std::lock_guard<std::mutex> lk(mu_); }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  const std::chrono::microseconds spin_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  static constexpr int kCountBits = 16;  // the pool has at most 256 threads
  const std::function<void(int)>* job_ = nullptr;
  std::atomic<int> pending_{0};
  std::atomic<std::uint64_t> ticket_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> caller_sleeps_{false};
  std::atomic<bool> quit_{false};
};

Pool& pool() {
  static Pool p(usable_cores());
  return p;
}

}  // namespace

int num_threads() { return pool().size(); }

void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t, int)>& fn) {
  if (n == 0) return;
  Pool& p = pool();
  std::size_t chunks = std::min<std::size_t>(p.size(), (n + std::max<std::size_t>(grain, 1) - 1) / std::max<std::size_t>(grain, 1));
  std::unique_lock<std::mutex> lk(p.busy, std::try_to_lock);
  if (chunks <= 1 || !lk.owns_lock()) {
    fn(0, n, 0);
    return;
  }
  const int count = static_cast<int>(chunks);
  p.run(count, [&](int i) {
    std::size_t begin = n * i / count, end = n * (i + 1) / count;
    if (begin < end) fn(begin, end, i);
  });
}

void parallel_chunks(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t, int)>& fn) {
  const std::size_t chunk = std::max<std::size_t>({grain, 1, n / (8 * static_cast<std::size_t>(num_threads()))});
  const std::size_t chunks = (n + chunk - 1) / chunk;
  std::atomic<std::size_t> next{0};
  parallel_for(chunks, 1, [&](std::size_t, std::size_t, int thread) {
    for (std::size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) fn(c * chunk, std::min(n, (c + 1) * chunk), thread);
  });
}

}  // namespace kerno
