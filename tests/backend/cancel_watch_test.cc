#include "backend/cancel_watch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace ptmo::backend {
namespace {

using std::chrono::milliseconds;

// Waits (up to 10 s, generous for a loaded machine) until `done()` holds.
template <typename Pred>
bool Eventually(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(CancelWatchList, CallsTheActionOnceTheTokenFires) {
  CancelWatchList list(milliseconds(2));
  CancelToken token;
  std::atomic<int> calls{0};
  auto watch = list.Watch(&token, [&] { ++calls; });
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(calls.load(), 0);  // not cancelled: never called
  token.Cancel();
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 2; }));  // and repeated while registered
}

TEST(CancelWatchList, NoActionAfterTheRegistrationIsGone) {
  CancelWatchList list(milliseconds(1));
  CancelToken token;
  std::atomic<int> calls{0};
  {
    auto watch = list.Watch(&token, [&] { ++calls; });
    EXPECT_EQ(list.size(), 1u);
  }
  EXPECT_EQ(list.size(), 0u);
  token.Cancel();
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(calls.load(), 0);
}

TEST(CancelWatchList, ANullTokenGivesAnInertRegistration) {
  CancelWatchList list(milliseconds(1));
  auto watch = list.Watch(nullptr, [] { FAIL() << "called without a token"; });
  EXPECT_EQ(list.size(), 0u);
}

TEST(CancelWatchList, OnlyTheCancelledRequestsAreActedOn) {
  CancelWatchList list(milliseconds(1));
  std::vector<CancelToken> tokens(8);
  std::vector<std::atomic<int>> calls(8);
  std::vector<CancelWatchList::Registration> watches;
  for (size_t i = 0; i < tokens.size(); ++i) {
    watches.push_back(list.Watch(&tokens[i], [&calls, i] { ++calls[i]; }));
  }
  EXPECT_EQ(list.size(), 8u);
  tokens[2].Cancel();
  tokens[5].Cancel();
  EXPECT_TRUE(Eventually([&] { return calls[2].load() > 0 && calls[5].load() > 0; }));
  watches.clear();
  EXPECT_EQ(list.size(), 0u);
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i != 2 && i != 5) {
      EXPECT_EQ(calls[i].load(), 0) << i;
    }
  }
}

TEST(CancelWatchList, MovedRegistrationsUnregisterOnce) {
  CancelWatchList list(milliseconds(1));
  CancelToken a, b;
  auto first = list.Watch(&a, [] {});
  auto second = list.Watch(&b, [] {});
  EXPECT_EQ(list.size(), 2u);
  first = std::move(second);  // drops a's registration, keeps b's
  EXPECT_EQ(list.size(), 1u);
  CancelWatchList::Registration third(std::move(first));
  EXPECT_EQ(list.size(), 1u);
}

TEST(CancelWatchList, ManyThreadsRegisterAndCancelConcurrently) {
  CancelWatchList list(milliseconds(1));
  std::atomic<int> acted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        CancelToken token;
        std::atomic<bool> seen{false};
        auto watch = list.Watch(&token, [&] { seen = true; });
        token.Cancel();
        if (Eventually([&] { return seen.load(); })) ++acted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(acted.load(), 400);
  EXPECT_EQ(list.size(), 0u);
}

}  // namespace
}  // namespace ptmo::backend
