#include "privacy/audit/leakage.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using ptmo::testing::TempDir;

const Analyzer& RulesAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    AnalyzerOptions o;
    o.enable_ner = false;
    auto a = Analyzer::Create(o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(a).value();
  }();
  return *analyzer;
}

class LeakageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = AuditLog::Open(dir_.File("audit.db"));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }

  int64_t Add(const std::string& payload, AuditRoute route = AuditRoute::kCloud) {
    AuditRecord r;
    r.request_id = "req-" + std::to_string(++n_);
    r.user_id = n_ % 2 ? "alice" : "bob";
    r.route = route;
    r.destination = route == AuditRoute::kLocal ? "" : "openai";
    r.payload = payload;
    auto id = log_->Append(r);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : -1;
  }

  LeakageReport Audit(const SecretList& secrets = {}, LeakageOptions options = {}) {
    auto report = AuditLeakage(*log_, RulesAnalyzer(), secrets, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : LeakageReport{};
  }

  TempDir dir_;
  std::unique_ptr<AuditLog> log_;
  int n_ = 0;
};

std::string ChatBody(const std::string& content) {
  nlohmann::json body = {{"model", "gpt-4o-mini"},
                         {"messages", {{{"role", "user"}, {"content", content}}}}};
  return body.dump();
}

TEST_F(LeakageTest, AnEmptyLogIsClean) {
  LeakageReport r = Audit();
  EXPECT_EQ(r.records, 0);
  EXPECT_FALSE(r.leaked());
}

TEST_F(LeakageTest, MaskedPayloadsAndLocalRecordsAreClean) {
  Add(ChatBody("Email <EMAIL_1> about card <CREDIT_CARD_1>, ask <PERSON_1>."));
  Add("Plain text: call <PHONE_1> or [REDACTED_US_SSN] or <EMAIL:3fa2c1d9>");
  Add("", AuditRoute::kLocal);
  LeakageReport r = Audit();
  EXPECT_EQ(r.records, 3);
  EXPECT_EQ(r.payloads, 2);
  EXPECT_EQ(r.json_payloads, 1);
  EXPECT_EQ(r.payloads_with_pii, 0);
  EXPECT_EQ(r.pii_spans, 0);
  EXPECT_FALSE(r.leaked());
  EXPECT_TRUE(r.offenders.empty());
  EXPECT_GT(r.payload_bytes, 0);
}

TEST_F(LeakageTest, FindsPiiByTypeAndNamesTheOffendingRecords) {
  Add(ChatBody("What is the capital of Peru?"));
  int64_t card = Add(ChatBody("Charge 4539 1488 0343 6467 and mail bob@example.org"));
  int64_t ssn = Add("my ssn is 536-22-1234");
  LeakageReport r = Audit();
  EXPECT_EQ(r.payloads, 3);
  EXPECT_EQ(r.payloads_with_pii, 2);
  EXPECT_EQ(r.pii_by_type[EntityType::kCreditCard], 1);
  EXPECT_EQ(r.pii_by_type[EntityType::kEmail], 1);
  EXPECT_EQ(r.pii_by_type[EntityType::kUsSsn], 1);
  ASSERT_EQ(r.offenders.size(), 2u);
  EXPECT_EQ(r.offenders[0].record_id, card);
  EXPECT_EQ(r.offenders[1].record_id, ssn);
  EXPECT_EQ(r.offenders[1].request_id, "req-3");
  EXPECT_TRUE(r.leaked());
}

TEST_F(LeakageTest, JsonEscapesCannotHideData) {
  // "bob\u0040example.org" is bob@example.org once decoded.
  Add(R"({"messages":[{"role":"user","content":"write to bob\u0040example.org"}]})");
  LeakageReport r = Audit();
  EXPECT_EQ(r.pii_by_type[EntityType::kEmail], 1);
}

TEST_F(LeakageTest, FindsKnownSecretsVerbatimAndReportsTheirLineNumbers) {
  auto secrets = ParseSecrets("\nProject Nightingale\r\nzq-internal-42\n");
  ASSERT_TRUE(secrets.ok());
  Add(ChatBody("Summarize the Project Nightingale roadmap"));
  Add("nothing to see");
  LeakageReport r = Audit(*secrets);
  EXPECT_EQ(r.payloads_with_secrets, 1);
  EXPECT_EQ(r.secrets_found, (std::vector<size_t>{2}));
  ASSERT_EQ(r.offenders.size(), 1u);
  EXPECT_EQ(r.offenders[0].secret_lines, (std::vector<size_t>{2}));
  EXPECT_TRUE(r.leaked());
}

TEST_F(LeakageTest, FindsSecretsThatJsonEscapingChanged) {
  auto secrets = ParseSecrets("pa\"ss/word\n");
  ASSERT_TRUE(secrets.ok());
  Add(ChatBody("my key is pa\"ss/word"));  // stored as pa\"ss/word inside a JSON string
  EXPECT_EQ(Audit(*secrets).payloads_with_secrets, 1);
}

TEST_F(LeakageTest, InvalidUtf8PayloadsAreStillScanned) {
  Add(std::string("card 4539 1488 0343 6467 \xff\xfe tail"));
  LeakageReport r = Audit();
  EXPECT_EQ(r.invalid_utf8_payloads, 1);
  EXPECT_EQ(r.pii_by_type[EntityType::kCreditCard], 1);
}

TEST_F(LeakageTest, PayloadsAboveTheAnalyzerLimitAreScannedInChunks) {
  std::string big(3 << 20, 'a');
  for (size_t i = 1; i < big.size(); i += 80) big[i] = ' ';
  std::string card = " 4539 1488 0343 6467 ";
  big.replace(big.size() - 1000, card.size(), card);
  big.replace(1000, card.size(), card);
  Add(big);
  LeakageReport r = Audit();
  EXPECT_EQ(r.pii_by_type[EntityType::kCreditCard], 2);
}

TEST_F(LeakageTest, ListsAtMostMaxOffendersButCountsThemAll) {
  for (int i = 0; i < 5; ++i) Add("mail bob@example.org");
  LeakageOptions o;
  o.max_offenders = 2;
  LeakageReport r = Audit({}, o);
  EXPECT_EQ(r.offenders.size(), 2u);
  EXPECT_EQ(r.offenders_total, 5);
}

TEST_F(LeakageTest, CanBeLimitedToOneUser) {
  Add("mail bob@example.org");  // alice
  Add("what time is it");       // bob
  LeakageOptions o;
  o.user_id = "bob";
  LeakageReport r = Audit({}, o);
  EXPECT_EQ(r.records, 1);
  EXPECT_FALSE(r.leaked());
}

TEST(Secrets, SkipsBlankLinesAndKeepsInnerSpaces) {
  auto s = ParseSecrets("alpha beta\n\n\r\n  gamma  \nlast-one");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->values, (std::vector<std::string>{"alpha beta", "  gamma  ", "last-one"}));
  EXPECT_EQ(s->lines, (std::vector<size_t>{1, 4, 5}));
}

TEST(Secrets, RejectsTooShortSecretsNamingTheLine) {
  auto s = ParseSecrets("long-enough\nab\n");
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("line 2"), std::string::npos) << s.status().message();
}

TEST(Secrets, MissingFileIsNotFound) {
  auto s = LoadSecrets("/nonexistent-ptmo-dir/secrets.txt");
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("secrets"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::privacy
