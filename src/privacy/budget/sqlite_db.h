// A small RAII layer over SQLite's C API for the privacy stores (budget ledger, audit log).
//
// Header-only on purpose: ptmo_privacy_audit links SQLite but not ptmo_privacy_budget, and
// both stores need the same careful opening sequence:
//   - the file is created with mode 0600 (O_EXCL, so a concurrent creator is never clobbered)
//     and an existing file that group or others may read is refused, checked on the opened
//     descriptor (as the vault key file is);
//   - WAL journal, a busy timeout (several processes may share the file), defensive mode and
//     untrusted schema, so a hostile or corrupt file cannot run code or crash us;
//   - SQLite result codes become Status codes whose messages name the file.
// SQLite gives the -wal and -shm files the permissions of the database file, so they are 0600
// too.
//
// Not thread-safe by itself: each store guards its one Db with a mutex.
#pragma once

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace ptmo::privacy::sqlite {

// How hard a commit tries to survive a power cut. A process crash (even SIGKILL) never loses
// a committed transaction in either mode; kNormal may lose the last commits on power loss.
enum class Durability {
  kFull,    // fsync the WAL at every commit (PRAGMA synchronous=FULL)
  kNormal,  // fsync only at checkpoints (PRAGMA synchronous=NORMAL); several times faster
};

// Options shared by the SQLite-backed stores.
struct StoreOptions {
  // Create the file (mode 0600) when it does not exist; otherwise a missing file is kNotFound.
  bool create_if_missing = true;
  // How long a writer waits for another process's transaction before failing kUnavailable.
  int busy_timeout_ms = 5000;
  Durability durability = Durability::kFull;
};

// Maps a SQLite result code to a Status naming `what` (e.g. "budget ledger 'x.db'").
inline Status SqliteError(int rc, sqlite3* db, const std::string& what, std::string_view doing) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = what + ": " + std::string(doing) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(msg + " (another process holds the lock; retry later)");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return DataLoss(msg + " (not a valid SQLite database, or corrupt)");
    case SQLITE_CANTOPEN: return NotFound(msg);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return PermissionDenied(msg);
    case SQLITE_FULL:
    case SQLITE_TOOBIG: return ResourceExhausted(msg);
    case SQLITE_IOERR: return Unavailable(msg + " (I/O error)");
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: return InvalidArgument(msg);
    default: return Internal(msg);
  }
}

// A prepared statement; finalized on destruction. Move-only.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* stmt, sqlite3* db, std::string what)
      : stmt_(stmt), db_(db), what_(std::move(what)) {}
  Stmt(Stmt&& o) noexcept
      : stmt_(std::exchange(o.stmt_, nullptr)), db_(o.db_), what_(std::move(o.what_)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(o.stmt_, nullptr);
      db_ = o.db_;
      what_ = std::move(o.what_);
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  // Binders take 1-based parameter indexes. Text and blobs are copied (SQLITE_TRANSIENT),
  // so the arguments need not outlive the statement.
  Status BindText(int i, std::string_view s) {
    return Check(sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
                 "bind");
  }
  Status BindBlob(int i, std::string_view s) {
    // A zero-length blob, not NULL, for an empty payload.
    return Check(s.empty() ? sqlite3_bind_zeroblob(stmt_, i, 0)
                           : sqlite3_bind_blob64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT),
                 "bind");
  }
  Status BindInt64(int i, int64_t v) { return Check(sqlite3_bind_int64(stmt_, i, v), "bind"); }
  Status BindDouble(int i, double v) { return Check(sqlite3_bind_double(stmt_, i, v), "bind"); }
  Status BindNull(int i) { return Check(sqlite3_bind_null(stmt_, i), "bind"); }

  // Runs one step: true when a row is available, false when done.
  Expected<bool> Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(rc, db_, what_, "step");
  }
  // Steps a statement that returns no rows.
  Status Run() {
    auto r = Step();
    return r.ok() ? Status::Ok() : r.status();
  }
  // Makes the statement ready to run again with new bindings.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  // Column readers (0-based), valid after Step() returned true.
  int64_t Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
                        : std::string();
  }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return p != nullptr ? std::string(static_cast<const char*>(p), static_cast<size_t>(n))
                        : std::string();
  }

 private:
  Status Check(int rc, std::string_view doing) {
    return rc == SQLITE_OK ? Status::Ok() : SqliteError(rc, db_, what_, doing);
  }
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  std::string what_;  // "budget ledger '/path'", for messages
};

// One open database connection; closed on destruction. Move-only; statements must be
// destroyed before their Db.
class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)), what_(std::move(o.what_)) {}
  Db& operator=(Db&&) = delete;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { sqlite3_close_v2(db_); }

  // Opens (or creates, see StoreOptions) the database at `path`; `kind` names the store in
  // messages ("budget ledger"). Errors: kNotFound (missing file or directory),
  // kFailedPrecondition (group/world-accessible file), kInvalidArgument (not a regular file),
  // kPermissionDenied (no access), kDataLoss (not a SQLite file, or corrupt).
  static Expected<Db> Open(const std::string& path, const std::string& kind,
                           const StoreOptions& options) {
    Db db;
    db.what_ = kind + " '" + path + "'";
    if (path.empty()) return InvalidArgument(kind + ": the database path is empty");
    if (options.busy_timeout_ms < 0) {
      return InvalidArgument(db.what_ + ": busy_timeout_ms must be >= 0");
    }
    // An absolute path, so that SQLite never reads a name such as ":memory:" or "file:x" as
    // anything but a file.
    std::error_code ec;
    std::string file = std::filesystem::absolute(path, ec).string();
    if (ec) return InvalidArgument(db.what_ + ": cannot resolve the path: " + ec.message());
    PTMO_RETURN_IF_ERROR(PrepareFile(file, db.what_, options.create_if_missing));
    int rc = sqlite3_open_v2(file.c_str(), &db.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, db.db_, db.what_, "cannot open");
    sqlite3_extended_result_codes(db.db_, 1);
    sqlite3_busy_timeout(db.db_, options.busy_timeout_ms);
    // A database file is data, never code: no triggers/views from the file run with our
    // privileges, and no SQL can corrupt the file on purpose.
    sqlite3_db_config(db.db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db.db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    // The first statement that reads the file: a corrupt or foreign file fails here.
    PTMO_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL", "cannot enable WAL"));
    PTMO_RETURN_IF_ERROR(db.Exec(options.durability == Durability::kFull
                                     ? "PRAGMA synchronous=FULL"
                                     : "PRAGMA synchronous=NORMAL",
                                 "cannot set synchronous"));
    return db;
  }

  // Runs constant SQL (never built from user data) that returns no rows we need.
  Status Exec(const char* sql, std::string_view doing) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    return rc == SQLITE_OK ? Status::Ok() : SqliteError(rc, db_, what_, doing);
  }

  // Compiles constant SQL; user data goes in through the Stmt binders only.
  Expected<Stmt> Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, db_, what_, "prepare");
    return Stmt(stmt, db_, what_);
  }

  sqlite3* get() const { return db_; }
  // "budget ledger '/path'", for messages.
  const std::string& what() const { return what_; }

 private:
  static std::string ModeString(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
  }

  static Status OpenError(int err, const std::string& what, std::string_view doing) {
    std::string msg = what + ": " + std::string(doing) + ": " + std::strerror(err);
    if (err == ENOENT) return NotFound(msg);
    if (err == EACCES || err == EPERM) return PermissionDenied(msg);
    return InvalidArgument(msg);
  }

  // Creates the file with mode 0600 when asked, then checks the file that exists.
  static Status PrepareFile(const std::string& path, const std::string& what, bool create) {
    if (create) {
      int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0) {
        // umask can only narrow 0600; fchmod makes the mode exact regardless.
        int rc = ::fchmod(fd, 0600);
        int err = errno;
        ::close(fd);
        if (rc != 0) return OpenError(err, what, "cannot set mode 0600");
        return Status::Ok();
      }
      if (errno != EEXIST) return OpenError(errno, what, "cannot create");
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return NotFound(what + " does not exist");
      return OpenError(errno, what, "cannot open");
    }
    // Check the file actually opened (no window between check and use for this descriptor).
    struct stat st {};
    int rc = ::fstat(fd, &st);
    int err = errno;
    ::close(fd);
    if (rc != 0) return OpenError(err, what, "cannot stat");
    if (!S_ISREG(st.st_mode)) return InvalidArgument(what + " is not a regular file");
    if ((st.st_mode & 077) != 0) {
      return FailedPrecondition(what + " has mode " + ModeString(st.st_mode) +
                                ", so group or others can access it; refusing to use it. Run: "
                                "chmod 600 '" +
                                path + "'");
    }
    return Status::Ok();
  }

  sqlite3* db_ = nullptr;
  std::string what_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless committed. IMMEDIATE takes the
// write lock at the start, so a read-then-write transaction (check the budget, then charge)
// cannot interleave with another process's.
class Transaction {
 public:
  explicit Transaction(Db* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) (void)db_->Exec("ROLLBACK", "rollback");
  }
  Status Begin() {
    PTMO_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE", "cannot begin a transaction"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    PTMO_RETURN_IF_ERROR(db_->Exec("COMMIT", "cannot commit"));
    open_ = false;
    return Status::Ok();
  }

 private:
  Db* db_;
  bool open_ = false;
};

// Reads the store's identity from its `ptmo_meta` table, creating the table and the rows
// (kind, schema_version) on a new file. Refuses a file of another kind (an audit log opened
// as a budget ledger) and a schema newer than `supported_version`. Runs inside its own
// IMMEDIATE transaction together with `create_schema` (SQL run only on a new file), so two
// processes creating the same file at once cannot both create the schema. With
// `create_schema` null a file without the identity rows is refused (kFailedPrecondition).
inline Status InitSchema(Db* db, const char* kind, int supported_version,
                         const char* create_schema) {
  Transaction tx(db);
  PTMO_RETURN_IF_ERROR(tx.Begin());
  PTMO_ASSIGN_OR_RETURN(Stmt tables,
                        db->Prepare("SELECT count(*), count(*) FILTER (WHERE name = 'ptmo_meta') "
                                    "FROM sqlite_schema WHERE type = 'table'"));
  PTMO_ASSIGN_OR_RETURN(bool row, tables.Step());
  int64_t table_count = row ? tables.Int64(0) : 0;
  bool has_meta = row && tables.Int64(1) > 0;
  tables.Reset();
  if (!has_meta) {
    if (create_schema == nullptr) {
      return FailedPrecondition(db->what() + " is not a " + kind + " (it has no ptmo identity)");
    }
    if (table_count > 0) {
      return FailedPrecondition(db->what() + " holds other tables; it is not a " + kind);
    }
    PTMO_RETURN_IF_ERROR(
        db->Exec("CREATE TABLE ptmo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                 "cannot create the meta table"));
    PTMO_RETURN_IF_ERROR(db->Exec(create_schema, "cannot create the schema"));
    PTMO_ASSIGN_OR_RETURN(Stmt put,
                          db->Prepare("INSERT INTO ptmo_meta(key, value) VALUES (?1, ?2)"));
    PTMO_RETURN_IF_ERROR(put.BindText(1, "kind"));
    PTMO_RETURN_IF_ERROR(put.BindText(2, kind));
    PTMO_RETURN_IF_ERROR(put.Run());
    put.Reset();
    PTMO_RETURN_IF_ERROR(put.BindText(1, "schema_version"));
    PTMO_RETURN_IF_ERROR(put.BindText(2, std::to_string(supported_version)));
    PTMO_RETURN_IF_ERROR(put.Run());
    return tx.Commit();
  }
  PTMO_ASSIGN_OR_RETURN(Stmt get, db->Prepare("SELECT value FROM ptmo_meta WHERE key = ?1"));
  auto read = [&](const char* key) -> Expected<std::string> {
    get.Reset();
    PTMO_RETURN_IF_ERROR(get.BindText(1, key));
    PTMO_ASSIGN_OR_RETURN(bool found, get.Step());
    return found ? get.Text(0) : std::string();
  };
  PTMO_ASSIGN_OR_RETURN(std::string have_kind, read("kind"));
  PTMO_ASSIGN_OR_RETURN(std::string have_version, read("schema_version"));
  get.Reset();
  if (have_kind != kind) {
    return FailedPrecondition(db->what() + " is a '" + have_kind + "' store, not a '" + kind + "'");
  }
  char* end = nullptr;
  long version = std::strtol(have_version.c_str(), &end, 10);
  if (have_version.empty() || *end != '\0' || version <= 0) {
    return DataLoss(db->what() + ": invalid schema_version '" + have_version + "'");
  }
  if (version > supported_version) {
    return FailedPrecondition(db->what() + " has schema version " + have_version +
                              ", newer than this ptmo supports (" +
                              std::to_string(supported_version) + "); upgrade ptmo");
  }
  return tx.Commit();
}

}  // namespace ptmo::privacy::sqlite
