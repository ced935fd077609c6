#include "tensor/thread_pool.h"

#include <cassert>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ptmo::tensor {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

ThreadPool::ThreadPool(const ThreadPoolOptions& options) : spin_polls_(options.spin_polls) {
  assert(options.num_threads >= 1);
  workers_.reserve(static_cast<size_t>(options.num_threads - 1));
  for (int i = 1; i < options.num_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::DrainTasks() {
  for (;;) {
    const int64_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n_) return;
    call_(ctx_, i);
  }
}

void ThreadPool::WorkerLoop() {
  // Generation 0 is the state at construction; a worker that starts late must still run the
  // loops published before it got here, so it must not read its starting point from the atomic.
  uint32_t seen = 0;
  for (;;) {
    uint32_t now = generation_.load(std::memory_order_acquire);
    for (int poll = 0; now == seen && poll < spin_polls_; ++poll) {
      CpuRelax();
      now = generation_.load(std::memory_order_acquire);
    }
    while (now == seen) {
      generation_.wait(seen, std::memory_order_acquire);
      now = generation_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stop_.load(std::memory_order_relaxed)) return;
    DrainTasks();
    if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) busy_.notify_one();
  }
}

void ThreadPool::Run(int64_t n, TaskFn call, void* ctx) {
  if (n <= 0) return;
  if (workers_.empty() || n == 1) {
    for (int64_t i = 0; i < n; ++i) call(ctx, i);
    return;
  }
  std::lock_guard<std::mutex> lock(submit_mu_);
  call_ = call;
  ctx_ = ctx;
  n_ = n;
  next_.store(0, std::memory_order_relaxed);
  busy_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  DrainTasks();
  // Every worker must check in before the loop's fields may be reused by the next call.
  int busy = busy_.load(std::memory_order_acquire);
  for (int poll = 0; busy != 0 && poll < spin_polls_; ++poll) {
    CpuRelax();
    busy = busy_.load(std::memory_order_acquire);
  }
  while (busy != 0) {
    busy_.wait(busy, std::memory_order_acquire);
    busy = busy_.load(std::memory_order_acquire);
  }
}

}  // namespace ptmo::tensor
