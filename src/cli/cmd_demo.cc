// `ptmo demo`: the main job on embedded defaults. Starts a cloud node and an edge gateway on
// loopback (random-weight test models written to a temporary directory), sends a scripted
// English/Korean conversation through the gateway's OpenAI-compatible API, prints where each
// prompt went and what the cloud received (read back from the gateway's audit log), then
// audits the log for leaked values. Everything it starts is stopped and removed at the end.
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/loopback.h"
#include "cli/table.h"
#include "privacy/audit/audit_log.h"
#include "privacy/vault/vault.h"
#include "server/node.h"

namespace ptmo::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Public, semi-sensitive, private and mixed prompts, in English and Korean. The numbers are
// well-formed but fake (valid checksums, never issued to anyone).
constexpr const char* kPrompts[] = {
    "What is the boiling point of water at sea level?",
    "Schedule a meeting with John Smith in Chicago tomorrow.",
    "Email sarah.lee@northwind-traders.com or call (415) 555-0132 about the contract.",
    "My card 4539 1488 0343 6467 was charged twice by Acme Corp, how do I dispute it?",
    "I was diagnosed with type 2 diabetes last month; what diet should I follow?",
    "Translate 'good morning' into French. My SSN is 536-22-8714, is it safe to share?",
    "파이썬에서 리스트를 정렬하는 방법을 알려줘.",
    "김민수 씨에게 내일 서울역에서 만나자고 전해 줘.",
    "제 주민등록번호는 850315-2234569 이고 비밀번호는 qwer1234! 입니다.",
};

// The last user message of a chat request body as the gateway sent it.
std::string LastUserContent(const std::string& payload) {
  json body = json::parse(payload, nullptr, false);
  if (body.is_discarded() || !body.contains("messages")) return payload;
  std::string last;
  for (const json& m : body["messages"]) {
    if (m.value("role", "") == "user" && m["content"].is_string()) last = m["content"];
  }
  return last;
}

int RunDemo() {
  auto t0 = std::chrono::steady_clock::now();
  std::cout << "== Privacy-TMO demo: a cloud node and an edge gateway on loopback\n"
            << "   (random-weight test models: answers are noise; what matters is where text "
               "goes)\n\n";
  LoopbackOptions options;
  // Mixed prompts show the hybrid split: a PRIVATE prompt loses its PRIVATE parts, and one
  // that is PRIVATE throughout is answered on the device.
  options.routes.for_private = offload::Route::kHybrid;
  auto nodes = Loopback::Start(options);
  if (!nodes.ok()) return Fail(nodes.status());
  server::Node& cloud_node = (*nodes)->cloud();
  server::Node& edge_node = (*nodes)->edge();
  std::cout << "cloud node " << cloud_node.url() << "   edge gateway " << edge_node.url()
            << "\npolicy: threshold (PUBLIC -> cloud, SEMI_SENSITIVE -> hybrid: values "
               "pseudonymized, PRIVATE -> hybrid: PRIVATE parts stay on the device)\n\n";
  const std::string user_key = (*nodes)->user_key();

  // The caller: any OpenAI client; here plain HTTP.
  httplib::Client client("127.0.0.1", edge_node.port());
  client.set_read_timeout(120, 0);
  httplib::Headers auth = {{"Authorization", "Bearer " + user_key}};
  const privacy::Analyzer* analyzer = edge_node.service().analyzer();
  privacy::Vault display;  // only to redact prompts for this table

  Table table({"#", "PROMPT (values redacted)", "LEVEL", "ROUTE", "WHAT THE CLOUD RECEIVED", "MS"});
  std::vector<std::string> values;  // every detected value, for the leak check
  int i = 0;
  for (const char* prompt : kPrompts) {
    ++i;
    json request = {{"model", "ptmo"},
                    {"max_tokens", 12},
                    {"seed", 7},
                    {"messages", json::array({{{"role", "user"}, {"content", prompt}}})}};
    auto start = std::chrono::steady_clock::now();
    auto res = client.Post("/v1/chat/completions", auth, request.dump(), "application/json");
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!res) return Fail("demo: the gateway did not answer: " + httplib::to_string(res.error()));
    json body = json::parse(res->body, nullptr, false);
    if (res->status != 200 || body.is_discarded() || !body.contains("privacy")) {
      return Fail("demo: gateway answered " + std::to_string(res->status) + ": " + res->body);
    }
    auto analysis = analyzer->Analyze(prompt);
    if (!analysis.ok()) return Fail(analysis.status());
    for (const auto& s : analysis->spans) values.emplace_back(prompt + s.begin, s.end - s.begin);
    auto redacted = display.Mask(prompt, analysis->spans, privacy::MaskMode::kRedact);
    if (!redacted.ok()) return Fail(redacted.status());
    const json& p = body["privacy"];
    std::string route = p["route"];
    if (p.contains("fallback")) route += "*";
    table.AddRow({std::to_string(i), Abbreviate(redacted->text, 44), p["level"].get<std::string>(),
                  route, "", Fixed(ms, 0)});
  }

  // What left the device, exactly as recorded by the gateway's audit log.
  auto audit = privacy::AuditLog::Open((*nodes)->audit_db());
  if (!audit.ok()) return Fail(audit.status());
  auto rows = (*audit)->Read({});
  if (!rows.ok()) return Fail(rows.status());
  if (rows->size() != std::size(kPrompts)) {
    return Fail("demo: expected one audit row per prompt, found " + std::to_string(rows->size()));
  }
  size_t uploads = 0, leaked = 0;
  for (size_t r = 0; r < rows->size(); ++r) {
    const privacy::AuditRecord& row = (*rows)[r];
    std::string shown = "(nothing: answered on the device)";
    if (!row.payload.empty()) {
      ++uploads;
      shown = "\"" + LastUserContent(row.payload) + "\"";
    }
    table.SetCell(r, 4, Abbreviate(shown, 60));
    for (const std::string& v : values) {
      if (row.payload.find(v) != std::string::npos) ++leaked;
    }
  }
  table.Print(std::cout, 64);
  std::cout << "\n(* = the route chosen was not possible and the gateway said why)\n\n";

  // A streamed answer through the same gateway, restored on the fly.
  json stream_req = {
      {"model", "ptmo"},
      {"stream", true},
      {"max_tokens", 8},
      {"messages", json::array({{{"role", "user"}, {"content", std::string(kPrompts[2])}}})}};
  size_t events = 0;
  auto sres = client.Post("/v1/chat/completions", auth, stream_req.dump(), "application/json");
  if (sres && sres->status == 200) {
    for (size_t pos = 0; (pos = sres->body.find("data: ", pos)) != std::string::npos; ++pos) {
      ++events;
    }
  }
  std::cout << "streaming: " << events << " server-sent events for prompt #3 (masked upload, "
            << "answer restored while streaming)\n\n";

  std::cout << "== Leakage audit of the gateway's audit log (" << rows->size() << " rows, "
            << uploads << " uploads)\n"
            << leaked << " of " << values.size() << " detected private values reached the cloud.\n";
  nodes->reset();  // stops both nodes, removes the temporary directory
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "\nDone in " << Fixed(total, 1) << " s; both nodes stopped, temporary files "
            << "removed.\n";
  return leaked == 0 ? 0 : 1;
}

}  // namespace

void RegisterDemo(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "demo", "Run an edge gateway and a cloud node on loopback and route a built-in conversation");
  cmd->callback([=] { *exit_code = RunDemo(); });
}

}  // namespace ptmo::cli
