// The gateway's accounting: the privacy price of what was sent, the write-ahead audit record
// of every cloud attempt, and the bytes-sent count.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "offload/gateway.h"
#include "offload/test_backends.h"
#include "privacy/budget/privacy_cost.h"

namespace ptmo::offload {
namespace {

namespace fs = std::filesystem;
using testing::CannedLocal;
using testing::ScriptedCloud;
using testing::SharedAnalyzer;

// A cloud that, once asked, waits until the test lets it answer.
class GatedCloud : public ScriptedCloud {
 public:
  Expected<backend::Result> Generate(const backend::Request& r, const backend::DeltaCallback& d,
                                     const backend::CancelToken* c) override {
    entered.set_value();
    release.get_future().wait();
    return ScriptedCloud::Generate(r, d, c);
  }
  std::promise<void> entered;
  std::promise<void> release;
};

class GatewayAccountingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ptmo_gateway_accounting_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto ledger = privacy::BudgetLedger::Open((dir_ / "budget.db").string(), {100.0, 3600});
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    ledger_ = std::move(*ledger);
    auto audit = privacy::AuditLog::Open((dir_ / "audit.db").string());
    ASSERT_TRUE(audit.ok()) << audit.status().message();
    audit_ = std::move(*audit);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Gateway> Make(std::shared_ptr<ScriptedCloud> cloud) {
    GatewayParts parts;
    parts.analyzer = SharedAnalyzer();
    parts.local = std::make_shared<CannedLocal>();
    parts.clouds = {std::move(cloud)};
    parts.ledger = ledger_;
    parts.audit = audit_;
    parts.policy = MakeThresholdPolicy({});
    auto gw = Gateway::Create({}, std::move(parts));
    EXPECT_TRUE(gw.ok()) << gw.status().message();
    return gw.ok() ? std::move(*gw) : nullptr;
  }

  ServiceRequest Chat(const std::string& text) {
    ServiceRequest r;
    r.request_id = "req-" + std::to_string(++counter_);
    r.user_id = "alice";
    r.request.model = "ptmo";
    r.request.messages = {{"user", text}};
    return r;
  }

  std::vector<privacy::AuditRecord> Rows() {
    auto rows = audit_->Read({});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<privacy::AuditRecord>{};
  }

  fs::path dir_;
  int counter_ = 0;
  std::shared_ptr<privacy::BudgetLedger> ledger_;
  std::shared_ptr<privacy::AuditLog> audit_;
};

// The price charged equals the documented formula, MeasurePrivacyCost of exactly the text
// the cloud received, whether the gateway reused its first analysis (nothing masked) or
// analyzed the masked text again.
TEST_F(GatewayAccountingTest, PriceEqualsTheCostOfExactlyWhatWasSent) {
  auto cloud = std::make_shared<ScriptedCloud>();
  auto gateway = Make(cloud);
  ASSERT_NE(gateway, nullptr);
  const std::vector<std::string> prompts = {
      "What is Python?",                                        // public: nothing to mask
      "My doctor said I should sleep more.",                    // a topic, nothing to mask
      "Draft an email to Alice Kim about the budget meeting.",  // a name, masked
      "Write a haiku about Seoul in spring.",                   // a place, masked
      "Email bob@example.org and call 415-555-0199.",           // contacts, masked
  };
  int priced_above_zero = 0;
  for (const std::string& prompt : prompts) {
    size_t before = cloud->received.size();
    auto r = gateway->Handle(Chat(prompt), {}, nullptr);
    ASSERT_TRUE(r.ok()) << prompt << ": " << r.status().message();
    ASSERT_EQ(cloud->received.size(), before + 1) << prompt << " was not sent";
    const std::string& sent = cloud->received.back().messages.back().content;
    auto expected = privacy::MeasurePrivacyCost(*SharedAnalyzer(), sent);
    ASSERT_TRUE(expected.ok());
    EXPECT_DOUBLE_EQ(r->privacy->privacy_cost, expected->cost) << prompt << " -> " << sent;
    if (r->privacy->privacy_cost > 0) ++priced_above_zero;
  }
  EXPECT_GE(priced_above_zero, 1);  // the cases are not all free
  auto state = ledger_->State("alice", std::time(nullptr));
  ASSERT_TRUE(state.ok());
  double audited = 0;
  for (const auto& row : Rows()) audited += row.privacy_cost;
  EXPECT_NEAR(state->spent, audited, 1e-9);
}

TEST_F(GatewayAccountingTest, AuditRecordIsWrittenBeforeTheBytesLeave) {
  auto cloud = std::make_shared<GatedCloud>();
  auto gateway = Make(cloud);
  ASSERT_NE(gateway, nullptr);
  std::future<void> entered = cloud->entered.get_future();
  Expected<ServiceResponse> result = Status(StatusCode::kInternal, "not run");
  std::thread call([&] { result = gateway->Handle(Chat("What is Python?"), {}, nullptr); });
  entered.wait();  // the cloud has the request; the call has not ended
  auto during = Rows();
  ASSERT_EQ(during.size(), 1u);
  EXPECT_EQ(during[0].status, "sending");
  EXPECT_NE(during[0].payload.find("What is Python?"), std::string::npos);
  EXPECT_FALSE(during[0].response.has_value());
  cloud->release.set_value();
  call.join();
  ASSERT_TRUE(result.ok()) << result.status().message();
  auto after = Rows();
  ASSERT_EQ(after.size(), 1u);  // completed in place, not appended twice
  EXPECT_EQ(after[0].id, during[0].id);
  EXPECT_EQ(after[0].status, "ok");
  ASSERT_TRUE(after[0].response.has_value());
  EXPECT_EQ(*after[0].response, "echo: What is Python?");
  EXPECT_EQ(after[0].payload, during[0].payload);
}

TEST_F(GatewayAccountingTest, EachCloudAttemptHasItsOwnCompletedRecord) {
  auto first = std::make_shared<ScriptedCloud>();
  first->name_ = "cloud:first";
  first->failures = 1;
  auto second = std::make_shared<ScriptedCloud>();
  second->name_ = "cloud:second";
  GatewayParts parts;
  parts.analyzer = SharedAnalyzer();
  parts.local = std::make_shared<CannedLocal>();
  parts.clouds = {first, second};
  parts.ledger = ledger_;
  parts.audit = audit_;
  parts.policy = MakeThresholdPolicy({});
  auto gateway = Gateway::Create({}, std::move(parts));
  ASSERT_TRUE(gateway.ok());
  auto r = (*gateway)->Handle(Chat("My doctor said I should sleep more."), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].destination, "cloud:first");
  EXPECT_EQ(rows[0].status.rfind("error: ", 0), 0u) << rows[0].status;
  EXPECT_EQ(rows[1].destination, "cloud:second");
  EXPECT_EQ(rows[1].status, "ok");
  // Charged once: the first attempt's record carries the charge.
  EXPECT_GT(rows[0].privacy_cost, 0.0);
  EXPECT_EQ(rows[1].privacy_cost, 0.0);
  EXPECT_DOUBLE_EQ(rows[0].privacy_cost, r->privacy->privacy_cost);
}

TEST_F(GatewayAccountingTest, BytesSentCountsEveryAttemptBody) {
  auto cloud = std::make_shared<ScriptedCloud>();
  auto gateway = Make(cloud);
  ASSERT_NE(gateway, nullptr);
  auto r = gateway->Handle(Chat("What is Python?"), {}, nullptr);
  ASSERT_TRUE(r.ok());
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(r->privacy->bytes_sent, rows[0].payload.size());
  EXPECT_GT(r->privacy->bytes_sent, 0u);
}

}  // namespace
}  // namespace ptmo::offload
