// A fixed pool of threads for data-parallel loops (matvec rows, attention heads).
//
// Threads are started once, in the constructor; a ParallelFor wakes them, hands out indices
// from a shared atomic counter (so uneven tasks balance themselves) and returns when every
// index is done. Nothing is allocated and no thread is created per call. Between calls a worker
// spins briefly (decode issues matvecs back to back) and then sleeps on a futex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace ptmo::tensor {

struct ThreadPoolOptions {
  // Total threads including the one calling ParallelFor; at least 1 (1 = run inline).
  int num_threads = 1;
  // How many polls an idle worker makes before sleeping. Higher cuts wake-up latency for
  // back-to-back calls at the cost of CPU time while idle.
  int spin_polls = 4096;
};

class ThreadPool {
 public:
  // Starts options.num_threads - 1 worker threads.
  explicit ThreadPool(const ThreadPoolOptions& options);
  explicit ThreadPool(int num_threads) : ThreadPool(ThreadPoolOptions{num_threads}) {}
  // Stops and joins the workers. No ParallelFor may be running.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(i) once for every i in [0, n), spread over the pool's threads, the calling thread
  // included, and returns when all calls have returned. Calls run concurrently and in no set
  // order, so fn must be safe for that; fn must not throw and must not call ParallelFor on the
  // same pool. Calls from different threads are serialized (one loop runs at a time).
  template <typename Fn>
  void ParallelFor(int64_t n, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    Run(
        n, [](void* ctx, int64_t i) { (*static_cast<F*>(ctx))(i); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using TaskFn = void (*)(void* ctx, int64_t index);

  void Run(int64_t n, TaskFn call, void* ctx);
  void WorkerLoop();
  void DrainTasks();

  const int spin_polls_;
  std::vector<std::thread> workers_;
  std::mutex submit_mu_;  // one loop at a time

  // The current loop, published by a release increment of generation_.
  TaskFn call_ = nullptr;
  void* ctx_ = nullptr;
  int64_t n_ = 0;
  std::atomic<int64_t> next_{0};         // next index to hand out
  std::atomic<uint32_t> generation_{0};  // bumped once per loop (and at shutdown)
  std::atomic<int> busy_{0};             // workers that have not finished the current loop
  std::atomic<bool> stop_{false};
};

}  // namespace ptmo::tensor
