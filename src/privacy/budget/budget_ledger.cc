#include "privacy/budget/budget_ledger.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

constexpr const char* kKind = "budget_ledger";
constexpr int kSchemaVersion = 1;

// One row per (user, request): charged or refused. `at` is the charge's time in Unix
// seconds; a window's spend is the sum over the rows whose `at` falls in it. The covering
// index makes that sum an index range scan.
constexpr const char* kSchema = R"sql(
CREATE TABLE charges(
  user_id    TEXT    NOT NULL,
  request_id TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  cost       REAL    NOT NULL,
  charged    REAL    NOT NULL,
  refused    INTEGER NOT NULL,
  forgiven   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, request_id)
) WITHOUT ROWID;
CREATE INDEX charges_by_time ON charges(user_id, at, forgiven, charged);
)sql";

// Year 9999: far enough, and keeps window arithmetic far from int64 overflow.
constexpr int64_t kMaxTime = 253402300799;
constexpr int64_t kMaxWindowSeconds = int64_t{100} * 366 * 86400;

Status CheckId(std::string_view id, const char* what) {
  if (id.empty()) return InvalidArgument(std::string(what) + " is empty");
  if (id.size() > BudgetLedger::kMaxIdBytes) {
    return InvalidArgument(std::string(what) + " is " + std::to_string(id.size()) +
                           " bytes, above the limit of " +
                           std::to_string(BudgetLedger::kMaxIdBytes));
  }
  if (!utf8::IsValid(id) || id.find('\0') != std::string_view::npos) {
    return InvalidArgument(std::string(what) + " is not valid UTF-8 text");
  }
  return Status::Ok();
}

Status CheckTime(int64_t now) {
  if (now < 0 || now > kMaxTime) {
    return InvalidArgument("time " + std::to_string(now) +
                           " is outside [0, 253402300799] Unix seconds");
  }
  return Status::Ok();
}

std::string DoubleText(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Status WriteConfig(sqlite::Db* db, const BudgetConfig& c) {
  sqlite::Transaction tx(db);
  PTMO_RETURN_IF_ERROR(tx.Begin());
  PTMO_ASSIGN_OR_RETURN(
      sqlite::Stmt put,
      db->Prepare("INSERT OR REPLACE INTO ptmo_meta(key, value) VALUES (?1, ?2)"));
  PTMO_RETURN_IF_ERROR(put.BindText(1, "epsilon_per_window"));
  PTMO_RETURN_IF_ERROR(put.BindText(2, DoubleText(c.epsilon_per_window)));
  PTMO_RETURN_IF_ERROR(put.Run());
  put.Reset();
  PTMO_RETURN_IF_ERROR(put.BindText(1, "window_seconds"));
  PTMO_RETURN_IF_ERROR(put.BindText(2, std::to_string(c.window_seconds)));
  PTMO_RETURN_IF_ERROR(put.Run());
  put.Reset();
  return tx.Commit();
}

Expected<BudgetConfig> ReadConfig(sqlite::Db* db) {
  PTMO_ASSIGN_OR_RETURN(sqlite::Stmt get,
                        db->Prepare("SELECT value FROM ptmo_meta WHERE key = ?1"));
  auto read = [&](const char* key) -> Expected<std::string> {
    get.Reset();
    PTMO_RETURN_IF_ERROR(get.BindText(1, key));
    PTMO_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) {
      return FailedPrecondition(db->what() + " records no '" + key +
                                "'; give the budget configuration explicitly");
    }
    return get.Text(0);
  };
  PTMO_ASSIGN_OR_RETURN(std::string eps, read("epsilon_per_window"));
  PTMO_ASSIGN_OR_RETURN(std::string win, read("window_seconds"));
  get.Reset();
  BudgetConfig c;
  char* end = nullptr;
  c.epsilon_per_window = std::strtod(eps.c_str(), &end);
  bool ok = !eps.empty() && *end == '\0';
  c.window_seconds = std::strtoll(win.c_str(), &end, 10);
  ok = ok && !win.empty() && *end == '\0';
  if (!ok) return DataLoss(db->what() + ": unreadable budget configuration");
  PTMO_RETURN_IF_ERROR(ValidateBudgetConfig(c));
  return c;
}

}  // namespace

Status ValidateBudgetConfig(const BudgetConfig& c) {
  if (!std::isfinite(c.epsilon_per_window) || c.epsilon_per_window <= 0) {
    return InvalidArgument("budget epsilon_per_window must be a finite number > 0, got " +
                           DoubleText(c.epsilon_per_window));
  }
  if (c.window_seconds <= 0 || c.window_seconds > kMaxWindowSeconds) {
    return InvalidArgument("budget window_seconds must be in [1, " +
                           std::to_string(kMaxWindowSeconds) + "], got " +
                           std::to_string(c.window_seconds));
  }
  return Status::Ok();
}

std::string_view ChargeDecisionName(ChargeDecision d) {
  return d == ChargeDecision::kCharged ? "charged" : "refused";
}

int64_t BudgetLedger::WindowStart(int64_t now, int64_t window_seconds) {
  int64_t q = now / window_seconds;
  if (now % window_seconds < 0) --q;  // floor, also for times before the epoch
  return q * window_seconds;
}

BudgetLedger::BudgetLedger(std::string path, BudgetConfig config, sqlite::Db db)
    : path_(std::move(path)), config_(config), db_(std::move(db)) {}

BudgetLedger::~BudgetLedger() = default;

Expected<std::unique_ptr<BudgetLedger>> BudgetLedger::Open(const std::string& path,
                                                           const BudgetConfig& config,
                                                           const sqlite::StoreOptions& options) {
  PTMO_RETURN_IF_ERROR(ValidateBudgetConfig(config));
  PTMO_ASSIGN_OR_RETURN(sqlite::Db db, sqlite::Db::Open(path, "budget ledger", options));
  PTMO_RETURN_IF_ERROR(sqlite::InitSchema(&db, kKind, kSchemaVersion, kSchema));
  PTMO_RETURN_IF_ERROR(WriteConfig(&db, config));
  std::unique_ptr<BudgetLedger> ledger(new BudgetLedger(path, config, std::move(db)));
  PTMO_RETURN_IF_ERROR(ledger->PrepareStatements());
  return ledger;
}

Expected<std::unique_ptr<BudgetLedger>> BudgetLedger::OpenExisting(const std::string& path) {
  sqlite::StoreOptions options;
  options.create_if_missing = false;
  PTMO_ASSIGN_OR_RETURN(sqlite::Db db, sqlite::Db::Open(path, "budget ledger", options));
  PTMO_RETURN_IF_ERROR(sqlite::InitSchema(&db, kKind, kSchemaVersion, nullptr));
  PTMO_ASSIGN_OR_RETURN(BudgetConfig config, ReadConfig(&db));
  std::unique_ptr<BudgetLedger> ledger(new BudgetLedger(path, config, std::move(db)));
  PTMO_RETURN_IF_ERROR(ledger->PrepareStatements());
  return ledger;
}

Status BudgetLedger::PrepareStatements() {
  PTMO_ASSIGN_OR_RETURN(find_, db_.Prepare("SELECT at, cost, charged, refused FROM charges "
                                           "WHERE user_id = ?1 AND request_id = ?2"));
  PTMO_ASSIGN_OR_RETURN(spent_, db_.Prepare("SELECT total(charged) FROM charges WHERE "
                                            "user_id = ?1 AND at >= ?2 AND at < ?3 AND "
                                            "forgiven = 0"));
  PTMO_ASSIGN_OR_RETURN(insert_, db_.Prepare("INSERT INTO charges(user_id, request_id, at, cost, "
                                             "charged, refused) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  PTMO_ASSIGN_OR_RETURN(data_version_, db_.Prepare("PRAGMA data_version"));
  return Status::Ok();
}

Status BudgetLedger::RevalidateCacheLocked() {
  data_version_.Reset();
  PTMO_ASSIGN_OR_RETURN(bool row, data_version_.Step());
  const int64_t version = row ? data_version_.Int64(0) : -1;
  data_version_.Reset();
  if (version != cache_data_version_ || version < 0) spent_cache_.clear();
  cache_data_version_ = version;
  return Status::Ok();
}

Expected<double> BudgetLedger::SpentLocked(std::string_view user_id, int64_t start, int64_t end,
                                           bool cached) {
  std::string key(user_id);
  if (cached) {
    auto it = spent_cache_.find(key);
    if (it != spent_cache_.end() && it->second.start == start && it->second.end == end) {
      return it->second.spent;
    }
  }
  spent_.Reset();
  PTMO_RETURN_IF_ERROR(spent_.BindText(1, user_id));
  PTMO_RETURN_IF_ERROR(spent_.BindInt64(2, start));
  PTMO_RETURN_IF_ERROR(spent_.BindInt64(3, end));
  PTMO_ASSIGN_OR_RETURN(bool row, spent_.Step());
  double spent = row ? spent_.Double(0) : 0.0;
  spent_.Reset();
  if (spent_cache_.size() >= 100000) spent_cache_.clear();  // bounded: a cache, not state
  spent_cache_[key] = {start, end, spent};
  return spent;
}

Expected<BudgetState> BudgetLedger::StateLocked(std::string_view user_id, int64_t now,
                                                bool cached) {
  BudgetState s;
  s.epsilon = config_.epsilon_per_window;
  s.window_start = WindowStart(now, config_.window_seconds);
  s.window_end = s.window_start + config_.window_seconds;
  PTMO_ASSIGN_OR_RETURN(s.spent, SpentLocked(user_id, s.window_start, s.window_end, cached));
  s.remaining = std::max(0.0, s.epsilon - s.spent);
  s.exhausted = s.remaining < kBudgetExhaustedBelow;
  return s;
}

Expected<BudgetState> BudgetLedger::State(std::string_view user_id, int64_t now) {
  PTMO_RETURN_IF_ERROR(CheckId(user_id, "user id"));
  PTMO_RETURN_IF_ERROR(CheckTime(now));
  std::lock_guard<std::mutex> lock(mu_);
  PTMO_RETURN_IF_ERROR(RevalidateCacheLocked());
  return StateLocked(user_id, now);
}

Expected<ChargeOutcome> BudgetLedger::Charge(std::string_view user_id, std::string_view request_id,
                                             double cost, int64_t now) {
  PTMO_RETURN_IF_ERROR(CheckId(user_id, "user id"));
  PTMO_RETURN_IF_ERROR(CheckId(request_id, "request id"));
  PTMO_RETURN_IF_ERROR(CheckTime(now));
  if (!std::isfinite(cost) || cost < 0) {
    return InvalidArgument("privacy cost must be a finite number >= 0, got " + DoubleText(cost));
  }
  std::lock_guard<std::mutex> lock(mu_);
  // IMMEDIATE: the write lock is taken before the budget is read, so no other process can
  // charge between our check and our insert.
  sqlite::Transaction tx(&db_);
  PTMO_RETURN_IF_ERROR(tx.Begin());
  // Holding the write lock: what other processes committed is visible now.
  PTMO_RETURN_IF_ERROR(RevalidateCacheLocked());
  ChargeOutcome out;
  find_.Reset();
  PTMO_RETURN_IF_ERROR(find_.BindText(1, user_id));
  PTMO_RETURN_IF_ERROR(find_.BindText(2, request_id));
  PTMO_ASSIGN_OR_RETURN(bool seen, find_.Step());
  if (seen) {
    out.replayed = true;
    out.charged_at = find_.Int64(0);
    out.cost = find_.Double(1);
    out.charged = find_.Double(2);
    out.decision = find_.Int64(3) != 0 ? ChargeDecision::kRefused : ChargeDecision::kCharged;
    find_.Reset();
    PTMO_ASSIGN_OR_RETURN(out.state, StateLocked(user_id, now));
    PTMO_RETURN_IF_ERROR(tx.Commit());
    return out;
  }
  find_.Reset();
  PTMO_ASSIGN_OR_RETURN(BudgetState before, StateLocked(user_id, now));
  bool refuse = before.exhausted || cost > before.remaining;
  out.decision = refuse ? ChargeDecision::kRefused : ChargeDecision::kCharged;
  out.cost = cost;
  out.charged = refuse ? 0.0 : cost;
  out.charged_at = now;
  insert_.Reset();
  PTMO_RETURN_IF_ERROR(insert_.BindText(1, user_id));
  PTMO_RETURN_IF_ERROR(insert_.BindText(2, request_id));
  PTMO_RETURN_IF_ERROR(insert_.BindInt64(3, now));
  PTMO_RETURN_IF_ERROR(insert_.BindDouble(4, cost));
  PTMO_RETURN_IF_ERROR(insert_.BindDouble(5, out.charged));
  PTMO_RETURN_IF_ERROR(insert_.BindInt64(6, refuse ? 1 : 0));
  PTMO_RETURN_IF_ERROR(insert_.Run());
  insert_.Reset();
  // Read back from the file (not cached: the insert changed it); this refreshes the cache.
  Expected<BudgetState> after = StateLocked(user_id, now, /*cached=*/false);
  Status committed = after.ok() ? tx.Commit() : after.status();
  if (!committed.ok()) {
    spent_cache_.clear();  // the insert is rolled back: the sum just cached is not the file's
    return committed;
  }
  out.state = *after;
  return out;
}

Expected<double> BudgetLedger::Reset(std::string_view user_id, int64_t now) {
  PTMO_RETURN_IF_ERROR(CheckId(user_id, "user id"));
  PTMO_RETURN_IF_ERROR(CheckTime(now));
  std::lock_guard<std::mutex> lock(mu_);
  sqlite::Transaction tx(&db_);
  PTMO_RETURN_IF_ERROR(tx.Begin());
  PTMO_ASSIGN_OR_RETURN(BudgetState s, StateLocked(user_id, now, /*cached=*/false));
  PTMO_ASSIGN_OR_RETURN(sqlite::Stmt forgive,
                        db_.Prepare("UPDATE charges SET forgiven = 1 WHERE user_id = ?1 AND "
                                    "at >= ?2 AND at < ?3 AND forgiven = 0"));
  PTMO_RETURN_IF_ERROR(forgive.BindText(1, user_id));
  PTMO_RETURN_IF_ERROR(forgive.BindInt64(2, s.window_start));
  PTMO_RETURN_IF_ERROR(forgive.BindInt64(3, s.window_end));
  spent_cache_.clear();
  PTMO_RETURN_IF_ERROR(forgive.Run());
  forgive.Reset();
  PTMO_RETURN_IF_ERROR(tx.Commit());
  return s.spent;
}

Expected<int64_t> BudgetLedger::PruneBefore(int64_t cutoff) {
  PTMO_RETURN_IF_ERROR(CheckTime(cutoff));
  std::lock_guard<std::mutex> lock(mu_);
  spent_cache_.clear();
  PTMO_ASSIGN_OR_RETURN(sqlite::Stmt prune, db_.Prepare("DELETE FROM charges WHERE at < ?1"));
  PTMO_RETURN_IF_ERROR(prune.BindInt64(1, cutoff));
  PTMO_RETURN_IF_ERROR(prune.Run());
  prune.Reset();
  return static_cast<int64_t>(sqlite3_changes64(db_.get()));
}

}  // namespace ptmo::privacy
