#include "offload/gateway.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "offload/learned_route_policy.h"
#include "offload/test_backends.h"

namespace ptmo::offload {
namespace {

namespace fs = std::filesystem;
using testing::CannedLocal;
using testing::ScriptedCloud;
using testing::SharedAnalyzer;

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ptmo_gateway_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Build(1.0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Build(double epsilon, ThresholdRoutes routes = {}) {
    cloud_ = std::make_shared<ScriptedCloud>();
    local_ = std::make_shared<CannedLocal>();
    GatewayParts parts;
    parts.analyzer = SharedAnalyzer();
    parts.local = local_;
    parts.clouds = {cloud_};
    auto ledger = privacy::BudgetLedger::Open((dir_ / "budget.db").string(), {epsilon, 3600});
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    ledger_ = std::move(*ledger);
    parts.ledger = ledger_;
    auto audit = privacy::AuditLog::Open((dir_ / "audit.db").string());
    ASSERT_TRUE(audit.ok()) << audit.status().message();
    audit_ = std::move(*audit);
    parts.audit = audit_;
    parts.policy = MakeThresholdPolicy(routes);
    auto gw = Gateway::Create({}, std::move(parts));
    ASSERT_TRUE(gw.ok()) << gw.status().message();
    gateway_ = std::move(*gw);
  }

  ServiceRequest Chat(const std::string& text, const std::string& user = "alice") {
    ServiceRequest r;
    r.request_id = "req-" + std::to_string(++counter_);
    r.user_id = user;
    r.request.model = "ptmo";
    r.request.messages = {{"user", text}};
    return r;
  }

  std::vector<privacy::AuditRecord> AuditRows() {
    auto rows = audit_->Read({});
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<privacy::AuditRecord>{};
  }

  fs::path dir_;
  int counter_ = 0;
  std::shared_ptr<ScriptedCloud> cloud_;
  std::shared_ptr<CannedLocal> local_;
  std::shared_ptr<privacy::BudgetLedger> ledger_;
  std::shared_ptr<privacy::AuditLog> audit_;
  std::unique_ptr<Gateway> gateway_;
};

TEST_F(GatewayTest, PublicPromptGoesToTheCloudUnchanged) {
  auto r = gateway_->Handle(Chat("What is Python?"), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->privacy.has_value());
  EXPECT_EQ(r->privacy->level, "PUBLIC");
  EXPECT_EQ(r->privacy->route, "cloud");
  ASSERT_EQ(cloud_->received.size(), 1u);
  EXPECT_EQ(cloud_->received[0].messages[0].content, "What is Python?");
  EXPECT_EQ(r->result.text, "echo: What is Python?");
  EXPECT_EQ(local_->calls, 0);
  auto rows = AuditRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].route, privacy::AuditRoute::kCloud);
  EXPECT_NE(rows[0].payload.find("What is Python?"), std::string::npos);
}

TEST_F(GatewayTest, SemiSensitivePromptIsMaskedAndTheAnswerRestored) {
  const std::string text = "Email sarah.lee@northwind-traders.com about the contract.";
  auto r = gateway_->Handle(Chat(text), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->level, "SEMI_SENSITIVE");
  EXPECT_EQ(r->privacy->route, "hybrid");
  EXPECT_GE(r->privacy->masked_spans, 1u);
  ASSERT_EQ(cloud_->received.size(), 1u);
  const std::string& sent = cloud_->received[0].messages[0].content;
  EXPECT_EQ(sent.find("sarah.lee"), std::string::npos) << sent;
  EXPECT_NE(sent.find("<EMAIL_1>"), std::string::npos) << sent;
  EXPECT_EQ(r->result.text, "echo: " + text);  // pseudonym restored
  for (const auto& row : AuditRows()) EXPECT_EQ(row.payload.find("sarah.lee"), std::string::npos);
}

TEST_F(GatewayTest, StreamedAnswerIsRestoredAcrossChunkBoundaries) {
  const std::string text = "Email sarah.lee@northwind-traders.com about the contract.";
  for (size_t chunk : {1u, 2u, 3u, 7u}) {
    cloud_->chunk = chunk;
    std::string streamed;
    auto r = gateway_->Handle(
        Chat(text),
        [&](std::string_view d) {
          streamed += d;
          return true;
        },
        nullptr);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(streamed, "echo: " + text) << "chunk " << chunk;
    EXPECT_EQ(r->result.text, streamed);
  }
}

TEST_F(GatewayTest, PrivatePromptStaysLocal) {
  auto r = gateway_->Handle(Chat("My SSN is 536-22-8714, is it exposed?"), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->level, "PRIVATE");
  EXPECT_EQ(r->privacy->route, "local");
  EXPECT_TRUE(cloud_->received.empty());
  EXPECT_EQ(r->result.text, "local answer");
  auto rows = AuditRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].route, privacy::AuditRoute::kLocal);
  EXPECT_TRUE(rows[0].payload.empty());
}

TEST_F(GatewayTest, HybridKeepsPrivatePartsOnTheDeviceAndAggregates) {
  Build(1.0, {Route::kCloud, Route::kHybrid, Route::kHybrid});
  auto r = gateway_->Handle(
      Chat("Translate 'good morning' into French. My password is Tr0ub4dor&3x!"), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "hybrid");
  ASSERT_EQ(cloud_->received.size(), 1u);
  const std::string& sent = cloud_->received[0].messages[0].content;
  EXPECT_NE(sent.find("good morning"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("Tr0ub4dor"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("password"), std::string::npos) << sent;
  EXPECT_EQ(local_->calls, 1);
  EXPECT_EQ(r->result.text, "echo: " + sent + "\n\nlocal answer");
}

TEST_F(GatewayTest, ExhaustedBudgetForcesLocal) {
  // A weak health topic survives masking (nothing to mask), so each upload costs ~0.3.
  Build(0.5);
  const std::string text = "My doctor said I should sleep more.";
  auto first = gateway_->Handle(Chat(text), {}, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->privacy->route, "hybrid");
  EXPECT_GT(first->privacy->privacy_cost, 0.1);
  auto second = gateway_->Handle(Chat(text), {}, nullptr);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->privacy->route, "local");
  EXPECT_NE(second->privacy->fallback.find("budget"), std::string::npos)
      << second->privacy->fallback;
  EXPECT_EQ(cloud_->received.size(), 1u);
  auto state = ledger_->State("alice", std::time(nullptr));
  ASSERT_TRUE(state.ok());
  EXPECT_LE(state->spent, 0.5 + 1e-9);
  EXPECT_NEAR(state->spent, first->privacy->privacy_cost, 1e-9);
}

TEST_F(GatewayTest, CloudFailureFallsBackToLocalAndSaysSo) {
  cloud_->failures = 1;
  auto r = gateway_->Handle(Chat("What is Python?"), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "local");
  EXPECT_NE(r->privacy->fallback.find("cloud down"), std::string::npos) << r->privacy->fallback;
  EXPECT_EQ(r->result.text, "local answer");
  auto rows = AuditRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status.rfind("error", 0), 0u) << rows[0].status;
  EXPECT_FALSE(rows[0].payload.empty());  // the bytes did leave; they are recorded
}

TEST_F(GatewayTest, InvalidUtf8FailsClosedToLocal) {
  auto r = gateway_->Handle(Chat(std::string("hello \xff world")), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "local");
  EXPECT_TRUE(cloud_->received.empty());
}

TEST_F(GatewayTest, SameValueKeepsItsPlaceholderAcrossTurns) {
  ServiceRequest first = Chat("Email sarah.lee@northwind-traders.com about the contract.");
  ASSERT_TRUE(gateway_->Handle(first, {}, nullptr).ok());
  ServiceRequest second = first;
  second.request_id = "req-second";
  second.request.messages.push_back({"assistant", "Sure."});
  second.request.messages.push_back({"user", "Also cc sarah.lee@northwind-traders.com."});
  auto r = gateway_->Handle(second, {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(cloud_->received.size(), 2u);
  EXPECT_NE(cloud_->received[1].messages[2].content.find("<EMAIL_1>"), std::string::npos);
  EXPECT_EQ(gateway_->vaults().size(), 1u);
}

TEST_F(GatewayTest, UsersNeverShareAVault) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int u = 0; u < 4; ++u) {
    threads.emplace_back([&, u] {
      ServiceRequest r = Chat("Email sarah.lee@northwind-traders.com about the contract.",
                              "user" + std::to_string(u));
      r.request_id = "req-user-" + std::to_string(u);
      auto res = gateway_->Handle(r, {}, nullptr);
      if (res.ok() && res->result.text.find("sarah.lee@") != std::string::npos) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(gateway_->vaults().size(), 4u);
}

TEST_F(GatewayTest, ToolCallArgumentsAreRestored) {
  cloud_->tool_arguments = "{\"to\":\"<EMAIL_1>\",\"subject\":\"contract\"}";
  auto r = gateway_->Handle(Chat("Email sarah.lee@northwind-traders.com about the contract."), {},
                            nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::string args = r->result.message["tool_calls"][0]["function"]["arguments"];
  EXPECT_EQ(args, "{\"to\":\"sarah.lee@northwind-traders.com\",\"subject\":\"contract\"}");
}

TEST_F(GatewayTest, NamingTheLocalModelForcesLocal) {
  ServiceRequest r = Chat("What is Python?");
  r.request.model = "local-model";
  auto res = gateway_->Handle(r, {}, nullptr);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->privacy->route, "local");
  EXPECT_TRUE(cloud_->received.empty());
}

TEST(GatewayCreate, RefusesMissingParts) {
  GatewayParts parts;
  auto gw = Gateway::Create({}, parts);
  ASSERT_FALSE(gw.ok());
  EXPECT_NE(gw.status().message().find("analyzer"), std::string::npos);
}

TEST(ConversationVaults, EvictsLeastRecentlyUsed) {
  ConversationVaults vaults({2, std::chrono::seconds(3600)});
  auto a = vaults.Get("u", "a");
  vaults.Get("u", "b");
  vaults.Get("u", "a");  // a is now the most recent
  vaults.Get("u", "c");  // evicts b
  EXPECT_EQ(vaults.size(), 2u);
  EXPECT_EQ(vaults.Get("u", "a"), a);
}

TEST(ConversationVaults, DerivedIdIgnoresLaterTurns) {
  std::vector<backend::Message> turn1 = {{"system", "be brief"}, {"user", "hi"}};
  std::vector<backend::Message> turn2 = turn1;
  turn2.push_back({"assistant", "hello"});
  turn2.push_back({"user", "more"});
  EXPECT_EQ(DeriveConversationId(turn1, ""), DeriveConversationId(turn2, ""));
  std::vector<backend::Message> other = {{"system", "be brief"}, {"user", "hey"}};
  EXPECT_NE(DeriveConversationId(turn1, ""), DeriveConversationId(other, ""));
}

}  // namespace
}  // namespace ptmo::offload

namespace ptmo::offload {
namespace {

TEST(LearnedRoutePolicy, MapsActionsToRoutes) {
  policy::BaselineOptions o;
  auto local = MakeLearnedRoutePolicy(policy::MakeLocalPolicy(o));
  auto cloud = MakeLearnedRoutePolicy(policy::MakeCloudPolicy(o, false));
  RouteContext c;
  c.level = privacy::Level::kSemiSensitive;
  c.score = 0.5;
  EXPECT_EQ(local->Decide(c).route, Route::kLocal);
  EXPECT_EQ(cloud->Decide(c).route, Route::kCloud);
  EXPECT_NE(cloud->Decide(c).reason.find("action"), std::string::npos);
}

TEST(LearnedRoutePolicy, ChoosesImagesFromTheirMeasuredSensitivity) {
  policy::BaselineOptions o;  // threshold baseline: uploads images below 0.3
  auto threshold = MakeLearnedRoutePolicy(policy::MakeThresholdPolicy(o));
  RouteContext c;
  c.level = privacy::Level::kPublic;
  c.images = 3;
  c.image_scores = {0.1, 0.9, 0.2};
  RouteDecision d = threshold->Decide(c);
  ASSERT_EQ(d.route, Route::kCloud) << d.reason;
  ASSERT_TRUE(d.image_mask.has_value());
  EXPECT_EQ(*d.image_mask, 0b101u) << d.reason;  // the 0.9 image stays on the device
  c.image_scores = {0.8, 0.9, 0.7};
  d = threshold->Decide(c);
  ASSERT_EQ(d.route, Route::kCloud);
  EXPECT_EQ(*d.image_mask, 0u) << d.reason;  // text only

  auto all = MakeLearnedRoutePolicy(policy::MakeCloudPolicy(o, true));
  c.images = 5;  // more images than the policy's 3 modalities: the extra two are not offered
  c.image_scores = {0, 0, 0, 0, 0};
  d = all->Decide(c);
  EXPECT_EQ(*d.image_mask, 0b111u);
  EXPECT_FALSE(MakeLearnedRoutePolicy(policy::MakeLocalPolicy(o))->Decide(c).image_mask);
}

TEST(LearnedRoutePolicy, UnreadableFileIsAnError) {
  auto p = LoadLearnedRoutePolicy("/nonexistent.policy");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("/nonexistent.policy"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::offload
