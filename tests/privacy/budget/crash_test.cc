// Crash and multi-process behaviour of the ledger: a process killed with SIGKILL in the middle
// of charging loses no committed charge and never double-charges, and several processes
// sharing one file never overspend.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "privacy/budget/budget_ledger.h"
#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::TempDir;

constexpr int64_t kT0 = 1704067200;
constexpr int kRequests = 100000;  // far more than a child can charge before it is killed

// A distinct cost per request id, so the sum tells which ids were charged.
double CostOf(int i) {
  return 1e-6 * (1 + i % 7);
}

// Child process: charges requests 0.. in order and reports each committed one on `fd`.
[[noreturn]] void ChargeLoop(const std::string& path, int fd, sqlite::Durability durability) {
  sqlite::StoreOptions options;
  options.durability = durability;
  auto ledger = BudgetLedger::Open(path, {1e9, 86400}, options);
  if (!ledger.ok()) _exit(3);
  for (int i = 0; i < kRequests; ++i) {
    auto o = (*ledger)->Charge("alice", "req-" + std::to_string(i), CostOf(i), kT0);
    if (!o.ok() || o->decision != ChargeDecision::kCharged) _exit(4);
    if (::write(fd, &i, sizeof i) != sizeof i) _exit(5);
  }
  _exit(0);
}

// The request ids recorded in the file, read directly (not through the ledger).
std::map<int, double> RecordedCharges(const std::string& path) {
  std::map<int, double> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT request_id, charged FROM charges", -1, &st, nullptr),
            SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string id = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    out[std::stoi(id.substr(4))] = sqlite3_column_double(st, 1);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string result = sqlite3_step(st) == SQLITE_ROW
                           ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                           : "no result";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

// With kFull every commit waits for an fsync (a few ms each), with kNormal thousands of
// commits run before the kill; a SIGKILL must lose nothing in either mode.
void KillMidChargeAndVerify(unsigned seed, sqlite::Durability durability) {
  TempDir dir;
  std::string path = dir.File("budget.db");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    ChargeLoop(path, fds[1], durability);
  }
  ::close(fds[1]);
  // Wait for the first committed charge, then kill at a random moment.
  int first = -1;
  ASSERT_EQ(::read(fds[0], &first, sizeof first), static_cast<ssize_t>(sizeof first));
  std::mt19937 rng(seed);
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % 100000));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished or failed before the kill";
  // Every charge the child saw committed.
  std::set<int> reported = {first};
  int i = 0;
  while (::read(fds[0], &i, sizeof i) == static_cast<ssize_t>(sizeof i)) reported.insert(i);
  ::close(fds[0]);
  int last_reported = *reported.rbegin();
  ASSERT_EQ(static_cast<int>(reported.size()), last_reported + 1);

  EXPECT_EQ(IntegrityCheck(path), "ok");
  std::map<int, double> recorded = RecordedCharges(path);
  // No committed charge is lost; at most the one in flight committed without being reported.
  for (int r : reported) EXPECT_EQ(recorded.count(r), 1u) << "lost charge " << r;
  ASSERT_GE(static_cast<int>(recorded.size()), last_reported + 1);
  ASSERT_LE(static_cast<int>(recorded.size()), last_reported + 2);
  double expected = 0;
  for (const auto& [id, charged] : recorded) {
    EXPECT_EQ(charged, CostOf(id));
    expected += CostOf(id);
  }
  auto ledger = BudgetLedger::Open(path, {1e9, 86400});
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EXPECT_NEAR((*ledger)->State("alice", kT0)->spent, expected, 1e-9);

  // Re-charging every id the child may have attempted (and a few more) charges exactly the
  // ones not recorded.
  int upto = last_reported + 5;
  double all = 0;
  int replayed = 0;
  for (int k = 0; k <= upto; ++k) {
    auto o = (*ledger)->Charge("alice", "req-" + std::to_string(k), CostOf(k), kT0);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o->replayed, recorded.count(k) == 1) << k;
    replayed += o->replayed ? 1 : 0;
    all += CostOf(k);
  }
  EXPECT_EQ(replayed, static_cast<int>(recorded.size()));
  EXPECT_NEAR((*ledger)->State("alice", kT0)->spent, all, 1e-9);
  EXPECT_EQ(RecordedCharges(path).size(), static_cast<size_t>(upto + 1));
}

TEST(BudgetLedgerCrash, SigkillMidChargeLosesNothingAndDoubleChargesNothing) {
  std::random_device rd;
  unsigned seed = rd();
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    KillMidChargeAndVerify(seed + round,
                           round % 2 ? sqlite::Durability::kNormal : sqlite::Durability::kFull);
    if (HasFatalFailure()) return;
  }
}

TEST(BudgetLedgerCrash, SeveralProcessesSharingOneFileNeverOverspend) {
  TempDir dir;
  std::string path = dir.File("budget.db");
  { ASSERT_TRUE(BudgetLedger::Open(path, {1.0, 86400}).ok()); }
  constexpr int kProcesses = 4, kEach = 20;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto ledger = BudgetLedger::Open(path, {1.0, 86400});
      if (!ledger.ok()) _exit(3);
      int charged = 0;
      for (int i = 0; i < kEach; ++i) {
        auto o =
            (*ledger)->Charge("alice", std::to_string(p) + "-" + std::to_string(i), 0.125, kT0);
        if (!o.ok()) _exit(4);
        charged += o->decision == ChargeDecision::kCharged;
      }
      _exit(10 + charged);
    }
    pids.push_back(pid);
  }
  int total = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_GE(WEXITSTATUS(status), 10) << "child failed with " << WEXITSTATUS(status);
    total += WEXITSTATUS(status) - 10;
  }
  EXPECT_EQ(total, 8);  // 8 x 0.125 is exactly the budget
  auto ledger = BudgetLedger::Open(path, {1.0, 86400});
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ((*ledger)->State("alice", kT0)->spent, 1.0);
  EXPECT_TRUE((*ledger)->State("alice", kT0)->exhausted);
}

}  // namespace
}  // namespace ptmo::privacy
