// The privacy budget ledger: a durable per-user account of how much privacy risk has been
// sent to the cloud, in a SQLite file (WAL).
//
// Every user has a budget of `epsilon_per_window` per time window. Each cloud call charges
// the privacy cost of what it actually sent (privacy_cost.h: masked spans cost nothing).
// When a user's budget for the current window is exhausted, the gateway must answer locally
// until the window resets.
//
// Windows are fixed and aligned to the Unix epoch: the window holding time `now` (seconds) is
// [floor(now / window_seconds) * window_seconds, that + window_seconds). With
// window_seconds = 86400 every window is one UTC day. A window's spend is the sum of the
// charges whose time falls inside it, so changing window_seconds between runs regroups the
// recorded charges rather than losing them.
//
// Durability and idempotency: every Charge is one IMMEDIATE transaction keyed by
// (user_id, request_id). A process killed at any moment (even SIGKILL) either committed the
// charge or left no trace of it, and charging the same request id again returns the first
// outcome without charging. Several processes may share one file: IMMEDIATE transactions
// serialize them, and a writer waits up to StoreOptions::busy_timeout_ms for another.
//
//   PTMO_ASSIGN_OR_RETURN(auto ledger, BudgetLedger::Open("budget.db", {1.0, 86400}));
//   PTMO_ASSIGN_OR_RETURN(ChargeOutcome o, ledger->Charge("alice", "req-42", 0.35, now));
//   if (o.decision == ChargeDecision::kRefused) { /* answer locally */ }
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "privacy/budget/sqlite_db.h"
#include "util/status.h"

namespace ptmo::privacy {

struct BudgetConfig {
  double epsilon_per_window = 1.0;  // budget per user per window; finite, > 0
  int64_t window_seconds = 86400;   // window length; > 0
};

// kInvalidArgument naming the bad field, or OK.
Status ValidateBudgetConfig(const BudgetConfig& config);

// Less than this much budget left counts as exhausted, so floating-point rounding cannot
// leave a useless sliver that keeps a user "not exhausted" forever.
inline constexpr double kBudgetExhaustedBelow = 1e-9;

// A user's budget in the window holding `now`.
struct BudgetState {
  double epsilon = 0.0;      // the budget per window
  double spent = 0.0;        // sum of charges in this window (forgiven charges excluded)
  double remaining = 0.0;    // max(0, epsilon - spent)
  int64_t window_start = 0;  // Unix seconds, inclusive
  int64_t window_end = 0;    // Unix seconds, exclusive: when the budget resets
  bool exhausted = false;    // remaining < kBudgetExhaustedBelow: cloud calls are refused
};

enum class ChargeDecision {
  kCharged,  // the cost was recorded; the call may go to the cloud
  kRefused,  // nothing was charged: the budget was exhausted or the cost exceeded it
};
std::string_view ChargeDecisionName(ChargeDecision d);  // "charged", "refused"

struct ChargeOutcome {
  ChargeDecision decision = ChargeDecision::kRefused;
  // True when this request id had been charged (or refused) before: the fields below are the
  // first call's, and nothing was charged now.
  bool replayed = false;
  double cost = 0.0;       // the cost the first call asked for
  double charged = 0.0;    // `cost` when charged, 0 when refused
  int64_t charged_at = 0;  // the first call's `now`
  BudgetState state;       // the user's state at this call's `now`, after the charge
};

class BudgetLedger {
 public:
  // Opens the ledger at `path`, creating the file with mode 0600 and the schema when it does
  // not exist (unless options.create_if_missing is false: then kNotFound). Records `config`
  // in the file as the current configuration (see OpenExisting).
  // Errors: kInvalidArgument (bad config, path not a regular file), kNotFound (missing
  // directory or file), kFailedPrecondition (the file is group/world accessible, belongs to
  // another kind of store, or has a newer schema version than this build knows),
  // kDataLoss (not a SQLite file or corrupt), kUnavailable (locked by another process
  // longer than the busy timeout).
  static Expected<std::unique_ptr<BudgetLedger>> Open(const std::string& path,
                                                      const BudgetConfig& config,
                                                      const sqlite::StoreOptions& options = {});

  // Opens an existing ledger with the configuration last recorded by Open (for tools such as
  // `ptmo budget show`). kNotFound when the file does not exist; other errors as Open.
  static Expected<std::unique_ptr<BudgetLedger>> OpenExisting(const std::string& path);

  ~BudgetLedger();
  BudgetLedger(const BudgetLedger&) = delete;
  BudgetLedger& operator=(const BudgetLedger&) = delete;

  // The state of `user_id`'s budget in the window holding `now` (Unix seconds, >= 0).
  // kInvalidArgument for an empty or oversized user id or a negative `now`.
  // Thread-safe.
  Expected<BudgetState> State(std::string_view user_id, int64_t now);

  // Charges `cost` (finite, >= 0) to `user_id` for request `request_id` at time `now`, in
  // one transaction:
  //  - if (user_id, request_id) was seen before, returns the first outcome with
  //    replayed = true and charges nothing (whatever `cost` is now);
  //  - else, if the budget is exhausted or `cost` exceeds what remains, records the request
  //    as refused (so a retry is refused too) and charges nothing;
  //  - else records the charge.
  // A cost of 0 is charged (and recorded) while the budget is not exhausted.
  // Errors: kInvalidArgument (empty/oversized ids, negative or non-finite cost, negative
  // now); storage errors as Open. On error nothing was charged.
  // Thread-safe; safe with other processes using the same file.
  Expected<ChargeOutcome> Charge(std::string_view user_id, std::string_view request_id, double cost,
                                 int64_t now);

  // Forgives every charge of `user_id` in the window holding `now` (an administrator's
  // reset): they stop counting towards the spend but stay recorded, so replaying one of
  // those request ids still charges nothing. Returns the amount forgiven. Thread-safe.
  Expected<double> Reset(std::string_view user_id, int64_t now);

  // Deletes the records of charges made before `cutoff` (Unix seconds), to bound the file's
  // size. A request id charged before the cutoff is then unknown: charging it again charges
  // it. Returns the number of records deleted. Thread-safe.
  Expected<int64_t> PruneBefore(int64_t cutoff);

  const BudgetConfig& config() const { return config_; }
  const std::string& path() const { return path_; }

  // The window [start, end) holding `now` under `window_seconds`.
  static int64_t WindowStart(int64_t now, int64_t window_seconds);

  // Longest accepted user or request id, in bytes.
  static constexpr size_t kMaxIdBytes = 512;

 private:
  BudgetLedger(std::string path, BudgetConfig config, sqlite::Db db);
  Status PrepareStatements();
  // Sum of counted charges of `user_id` in [start, end), from the cache when `cached` and
  // the cache holds it, else from the file (then cached). Caller holds mu_.
  Expected<double> SpentLocked(std::string_view user_id, int64_t start, int64_t end,
                               bool cached = true);
  Expected<BudgetState> StateLocked(std::string_view user_id, int64_t now, bool cached = true);
  // Drops the spend cache when another connection committed since it was filled. Caller
  // holds mu_.
  Status RevalidateCacheLocked();

  const std::string path_;
  const BudgetConfig config_;
  std::mutex mu_;  // guards db_ and the statements: one connection, one user at a time
  sqlite::Db db_;
  sqlite::Stmt find_;
  sqlite::Stmt spent_;
  sqlite::Stmt insert_;
  sqlite::Stmt data_version_;

  // The spend of each user's window, as the file's SUM last gave it: summing a window is an
  // index range scan that grows with the user's charges, and a request needs the spend up to
  // three times. An entry stays valid while no other connection commits (PRAGMA data_version)
  // and this one changes the user's charges only through Charge, which stores the sum it
  // reads back after its insert (and clears the cache if its commit fails); Reset and
  // PruneBefore clear it. So a cached spend is always the number the SUM would give now.
  struct CachedSpend {
    int64_t start = 0;
    int64_t end = 0;
    double spent = 0.0;
  };
  std::unordered_map<std::string, CachedSpend> spent_cache_;
  int64_t cache_data_version_ = -1;
};

}  // namespace ptmo::privacy
