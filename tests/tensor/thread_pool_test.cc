#include "tensor/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ptmo::tensor {
namespace {

TEST(ThreadPool, RunsEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 4}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.num_threads(), threads);
    for (int64_t n : {0, 1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.ParallelFor(n, [&](int64_t i) { hits[static_cast<size_t>(i)].fetch_add(1); });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1) << threads << " " << n << " " << i;
    }
  }
}

TEST(ThreadPool, SingleThreadPoolRunsOnTheCaller) {
  ThreadPool pool(1);
  const std::thread::id me = std::this_thread::get_id();
  bool all_on_caller = true;
  pool.ParallelFor(10, [&](int64_t) { all_on_caller &= std::this_thread::get_id() == me; });
  EXPECT_TRUE(all_on_caller);
}

TEST(ThreadPool, EveryThreadTakesPart) {
  // Three tasks that each wait (up to 10 s) until all three are running: this only completes
  // quickly if three different threads picked them up, since a thread runs one task at a time.
  ThreadPool pool(3);
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  std::vector<std::thread::id> ids;
  pool.ParallelFor(3, [&](int64_t) {
    std::unique_lock<std::mutex> lock(mu);
    ++arrived;
    ids.push_back(std::this_thread::get_id());
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 3; });
  });
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()) - ids.begin(), 3);
}

TEST(ThreadPool, ManyBackToBackLoopsSeeAllPriorWrites) {
  // Each loop reads what the previous loop wrote: ParallelFor must complete (and publish)
  // every task before returning, and a new loop must not start on stale fields.
  ThreadPool pool(3);
  std::vector<int64_t> data(97, 0);
  for (int round = 0; round < 1000; ++round) {
    pool.ParallelFor(static_cast<int64_t>(data.size()), [&](int64_t i) {
      ASSERT_EQ(data[static_cast<size_t>(i)], round);
      data[static_cast<size_t>(i)] = round + 1;
    });
  }
  for (int64_t v : data) EXPECT_EQ(v, 1000);
}

TEST(ThreadPool, SleepingWorkersWakeForTheNextLoop) {
  ThreadPool pool(ThreadPoolOptions{.num_threads = 2, .spin_polls = 0});
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> count{0};
    pool.ParallelFor(16, [&](int64_t) { count.fetch_add(1); });
    ASSERT_EQ(count.load(), 16);
    if (round % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

TEST(ThreadPool, ConcurrentSubmittersAreSerialized) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  auto submit = [&] {
    for (int r = 0; r < 200; ++r) pool.ParallelFor(10, [&](int64_t) { total.fetch_add(1); });
  };
  std::thread a(submit), b(submit);
  a.join();
  b.join();
  EXPECT_EQ(total.load(), 2 * 200 * 10);
}

TEST(ThreadPool, DestroysCleanlyWithoutEverRunning) {
  for (int i = 0; i < 20; ++i) ThreadPool pool(4);
}

}  // namespace
}  // namespace ptmo::tensor
