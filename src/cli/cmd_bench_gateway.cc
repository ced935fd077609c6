// `ptmo bench-gateway`: what the edge gateway adds to a request. Starts a cloud node and a
// gateway on loopback (Loopback), then at each concurrency level sends the same public prompt
// (1 generated token, so model time is small and equal on both paths) directly to the cloud
// node and through the gateway, in the same run, and prints p50/p99 of both, the added time
// and the ratio. `--soak-seconds S` then streams through the gateway from 32 clients for S
// seconds and checks that there were no errors and one audit row per request.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/loopback.h"
#include "cli/table.h"
#include "privacy/audit/audit_log.h"

namespace ptmo::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Target {
  int port;
  std::string key;
  std::string model;
};

struct Run {
  std::vector<double> ms;
  int errors = 0;
};

// The distinct errors seen (message -> count), printed after the run so a failure says why.
class ErrorLog {
 public:
  void Add(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (counts_.size() < 20 || counts_.count(message)) ++counts_[message];
  }
  void Print(std::ostream& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [message, n] : counts_) out << "  error x" << n << ": " << message << "\n";
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int> counts_;
};

// What went wrong with one request, in words; empty when it succeeded (`stream`: an SSE
// reply must end with [DONE] and carry no error event).
std::string Describe(const httplib::Result& res, bool stream) {
  if (!res) return "transport: " + httplib::to_string(res.error());
  auto snippet = [&] { return res->body.substr(0, std::min<size_t>(res->body.size(), 300)); };
  if (res->status != 200) return "HTTP " + std::to_string(res->status) + ": " + snippet();
  if (!stream) return "";
  size_t error_at = res->body.find("\"error\"");
  if (error_at != std::string::npos) {
    size_t line = res->body.rfind("data: ", error_at);
    return "error event: " + res->body.substr(line == std::string::npos ? 0 : line, 300);
  }
  if (res->body.find("data: [DONE]") == std::string::npos) {
    return "stream without [DONE]: " + snippet();
  }
  return "";
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string Body(const std::string& model, bool stream, int max_tokens) {
  json b = {
      {"model", model},
      {"max_tokens", max_tokens},
      {"seed", 1},
      {"stream", stream},
      {"messages",
       json::array({{{"role", "user"}, {"content", "What is the boiling point of water?"}}})}};
  return b.dump();
}

// `concurrency` clients each sending `per_client` requests back to back.
Run Measure(const Target& t, int concurrency, int per_client, ErrorLog* errors) {
  std::vector<Run> runs(concurrency);
  std::vector<std::thread> threads;
  const std::string body = Body(t.model, false, 1);
  for (int c = 0; c < concurrency; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", t.port);
      client.set_read_timeout(60, 0);
      httplib::Headers auth = {{"Authorization", "Bearer " + t.key}};
      for (int i = 0; i < per_client; ++i) {
        auto start = Clock::now();
        auto res = client.Post("/v1/chat/completions", auth, body, "application/json");
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        std::string error = Describe(res, false);
        if (!error.empty()) {
          ++runs[c].errors;
          errors->Add(error);
        } else {
          runs[c].ms.push_back(ms);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  Run all;
  for (const Run& r : runs) {
    all.ms.insert(all.ms.end(), r.ms.begin(), r.ms.end());
    all.errors += r.errors;
  }
  return all;
}

int RunBench(const std::vector<int>& levels, int requests, int soak_seconds) {
  LoopbackOptions options;
  options.epsilon = 1e9;  // the bench measures overhead, not budget exhaustion
  options.max_concurrency = 64;
  auto nodes = Loopback::Start(options);
  if (!nodes.ok()) return Fail(nodes.status());
  Target direct{(*nodes)->cloud().port(), (*nodes)->cloud_key(), "cloud-model"};
  Target gateway{(*nodes)->edge().port(), (*nodes)->user_key(), "ptmo"};
  std::cerr << "bench-gateway: cloud node " << (*nodes)->cloud().url() << ", gateway "
            << (*nodes)->edge().url() << "\n";
  ErrorLog error_log;
  Measure(direct, 1, 5, &error_log);  // warm both paths up (models paged in, analyzer caches)
  Measure(gateway, 1, 5, &error_log);

  Table table({"CONCURRENCY", "REQUESTS", "DIRECT p50", "DIRECT p99", "GATEWAY p50", "GATEWAY p99",
               "ADDED p50 ms", "RATIO p50", "ERRORS"});
  bool ok = true;
  for (int c : levels) {
    int per_client = std::max(1, requests / c);
    std::cerr << "bench-gateway: concurrency " << c << ": " << per_client * c
              << " requests each way..." << std::endl;
    Run d = Measure(direct, c, per_client, &error_log);
    Run g = Measure(gateway, c, per_client, &error_log);
    double d50 = Percentile(d.ms, 0.5), g50 = Percentile(g.ms, 0.5);
    table.AddRow({std::to_string(c), std::to_string(per_client * c), Fixed(d50, 2),
                  Fixed(Percentile(d.ms, 0.99), 2), Fixed(g50, 2), Fixed(Percentile(g.ms, 0.99), 2),
                  Fixed(g50 - d50, 2), Fixed(d50 > 0 ? g50 / d50 : 0, 2),
                  std::to_string(d.errors + g.errors)});
    if (d.errors + g.errors > 0) ok = false;
  }
  std::cout << "Gateway overhead (ms; same prompt, 1 generated token, measured in this run)\n";
  table.Print(std::cout);
  std::cout << "aim: < 1 ms added at p50 excluding model time\n";
  error_log.Print(std::cout);

  if (soak_seconds > 0) {
    std::cerr << "bench-gateway: soak: 32 streaming clients for " << soak_seconds << " s..."
              << std::endl;
    std::atomic<int64_t> sent{0}, errors{0};
    ErrorLog soak_errors;
    auto until = Clock::now() + std::chrono::seconds(soak_seconds);
    std::vector<std::thread> threads;
    const std::string body = Body("ptmo", true, 8);
    for (int c = 0; c < 32; ++c) {
      threads.emplace_back([&] {
        httplib::Client client("127.0.0.1", gateway.port);
        client.set_read_timeout(60, 0);
        httplib::Headers auth = {{"Authorization", "Bearer " + gateway.key}};
        while (Clock::now() < until) {
          auto res = client.Post("/v1/chat/completions", auth, body, "application/json");
          ++sent;
          std::string error = Describe(res, true);
          if (!error.empty()) {
            ++errors;
            soak_errors.Add(error);
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    auto audit = privacy::AuditLog::Open((*nodes)->audit_db());
    if (!audit.ok()) return Fail(audit.status());
    auto rows = (*audit)->Count();
    if (!rows.ok()) return Fail(rows.status());
    // Every request of the run went through the gateway once: warm-up, levels, soak.
    int64_t expected = 5 + sent.load();
    for (int c : levels) expected += std::max(1, requests / c) * c;
    std::cout << "soak: " << sent.load() << " streamed requests in " << soak_seconds << " s, "
              << errors.load() << " errors, " << *rows << " audit rows (expected " << expected
              << ")\n";
    soak_errors.Print(std::cout);
    if (errors.load() > 0 || *rows != expected) ok = false;
  }
  return ok ? 0 : 1;
}

}  // namespace

void RegisterBenchGateway(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "bench-gateway", "Gateway overhead against calling the cloud node directly, on loopback");
  auto levels = std::make_shared<std::string>("1,8,32");
  auto requests = std::make_shared<int>(256);
  auto soak = std::make_shared<int>(0);
  cmd->add_option("--concurrency", *levels, "Comma-separated concurrency levels");
  cmd->add_option("--requests", *requests, "Requests per level and path")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--soak-seconds", *soak,
                  "Then stream from 32 clients this long (60 in the issue)")
      ->check(CLI::Range(0, 3600));
  cmd->callback([=] {
    std::vector<int> parsed;
    for (const std::string& s : SplitCsv(*levels)) {
      int v = 0;
      try {
        v = std::stoi(s);
      } catch (...) {
      }
      if (v < 1 || v > 256) {
        *exit_code = Fail("bench-gateway: --concurrency: '" + s + "' is not a number in 1..256");
        return;
      }
      parsed.push_back(v);
    }
    *exit_code = RunBench(parsed, *requests, *soak);
  });
}

}  // namespace ptmo::cli
