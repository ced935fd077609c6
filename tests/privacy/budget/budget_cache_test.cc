// The ledger caches each user's window spend; what other connections commit, and what this
// one resets, must still show at once.
#include <gtest/gtest.h>

#include "privacy/budget/budget_ledger.h"
#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::TempDir;

constexpr int64_t kNow = 1704067200;  // 2024-01-01T00:00:00Z

std::unique_ptr<BudgetLedger> OpenOrDie(const std::string& path) {
  auto ledger = BudgetLedger::Open(path, {1.0, 86400});
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

TEST(BudgetCache, ChargesThroughAnotherConnectionShowAtOnce) {
  TempDir dir;
  auto a = OpenOrDie(dir.File("budget.db"));
  auto b = OpenOrDie(dir.File("budget.db"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_DOUBLE_EQ(a->State("alice", kNow)->spent, 0.0);  // cached in `a`
  ASSERT_EQ(b->Charge("alice", "r1", 0.25, kNow)->decision, ChargeDecision::kCharged);
  EXPECT_DOUBLE_EQ(a->State("alice", kNow)->spent, 0.25);
  ASSERT_EQ(a->Charge("alice", "r2", 0.5, kNow)->decision, ChargeDecision::kCharged);
  EXPECT_DOUBLE_EQ(b->State("alice", kNow)->spent, 0.75);
  // `a` believes 0.75 is spent; `b` spends the rest; `a` must refuse what no longer fits.
  ASSERT_EQ(b->Charge("alice", "r3", 0.25, kNow)->decision, ChargeDecision::kCharged);
  auto refused = a->Charge("alice", "r4", 0.1, kNow);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->decision, ChargeDecision::kRefused);
  EXPECT_TRUE(refused->state.exhausted);
}

TEST(BudgetCache, CachedSpendEqualsTheFileAfterEveryCharge) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("budget.db"));
  ASSERT_NE(ledger, nullptr);
  for (int i = 0; i < 20; ++i) {
    auto o = ledger->Charge("alice", "r" + std::to_string(i), 0.01 * (i % 7), kNow + i);
    ASSERT_TRUE(o.ok());
    // A fresh connection sums the file itself: the cached answer must be the same number.
    auto fresh = BudgetLedger::OpenExisting(dir.File("budget.db"));
    ASSERT_TRUE(fresh.ok());
    auto truth = (*fresh)->State("alice", kNow + i);
    ASSERT_TRUE(truth.ok());
    EXPECT_EQ(o->state.spent, truth->spent) << i;
    EXPECT_EQ(ledger->State("alice", kNow + i)->spent, truth->spent) << i;
  }
}

TEST(BudgetCache, ResetShowsAtOnce) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("budget.db"));
  ASSERT_NE(ledger, nullptr);
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.6, kNow).ok());
  ASSERT_DOUBLE_EQ(ledger->State("alice", kNow)->spent, 0.6);
  ASSERT_TRUE(ledger->Reset("alice", kNow).ok());
  EXPECT_DOUBLE_EQ(ledger->State("alice", kNow)->spent, 0.0);
}

}  // namespace
}  // namespace ptmo::privacy
