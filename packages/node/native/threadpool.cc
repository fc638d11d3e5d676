#include "threadpool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
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

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    stop();
    std::lock_guard<std::mutex> lk(mu_);
    quit_ = false;
    for (int i = 1; i < n; i++) workers_.emplace_back([this, i] { loop(i); });
  }

  // Runs job(i) for i in [0, size()); the caller runs job(0).
  void run(int count, const std::function<void(int)>& job) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      job_ = &job;
      active_ = count;
      pending_.store(count - 1);
      generation_++;
    }
    cv_.notify_all();
    job(0);
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [this] { return pending_.load() == 0; });
    job_ = nullptr;
  }

  std::mutex busy;  // held while a parallel_for runs

 private:
  void loop(int index) {
    unsigned long seen = 0;
    for (;;) {
      const std::function<void(int)>* job;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        if (index >= active_) continue;
        job = job_;
      }
      (*job)(index);
      if (pending_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_one();
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int)>* job_ = nullptr;
  std::atomic<int> pending_{0};
  int active_ = 0;
  unsigned long generation_ = 0;
  bool quit_ = false;
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
