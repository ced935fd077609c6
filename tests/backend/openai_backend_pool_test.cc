// OpenAIBackend's keep-alive pool: connections are reused, and a request that meets a pooled
// connection the server had closed is sent again on a new one.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "backend/openai_backend.h"

namespace ptmo::backend {
namespace {

using namespace std::chrono_literals;

const char* kReply =
    R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},)"
    R"("finish_reason":"stop"}]})";

Request Hello() {
  Request r;
  r.messages = {{"user", "hello"}};
  r.params.max_tokens = 4;
  return r;
}

OpenAIBackendOptions Options(int port) {
  OpenAIBackendOptions o;
  o.name = "pool-test";
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.models = {"m"};
  o.max_retries = 0;  // only the stale-connection resend may send a request twice
  o.idle_connection_timeout_s = 300;
  return o;
}

// An httplib server that records the client port of every request.
class PortRecorder {
 public:
  PortRecorder() {
    server_.set_keep_alive_timeout(300);
    server_.Post("/v1/chat/completions",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   {
                     std::lock_guard<std::mutex> lock(mu_);
                     ports_.push_back(req.remote_port);
                   }
                   res.set_content(kReply, "application/json");
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(1ms);
  }
  ~PortRecorder() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<int> ports() {
    std::lock_guard<std::mutex> lock(mu_);
    return ports_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> ports_;
};

TEST(OpenAIBackendPool, SequentialCallsShareOneConnection) {
  PortRecorder server;
  auto backend = OpenAIBackend::Open(Options(server.port()));
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  for (int i = 0; i < 3; ++i) {
    auto r = (*backend)->Generate(Hello(), {}, nullptr);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->text, "hi");
  }
  std::vector<int> ports = server.ports();
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), 1u);
}

TEST(OpenAIBackendPool, NoPoolMeansANewConnectionPerCall) {
  PortRecorder server;
  OpenAIBackendOptions o = Options(server.port());
  o.max_idle_connections = 0;
  auto backend = OpenAIBackend::Open(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*backend)->Generate(Hello(), {}, nullptr).ok());
  std::vector<int> ports = server.ports();
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), 3u);
}

TEST(OpenAIBackendPool, RejectsBadPoolOptions) {
  OpenAIBackendOptions o = Options(1);
  o.max_idle_connections = -1;
  EXPECT_EQ(OpenAIBackend::Open(o).status().code(), StatusCode::kInvalidArgument);
  o = Options(1);
  o.idle_connection_timeout_s = 0;
  auto r = OpenAIBackend::Open(o);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("idle_connection_timeout_s"), std::string::npos);
}

// A raw HTTP/1.1 server: answers the first request of its first connection and keeps that
// connection open, then reads the second request on it and closes it without a word (what a
// server does to an idle keep-alive connection it times out), then answers on a new one.
class ClosesIdleConnection {
 public:
  ClosesIdleConnection() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(listen_fd_, 8), 0);
    NoEndlessWait(listen_fd_);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ClosesIdleConnection() {
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  int requests() const { return requests_; }
  int connections() const { return connections_; }

 private:
  // A test that goes wrong fails instead of hanging: accept and read give up after 20 s.
  static void NoEndlessWait(int fd) {
    timeval limit{20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  // Reads one request (headers and Content-Length body); false at EOF.
  static bool ReadRequest(int fd) {
    std::string data;
    char buf[4096];
    size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
      header_end = data.find("\r\n\r\n");
    }
    size_t length = 0;
    size_t at = data.find("Content-Length: ");
    if (at != std::string::npos) length = std::stoul(data.substr(at + 16));
    while (data.size() < header_end + 4 + length) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  static void Reply(int fd) {
    std::string body = kReply;
    std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
    EXPECT_EQ(write(fd, reply.data(), reply.size()), static_cast<ssize_t>(reply.size()));
  }
  void Serve() {
    int first = accept(listen_fd_, nullptr, nullptr);
    if (first < 0) return;
    NoEndlessWait(first);
    ++connections_;
    if (ReadRequest(first)) {
      ++requests_;
      Reply(first);
    }
    if (ReadRequest(first)) ++requests_;  // read, never answered
    close(first);
    int second = accept(listen_fd_, nullptr, nullptr);
    if (second < 0) return;
    NoEndlessWait(second);
    ++connections_;
    if (ReadRequest(second)) {
      ++requests_;
      Reply(second);
    }
    close(second);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(OpenAIBackendPool, RequestOnAConnectionTheServerClosedIsSentAgain) {
  ClosesIdleConnection server;
  auto backend = OpenAIBackend::Open(Options(server.port()));
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto first = (*backend)->Generate(Hello(), {}, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Reuses the pooled connection, which the server closes: no retries are allowed, so only
  // the stale-connection resend can make this succeed.
  auto second = (*backend)->Generate(Hello(), {}, nullptr);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->text, "hi");
  backend->reset();
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 2);
}

}  // namespace
}  // namespace ptmo::backend
