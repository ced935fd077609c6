// `ptmo serve` (edge) killed with SIGKILL while a cloud answer is streaming: after a restart,
// every budget charge has its audit record, nothing is charged twice, and a retried request
// is charged and recorded once more, as the new upload it is.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "privacy/audit/audit_log.h"
#include "privacy/budget/budget_ledger.h"

extern char** environ;

namespace ptmo::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A cloud node that streams "Hel" and then holds the stream until released (a request
// that does not stream is answered at once).
class SlowCloud {
 public:
  SlowCloud() {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      ++requests_;
      if (req.body.find("\"stream\":true") == std::string::npos) {
        res.set_content(R"({"choices":[{"index":0,"message":{"role":"assistant","content":)"
                        R"("Hello"},"finish_reason":"stop"}]})",
                        "application/json");
        return;
      }
      res.set_chunked_content_provider("text/event-stream", [this](size_t,
                                                                   httplib::DataSink& sink) {
        auto chunk = [](const std::string& json) { return "data: " + json + "\n\n"; };
        std::string first = chunk(R"({"choices":[{"index":0,"delta":{"content":"Hel"}}]})");
        if (!sink.write(first.data(), first.size())) return false;
        {
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait_for(lock, 60s, [this] { return released_; });
        }
        std::string rest =
            chunk(R"({"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]})") +
            "data: [DONE]\n\n";
        sink.write(rest.data(), rest.size());
        sink.done();
        return true;
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(1ms);
  }
  ~SlowCloud() {
    Release();
    server_.stop();
    thread_.join();
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::atomic<int> requests_{0};
};

// `ptmo serve --config FILE` as a child process; its port is read from its log line.
class Edge {
 public:
  Edge(const std::string& config, const std::string& log) {
    std::string binary = PTMO_BINARY_PATH;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args = {binary, "serve", "--config", config};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    // Wait (up to 60 s: a loaded machine loads the model slowly) for "listening on URL".
    const std::string marker = "listening on http://127.0.0.1:";
    for (int i = 0; i < 6000 && port_ == 0; ++i) {
      std::ifstream in(log);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      size_t at = text.find(marker);
      if (at != std::string::npos && text.find(' ', at + marker.size()) != std::string::npos) {
        port_ = std::stoi(text.substr(at + marker.size()));
      } else if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        ADD_FAILURE() << "ptmo serve exited: " << text;
        pid_ = -1;
        return;
      } else {
        std::this_thread::sleep_for(10ms);
      }
    }
    EXPECT_GT(port_, 0) << "ptmo serve did not start";
  }
  ~Edge() { Stop(SIGTERM); }
  void Stop(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Request(bool stream) {
  // A health topic survives masking, so the upload costs something (> 0).
  return std::string(R"({"model":"ptmo","max_tokens":4,"stream":)") + (stream ? "true" : "false") +
         R"(,"messages":[{"role":"user","content":"My doctor said I should sleep more."}]})";
}

TEST(GatewayCrash, KilledMidStreamLosesNoAuditRecordAndChargesNothingTwice) {
  // The test runs the real `ptmo serve` (CMake builds it with everything; this test binary
  // does not depend on it, so building only ptmo_test_server leaves it stale or missing).
  ASSERT_TRUE(fs::exists(PTMO_BINARY_PATH)) << PTMO_BINARY_PATH << " is not built: build ptmo";
  std::string dir = ::testing::TempDir() + "ptmo_gateway_crash_XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string model = dir + "/edge.gguf";
  std::string make = std::string(PTMO_BINARY_PATH) + " make-model --shape tiny --type q8_0 --out " +
                     model + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  SlowCloud cloud;
  const std::string config = dir + "/edge.toml";
  std::ofstream(config) << "[server]\nrole = \"edge\"\nport = 0\nallow_anonymous = true\n"
                        << "[local]\nmodel = \"" << model << "\"\nchat_template = \"chatml\"\n"
                        << "[[cloud]]\nname = \"slow\"\nbase_url = \"http://127.0.0.1:"
                        << cloud.port() << "/v1\"\nmodels = [\"slow-model\"]\nmax_retries = 0\n"
                        << "[privacy]\nbudget_db = \"" << dir << "/budget.db\"\naudit_db = \""
                        << dir << "/audit.db\"\nner = false\nepsilon = 100.0\n";

  {
    Edge edge(config, dir + "/edge1.log");
    ASSERT_GT(edge.port(), 0);
    std::promise<void> first_text;
    std::atomic<bool> seen{false};
    std::thread client([&] {
      httplib::Client c("127.0.0.1", edge.port());
      c.set_read_timeout(60, 0);
      httplib::Request req;
      req.method = "POST";
      req.path = "/v1/chat/completions";
      req.body = Request(true);
      req.set_header("Content-Type", "application/json");
      std::string got;
      req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
        got.append(data, n);
        if (!seen && got.find("Hel") != std::string::npos) {
          seen = true;
          first_text.set_value();
        }
        return true;
      };
      httplib::Response res;
      httplib::Error err;
      c.send(req, res, err);  // ends when the edge dies
      if (!seen) first_text.set_value();
    });
    first_text.get_future().wait();
    EXPECT_TRUE(seen) << "the stream never started";
    edge.Stop(SIGKILL);  // mid-stream: the cloud still holds its answer
    client.join();
  }

  // After the crash: the upload is recorded (still "sending") and its charge is there.
  double charged_before_retry = 0;
  {
    auto audit = privacy::AuditLog::Open(dir + "/audit.db");
    ASSERT_TRUE(audit.ok()) << audit.status().ToString();
    auto rows = (*audit)->Read({});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].status, "sending");
    EXPECT_NE((*rows)[0].payload.find("sleep more"), std::string::npos);
    EXPECT_GT((*rows)[0].privacy_cost, 0.0);
    auto ledger = privacy::BudgetLedger::OpenExisting(dir + "/budget.db");
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    auto state = (*ledger)->State("anonymous", std::time(nullptr));
    ASSERT_TRUE(state.ok());
    EXPECT_NEAR(state->spent, (*rows)[0].privacy_cost, 1e-9);
    charged_before_retry = state->spent;
  }

  // Restart and retry: answered, recorded and charged once more.
  cloud.Release();
  {
    Edge edge(config, dir + "/edge2.log");
    ASSERT_GT(edge.port(), 0);
    httplib::Client c("127.0.0.1", edge.port());
    c.set_read_timeout(60, 0);
    auto res = c.Post("/v1/chat/completions", Request(false), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    edge.Stop(SIGTERM);
  }
  auto audit = privacy::AuditLog::Open(dir + "/audit.db");
  ASSERT_TRUE(audit.ok());
  auto rows = (*audit)->Read({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].status, "sending");
  EXPECT_EQ((*rows)[1].status, "ok");
  EXPECT_NE((*rows)[0].request_id, (*rows)[1].request_id);
  auto ledger = privacy::BudgetLedger::OpenExisting(dir + "/budget.db");
  ASSERT_TRUE(ledger.ok());
  auto state = (*ledger)->State("anonymous", std::time(nullptr));
  ASSERT_TRUE(state.ok());
  // Every charge has its record: the ledger's spend is the sum of the recorded costs.
  EXPECT_NEAR(state->spent, (*rows)[0].privacy_cost + (*rows)[1].privacy_cost, 1e-9);
  EXPECT_NEAR(state->spent, 2 * charged_before_retry, 1e-9);
  EXPECT_EQ(cloud.requests(), 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ptmo::server
