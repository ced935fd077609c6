// Write-ahead records: Append with status "sending", then Complete once.
#include <gtest/gtest.h>

#include "privacy/audit/audit_log.h"
#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::TempDir;

AuditRecord SendingRecord() {
  AuditRecord r;
  r.request_id = "req-7";
  r.time_ms = 1704067200123;
  r.user_id = "alice";
  r.route = AuditRoute::kCloud;
  r.policy_name = "threshold";
  r.destination = "openai";
  r.payload = "{\"messages\":[]}";
  r.privacy_cost = 0.25;
  r.status = "sending";
  return r;
}

std::unique_ptr<AuditLog> OpenOrDie(const std::string& path) {
  auto log = AuditLog::Open(path);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

TEST(AuditCompletion, SendingRecordIsStoredBeforeTheCallEnds) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  auto id = log->Append(SendingRecord());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto rows = log->Read({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].status, "sending");
  EXPECT_EQ((*rows)[0].payload, "{\"messages\":[]}");
  EXPECT_FALSE((*rows)[0].response.has_value());
}

TEST(AuditCompletion, CompleteRecordsTheOutcomeAndKeepsWhatWasSent) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  auto id = log->Append(SendingRecord());
  ASSERT_TRUE(id.ok());
  AuditCompletion done;
  done.status = "ok";
  done.response = std::string("answer\0bytes", 12);
  done.latency_ms = 12.5;
  done.cost_usd = 0.003;
  ASSERT_TRUE(log->Complete(*id, done).ok());
  auto rows = log->Read({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const AuditRecord& r = (*rows)[0];
  EXPECT_EQ(r.status, "ok");
  ASSERT_TRUE(r.response.has_value());
  EXPECT_EQ(*r.response, std::string("answer\0bytes", 12));
  EXPECT_DOUBLE_EQ(r.latency_ms, 12.5);
  EXPECT_DOUBLE_EQ(r.cost_usd, 0.003);
  // What was sent, and what it cost in privacy, never change.
  EXPECT_EQ(r.payload, "{\"messages\":[]}");
  EXPECT_DOUBLE_EQ(r.privacy_cost, 0.25);
  EXPECT_EQ(r.destination, "openai");
}

TEST(AuditCompletion, ACompletedRecordNeverChangesAgain) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  auto id = log->Append(SendingRecord());
  ASSERT_TRUE(id.ok());
  AuditCompletion failed;
  failed.status = "error: cloud down";
  ASSERT_TRUE(log->Complete(*id, failed).ok());
  AuditCompletion ok;
  Status again = log->Complete(*id, ok);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition) << again.ToString();
  EXPECT_NE(again.message().find("error: cloud down"), std::string::npos) << again.message();
  auto rows = log->Read({});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, "error: cloud down");
}

TEST(AuditCompletion, RecordsAppendedCompleteCannotBeCompleted) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  AuditRecord r = SendingRecord();
  r.status = "ok";
  auto id = log->Append(r);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(log->Complete(*id, {}).code(), StatusCode::kFailedPrecondition);
}

TEST(AuditCompletion, UnknownIdIsNotFound) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  Status st = log->Complete(42, {});
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_NE(st.message().find("42"), std::string::npos);
}

TEST(AuditCompletion, RejectsABadCompletionNamingTheField) {
  TempDir dir;
  auto log = OpenOrDie(dir.File("audit.db"));
  auto id = log->Append(SendingRecord());
  ASSERT_TRUE(id.ok());
  AuditCompletion c;
  c.status = "sending";  // a completion must say how the call ended
  EXPECT_EQ(log->Complete(*id, c).code(), StatusCode::kInvalidArgument);
  c.status = "fine";
  EXPECT_EQ(log->Complete(*id, c).code(), StatusCode::kInvalidArgument);
  c.status = "ok";
  c.latency_ms = -1;
  Status st = log->Complete(*id, c);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("latency_ms"), std::string::npos) << st.message();
  auto rows = log->Read({});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, "sending");  // nothing was written
}

}  // namespace
}  // namespace ptmo::privacy
