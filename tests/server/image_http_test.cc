// Images through the OpenAI-compatible server: parsing of image_url parts, the errors a client
// sees (400 naming the part), the privacy object's images[], the metrics, the config keys, and
// the cloud backend's body with image content parts. The gateway runs with the real image
// guard and scripted backends; images are tiny and few (OCR costs ~100 ms each).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "backend/openai_backend.h"
#include "offload/gateway.h"
#include "offload/image_gate.h"
#include "offload/test_backends.h"
#include "offload/test_images.h"
#include "privacy/vision/image_decode.h"
#include "server/config.h"
#include "server/http_server.h"
#include "server/openai_api.h"

namespace ptmo::server {
namespace {

namespace fs = std::filesystem;
namespace vision = privacy::vision;
using nlohmann::json;

using offload::testing::BlankPng;

std::string PngUrl(const std::string& bytes) {
  return offload::testing::ImageDataUrl(bytes);
}
json ImagePart(const std::string& url) {
  return {{"type", "image_url"}, {"image_url", {{"url", url}}}};
}
json ChatWithImages(const std::vector<std::string>& urls) {
  json content = json::array({{{"type", "text"}, {"text", "What is in the picture?"}}});
  for (const std::string& u : urls) content.push_back(ImagePart(u));
  return {{"model", "ptmo"}, {"messages", json::array({{{"role", "user"}, {"content", content}}})}};
}

// --- Parsing and wire format (no image analysis) ---

TEST(ImageParsing, ImagePartsRideOnTheirMessageWithTheirParam) {
  json body = {
      {"model", "ptmo"},
      {"messages", json::array({{{"role", "system"}, {"content", "Be brief."}},
                                {{"role", "user"},
                                 {"content", json::array({{{"type", "text"}, {"text", "Look:"}},
                                                          ImagePart("data:x"),
                                                          {{"type", "text"}, {"text", "and this"}},
                                                          ImagePart("data:y")})}}})}};
  ApiError error;
  auto parsed = ParseChatRequest(body.dump(), {"ptmo"}, {}, &error);
  ASSERT_TRUE(parsed) << error.message;
  const auto& messages = parsed->service.request.messages;
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_TRUE(messages[0].images.empty());
  EXPECT_EQ(messages[1].content, "Look:\nand this");
  ASSERT_EQ(messages[1].images.size(), 2u);
  EXPECT_EQ(messages[1].images[0].url, "data:x");
  EXPECT_EQ(messages[1].images[0].param, "messages[1].content[1]");
  EXPECT_EQ(messages[1].images[1].param, "messages[1].content[3]");
}

TEST(ImageParsing, TooManyImagesAcrossMessagesIsA400NamingThePart) {
  RequestLimits limits;
  limits.max_images = 2;
  json body = ChatWithImages({"data:a", "data:b"});
  body["messages"].push_back({{"role", "user"}, {"content", json::array({ImagePart("data:c")})}});
  ApiError error;
  EXPECT_FALSE(ParseChatRequest(body.dump(), {"ptmo"}, limits, &error));
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.param, "messages[1].content[0]");
  EXPECT_NE(error.message.find("at most 2"), std::string::npos);
}

TEST(ImageParsing, InvalidArgumentNamingAFieldBecomesTheErrorParam) {
  ApiError e = ApiErrorFromStatus(InvalidArgument("Invalid 'messages[1].content[2]': no good"));
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.param, "messages[1].content[2]");
  EXPECT_EQ(ApiErrorFromStatus(InvalidArgument("gateway: bad")).param, "");
  EXPECT_EQ(ApiErrorFromStatus(InvalidArgument("Invalid 'unterminated")).param, "");
}

TEST(ImageParsing, PrivacyObjectListsImagesWithTheirActions) {
  offload::PrivacyReport report;
  EXPECT_FALSE(PrivacyToJson(report).contains("images"));
  report.images = {{0, "messages[0].content[1]", "PUBLIC", "sent"},
                   {1, "messages[0].content[2]", "PRIVATE", "withheld"}};
  json j = PrivacyToJson(report);
  ASSERT_EQ(j["images"].size(), 2u);
  EXPECT_EQ(j["images"][1]["index"], 1);
  EXPECT_EQ(j["images"][1]["level"], "PRIVATE");
  EXPECT_EQ(j["images"][1]["action"], "withheld");
}

TEST(ImageWireBody, CloudBackendSendsImagesAsOpenAIContentParts) {
  backend::OpenAIBackendOptions o;
  o.base_url = "http://127.0.0.1:9";
  o.models = {"gpt-test"};
  auto b = backend::OpenAIBackend::Open(o);
  ASSERT_TRUE(b.ok()) << b.status().message();
  backend::Request r;
  r.messages = {{"user", "What is this?"}, {"user", "plain"}};
  r.messages[0].images = {{"data:image/png;base64,AAAA", "messages[0].content[1]"}};
  json body = json::parse((*b)->WireBody(r, false));
  const json& content = body["messages"][0]["content"];
  ASSERT_TRUE(content.is_array()) << body;
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[0], json({{"type", "text"}, {"text", "What is this?"}}));
  EXPECT_EQ(content[1],
            json({{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,AAAA"}}}}));
  EXPECT_EQ(body["messages"][1]["content"], "plain");  // text-only messages stay strings
}

TEST(ImageConfig, ImageKeysAreReadAndCheckedStrictly) {
  const std::string base = "[local]\nmodel = \"m.gguf\"\n";
  auto c = ParseNodeConfig(base +
                               "[limits]\nmax_images = 3\n[gateway]\nmax_image_bytes = "
                               "1000\nimages = false\n",
                           "/tmp", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->http.limits.max_images, 3u);
  EXPECT_EQ(c->gateway.images.max_image_bytes, 1000u);
  EXPECT_FALSE(c->accept_images);
  auto defaults = ParseNodeConfig(base, "/tmp", "t.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->gateway.images.max_image_bytes, size_t(8) << 20);
  EXPECT_TRUE(defaults->accept_images);
  EXPECT_FALSE(ParseNodeConfig(base + "[gateway]\nmax_image_bytes = 0\n", "/tmp", "t.toml").ok());
  auto typo = ParseNodeConfig(base + "[gateway]\nmax_images_bytes = 10\n", "/tmp", "t.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("max_images_bytes"), std::string::npos);
}

// --- Through HTTP with the real gateway ---

class ImageHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(offload::testing::SharedImageGuard().images);
    text_ = offload::testing::SharedImageGuard().text;
    images_ = offload::testing::SharedImageGuard().images;
  }
  static void TearDownTestSuite() {
    images_.reset();
    text_.reset();
  }

  void SetUp() override {
    dir_ = offload::testing::FreshTestDir("ptmo_image_http_test");
    cloud_ = std::make_shared<offload::testing::ScriptedCloud>();
    offload::GatewayParts parts;
    parts.analyzer = text_;
    parts.local = std::make_shared<offload::testing::CannedLocal>();
    parts.clouds = {cloud_};
    auto ledger = privacy::BudgetLedger::Open((dir_ / "budget.db").string(), {1.0, 3600});
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    parts.ledger = std::move(*ledger);
    auto audit = privacy::AuditLog::Open((dir_ / "audit.db").string());
    ASSERT_TRUE(audit.ok()) << audit.status().message();
    parts.audit = std::move(*audit);
    parts.policy = offload::MakeThresholdPolicy();
    parts.images = images_;
    auto gw = offload::Gateway::Create({}, std::move(parts));
    ASSERT_TRUE(gw.ok()) << gw.status().message();
    HttpServerOptions o;
    o.port = 0;
    o.api_keys = {{"alice", HashApiKey("sk-alice")}};
    o.limits.max_images = 3;
    o.max_body_bytes = size_t(1) << 20;  // small, so the 413 test needs no huge body
    auto s = HttpServer::Create(o, std::shared_ptr<offload::Service>(std::move(*gw)));
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(20, 0);
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result Post(const json& body) {
    return client_->Post("/v1/chat/completions", {{"Authorization", "Bearer sk-alice"}},
                         body.dump(), "application/json");
  }

  static inline std::shared_ptr<const privacy::Analyzer> text_;
  static inline std::shared_ptr<const vision::ImageAnalyzer> images_;
  fs::path dir_;
  std::shared_ptr<offload::testing::ScriptedCloud> cloud_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ImageHttpTest, PublicImageIsAnsweredWithItsActionAndCounted) {
  auto r = Post(ChatWithImages({PngUrl(BlankPng())}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  ASSERT_EQ(body["privacy"]["images"].size(), 1u) << body;
  EXPECT_EQ(body["privacy"]["images"][0]["action"], "sent");
  EXPECT_EQ(body["privacy"]["images"][0]["level"], "PUBLIC");
  EXPECT_EQ(cloud_->received.size(), 1u);
  auto m = client_->Get("/metrics", {{"Authorization", "Bearer sk-alice"}});
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("ptmo_images_total{action=\"sent\"} 1"), std::string::npos) << m->body;
  EXPECT_NE(m->body.find("ptmo_images_total{action=\"withheld\"} 0"), std::string::npos);
}

TEST_F(ImageHttpTest, RemoteUrlIsA400NamingThePart) {
  auto r = Post(ChatWithImages({"https://example.com/cat.png"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  json error = json::parse(r->body)["error"];
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_EQ(error["param"], "messages[0].content[1]");
  EXPECT_TRUE(cloud_->received.empty());
}

TEST_F(ImageHttpTest, BadImagesAre400sAndNothingIsSent) {
  const std::string png = BlankPng();
  for (const std::string& url :
       {std::string("data:text/plain;base64,aGVsbG8="), PngUrl(png.substr(0, png.size() - 20)),
        std::string("data:image/png;base64,@@@@"), std::string("data:image/gif;base64,R0lGODlh")}) {
    auto r = Post(ChatWithImages({url}));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << url.substr(0, 40) << " -> " << r->body;
    EXPECT_EQ(json::parse(r->body)["error"]["param"], "messages[0].content[1]") << r->body;
  }
  EXPECT_TRUE(cloud_->received.empty());
}

TEST_F(ImageHttpTest, TooManyImagesIsA400) {
  std::string url = PngUrl(BlankPng());
  auto r = Post(ChatWithImages({url, url, url, url}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["param"], "messages[0].content[4]");
}

TEST_F(ImageHttpTest, BodyLargerThanTheServerLimitIsA413) {
  std::string huge = "data:image/png;base64," + std::string(size_t(1) << 21, 'A');
  auto r = Post(ChatWithImages({huge}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body.substr(0, 200);
  EXPECT_TRUE(cloud_->received.empty());
}

}  // namespace
}  // namespace ptmo::server
