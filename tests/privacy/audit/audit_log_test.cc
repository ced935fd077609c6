#include "privacy/audit/audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::FileMode;
using ptmo::testing::TempDir;

std::unique_ptr<AuditLog> OpenOrDie(const std::string& path) {
  auto log = AuditLog::Open(path);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

AuditRecord CloudRecord(std::string request_id = "req-1", std::string payload = "hello") {
  AuditRecord r;
  r.request_id = std::move(request_id);
  r.time_ms = 1704067200123;
  r.user_id = "alice";
  r.route = AuditRoute::kCloud;
  r.policy_name = "threshold";
  r.policy_version = "v3";
  r.reasons = {"level PUBLIC", "latency budget ok"};
  r.destination = "openai";
  r.payload = std::move(payload);
  r.latency_ms = 412.5;
  r.cost_usd = 0.0021;
  r.privacy_cost = 0.25;
  return r;
}

TEST(AuditRoute, NamesRoundTrip) {
  for (AuditRoute r :
       {AuditRoute::kLocal, AuditRoute::kCloud, AuditRoute::kHybrid, AuditRoute::kSplit}) {
    EXPECT_EQ(ParseAuditRoute(AuditRouteName(r)), r);
  }
  EXPECT_FALSE(ParseAuditRoute("CLOUD").has_value());
}

TEST(AuditLog, CreatesTheFileWithMode0600) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(FileMode(dir.File("audit.db")), 0600);
  ASSERT_TRUE(log->Append(CloudRecord()).ok());
  EXPECT_EQ(FileMode(dir.File("audit.db-wal")), 0600);
}

TEST(AuditLog, RefusesAWorldReadableFile) {
  TempDir dir;
  std::string path = dir.File("audit.db");
  { ASSERT_NE(OpenOrDie(path), nullptr); }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto r = AuditLog::Open(path);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos) << r.status().message();
}

TEST(AuditLog, MissingFileIsNotFoundWhenCreationIsOff) {
  TempDir dir;
  sqlite::StoreOptions o;
  o.create_if_missing = false;
  auto r = AuditLog::Open(dir.File("none.db"), o);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FileMode(dir.File("none.db")), -1);
}

TEST(AuditLog, AnEmptyFileIsNotAnAuditLogWhenCreationIsOff) {
  TempDir dir;
  std::string path = dir.File("empty.db");
  std::ofstream(path).close();
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  sqlite::StoreOptions o;
  o.create_if_missing = false;
  EXPECT_EQ(AuditLog::Open(path, o).status().code(), StatusCode::kFailedPrecondition);
}

TEST(AuditLog, CorruptFileIsDataLoss) {
  TempDir dir;
  std::string path = dir.File("audit.db");
  std::ofstream(path) << "SQLite format 3" << std::string(5000, '\x7f');
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto r = AuditLog::Open(path);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
}

TEST(AuditLog, BadPathIsAnErrorNamingIt) {
  auto r = AuditLog::Open("/nonexistent-ptmo-dir/audit.db");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent-ptmo-dir/audit.db"), std::string::npos);
}

TEST(AuditLog, RefusesABudgetLedgerFile) {
  TempDir dir;
  std::string path = dir.File("b.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE ptmo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                         "INSERT INTO ptmo_meta VALUES('kind','budget_ledger'),"
                         "('schema_version','1');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_EQ(AuditLog::Open(path).status().code(), StatusCode::kFailedPrecondition);
}

TEST(AuditLog, RecordsRoundTripByteForByte) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  AuditRecord in = CloudRecord("req-7", std::string("bin\0ary\xff\xfe payload", 18));
  in.response = std::string("resp\0onse", 9);
  in.media_json = R"({"images":[{"sha256":"ab12","redacted":["face"]}]})";
  in.status = "error: upstream timed out";
  auto id = log->Append(in);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_GT(*id, 0);
  auto rows = log->Read({});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const AuditRecord& out = (*rows)[0];
  EXPECT_EQ(out.id, *id);
  EXPECT_EQ(out.request_id, "req-7");
  EXPECT_EQ(out.time_ms, in.time_ms);
  EXPECT_EQ(out.user_id, "alice");
  EXPECT_EQ(out.route, AuditRoute::kCloud);
  EXPECT_EQ(out.policy_name, "threshold");
  EXPECT_EQ(out.policy_version, "v3");
  EXPECT_EQ(out.reasons, in.reasons);
  EXPECT_EQ(out.destination, "openai");
  EXPECT_EQ(out.payload, in.payload);
  ASSERT_TRUE(out.response.has_value());
  EXPECT_EQ(*out.response, *in.response);
  EXPECT_EQ(out.latency_ms, 412.5);
  EXPECT_EQ(out.cost_usd, 0.0021);
  EXPECT_EQ(out.privacy_cost, 0.25);
  EXPECT_EQ(out.status, in.status);
  EXPECT_EQ(out.media_json, in.media_json);
}

TEST(AuditLog, LocalRequestsAreRecordedWithAnEmptyPayload) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  AuditRecord r = CloudRecord("local-1", "");
  r.route = AuditRoute::kLocal;
  r.destination.clear();
  ASSERT_TRUE(log->Append(r).ok());
  auto rows = log->Read({});
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_TRUE((*rows)[0].payload.empty());
  EXPECT_FALSE((*rows)[0].response.has_value());
  EXPECT_TRUE((*rows)[0].media_json.empty());
}

TEST(AuditLog, RejectsMalformedRecordsNamingTheField) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  struct Case {
    const char* field;
    std::function<void(AuditRecord&)> spoil;
  };
  std::vector<Case> cases = {
      {"request_id", [](AuditRecord& r) { r.request_id.clear(); }},
      {"user_id", [](AuditRecord& r) { r.user_id.clear(); }},
      {"user_id", [](AuditRecord& r) { r.user_id = "bad\xff"; }},
      {"time_ms", [](AuditRecord& r) { r.time_ms = -1; }},
      {"latency_ms", [](AuditRecord& r) { r.latency_ms = -3; }},
      {"cost_usd", [](AuditRecord& r) { r.cost_usd = std::nan(""); }},
      {"privacy_cost", [](AuditRecord& r) { r.privacy_cost = -0.5; }},
      {"status", [](AuditRecord& r) { r.status = "fine"; }},
      {"status", [](AuditRecord& r) { r.status = "error: "; }},
      {"destination", [](AuditRecord& r) { r.destination.clear(); }},
      {"media_json", [](AuditRecord& r) { r.media_json = "{not json"; }},
      {"payload", [](AuditRecord& r) { r.route = AuditRoute::kLocal; }},
  };
  for (const Case& c : cases) {
    AuditRecord r = CloudRecord();
    c.spoil(r);
    auto id = log->Append(r);
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(id.status().message().find(c.field), std::string::npos)
        << c.field << ": " << id.status().message();
  }
  EXPECT_EQ(*log->Count(), 0);
}

TEST(AuditLog, ReadPagesByIdAndFiltersByUser) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  for (int i = 0; i < 10; ++i) {
    AuditRecord r = CloudRecord("req-" + std::to_string(i));
    r.user_id = i % 2 ? "bob" : "alice";
    ASSERT_TRUE(log->Append(r).ok());
  }
  EXPECT_EQ(*log->Count(), 10);
  EXPECT_EQ(*log->Count("bob"), 5);
  EXPECT_EQ(*log->Count("carol"), 0);
  AuditQuery q;
  q.limit = 3;
  auto page1 = log->Read(q);
  ASSERT_EQ(page1->size(), 3u);
  q.after_id = page1->back().id;
  auto page2 = log->Read(q);
  ASSERT_EQ(page2->size(), 3u);
  EXPECT_EQ((*page2)[0].request_id, "req-3");
  AuditQuery bob;
  bob.user_id = "bob";
  auto bobs = log->Read(bob);
  ASSERT_EQ(bobs->size(), 5u);
  for (const auto& r : *bobs) EXPECT_EQ(r.user_id, "bob");
}

TEST(AuditLog, ForEachVisitsEveryRecordInOrderAcrossPages) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(log->Append(CloudRecord("r" + std::to_string(i))).ok());
  int64_t last = 0, n = 0;
  ASSERT_TRUE(log->ForEach({},
                           [&](const AuditRecord& r) {
                             EXPECT_GT(r.id, last);
                             last = r.id;
                             ++n;
                             return true;
                           })
                  .ok());
  EXPECT_EQ(n, 300);
  n = 0;
  ASSERT_TRUE(log->ForEach({}, [&](const AuditRecord&) { return ++n < 5; }).ok());
  EXPECT_EQ(n, 5);
}

TEST(AuditLog, ConcurrentAppendsAreAllRecorded) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto id = log->Append(CloudRecord(std::to_string(t) + "-" + std::to_string(i)));
        EXPECT_TRUE(id.ok()) << id.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*log->Count(), 100);
}

TEST(AuditLog, RecordsSurviveReopening) {
  TempDir dir;
  std::string path = dir.File("audit.db");
  { ASSERT_TRUE(OpenOrDie(path)->Append(CloudRecord()).ok()); }
  auto log = OpenOrDie(path);
  EXPECT_EQ(*log->Count(), 1);
}

}  // namespace
}  // namespace ptmo::privacy
