// The audit log: every byte sent off the device, recorded exactly as sent, in a SQLite file
// (WAL, mode 0600) that only the device's owner can read.
//
// One record per outbound call (a hybrid request that makes two cloud calls appends two
// records with the same request id) and one per local-only request (with an empty payload),
// so the log also shows what did *not* leave. Records are append-only; ids increase.
//
// Write-ahead: the gateway appends an outbound call's record with status "sending" *before*
// the bytes leave (Append), and completes it once the call ended (Complete: status, response,
// latency, money cost). That is the only change a record ever sees: Complete refuses a record
// that is not "sending", and nothing rewrites the payload, destination, user, route, reasons
// or privacy cost. A record still "sending" after a crash means: these bytes may have left,
// the process died before it learned how the call ended (leakage audits count its payload).
//
//   PTMO_ASSIGN_OR_RETURN(auto log, AuditLog::Open("audit.db"));
//   AuditRecord r;
//   r.request_id = "req-42"; r.time_ms = NowMs(); r.user_id = "alice";
//   r.route = AuditRoute::kCloud; r.destination = "openai"; r.payload = body_sent;
//   PTMO_ASSIGN_OR_RETURN(int64_t id, log->Append(r));
//
// `ptmo audit leakage` (leakage.h) re-analyzes every recorded payload to prove what the
// cloud saw.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/budget/sqlite_db.h"
#include "util/status.h"

namespace ptmo::privacy {

enum class AuditRoute { kLocal, kCloud, kHybrid, kSplit };
std::string_view AuditRouteName(AuditRoute route);  // "local", "cloud", "hybrid", "split"
std::optional<AuditRoute> ParseAuditRoute(std::string_view name);

struct AuditRecord {
  int64_t id = 0;          // assigned by Append (ignored there); > 0 when read back
  std::string request_id;  // non-empty
  int64_t time_ms = 0;     // Unix milliseconds, >= 0
  std::string user_id;     // non-empty
  AuditRoute route = AuditRoute::kLocal;
  std::string policy_name;              // the policy that decided the route ("threshold")
  std::string policy_version;           // its version or config hash
  std::vector<std::string> reasons;     // why this route (stored as a JSON array)
  std::string destination;              // backend name; required unless route is kLocal
  std::string payload;                  // exact bytes sent; must be empty for kLocal
  std::optional<std::string> response;  // bytes received, when recorded
  double latency_ms = 0.0;              // >= 0
  double cost_usd = 0.0;                // >= 0
  double privacy_cost = 0.0;            // >= 0; what the budget ledger charged (privacy_cost.h)
  // "ok", "cancelled", "error: <message>", or "sending" (written before the bytes leave;
  // Complete replaces it with the outcome).
  std::string status = "ok";
  // Optional JSON (object or array) describing images: hashes, what was redacted.
  std::string media_json;
};

// Checks the fields Append requires: kInvalidArgument naming the first bad field.
Status ValidateAuditRecord(const AuditRecord& record);

// How an outbound call that was recorded as "sending" ended (AuditLog::Complete).
struct AuditCompletion {
  std::string status = "ok";            // "ok", "cancelled" or "error: <message>"
  std::optional<std::string> response;  // bytes received, when recorded
  double latency_ms = 0.0;              // >= 0
  double cost_usd = 0.0;                // >= 0
};

// Which records Read returns: ids after `after_id`, in increasing order, at most `limit`.
struct AuditQuery {
  int64_t after_id = 0;
  std::string user_id;  // empty: every user
  size_t limit = 256;
};

class AuditLog {
 public:
  // Opens the log at `path`, creating the file (mode 0600) and schema when it does not exist
  // (unless options.create_if_missing is false: then kNotFound). Refuses a file that group
  // or others can access (kFailedPrecondition naming the chmod fix), a file that is not an
  // audit log or has a newer schema (kFailedPrecondition), a corrupt file (kDataLoss).
  static Expected<std::unique_ptr<AuditLog>> Open(const std::string& path,
                                                  const sqlite::StoreOptions& options = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `record` (its id is ignored) in one transaction and returns the new id.
  // kInvalidArgument for a record ValidateAuditRecord rejects, kResourceExhausted for a
  // payload or response above kMaxBlobBytes; storage errors as Open. Thread-safe; several
  // processes may append to the same file.
  Expected<int64_t> Append(const AuditRecord& record);

  // Records the outcome of the record `id` appended with status "sending": its status,
  // response, latency and money cost, in one transaction. kInvalidArgument for a bad
  // completion (status "sending" included), kNotFound when no record has that id,
  // kFailedPrecondition when the record is not "sending" (completed records never change);
  // storage errors as Append. Thread-safe.
  Status Complete(int64_t id, const AuditCompletion& completion);

  // Up to query.limit records with id > query.after_id (and of query.user_id if set), in id
  // order. kDataLoss when a stored row is malformed. Thread-safe.
  Expected<std::vector<AuditRecord>> Read(const AuditQuery& query);

  // Calls `fn` for every record matching `query` (ignoring its limit), reading in pages so
  // memory stays bounded; stops early when `fn` returns false. The log is not locked while
  // `fn` runs, so `fn` may append. Records appended meanwhile may or may not be visited.
  Status ForEach(const AuditQuery& query, const std::function<bool(const AuditRecord&)>& fn);

  // Number of records (of `user_id` when non-empty). Thread-safe.
  Expected<int64_t> Count(std::string_view user_id = {});

  const std::string& path() const { return path_; }

  static constexpr size_t kMaxBlobBytes = size_t(64) << 20;
  static constexpr size_t kMaxIdBytes = 512;

 private:
  AuditLog(std::string path, sqlite::Db db);
  Status PrepareStatements();

  const std::string path_;
  std::mutex mu_;  // guards db_ and the statements
  sqlite::Db db_;
  sqlite::Stmt insert_;
  sqlite::Stmt complete_;
  sqlite::Stmt read_all_;
  sqlite::Stmt read_user_;
};

}  // namespace ptmo::privacy
