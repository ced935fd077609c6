// `ptmo audit` and `ptmo budget`: read the gateway's audit log and privacy budget ledger.
//
//   ptmo audit leakage --db audit.db --secrets secrets.txt   # what sensitive data left?
//   ptmo audit show --db audit.db --user alice --limit 20    # the records themselves
//   ptmo budget show --db budget.db --user alice             # spent / remaining this window
//   ptmo budget reset --db budget.db --user alice            # forgive this window's spend
//
// Exit codes: 0 success (and, for `audit leakage`, nothing leaked); 1 an error (bad file,
// wrong permissions, corrupt database); 2 bad command line; 3 `audit leakage` found PII or a
// known secret in at least one payload.
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "privacy/audit/audit_log.h"
#include "privacy/audit/leakage.h"
#include "privacy/budget/budget_ledger.h"
#include "util/utf8.h"

namespace ptmo::cli {
namespace {

constexpr int kLeakExitCode = 3;

struct LeakageFlags {
  std::string db;
  std::string secrets;
  std::string user;
  std::string format = "table";
  bool no_json_decode = false;
  AnalyzerFlags analyzer;
};

struct ShowFlags {
  std::string db;
  std::string user;
  int64_t after = 0;
  size_t limit = 50;
  std::string format = "table";
};

struct BudgetFlags {
  std::string db;
  std::string user;
  int64_t now = -1;  // Unix seconds; -1: the clock
  std::string format = "table";
};

int64_t NowOr(int64_t flag) {
  if (flag >= 0) return flag;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2024-01-01T00:00:00Z"
std::string IsoUtc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Expected<std::unique_ptr<privacy::AuditLog>> OpenExistingLog(const std::string& path) {
  privacy::sqlite::StoreOptions o;
  o.create_if_missing = false;  // a typo in --db must not create an empty, "clean" log
  return privacy::AuditLog::Open(path, o);
}

std::string Join(const std::vector<size_t>& v) {
  std::string s;
  for (size_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

std::string PiiSummary(const std::map<privacy::EntityType, int64_t>& pii) {
  std::string s;
  for (const auto& [type, n] : pii) {
    s += (s.empty() ? "" : " ") + std::string(privacy::EntityTypeName(type)) + "x" +
         std::to_string(n);
  }
  return s;
}

nlohmann::json ReportToJson(const privacy::LeakageReport& r) {
  nlohmann::json by_type = nlohmann::json::object();
  for (const auto& [type, n] : r.pii_by_type) by_type[std::string(EntityTypeName(type))] = n;
  nlohmann::json offenders = nlohmann::json::array();
  for (const auto& o : r.offenders) {
    nlohmann::json pii = nlohmann::json::object();
    for (const auto& [type, n] : o.pii) pii[std::string(EntityTypeName(type))] = n;
    offenders.push_back({{"record_id", o.record_id},
                         {"request_id", o.request_id},
                         {"user_id", o.user_id},
                         {"pii", pii},
                         {"secret_lines", o.secret_lines}});
  }
  return {{"records", r.records},
          {"payloads", r.payloads},
          {"payload_bytes", r.payload_bytes},
          {"json_payloads", r.json_payloads},
          {"invalid_utf8_payloads", r.invalid_utf8_payloads},
          {"payloads_with_pii", r.payloads_with_pii},
          {"pii_spans", r.pii_spans},
          {"pseudonym_spans_ignored", r.pseudonym_spans},
          {"pii_by_type", by_type},
          {"payloads_with_secrets", r.payloads_with_secrets},
          {"secrets_found_lines", r.secrets_found},
          {"offenders_total", r.offenders_total},
          {"offenders", offenders},
          {"images",
           {{"sent", r.images_sent},
            {"redacted", r.images_redacted},
            {"withheld", r.images_withheld},
            {"private_uploaded", r.private_images_uploaded}}},
          {"leaked", r.leaked()}};
}

int RunLeakage(const LeakageFlags& f) {
  privacy::SecretList secrets;
  if (!f.secrets.empty()) {
    auto loaded = privacy::LoadSecrets(f.secrets);
    if (!loaded.ok()) return Fail(loaded.status());
    secrets = std::move(loaded).value();
  }
  auto log = OpenExistingLog(f.db);
  if (!log.ok()) return Fail(log.status());
  auto analyzer = MakeAnalyzer(f.analyzer);
  if (!analyzer.ok()) return Fail(analyzer.status());
  privacy::LeakageOptions options;
  options.decode_json = !f.no_json_decode;
  options.user_id = f.user;
  auto report = privacy::AuditLeakage(**log, **analyzer, secrets, options);
  if (!report.ok()) return Fail(report.status());
  const privacy::LeakageReport& r = *report;
  if (f.format == "json") {
    std::cout << ReportToJson(r).dump() << "\n";
    return r.leaked() ? kLeakExitCode : 0;
  }
  std::cout << "scanned " << r.records << " records, " << r.payloads << " with payloads ("
            << r.payload_bytes << " bytes)\n";
  if (r.pii_spans > 0) {
    Table types({"TYPE", "SPANS"});
    for (const auto& [type, n] : r.pii_by_type) {
      types.AddRow({std::string(privacy::EntityTypeName(type)), std::to_string(n)});
    }
    types.Print(std::cout);
  }
  if (!r.offenders.empty()) {
    Table t({"RECORD", "REQUEST", "USER", "PII", "SECRET LINES"});
    for (const auto& o : r.offenders) {
      t.AddRow({std::to_string(o.record_id), o.request_id, o.user_id, PiiSummary(o.pii),
                Join(o.secret_lines)});
    }
    t.Print(std::cout);
    if (r.offenders_total > static_cast<int64_t>(r.offenders.size())) {
      std::cout << "(" << r.offenders_total - static_cast<int64_t>(r.offenders.size())
                << " more offending records not listed)\n";
    }
  }
  if (r.invalid_utf8_payloads > 0) {
    std::cout << r.invalid_utf8_payloads
              << " payloads held invalid UTF-8 (scanned with those bytes replaced)\n";
  }
  std::cout << r.payloads_with_pii << " of " << r.payloads << " payloads contained PII; "
            << r.secrets_found.size() << " secrets";
  if (!r.secrets_found.empty()) std::cout << " (lines " << Join(r.secrets_found) << ")";
  std::cout << "\n";
  if (r.images_sent + r.images_redacted + r.images_withheld > 0) {
    std::cout << "images: " << r.images_sent << " sent as is, " << r.images_redacted
              << " sent redacted, " << r.images_withheld << " withheld; "
              << r.private_images_uploaded << " PRIVATE images uploaded\n";
  }
  return r.leaked() ? kLeakExitCode : 0;
}

nlohmann::json RecordToJson(const privacy::AuditRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"request_id", r.request_id},
                      {"time_ms", r.time_ms},
                      {"user_id", r.user_id},
                      {"route", std::string(privacy::AuditRouteName(r.route))},
                      {"policy_name", r.policy_name},
                      {"policy_version", r.policy_version},
                      {"reasons", r.reasons},
                      {"destination", r.destination},
                      {"payload", r.payload},
                      {"payload_bytes", r.payload.size()},
                      {"latency_ms", r.latency_ms},
                      {"cost_usd", r.cost_usd},
                      {"privacy_cost", r.privacy_cost},
                      {"status", r.status}};
  if (r.response) j["response"] = *r.response;
  if (!r.media_json.empty()) {
    j["media"] = nlohmann::json::parse(r.media_json, nullptr, /*allow_exceptions=*/false);
  }
  return j;
}

int RunShow(const ShowFlags& f) {
  auto log = OpenExistingLog(f.db);
  if (!log.ok()) return Fail(log.status());
  privacy::AuditQuery q;
  q.after_id = f.after;
  q.user_id = f.user;
  q.limit = f.limit;
  auto rows = (*log)->Read(q);
  if (!rows.ok()) return Fail(rows.status());
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *rows) out.push_back(RecordToJson(r));
    // Payloads are bytes: invalid UTF-8 is shown as U+FFFD rather than failing.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  Table t({"ID", "TIME (UTC)", "USER", "ROUTE", "DEST", "STATUS", "BYTES", "PRIV", "USD", "MS",
           "PAYLOAD"});
  for (const auto& r : *rows) {
    std::string payload = r.payload;
    for (char& c : payload) {  // keep the table readable for binary payloads
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') c = '?';
    }
    if (!utf8::IsValid(payload)) payload = "(" + std::to_string(r.payload.size()) + " bytes)";
    t.AddRow({std::to_string(r.id), IsoUtc(r.time_ms / 1000), r.user_id,
              std::string(privacy::AuditRouteName(r.route)), r.destination, r.status,
              std::to_string(r.payload.size()), Fixed(r.privacy_cost), Fixed(r.cost_usd, 4),
              Fixed(r.latency_ms, 0), payload});
  }
  if (rows->empty()) {
    std::cout << "no records\n";
  } else {
    t.Print(std::cout, 40);
  }
  return 0;
}

nlohmann::json StateToJson(const std::string& user, const privacy::BudgetState& s) {
  return {{"user", user},
          {"epsilon", s.epsilon},
          {"spent", s.spent},
          {"remaining", s.remaining},
          {"window_start", s.window_start},
          {"window_end", s.window_end},
          {"exhausted", s.exhausted}};
}

void PrintState(const std::string& user, const privacy::BudgetState& s) {
  std::cout << "user " << user << "  window " << IsoUtc(s.window_start) << " .. "
            << IsoUtc(s.window_end) << "\n"
            << "spent " << Fixed(s.spent, 4) << " of " << Fixed(s.epsilon, 4) << ", remaining "
            << Fixed(s.remaining, 4) << (s.exhausted ? "  (EXHAUSTED: cloud calls refused)" : "")
            << "\n";
}

int RunBudgetShow(const BudgetFlags& f) {
  auto ledger = privacy::BudgetLedger::OpenExisting(f.db);
  if (!ledger.ok()) return Fail(ledger.status());
  auto state = (*ledger)->State(f.user, NowOr(f.now));
  if (!state.ok()) return Fail(state.status());
  if (f.format == "json") {
    std::cout << StateToJson(f.user, *state).dump() << "\n";
  } else {
    PrintState(f.user, *state);
  }
  return 0;
}

int RunBudgetReset(const BudgetFlags& f) {
  auto ledger = privacy::BudgetLedger::OpenExisting(f.db);
  if (!ledger.ok()) return Fail(ledger.status());
  int64_t now = NowOr(f.now);
  auto forgiven = (*ledger)->Reset(f.user, now);
  if (!forgiven.ok()) return Fail(forgiven.status());
  auto state = (*ledger)->State(f.user, now);
  if (!state.ok()) return Fail(state.status());
  if (f.format == "json") {
    nlohmann::json j = StateToJson(f.user, *state);
    j["forgiven"] = *forgiven;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "forgave " << Fixed(*forgiven, 4) << " spent in the current window\n";
    PrintState(f.user, *state);
  }
  return 0;
}

void AddBudgetFlags(CLI::App* cmd, BudgetFlags* f) {
  cmd->add_option("--db", f->db, "Budget ledger file (SQLite)")->required();
  cmd->add_option("--user", f->user, "User id")->required();
  cmd->add_option("--now", f->now, "Time to evaluate at, Unix seconds (default: now)");
  cmd->add_option("--format,-f", f->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

}  // namespace

void RegisterAudit(CLI::App& app, int* exit_code) {
  CLI::App* audit =
      app.add_subcommand("audit", "Inspect the audit log of everything sent off the device");
  audit->require_subcommand(1);

  auto lf = std::make_shared<LeakageFlags>();
  CLI::App* leakage = audit->add_subcommand(
      "leakage",
      "Re-analyze every recorded payload for PII and known secrets (exit 3 if any leaked)");
  leakage->add_option("--db", lf->db, "Audit log file (SQLite)")->required();
  leakage->add_option("--secrets", lf->secrets,
                      "File of known secret strings, one per line, searched verbatim");
  leakage->add_option("--user", lf->user, "Only this user's records");
  leakage->add_flag("--no-json-decode", lf->no_json_decode,
                    "Analyze JSON payloads as raw bytes instead of their decoded strings");
  leakage->add_option("--format,-f", lf->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  AddAnalyzerFlags(leakage, &lf->analyzer);
  leakage->callback([lf, exit_code] { *exit_code = RunLeakage(*lf); });

  auto sf = std::make_shared<ShowFlags>();
  CLI::App* show = audit->add_subcommand("show", "Print audit records");
  show->add_option("--db", sf->db, "Audit log file (SQLite)")->required();
  show->add_option("--user", sf->user, "Only this user's records");
  show->add_option("--after", sf->after, "Only records with an id above this")
      ->check(CLI::NonNegativeNumber);
  show->add_option("--limit", sf->limit, "At most this many records")->capture_default_str();
  show->add_option("--format,-f", sf->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  show->callback([sf, exit_code] { *exit_code = RunShow(*sf); });
}

void RegisterBudget(CLI::App& app, int* exit_code) {
  CLI::App* budget =
      app.add_subcommand("budget", "Inspect or reset a user's privacy budget in the ledger");
  budget->require_subcommand(1);
  auto show_flags = std::make_shared<BudgetFlags>();
  CLI::App* show = budget->add_subcommand("show", "Print a user's spend in the current window");
  AddBudgetFlags(show, show_flags.get());
  show->callback([show_flags, exit_code] { *exit_code = RunBudgetShow(*show_flags); });
  auto reset_flags = std::make_shared<BudgetFlags>();
  CLI::App* reset = budget->add_subcommand(
      "reset", "Forgive a user's spend in the current window (requests stay recorded)");
  AddBudgetFlags(reset, reset_flags.get());
  reset->callback([reset_flags, exit_code] { *exit_code = RunBudgetReset(*reset_flags); });
}

}  // namespace ptmo::cli
