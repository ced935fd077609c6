#include "server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace ptmo::server {
namespace {

using nlohmann::json;

// A test double for the gateway: echoes the last user message, optionally slowly.
class EchoService : public offload::Service {
 public:
  std::vector<std::string> models() const override { return {"ptmo", "local-model"}; }
  Expected<offload::ServiceResponse> Handle(const offload::ServiceRequest& r,
                                            const backend::DeltaCallback& on_delta,
                                            const backend::CancelToken* cancel) override {
    last_user = r.user_id;
    std::string text = "echo: ";
    text += r.request.prompt ? *r.request.prompt : r.request.messages.back().content;
    if (hold_ms > 0) {
      ++holding;
      for (int i = 0; i < hold_ms / 10 && !(cancel && cancel->cancelled()); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      --holding;
    }
    if (fail) return Status(StatusCode::kUnavailable, "cloud down");
    if (on_delta) {
      for (size_t i = 0; i < text.size(); i += 4) {
        if (slow_stream) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        if (!on_delta(std::string_view(text).substr(i, 4))) {
          stream_cancelled = true;
          return Status(StatusCode::kFailedPrecondition, "cancelled");
        }
      }
    }
    offload::ServiceResponse out;
    out.result.text = text;
    out.result.usage = {3, 4};
    out.privacy = offload::PrivacyReport{};
    out.privacy->route = "cloud";
    return out;
  }
  const privacy::Analyzer* analyzer() const override { return nullptr; }

  std::atomic<int> hold_ms{0};
  std::atomic<int> holding{0};
  std::atomic<bool> fail{false};
  std::atomic<bool> slow_stream{false};
  std::atomic<bool> stream_cancelled{false};
  std::string last_user;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(4); }
  void Start(int max_concurrency, size_t max_body = 1 << 16) {
    service_ = std::make_shared<EchoService>();
    HttpServerOptions o;
    o.port = 0;
    o.api_keys = {{"alice", HashApiKey("sk-alice")}, {"bob", HashApiKey("sk-bob")}};
    o.max_concurrency = max_concurrency;
    o.max_body_bytes = max_body;
    auto s = HttpServer::Create(o, service_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }
  httplib::Headers Auth(const std::string& key = "sk-alice") {
    return {{"Authorization", "Bearer " + key}};
  }
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& key = "sk-alice") {
    return client_->Post(path.c_str(), Auth(key), body, "application/json");
  }
  static json ErrorOf(const httplib::Result& r) { return json::parse(r->body)["error"]; }

  std::shared_ptr<EchoService> service_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

const char* kChat = R"({"model":"ptmo","messages":[{"role":"user","content":"hello"}]})";

TEST_F(HttpServerTest, AnswersAChatCompletionInOpenAIShape) {
  auto r = Post("/v1/chat/completions", kChat);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: hello");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["total_tokens"], 7);
  EXPECT_EQ(body["privacy"]["route"], "cloud");
  EXPECT_EQ(service_->last_user, "alice");
}

TEST_F(HttpServerTest, StreamsServerSentEvents) {
  std::string body = R"({"model":"ptmo","stream":true,"stream_options":{"include_usage":true},
    "messages":[{"role":"user","content":"hello there"}]})";
  auto r = Post("/v1/chat/completions", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/event-stream");
  std::string text;
  bool done = false, saw_finish = false, saw_usage = false;
  size_t pos = 0;
  while ((pos = r->body.find("data: ", pos)) != std::string::npos) {
    size_t end = r->body.find("\n\n", pos);
    std::string data = r->body.substr(pos + 6, end - pos - 6);
    pos = end;
    if (data == "[DONE]") {
      done = true;
      continue;
    }
    json chunk = json::parse(data);
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    if (chunk["choices"].empty()) {
      saw_usage = chunk["usage"]["total_tokens"] == 7;
      continue;
    }
    const json& delta = chunk["choices"][0]["delta"];
    if (delta.contains("content")) text += delta["content"].get<std::string>();
    if (!chunk["choices"][0]["finish_reason"].is_null()) {
      saw_finish = true;
      EXPECT_EQ(chunk["privacy"]["route"], "cloud");
    }
  }
  EXPECT_EQ(text, "echo: hello there");
  EXPECT_TRUE(done);
  EXPECT_TRUE(saw_finish);
  EXPECT_TRUE(saw_usage);
}

TEST_F(HttpServerTest, CompletionsEndpointTakesAPrompt) {
  auto r = Post("/v1/completions", R"({"model":"ptmo","prompt":"once upon"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0]["text"], "echo: once upon");
}

TEST_F(HttpServerTest, RefusesMissingAndWrongKeys) {
  auto none = client_->Post("/v1/chat/completions", kChat, "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(ErrorOf(none)["code"], "missing_api_key");
  auto wrong = Post("/v1/chat/completions", kChat, "sk-mallory");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(ErrorOf(wrong)["code"], "invalid_api_key");
  auto bob = Post("/v1/chat/completions", kChat, "sk-bob");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->status, 200);
  EXPECT_EQ(service_->last_user, "bob");
}

TEST_F(HttpServerTest, BadRequestsGetOpenAIErrors) {
  struct Case {
    std::string body;
    int status;
    std::string param;
  };
  std::vector<Case> cases = {
      {"{not json", 400, ""},
      {"[1,2]", 400, ""},
      {R"({"messages":[{"role":"user","content":"x"}]})", 400, "model"},
      {R"({"model":"gpt-9","messages":[{"role":"user","content":"x"}]})", 404, "model"},
      {R"({"model":"ptmo"})", 400, "messages"},
      {R"({"model":"ptmo","messages":"hi"})", 400, "messages"},
      {R"({"model":"ptmo","messages":[]})", 400, "messages"},
      {R"({"model":"ptmo","messages":[{"role":"wizard","content":"x"}]})", 400, "messages[0].role"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":5}]})", 400, "messages[0].content"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":"x"}],"max_tokens":"10"})", 400,
       "max_tokens"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":"x"}],"max_tokens":0})", 400,
       "max_tokens"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":"x"}],"temperature":3})", 400,
       "temperature"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":"x"}],"stream":"yes"})", 400,
       "stream"},
      {R"({"model":"ptmo","messages":[{"role":"user","content":"x"}],"n":2})", 400, "n"},
      {"{\"model\":\"ptmo\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", 400, ""},
  };
  for (const Case& c : cases) {
    auto r = Post("/v1/chat/completions", c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
    json e = ErrorOf(r);
    EXPECT_TRUE(e["message"].is_string()) << r->body;
    EXPECT_EQ(e["type"], "invalid_request_error");
    if (!c.param.empty()) {
      EXPECT_EQ(e["param"], c.param) << r->body;
    }
  }
}

TEST_F(HttpServerTest, OversizeBodyIs413) {
  std::string big(70000, 'a');
  auto r = Post("/v1/chat/completions",
                R"({"model":"ptmo","messages":[{"role":"user","content":")" + big + "\"}]}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorOf(r)["code"], "request_too_large");
}

TEST_F(HttpServerTest, BackendFailureMapsToServerError) {
  service_->fail = true;
  auto r = Post("/v1/chat/completions", kChat);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(ErrorOf(r)["type"], "server_error");
}

TEST_F(HttpServerTest, ConcurrencyLimitAnswers429) {
  server_.reset();
  Start(1);
  service_->hold_ms = 1500;
  std::thread slow([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.Post("/v1/chat/completions", Auth(), kChat, "application/json");
  });
  for (int i = 0; i < 200 && service_->holding == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto r = Post("/v1/chat/completions", kChat);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(ErrorOf(r)["code"], "too_many_concurrent_requests");
  service_->hold_ms = 0;
  slow.join();
}

TEST_F(HttpServerTest, ModelsHealthAndMetrics) {
  auto models = client_->Get("/v1/models", Auth());
  ASSERT_TRUE(models);
  ASSERT_EQ(models->status, 200);
  json m = json::parse(models->body);
  EXPECT_EQ(m["object"], "list");
  EXPECT_EQ(m["data"][0]["id"], "ptmo");
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  Post("/v1/chat/completions", kChat);
  // The request is counted just after its response is written: poll briefly.
  const std::string line =
      "ptmo_http_requests_total{endpoint=\"/v1/chat/completions\",code=\"200\"} 1";
  auto metrics = client_->Get("/metrics");
  for (int i = 0; i < 100 && metrics && metrics->body.find(line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    metrics = client_->Get("/metrics");
  }
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ptmo_http_requests_total{endpoint=\"/v1/chat/completions\","
                               "code=\"200\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("ptmo_route_total{route=\"cloud\"} 1"), std::string::npos);
}

TEST_F(HttpServerTest, ClientDisconnectMidStreamCancelsTheRequest) {
  service_->slow_stream = true;
  std::string body = R"({"model":"ptmo","stream":true,"messages":[{"role":"user","content":")" +
                     std::string(20000, 'z') + "\"}]}";
  // A raw socket, so the test can hang up after the first bytes of the stream.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer sk-alice\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  char buf[512];
  ASSERT_GT(recv(fd, buf, sizeof buf, 0), 0);  // the stream has started
  close(fd);
  for (int i = 0; i < 500 && !service_->stream_cancelled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(service_->stream_cancelled);
  service_->slow_stream = false;
  auto again = Post("/v1/chat/completions", kChat);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(HttpServerCreate, RefusesToRunWithoutKeysUnlessAnonymousIsAllowed) {
  HttpServerOptions o;
  auto s = HttpServer::Create(o, std::make_shared<EchoService>());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("allow_anonymous"), std::string::npos);
  o.allow_anonymous = true;
  EXPECT_TRUE(HttpServer::Create(o, std::make_shared<EchoService>()).ok());
}

TEST(HttpServerCreate, RefusesMalformedKeyHashes) {
  HttpServerOptions o;
  o.api_keys = {{"alice", "not-a-hash"}};
  auto s = HttpServer::Create(o, std::make_shared<EchoService>());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("alice"), std::string::npos);
}

TEST(HashApiKey, IsSha256Hex) {
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ptmo::server
