#include "privacy/budget/budget_ledger.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::FileMode;
using ptmo::testing::TempDir;

constexpr int64_t kHour = 3600;
// 2024-01-01T00:00:00Z, a multiple of an hour and of a day.
constexpr int64_t kT0 = 1704067200;

std::unique_ptr<BudgetLedger> OpenOrDie(const std::string& path,
                                        BudgetConfig config = {1.0, kHour}) {
  auto ledger = BudgetLedger::Open(path, config);
  EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

// Runs one SQL statement on `path` directly, as a foreign tool (or an attacker) would.
void RawSql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(BudgetConfig, RejectsZeroNegativeAndNonFiniteEpsilon) {
  for (double eps : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    Status s = ValidateBudgetConfig({eps, kHour});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << eps;
    EXPECT_NE(s.message().find("epsilon_per_window"), std::string::npos);
  }
  EXPECT_TRUE(ValidateBudgetConfig({0.5, kHour}).ok());
}

TEST(BudgetConfig, RejectsNonPositiveWindow) {
  for (int64_t w : {int64_t{0}, int64_t{-60}}) {
    Status s = ValidateBudgetConfig({1.0, w});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("window_seconds"), std::string::npos);
  }
}

TEST(BudgetLedger, OpenRefusesAnInvalidConfigBeforeTouchingTheDisk) {
  TempDir dir;
  auto r = BudgetLedger::Open(dir.File("b.db"), {0.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FileMode(dir.File("b.db")), -1);
}

TEST(BudgetLedger, CreatesTheFileWithMode0600) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_NE(ledger, nullptr);
  EXPECT_EQ(FileMode(dir.File("b.db")), 0600);
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.1, kT0).ok());
  // SQLite gives the WAL the database file's mode.
  EXPECT_EQ(FileMode(dir.File("b.db-wal")), 0600);
}

TEST(BudgetLedger, RefusesAGroupReadableFileNamingTheFix) {
  TempDir dir;
  std::string path = dir.File("b.db");
  { ASSERT_NE(OpenOrDie(path), nullptr); }
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  auto r = BudgetLedger::Open(path, {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("0640"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
}

TEST(BudgetLedger, MissingDirectoryIsNotFound) {
  auto r = BudgetLedger::Open("/nonexistent-ptmo-dir/b.db", {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
  EXPECT_NE(r.status().message().find("/nonexistent-ptmo-dir/b.db"), std::string::npos);
}

TEST(BudgetLedger, EmptyPathIsInvalid) {
  EXPECT_EQ(BudgetLedger::Open("", {1.0, kHour}).status().code(), StatusCode::kInvalidArgument);
}

TEST(BudgetLedger, ADirectoryIsNotALedger) {
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0700), 0);
  auto r = BudgetLedger::Open(dir.path(), {1.0, kHour});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TEST(BudgetLedger, CorruptFileIsDataLoss) {
  TempDir dir;
  std::string path = dir.File("b.db");
  std::ofstream(path) << std::string(8192, 'x');
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto r = BudgetLedger::Open(path, {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
}

TEST(BudgetLedger, RefusesAForeignSqliteDatabase) {
  TempDir dir;
  std::string path = dir.File("other.db");
  RawSql(path, "CREATE TABLE photos(id INTEGER)");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto r = BudgetLedger::Open(path, {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
}

TEST(BudgetLedger, RefusesAnotherKindOfPtmoStore) {
  TempDir dir;
  std::string path = dir.File("audit.db");
  RawSql(path,
         "CREATE TABLE ptmo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
         "INSERT INTO ptmo_meta VALUES('kind','audit_log'),('schema_version','1');");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto r = BudgetLedger::Open(path, {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("audit_log"), std::string::npos) << r.status().message();
}

TEST(BudgetLedger, RefusesANewerSchemaVersion) {
  TempDir dir;
  std::string path = dir.File("b.db");
  { ASSERT_NE(OpenOrDie(path), nullptr); }
  RawSql(path, "UPDATE ptmo_meta SET value = '2' WHERE key = 'schema_version'");
  auto r = BudgetLedger::Open(path, {1.0, kHour});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("newer"), std::string::npos) << r.status().message();
}

TEST(BudgetLedger, OpenExistingUsesTheRecordedConfiguration) {
  TempDir dir;
  std::string path = dir.File("b.db");
  EXPECT_EQ(BudgetLedger::OpenExisting(path).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FileMode(path), -1);  // not created
  { ASSERT_NE(OpenOrDie(path, {2.5, 600}), nullptr); }
  auto ledger = BudgetLedger::OpenExisting(path);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_EQ((*ledger)->config().epsilon_per_window, 2.5);
  EXPECT_EQ((*ledger)->config().window_seconds, 600);
}

TEST(BudgetLedger, SpecialSqliteNamesAreOrdinaryFiles) {
  TempDir dir;
  std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto ledger = OpenOrDie(":memory:");
    ASSERT_NE(ledger, nullptr);
    ASSERT_TRUE(ledger->Charge("alice", "r1", 0.5, kT0).ok());
  }
  {
    auto ledger = OpenOrDie(":memory:");  // a file in the working directory, not RAM
    EXPECT_DOUBLE_EQ(ledger->State("alice", kT0)->spent, 0.5);
  }
  std::filesystem::current_path(cwd);
  EXPECT_EQ(FileMode(dir.File(":memory:")), 0600);
}

TEST(BudgetLedger, FreshUserHasTheWholeBudget) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"), {0.8, kHour});
  auto s = ledger->State("alice", kT0 + 10);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->spent, 0.0);
  EXPECT_EQ(s->remaining, 0.8);
  EXPECT_EQ(s->epsilon, 0.8);
  EXPECT_FALSE(s->exhausted);
  EXPECT_EQ(s->window_start, kT0);
  EXPECT_EQ(s->window_end, kT0 + kHour);
}

TEST(BudgetLedger, WindowsAreAlignedToMultiplesOfTheWindowSinceTheEpoch) {
  EXPECT_EQ(BudgetLedger::WindowStart(0, 60), 0);
  EXPECT_EQ(BudgetLedger::WindowStart(59, 60), 0);
  EXPECT_EQ(BudgetLedger::WindowStart(60, 60), 60);
  EXPECT_EQ(BudgetLedger::WindowStart(kT0 + 86399, 86400), kT0);
  EXPECT_EQ(BudgetLedger::WindowStart(kT0 + 86400, 86400), kT0 + 86400);
  EXPECT_EQ(BudgetLedger::WindowStart(-1, 60), -60);
}

TEST(BudgetLedger, ChargeIsRecordedAndReducesTheRemainingBudget) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  auto o = ledger->Charge("alice", "r1", 0.25, kT0 + 5);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->decision, ChargeDecision::kCharged);
  EXPECT_FALSE(o->replayed);
  EXPECT_EQ(o->cost, 0.25);
  EXPECT_EQ(o->charged, 0.25);
  EXPECT_EQ(o->charged_at, kT0 + 5);
  EXPECT_DOUBLE_EQ(o->state.spent, 0.25);
  EXPECT_DOUBLE_EQ(o->state.remaining, 0.75);
  auto s = ledger->State("alice", kT0 + 6);
  EXPECT_DOUBLE_EQ(s->spent, 0.25);
  // Other users are untouched.
  EXPECT_EQ(ledger->State("bob", kT0 + 6)->spent, 0.0);
}

TEST(BudgetLedger, ChargingTheSameRequestTwiceChargesOnce) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.3, kT0).ok());
  // A retry, even claiming another cost, returns the first outcome and charges nothing.
  auto again = ledger->Charge("alice", "r1", 0.6, kT0 + 1);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->decision, ChargeDecision::kCharged);
  EXPECT_EQ(again->cost, 0.3);
  EXPECT_EQ(again->charged_at, kT0);
  EXPECT_DOUBLE_EQ(again->state.spent, 0.3);
  EXPECT_DOUBLE_EQ(ledger->State("alice", kT0 + 1)->spent, 0.3);
}

TEST(BudgetLedger, RequestIdsAreScopedPerUser) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.3, kT0).ok());
  auto bob = ledger->Charge("bob", "r1", 0.4, kT0);
  ASSERT_TRUE(bob.ok());
  EXPECT_FALSE(bob->replayed);
  EXPECT_DOUBLE_EQ(bob->state.spent, 0.4);
}

TEST(BudgetLedger, RefusesACostAboveTheRemainingBudgetWithoutCharging) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.7, kT0).ok());
  auto o = ledger->Charge("alice", "r2", 0.31, kT0);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->decision, ChargeDecision::kRefused);
  EXPECT_EQ(o->charged, 0.0);
  EXPECT_EQ(o->cost, 0.31);
  EXPECT_DOUBLE_EQ(o->state.spent, 0.7);
  EXPECT_FALSE(o->state.exhausted);
  // What fits is still charged.
  EXPECT_EQ(ledger->Charge("alice", "r3", 0.3, kT0)->decision, ChargeDecision::kCharged);
}

TEST(BudgetLedger, ARefusedRequestStaysRefusedOnRetry) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_EQ(ledger->Charge("alice", "big", 1.5, kT0)->decision, ChargeDecision::kRefused);
  auto again = ledger->Charge("alice", "big", 0.1, kT0);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->decision, ChargeDecision::kRefused);
  EXPECT_EQ(ledger->State("alice", kT0)->spent, 0.0);
}

TEST(BudgetLedger, AnExhaustedBudgetRefusesEvenFreeCallsUntilTheWindowResets) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"), {1.0, kHour});
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(ledger->Charge("alice", "r" + std::to_string(i), 0.1, kT0 + i)->decision,
              ChargeDecision::kCharged);
  }
  auto s = ledger->State("alice", kT0 + 100);
  EXPECT_TRUE(s->exhausted) << s->spent;  // 10 x 0.1 is 1.0 up to rounding
  auto free_call = ledger->Charge("alice", "free", 0.0, kT0 + 100);
  EXPECT_EQ(free_call->decision, ChargeDecision::kRefused);
  // The next window starts fresh.
  auto next = ledger->Charge("alice", "next", 0.5, kT0 + kHour);
  EXPECT_EQ(next->decision, ChargeDecision::kCharged);
  EXPECT_DOUBLE_EQ(next->state.spent, 0.5);
  EXPECT_EQ(next->state.window_start, kT0 + kHour);
  // The old window keeps its record.
  EXPECT_TRUE(ledger->State("alice", kT0 + kHour - 1)->exhausted);
}

TEST(BudgetLedger, AZeroCostCallIsChargedWhileBudgetRemains) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  auto o = ledger->Charge("alice", "masked", 0.0, kT0);
  EXPECT_EQ(o->decision, ChargeDecision::kCharged);
  EXPECT_EQ(o->state.spent, 0.0);
}

TEST(BudgetLedger, RejectsBadChargeArgumentsWithoutCharging) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  EXPECT_EQ(ledger->Charge("alice", "r", -0.1, kT0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Charge("alice", "r", std::nan(""), kT0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ledger->Charge("alice", "r", std::numeric_limits<double>::infinity(), kT0).status().code(),
      StatusCode::kInvalidArgument);
  auto empty_user = ledger->Charge("", "r", 0.1, kT0);
  EXPECT_EQ(empty_user.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty_user.status().message().find("user id"), std::string::npos);
  EXPECT_EQ(ledger->Charge("alice", "", 0.1, kT0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Charge(std::string(BudgetLedger::kMaxIdBytes + 1, 'u'), "r", 0.1, kT0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Charge("al\xffice", "r", 0.1, kT0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Charge("alice", "r", 0.1, -5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->State("", kT0).status().code(), StatusCode::kInvalidArgument);
  // None of the refused calls left a record: "r" is still a new request.
  auto o = ledger->Charge("alice", "r", 0.1, kT0);
  EXPECT_FALSE(o->replayed);
  EXPECT_DOUBLE_EQ(o->state.spent, 0.1);
}

TEST(BudgetLedger, ChargesSurviveReopening) {
  TempDir dir;
  std::string path = dir.File("b.db");
  {
    auto ledger = OpenOrDie(path);
    ASSERT_TRUE(ledger->Charge("alice", "r1", 0.4, kT0).ok());
  }
  auto ledger = OpenOrDie(path);
  EXPECT_DOUBLE_EQ(ledger->State("alice", kT0)->spent, 0.4);
  EXPECT_TRUE(ledger->Charge("alice", "r1", 0.4, kT0)->replayed);
}

TEST(BudgetLedger, ResetForgivesTheCurrentWindowButRemembersTheRequests) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(ledger->Charge("alice", "old", 0.2, kT0 - 10).ok());  // previous window
  ASSERT_TRUE(ledger->Charge("alice", "r1", 0.9, kT0 + 1).ok());
  ASSERT_TRUE(ledger->Charge("bob", "r1", 0.5, kT0 + 1).ok());
  auto forgiven = ledger->Reset("alice", kT0 + 2);
  ASSERT_TRUE(forgiven.ok()) << forgiven.status().ToString();
  EXPECT_DOUBLE_EQ(*forgiven, 0.9);
  EXPECT_EQ(ledger->State("alice", kT0 + 2)->spent, 0.0);
  EXPECT_DOUBLE_EQ(ledger->State("alice", kT0 - 10)->spent, 0.2);  // other window untouched
  EXPECT_DOUBLE_EQ(ledger->State("bob", kT0 + 2)->spent, 0.5);     // other user untouched
  auto replay = ledger->Charge("alice", "r1", 0.9, kT0 + 3);
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->state.spent, 0.0);
}

TEST(BudgetLedger, PruneDeletesOldRecords) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"));
  ASSERT_TRUE(ledger->Charge("alice", "old", 0.2, kT0 - kHour).ok());
  ASSERT_TRUE(ledger->Charge("alice", "new", 0.3, kT0).ok());
  auto pruned = ledger->PruneBefore(kT0);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(ledger->State("alice", kT0 - kHour)->spent, 0.0);
  EXPECT_DOUBLE_EQ(ledger->State("alice", kT0)->spent, 0.3);
  EXPECT_TRUE(ledger->Charge("alice", "new", 0.3, kT0)->replayed);
}

TEST(BudgetLedger, ConcurrentThreadsNeverOverspend) {
  TempDir dir;
  auto ledger = OpenOrDie(dir.File("b.db"), {1.0, kHour});
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  std::vector<int> charged(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto o =
            ledger->Charge("alice", std::to_string(t) + "-" + std::to_string(i), 0.0625, kT0 + i);
        if (o.ok() && o->decision == ChargeDecision::kCharged) ++charged[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  int total = 0;
  for (int c : charged) total += c;
  EXPECT_EQ(total, 16);  // 16 x 1/16 is exactly the budget
  EXPECT_EQ(ledger->State("alice", kT0)->spent, 1.0);
}

TEST(BudgetLedger, TwoConnectionsToOneFileNeverOverspend) {
  TempDir dir;
  auto a = OpenOrDie(dir.File("b.db"), {1.0, kHour});
  auto b = OpenOrDie(dir.File("b.db"), {1.0, kHour});
  std::vector<std::thread> threads;
  int charged[2] = {0, 0};
  BudgetLedger* ledgers[2] = {a.get(), b.get()};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        auto o =
            ledgers[t]->Charge("alice", std::to_string(t) + "-" + std::to_string(i), 0.125, kT0);
        ASSERT_TRUE(o.ok()) << o.status().ToString();
        if (o->decision == ChargeDecision::kCharged) ++charged[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(charged[0] + charged[1], 8);
  EXPECT_EQ(a->State("alice", kT0)->spent, 1.0);
}

}  // namespace
}  // namespace ptmo::privacy
