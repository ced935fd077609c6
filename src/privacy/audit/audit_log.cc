#include "privacy/audit/audit_log.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

constexpr const char* kKind = "audit_log";
constexpr int kSchemaVersion = 1;

// payload and response are BLOBs: bytes exactly as sent and received, whatever the encoding.
constexpr const char* kSchema = R"sql(
CREATE TABLE records(
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id     TEXT    NOT NULL,
  time_ms        INTEGER NOT NULL,
  user_id        TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  policy_name    TEXT    NOT NULL,
  policy_version TEXT    NOT NULL,
  reasons        TEXT    NOT NULL,
  destination    TEXT    NOT NULL,
  payload        BLOB    NOT NULL,
  response       BLOB,
  latency_ms     REAL    NOT NULL,
  cost_usd       REAL    NOT NULL,
  privacy_cost   REAL    NOT NULL,
  status         TEXT    NOT NULL,
  media          TEXT
);
CREATE INDEX records_by_user ON records(user_id, id);
CREATE INDEX records_by_request ON records(request_id);
)sql";

constexpr const char* kColumns =
    "id, request_id, time_ms, user_id, route, policy_name, policy_version, reasons, "
    "destination, payload, response, latency_ms, cost_usd, privacy_cost, status, media";

Status CheckText(std::string_view s, const char* field, bool required, size_t max_bytes) {
  if (required && s.empty())
    return InvalidArgument(std::string("audit record: ") + field + " is empty");
  if (s.size() > max_bytes) {
    return InvalidArgument(std::string("audit record: ") + field + " is " +
                           std::to_string(s.size()) + " bytes, above the limit of " +
                           std::to_string(max_bytes));
  }
  if (!utf8::IsValid(s)) {
    return InvalidArgument(std::string("audit record: ") + field + " is not valid UTF-8");
  }
  return Status::Ok();
}

Status CheckAmount(double v, const char* field) {
  if (!std::isfinite(v) || v < 0) {
    return InvalidArgument(std::string("audit record: ") + field +
                           " must be a finite number >= 0, got " + std::to_string(v));
  }
  return Status::Ok();
}

bool IsFinalStatus(std::string_view s) {
  return s == "ok" || s == "cancelled" || (s.size() > 7 && s.substr(0, 7) == "error: ");
}

constexpr std::string_view kSending = "sending";

Expected<AuditRecord> RowToRecord(const sqlite::Stmt& st, const std::string& what) {
  AuditRecord r;
  r.id = st.Int64(0);
  r.request_id = st.Text(1);
  r.time_ms = st.Int64(2);
  r.user_id = st.Text(3);
  std::string route = st.Text(4);
  auto parsed = ParseAuditRoute(route);
  if (!parsed) {
    return DataLoss(what + ": record " + std::to_string(r.id) + " has unknown route '" + route +
                    "'");
  }
  r.route = *parsed;
  r.policy_name = st.Text(5);
  r.policy_version = st.Text(6);
  auto reasons = nlohmann::json::parse(st.Text(7), nullptr, /*allow_exceptions=*/false);
  if (!reasons.is_array()) {
    return DataLoss(what + ": record " + std::to_string(r.id) + " has malformed reasons");
  }
  for (const auto& x : reasons) {
    if (!x.is_string()) {
      return DataLoss(what + ": record " + std::to_string(r.id) + " has a non-text reason");
    }
    r.reasons.push_back(x.get<std::string>());
  }
  r.destination = st.Text(8);
  r.payload = st.Blob(9);
  if (!st.IsNull(10)) r.response = st.Blob(10);
  r.latency_ms = st.Double(11);
  r.cost_usd = st.Double(12);
  r.privacy_cost = st.Double(13);
  r.status = st.Text(14);
  if (!st.IsNull(15)) r.media_json = st.Text(15);
  return r;
}

}  // namespace

std::string_view AuditRouteName(AuditRoute route) {
  switch (route) {
    case AuditRoute::kLocal: return "local";
    case AuditRoute::kCloud: return "cloud";
    case AuditRoute::kHybrid: return "hybrid";
    case AuditRoute::kSplit: return "split";
  }
  return "local";
}

std::optional<AuditRoute> ParseAuditRoute(std::string_view name) {
  for (AuditRoute r :
       {AuditRoute::kLocal, AuditRoute::kCloud, AuditRoute::kHybrid, AuditRoute::kSplit}) {
    if (AuditRouteName(r) == name) return r;
  }
  return std::nullopt;
}

Status ValidateAuditRecord(const AuditRecord& r) {
  PTMO_RETURN_IF_ERROR(CheckText(r.request_id, "request_id", true, AuditLog::kMaxIdBytes));
  PTMO_RETURN_IF_ERROR(CheckText(r.user_id, "user_id", true, AuditLog::kMaxIdBytes));
  PTMO_RETURN_IF_ERROR(CheckText(r.policy_name, "policy_name", false, AuditLog::kMaxIdBytes));
  PTMO_RETURN_IF_ERROR(CheckText(r.policy_version, "policy_version", false, AuditLog::kMaxIdBytes));
  PTMO_RETURN_IF_ERROR(CheckText(r.destination, "destination", false, AuditLog::kMaxIdBytes));
  for (const std::string& reason : r.reasons) {
    PTMO_RETURN_IF_ERROR(CheckText(reason, "reason", false, 1 << 16));
  }
  if (r.time_ms < 0) {
    return InvalidArgument("audit record: time_ms must be >= 0, got " + std::to_string(r.time_ms));
  }
  PTMO_RETURN_IF_ERROR(CheckAmount(r.latency_ms, "latency_ms"));
  PTMO_RETURN_IF_ERROR(CheckAmount(r.cost_usd, "cost_usd"));
  PTMO_RETURN_IF_ERROR(CheckAmount(r.privacy_cost, "privacy_cost"));
  PTMO_RETURN_IF_ERROR(CheckText(r.status, "status", true, 1 << 16));
  if (!IsFinalStatus(r.status) && r.status != kSending) {
    return InvalidArgument(
        "audit record: status must be 'ok', 'cancelled', 'sending' or "
        "'error: <message>', got '" +
        r.status + "'");
  }
  if (r.route == AuditRoute::kLocal && !r.payload.empty()) {
    return InvalidArgument(
        "audit record: a local-only request sends nothing, yet its payload "
        "has " +
        std::to_string(r.payload.size()) + " bytes");
  }
  if (r.route != AuditRoute::kLocal && r.destination.empty()) {
    return InvalidArgument("audit record: a " + std::string(AuditRouteName(r.route)) +
                           " request needs a destination backend name");
  }
  if (!r.media_json.empty()) {
    auto media = nlohmann::json::parse(r.media_json, nullptr, /*allow_exceptions=*/false);
    if (!media.is_object() && !media.is_array()) {
      return InvalidArgument("audit record: media_json is not a JSON object or array");
    }
  }
  return Status::Ok();
}

AuditLog::AuditLog(std::string path, sqlite::Db db) : path_(std::move(path)), db_(std::move(db)) {}

AuditLog::~AuditLog() = default;

Expected<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path,
                                                   const sqlite::StoreOptions& options) {
  PTMO_ASSIGN_OR_RETURN(sqlite::Db db, sqlite::Db::Open(path, "audit log", options));
  PTMO_RETURN_IF_ERROR(sqlite::InitSchema(&db, kKind, kSchemaVersion,
                                          options.create_if_missing ? kSchema : nullptr));
  std::unique_ptr<AuditLog> log(new AuditLog(path, std::move(db)));
  PTMO_RETURN_IF_ERROR(log->PrepareStatements());
  return log;
}

Status AuditLog::PrepareStatements() {
  PTMO_ASSIGN_OR_RETURN(
      insert_,
      db_.Prepare("INSERT INTO records(request_id, time_ms, user_id, route, policy_name, "
                  "policy_version, reasons, destination, payload, response, latency_ms, "
                  "cost_usd, privacy_cost, status, media) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                  "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
  PTMO_ASSIGN_OR_RETURN(complete_, db_.Prepare("UPDATE records SET status = ?2, response = ?3, "
                                               "latency_ms = ?4, cost_usd = ?5 WHERE id = ?1 AND "
                                               "status = 'sending'"));
  std::string all =
      std::string("SELECT ") + kColumns + " FROM records WHERE id > ?1 ORDER BY id LIMIT ?2";
  std::string user = std::string("SELECT ") + kColumns +
                     " FROM records WHERE user_id = ?3 AND id > ?1 ORDER BY id LIMIT ?2";
  PTMO_ASSIGN_OR_RETURN(read_all_, db_.Prepare(all.c_str()));
  PTMO_ASSIGN_OR_RETURN(read_user_, db_.Prepare(user.c_str()));
  return Status::Ok();
}

Expected<int64_t> AuditLog::Append(const AuditRecord& r) {
  PTMO_RETURN_IF_ERROR(ValidateAuditRecord(r));
  for (const auto* blob : {&r.payload, r.response ? &*r.response : nullptr}) {
    if (blob != nullptr && blob->size() > kMaxBlobBytes) {
      return ResourceExhausted("audit record: " + std::to_string(blob->size()) +
                               " bytes of payload or response, above the limit of " +
                               std::to_string(kMaxBlobBytes));
    }
  }
  nlohmann::json reasons = r.reasons;
  std::string reasons_text = reasons.dump();
  std::lock_guard<std::mutex> lock(mu_);
  // One INSERT outside an explicit transaction is its own (atomic, durable) transaction.
  insert_.Reset();
  PTMO_RETURN_IF_ERROR(insert_.BindText(1, r.request_id));
  PTMO_RETURN_IF_ERROR(insert_.BindInt64(2, r.time_ms));
  PTMO_RETURN_IF_ERROR(insert_.BindText(3, r.user_id));
  PTMO_RETURN_IF_ERROR(insert_.BindText(4, AuditRouteName(r.route)));
  PTMO_RETURN_IF_ERROR(insert_.BindText(5, r.policy_name));
  PTMO_RETURN_IF_ERROR(insert_.BindText(6, r.policy_version));
  PTMO_RETURN_IF_ERROR(insert_.BindText(7, reasons_text));
  PTMO_RETURN_IF_ERROR(insert_.BindText(8, r.destination));
  PTMO_RETURN_IF_ERROR(insert_.BindBlob(9, r.payload));
  PTMO_RETURN_IF_ERROR(r.response ? insert_.BindBlob(10, *r.response) : insert_.BindNull(10));
  PTMO_RETURN_IF_ERROR(insert_.BindDouble(11, r.latency_ms));
  PTMO_RETURN_IF_ERROR(insert_.BindDouble(12, r.cost_usd));
  PTMO_RETURN_IF_ERROR(insert_.BindDouble(13, r.privacy_cost));
  PTMO_RETURN_IF_ERROR(insert_.BindText(14, r.status));
  PTMO_RETURN_IF_ERROR(r.media_json.empty() ? insert_.BindNull(15)
                                            : insert_.BindText(15, r.media_json));
  Status st = insert_.Run();
  int64_t id = sqlite3_last_insert_rowid(db_.get());
  insert_.Reset();
  PTMO_RETURN_IF_ERROR(st);
  return id;
}

Status AuditLog::Complete(int64_t id, const AuditCompletion& c) {
  PTMO_RETURN_IF_ERROR(CheckText(c.status, "status", true, 1 << 16));
  if (!IsFinalStatus(c.status)) {
    return InvalidArgument(
        "audit completion: status must be 'ok', 'cancelled' or 'error: <message>', got '" +
        c.status + "'");
  }
  PTMO_RETURN_IF_ERROR(CheckAmount(c.latency_ms, "latency_ms"));
  PTMO_RETURN_IF_ERROR(CheckAmount(c.cost_usd, "cost_usd"));
  if (c.response && c.response->size() > kMaxBlobBytes) {
    return ResourceExhausted("audit completion: " + std::to_string(c.response->size()) +
                             " bytes of response, above the limit of " +
                             std::to_string(kMaxBlobBytes));
  }
  std::lock_guard<std::mutex> lock(mu_);
  // One UPDATE is its own transaction; the WHERE clause makes a completed record immutable.
  complete_.Reset();
  PTMO_RETURN_IF_ERROR(complete_.BindInt64(1, id));
  PTMO_RETURN_IF_ERROR(complete_.BindText(2, c.status));
  PTMO_RETURN_IF_ERROR(c.response ? complete_.BindBlob(3, *c.response) : complete_.BindNull(3));
  PTMO_RETURN_IF_ERROR(complete_.BindDouble(4, c.latency_ms));
  PTMO_RETURN_IF_ERROR(complete_.BindDouble(5, c.cost_usd));
  Status st = complete_.Run();
  const int64_t changed = sqlite3_changes64(db_.get());
  complete_.Reset();
  PTMO_RETURN_IF_ERROR(st);
  if (changed == 1) return Status::Ok();
  // Nothing changed: tell a missing record from a completed one.
  PTMO_ASSIGN_OR_RETURN(sqlite::Stmt find, db_.Prepare("SELECT status FROM records WHERE id = ?1"));
  PTMO_RETURN_IF_ERROR(find.BindInt64(1, id));
  PTMO_ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return NotFound(db_.what() + ": no audit record " + std::to_string(id));
  std::string status = find.Text(0);
  find.Reset();
  return FailedPrecondition(db_.what() + ": audit record " + std::to_string(id) +
                            " is already complete (status '" + status +
                            "'); records never change "
                            "once complete");
}

Expected<std::vector<AuditRecord>> AuditLog::Read(const AuditQuery& q) {
  if (q.after_id < 0) return InvalidArgument("audit query: after_id must be >= 0");
  std::lock_guard<std::mutex> lock(mu_);
  sqlite::Stmt& st = q.user_id.empty() ? read_all_ : read_user_;
  st.Reset();
  PTMO_RETURN_IF_ERROR(st.BindInt64(1, q.after_id));
  PTMO_RETURN_IF_ERROR(
      st.BindInt64(2, static_cast<int64_t>(std::min<size_t>(q.limit, size_t(1) << 40))));
  if (!q.user_id.empty()) PTMO_RETURN_IF_ERROR(st.BindText(3, q.user_id));
  std::vector<AuditRecord> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      st.Reset();
      return row.status();
    }
    if (!*row) break;
    auto record = RowToRecord(st, db_.what());
    if (!record.ok()) {
      st.Reset();
      return record.status();
    }
    out.push_back(std::move(record).value());
  }
  st.Reset();
  return out;
}

Status AuditLog::ForEach(const AuditQuery& query,
                         const std::function<bool(const AuditRecord&)>& fn) {
  AuditQuery page = query;
  page.limit = 128;
  for (;;) {
    PTMO_ASSIGN_OR_RETURN(std::vector<AuditRecord> records, Read(page));
    for (const AuditRecord& r : records) {
      if (!fn(r)) return Status::Ok();
    }
    if (records.size() < page.limit) return Status::Ok();
    page.after_id = records.back().id;
  }
}

Expected<int64_t> AuditLog::Count(std::string_view user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  PTMO_ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare(user_id.empty() ? "SELECT count(*) FROM records"
                                  : "SELECT count(*) FROM records WHERE user_id = ?1"));
  if (!user_id.empty()) PTMO_RETURN_IF_ERROR(st.BindText(1, user_id));
  PTMO_ASSIGN_OR_RETURN(bool row, st.Step());
  int64_t n = row ? st.Int64(0) : 0;
  st.Reset();
  return n;
}

}  // namespace ptmo::privacy
