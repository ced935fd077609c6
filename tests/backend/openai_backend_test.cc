// OpenAIBackend against a local imitation of an OpenAI server (httplib on 127.0.0.1, random
// port). Each test uses its own path prefix ("/<scenario>-<n>/v1") so the server can count the
// attempts of one test.
#include "backend/openai_backend.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/utf8.h"

namespace ptmo::backend {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The imitation server. Scenarios are chosen by the first path segment's name before '-'.
class FakeOpenAI {
 public:
  FakeOpenAI() {
    server_.Post(R"(/([^/]+)/v1/(chat/completions|completions))",
                 [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(2ms);
  }
  ~FakeOpenAI() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& prefix) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + prefix + "/v1";
  }
  int Calls(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[prefix];
  }
  json LastBody(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_[prefix];
  }
  std::string LastHeader(const std::string& prefix, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = headers_[prefix].find(name);
    return it == headers_[prefix].end() ? "" : it->second;
  }
  bool StreamAborted(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mu_);
    return aborted_[prefix];
  }

 private:
  static std::string Sse(const json& chunk) { return "data: " + chunk.dump() + "\n\n"; }
  static json ContentChunk(const std::string& text) {
    return {{"model", "fake-model"}, {"choices", {{{"index", 0}, {"delta", {{"content", text}}}}}}};
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    const std::string prefix = req.matches[1];
    const bool chat = req.matches[2] == "chat/completions";
    const std::string scenario = prefix.substr(0, prefix.find('-'));
    int call;
    {
      std::lock_guard<std::mutex> lock(mu_);
      call = ++calls_[prefix];
      bodies_[prefix] = json::parse(req.body, nullptr, false);
      for (const auto& [k, v] : req.headers) headers_[prefix][k] = v;
    }
    const json error_body = {{"error", {{"message", "the fake says no"}, {"type", "x"}}}};

    if (scenario == "normal") {
      if (chat) {
        res.set_content(json{{"id", "c1"},
                             {"model", "fake-model"},
                             {"choices",
                              {{{"index", 0},
                                {"message", {{"role", "assistant"}, {"content", "Hello there!"}}},
                                {"finish_reason", "stop"}}}},
                             {"usage", {{"prompt_tokens", 12}, {"completion_tokens", 3}}}}
                            .dump(),
                        "application/json");
      } else {
        res.set_content(
            json{{"model", "fake-model"},
                 {"choices", {{{"index", 0}, {"text", " completed"}, {"finish_reason", "length"}}}},
                 {"usage", {{"prompt_tokens", 2}, {"completion_tokens", 1}}}}
                .dump(),
            "application/json");
      }
    } else if (scenario == "tools") {
      json call_json = {
          {"id", "call_1"},
          {"type", "function"},
          {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Seoul\"}"}}}};
      res.set_content(
          json{{"model", "fake-model"},
               {"choices",
                {{{"index", 0},
                  {"message",
                   {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call_json}}}},
                  {"finish_reason", "tool_calls"}}}}}
              .dump(),
          "application/json");
    } else if (scenario == "stream" || scenario == "streamtools" || scenario == "cut") {
      std::string all;
      if (scenario == "stream") {
        all += Sse({{"model", "fake-model"},
                    {"choices", {{{"index", 0}, {"delta", {{"role", "assistant"}}}}}}});
        all += ": keep-alive comment\n\n";
        for (const char* piece : {"Hel", "lo ", "wörld", "!"}) all += Sse(ContentChunk(piece));
        all += Sse(
            {{"model", "fake-model"},
             {"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}});
        all += Sse({{"model", "fake-model"},
                    {"choices", json::array()},
                    {"usage", {{"prompt_tokens", 9}, {"completion_tokens", 4}}}});
        all += "data: [DONE]\n\n";
      } else if (scenario == "streamtools") {
        auto tool_delta = [](json call) {
          return json{{"choices", {{{"index", 0}, {"delta", {{"tool_calls", {call}}}}}}}};
        };
        all += Sse(tool_delta({{"index", 0},
                               {"id", "call_9"},
                               {"type", "function"},
                               {"function", {{"name", "lookup"}, {"arguments", ""}}}}));
        all += Sse(tool_delta({{"index", 0}, {"function", {{"arguments", "{\"q\":"}}}}));
        all += Sse(tool_delta({{"index", 0}, {"function", {{"arguments", "\"kim\"}"}}}}));
        all +=
            Sse({{"choices",
                  {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "tool_calls"}}}}});
        all += "data: [DONE]\n\n";
      } else {  // cut: one delta, then the connection ends without finish or [DONE]
        all += Sse(ContentChunk("partial"));
      }
      res.set_chunked_content_provider("text/event-stream", [all](size_t, httplib::DataSink& sink) {
        // Small, uneven writes so events arrive split.
        for (size_t i = 0; i < all.size(); i += 7) {
          if (!sink.write(all.data() + i, std::min<size_t>(7, all.size() - i))) return false;
        }
        sink.done();
        return true;
      });
    } else if (scenario == "endless") {
      res.set_chunked_content_provider(
          "text/event-stream", [this, prefix](size_t, httplib::DataSink& sink) {
            for (int i = 0; i < 500 && !stopping_; ++i) {
              const std::string ev = Sse(ContentChunk("tok" + std::to_string(i) + " "));
              if (!sink.write(ev.data(), ev.size())) {
                std::lock_guard<std::mutex> lock(mu_);
                aborted_[prefix] = true;
                return false;
              }
              std::this_thread::sleep_for(10ms);
            }
            sink.done();
            return true;
          });
    } else if (scenario == "ratelimit") {
      if (call == 1) {
        res.status = 429;
        res.set_header("Retry-After", "0");
        res.set_content(error_body.dump(), "application/json");
      } else {
        res.set_content(json{{"choices",
                              {{{"message", {{"role", "assistant"}, {"content", "finally"}}},
                                {"finish_reason", "stop"}}}}}
                            .dump(),
                        "application/json");
      }
    } else if (scenario == "longwait") {
      res.status = 429;
      res.set_header("Retry-After", "3600");
      res.set_content(error_body.dump(), "application/json");
    } else if (scenario == "fail500") {
      res.status = 500;
      res.set_content(json{{"error", {{"message", "boom"}}}}.dump(), "application/json");
    } else if (scenario == "unauthorized") {
      res.status = 401;
      res.set_content(json{{"error", {{"message", "Invalid API key"}}}}.dump(), "application/json");
    } else if (scenario == "badrequest") {
      res.status = 400;
      res.set_content("plain text complaint", "text/plain");
    } else if (scenario == "slow") {
      for (int i = 0; i < 200 && !stopping_; ++i) std::this_thread::sleep_for(10ms);
      res.set_content("{}", "application/json");
    } else if (scenario == "malformed") {
      res.set_content("{\"choices\": [ {\"message\": ", "application/json");
    } else if (scenario == "nochoices") {
      res.set_content(json{{"object", "chat.completion"}}.dump(), "application/json");
    } else {
      res.status = 404;
    }
  }

  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::map<std::string, int> calls_;
  std::map<std::string, json> bodies_;
  std::map<std::string, std::map<std::string, std::string>> headers_;
  std::map<std::string, bool> aborted_;
};

class OpenAIBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new FakeOpenAI(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static OpenAIBackendOptions Options(const std::string& prefix) {
    OpenAIBackendOptions o;
    o.name = "cloud:fake";
    o.base_url = server_->Url(prefix);
    o.models = {"fake-model", "other-model"};
    o.connect_timeout_s = 2;
    o.read_timeout_s = 5;
    o.backoff_base_s = 0.01;
    return o;
  }
  static std::unique_ptr<OpenAIBackend> OpenOrDie(const OpenAIBackendOptions& o) {
    auto b = OpenAIBackend::Open(o);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? std::move(*b) : nullptr;
  }
  static Request Chat(const std::string& text) {
    Request r;
    r.messages = {{"user", text, json::object()}};
    r.params.max_tokens = 32;
    return r;
  }

  static FakeOpenAI* server_;
};

FakeOpenAI* OpenAIBackendTest::server_ = nullptr;

TEST_F(OpenAIBackendTest, ParsesANormalChatReply) {
  ::setenv("PTMO_TEST_FAKE_KEY", "sk-test-123", 1);
  OpenAIBackendOptions o = Options("normal-1");
  o.api_key_env = "PTMO_TEST_FAKE_KEY";
  o.headers = {{"X-Extra", "yes"}};
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->remote());
  EXPECT_EQ(b->name(), "cloud:fake");
  Request r = Chat("Hi");
  r.params.seed = 5;
  r.params.stop = {"\n\n"};
  r.passthrough = {{"tools", json::array({{{"type", "function"}}})}, {"max_tokens", 999}};
  auto result = b->Generate(r, nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text, "Hello there!");
  EXPECT_EQ(result->finish_reason, "stop");
  EXPECT_EQ(result->model, "fake-model");
  EXPECT_EQ(result->usage.prompt_tokens, 12);
  EXPECT_EQ(result->usage.completion_tokens, 3);
  EXPECT_EQ(result->message["content"], "Hello there!");

  // What the server received.
  const json sent = server_->LastBody("normal-1");
  EXPECT_EQ(sent["model"], "fake-model");
  EXPECT_EQ(sent["messages"][0]["role"], "user");
  EXPECT_EQ(sent["messages"][0]["content"], "Hi");
  EXPECT_EQ(sent["max_tokens"], 32);  // passthrough does not replace our fields
  EXPECT_EQ(sent["seed"], 5);
  EXPECT_EQ(sent["stop"][0], "\n\n");
  EXPECT_TRUE(sent["tools"].is_array());
  EXPECT_FALSE(sent.contains("stream"));
  EXPECT_EQ(server_->LastHeader("normal-1", "Authorization"), "Bearer sk-test-123");
  EXPECT_EQ(server_->LastHeader("normal-1", "X-Extra"), "yes");
}

TEST_F(OpenAIBackendTest, SendsCompletionRequestsToCompletions) {
  auto b = OpenOrDie(Options("normal-2"));
  ASSERT_NE(b, nullptr);
  Request r;
  r.prompt = "Once";
  r.model = "other-model";
  auto result = b->Generate(r, nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text, " completed");
  EXPECT_EQ(result->finish_reason, "length");
  EXPECT_EQ(result->message["content"], " completed");
  EXPECT_EQ(server_->LastBody("normal-2")["prompt"], "Once");
  EXPECT_EQ(server_->LastBody("normal-2")["model"], "other-model");
}

TEST_F(OpenAIBackendTest, StreamsDeltasInOrder) {
  auto b = OpenOrDie(Options("stream-1"));
  ASSERT_NE(b, nullptr);
  std::vector<std::string> deltas;
  auto result = b->Generate(
      Chat("Hi"),
      [&](std::string_view d) {
        deltas.emplace_back(d);
        return true;
      },
      nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(deltas, (std::vector<std::string>{"Hel", "lo ", "wörld", "!"}));
  EXPECT_EQ(result->text, "Hello wörld!");
  EXPECT_EQ(result->finish_reason, "stop");
  EXPECT_EQ(result->usage.prompt_tokens, 9);
  EXPECT_EQ(result->usage.completion_tokens, 4);
  EXPECT_EQ(result->message["content"], "Hello wörld!");
  const json sent = server_->LastBody("stream-1");
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["stream_options"]["include_usage"], true);
}

TEST_F(OpenAIBackendTest, KeepsToolCallsOfAWholeReply) {
  auto b = OpenOrDie(Options("tools-1"));
  ASSERT_NE(b, nullptr);
  Request r = Chat("Weather in Seoul?");
  // An earlier assistant tool call and its result pass through unchanged.
  r.messages.push_back({"assistant", "", {{"tool_calls", json::array({{{"id", "call_0"}}})}}});
  r.messages.push_back({"tool", "sunny", {{"tool_call_id", "call_0"}}});
  auto result = b->Generate(r, nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->finish_reason, "tool_calls");
  EXPECT_EQ(result->text, "");
  ASSERT_TRUE(result->message["tool_calls"].is_array());
  EXPECT_EQ(result->message["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(result->message["tool_calls"][0]["function"]["arguments"], "{\"city\":\"Seoul\"}");
  const json sent = server_->LastBody("tools-1");
  EXPECT_TRUE(sent["messages"][1]["content"].is_null());
  EXPECT_EQ(sent["messages"][1]["tool_calls"][0]["id"], "call_0");
  EXPECT_EQ(sent["messages"][2]["tool_call_id"], "call_0");
}

TEST_F(OpenAIBackendTest, AccumulatesStreamedToolCallArguments) {
  auto b = OpenOrDie(Options("streamtools-1"));
  ASSERT_NE(b, nullptr);
  int deltas = 0;
  auto result = b->Generate(
      Chat("find kim"),
      [&](std::string_view) {
        ++deltas;
        return true;
      },
      nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(deltas, 0);
  EXPECT_EQ(result->finish_reason, "tool_calls");
  const json& calls = result->message["tool_calls"];
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["id"], "call_9");
  EXPECT_EQ(calls[0]["function"]["name"], "lookup");
  EXPECT_EQ(calls[0]["function"]["arguments"], "{\"q\":\"kim\"}");
  EXPECT_TRUE(result->message["content"].is_null());
}

TEST_F(OpenAIBackendTest, RetriesA429AndSucceeds) {
  auto b = OpenOrDie(Options("ratelimit-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text, "finally");
  EXPECT_EQ(server_->Calls("ratelimit-1"), 2);
}

TEST_F(OpenAIBackendTest, GivesUpAtOnceWhenRetryAfterIsTooLong) {
  auto b = OpenOrDie(Options("longwait-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(result.status().message().find("3600"), std::string::npos);
  EXPECT_EQ(server_->Calls("longwait-1"), 1);
}

TEST_F(OpenAIBackendTest, GivesUpAfterRepeated500sAsUnavailable) {
  auto b = OpenOrDie(Options("fail500-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("HTTP 500: boom"), std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("cloud:fake"), std::string::npos);
  EXPECT_EQ(server_->Calls("fail500-1"), 3);  // the first try and max_retries = 2
}

TEST_F(OpenAIBackendTest, MapsUnauthorizedToPermissionDeniedWithoutRetry) {
  auto b = OpenOrDie(Options("unauthorized-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(result.status().message().find("Invalid API key"), std::string::npos);
  EXPECT_EQ(server_->Calls("unauthorized-1"), 1);
}

TEST_F(OpenAIBackendTest, QuotesAPlainTextErrorBody) {
  auto b = OpenOrDie(Options("badrequest-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("HTTP 400: plain text complaint"), std::string::npos)
      << result.status().message();
}

TEST_F(OpenAIBackendTest, SlowServerTimesOut) {
  OpenAIBackendOptions o = Options("slow-1");
  o.read_timeout_s = 0.3;
  o.max_retries = 0;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(took, 1500ms);
}

TEST_F(OpenAIBackendTest, MalformedJsonReplyIsAnError) {
  auto b = OpenOrDie(Options("malformed-1"));
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("malformed reply"), std::string::npos);
  EXPECT_EQ(server_->Calls("malformed-1"), 1);

  auto b2 = OpenOrDie(Options("nochoices-1"));
  ASSERT_NE(b2, nullptr);
  auto r2 = b2->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("no choices"), std::string::npos);
}

TEST_F(OpenAIBackendTest, StreamCutBeforeTheEndIsUnavailableAndNotRetried) {
  auto b = OpenOrDie(Options("cut-1"));
  ASSERT_NE(b, nullptr);
  std::string seen;
  auto result = b->Generate(
      Chat("Hi"),
      [&](std::string_view d) {
        seen += d;
        return true;
      },
      nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(seen, "partial");
  EXPECT_EQ(server_->Calls("cut-1"), 1);
}

TEST_F(OpenAIBackendTest, CallbackReturningFalseStopsTheStream) {
  auto b = OpenOrDie(Options("endless-1"));
  ASSERT_NE(b, nullptr);
  int calls = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto result = b->Generate(
      Chat("Hi"), [&](std::string_view) { return ++calls < 3; }, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->finish_reason, "cancelled");
  EXPECT_EQ(result->text, "tok0 tok1 tok2 ");
  EXPECT_EQ(calls, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  // The server notices the closed connection.
  for (int i = 0; i < 200 && !server_->StreamAborted("endless-1"); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(server_->StreamAborted("endless-1"));
}

TEST_F(OpenAIBackendTest, CancelTokenFromAnotherThreadStopsTheStream) {
  auto b = OpenOrDie(Options("endless-2"));
  ASSERT_NE(b, nullptr);
  CancelToken cancel;
  std::atomic<int> calls{0};
  std::thread canceller([&] {
    while (calls.load() < 2) std::this_thread::sleep_for(1ms);
    cancel.Cancel();
  });
  auto result = b->Generate(
      Chat("Hi"),
      [&](std::string_view) {
        ++calls;
        return true;
      },
      &cancel);
  canceller.join();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->finish_reason, "cancelled");
  EXPECT_GE(calls.load(), 2);
  EXPECT_LT(calls.load(), 100);
}

TEST_F(OpenAIBackendTest, CancelWhileWaitingForASlowServerIsFailedPrecondition) {
  OpenAIBackendOptions o = Options("slow-2");
  o.max_retries = 0;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    cancel.Cancel();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto result = b->Generate(Chat("Hi"), nullptr, &cancel);
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // not the read timeout of 5 s
}

TEST_F(OpenAIBackendTest, ConnectionRefusedIsUnavailableAfterRetries) {
  // A port nothing listens on: bind a socket to a free port, then close it unlistened.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  OpenAIBackendOptions o = Options("x");
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.max_retries = 1;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("2 attempts"), std::string::npos)
      << result.status().message();
}

TEST_F(OpenAIBackendTest, JoinsBaseUrlAndEndpoint) {
  OpenAIBackendOptions o;
  o.models = {"m"};
  o.base_url = "https://api.groq.com/openai/v1/";
  auto groq = OpenOrDie(o);
  ASSERT_NE(groq, nullptr);
  EXPECT_EQ(groq->EndpointUrl("/chat/completions"),
            "https://api.groq.com:443/openai/v1/chat/completions");
  EXPECT_EQ(groq->name(), "cloud:api.groq.com");
  o.base_url = "http://127.0.0.1:8080";
  auto local = OpenOrDie(o);
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->EndpointUrl("/completions"), "http://127.0.0.1:8080/v1/completions");
}

TEST_F(OpenAIBackendTest, OpenRejectsBadOptions) {
  OpenAIBackendOptions o;
  o.models = {"m"};
  for (const char* url : {"ftp://x", "api.openai.com/v1", "http://", "http://h:0/v1",
                          "http://h:99999", "http://h/v1?x=1"}) {
    o.base_url = url;
    EXPECT_EQ(OpenAIBackend::Open(o).status().code(), StatusCode::kInvalidArgument) << url;
  }
  o.base_url = "http://h";
  o.models.clear();
  EXPECT_EQ(OpenAIBackend::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.models = {"m"};
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(OpenAIBackend::Open(o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(OpenAIBackendTest, MissingApiKeyVariableIsAnErrorUnlessOptional) {
  ::unsetenv("PTMO_TEST_UNSET_KEY");
  OpenAIBackendOptions o;
  o.models = {"m"};
  o.base_url = "https://example.invalid/v1";
  o.api_key_env = "PTMO_TEST_UNSET_KEY";
  auto missing = OpenAIBackend::Open(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("PTMO_TEST_UNSET_KEY"), std::string::npos);
  o.api_key_optional = true;
  EXPECT_TRUE(OpenAIBackend::Open(o).ok());
}

TEST_F(OpenAIBackendTest, RejectsMalformedRequestsBeforeSending) {
  auto b = OpenOrDie(Options("normal-3"));
  ASSERT_NE(b, nullptr);
  Request empty;
  EXPECT_EQ(b->Generate(empty, nullptr, nullptr).status().code(), StatusCode::kInvalidArgument);
  Request zero = Chat("Hi");
  zero.params.max_tokens = 0;
  EXPECT_EQ(b->Generate(zero, nullptr, nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server_->Calls("normal-3"), 0);
}

TEST_F(OpenAIBackendTest, VerifiesCertificatesByDefault) {
  // An https URL to a plain-http server fails the TLS handshake; the point is that it fails
  // rather than silently talking without verification, and is reported as unavailable.
  OpenAIBackendOptions o = Options("normal-4");
  o.base_url = "https" + o.base_url.substr(4);
  o.max_retries = 0;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  auto result = b->Generate(Chat("Hi"), nullptr, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ptmo::backend

namespace ptmo::backend {
namespace {

TEST_F(OpenAIBackendTest, AlreadyCancelledRequestIsNotSent) {
  auto b = OpenOrDie(Options("normal-5"));
  ASSERT_NE(b, nullptr);
  CancelToken cancel;
  cancel.Cancel();
  auto result = b->Generate(Chat("Hi"), nullptr, &cancel);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(server_->Calls("normal-5"), 0);
}

}  // namespace
}  // namespace ptmo::backend
