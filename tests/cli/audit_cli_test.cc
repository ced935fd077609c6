// `ptmo audit leakage|show` and `ptmo budget show|reset` run as a user would: output, exit
// codes (0 clean, 1 error, 2 usage, 3 leaked), one-line errors.
//
// The CLI tests link no SQLite, so the fixture databases are written with the sqlite3 shell
// (a dependency in scripts/install-deps.sh) using the version-1 schemas of
// src/privacy/audit/audit_log.cc and src/privacy/budget/budget_ledger.cc: this also checks
// that ptmo reads a version-1 file written by another tool.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.h"

namespace {

using ptmo::testing::CliResult;
using ptmo::testing::ShellQuote;

int Shell(const std::string& cmd) {
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

CliResult Ptmo(const std::string& args) {
  return ptmo::testing::RunPtmo(args);
}

constexpr const char* kAuditSchemaV1 = R"sql(
CREATE TABLE ptmo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO ptmo_meta VALUES ('kind', 'audit_log'), ('schema_version', '1');
CREATE TABLE records(
  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time_ms INTEGER NOT NULL,
  user_id TEXT NOT NULL, route TEXT NOT NULL, policy_name TEXT NOT NULL,
  policy_version TEXT NOT NULL, reasons TEXT NOT NULL, destination TEXT NOT NULL,
  payload BLOB NOT NULL, response BLOB, latency_ms REAL NOT NULL, cost_usd REAL NOT NULL,
  privacy_cost REAL NOT NULL, status TEXT NOT NULL, media TEXT);
)sql";

constexpr const char* kBudgetSchemaV1 = R"sql(
CREATE TABLE ptmo_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO ptmo_meta VALUES ('kind', 'budget_ledger'), ('schema_version', '1'),
  ('epsilon_per_window', '1'), ('window_seconds', '3600');
CREATE TABLE charges(
  user_id TEXT NOT NULL, request_id TEXT NOT NULL, at INTEGER NOT NULL, cost REAL NOT NULL,
  charged REAL NOT NULL, refused INTEGER NOT NULL, forgiven INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, request_id)) WITHOUT ROWID;
)sql";

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Shell("command -v sqlite3 >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the sqlite3 shell is not installed";
    }
    char tmpl[] = "/tmp/ptmo_audit_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Creates a 0600 database at `name` by running `sql` in the sqlite3 shell.
  std::string MakeDb(const std::string& name, const std::string& sql) {
    std::string path = dir_ + "/" + name;
    std::string script = dir_ + "/" + name + ".sql";
    std::ofstream(script) << sql;
    EXPECT_EQ(Shell("sqlite3 " + ShellQuote(path) + " < " + ShellQuote(script)), 0);
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // An audit log with a masked record, a local record and, when `leak`, a leaking one.
  std::string AuditDb(bool leak) {
    std::string sql = std::string(kAuditSchemaV1) +
                      "INSERT INTO records(request_id, time_ms, user_id, route, policy_name, "
                      "policy_version, reasons, destination, payload, latency_ms, cost_usd, "
                      "privacy_cost, status) VALUES "
                      "('r1', 1704067200000, 'alice', 'cloud', 'threshold', '1', '[\"ok\"]', "
                      "'openai', CAST('Email <EMAIL_1> about <PERSON_1>' AS BLOB), 300, 0.001, "
                      "0, 'ok'),"
                      "('r2', 1704067201000, 'bob', 'local', 'threshold', '1', '[]', '', "
                      "X'', 20, 0, 0, 'ok');";
    if (leak) {
      sql +=
          "INSERT INTO records(request_id, time_ms, user_id, route, policy_name, "
          "policy_version, reasons, destination, payload, latency_ms, cost_usd, "
          "privacy_cost, status) VALUES ('r3', 1704067202000, 'alice', 'cloud', 'threshold', "
          "'1', '[]', 'openai', CAST('card 4539 1488 0343 6467 for Project Nightingale' AS "
          "BLOB), 250, 0.002, 1, 'ok');";
    }
    return MakeDb("audit.db", sql);
  }

  std::string dir_;
};

TEST_F(AuditCliTest, LeakageOnACleanLogSaysSoAndExitsZero) {
  std::string db = AuditDb(false);
  CliResult r = Ptmo("audit leakage --no-ner --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 of 1 payloads contained PII; 0 secrets"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scanned 2 records"), std::string::npos) << r.out;
}

TEST_F(AuditCliTest, LeakageFindsPiiAndSecretsAndExitsThree) {
  std::string db = AuditDb(true);
  std::string secrets = dir_ + "/secrets.txt";
  std::ofstream(secrets) << "unused-secret\nProject Nightingale\n";
  CliResult r =
      Ptmo("audit leakage --no-ner --db " + ShellQuote(db) + " --secrets " + ShellQuote(secrets));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("1 of 2 payloads contained PII; 1 secrets (lines 2)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("CREDIT_CARD"), std::string::npos);
  // The report names records and types, never the leaked values.
  EXPECT_EQ(r.out.find("4539"), std::string::npos);
  EXPECT_EQ(r.out.find("Nightingale"), std::string::npos);
}

TEST_F(AuditCliTest, LeakageJsonReportsCountsAndOffenders) {
  std::string db = AuditDb(true);
  CliResult r = Ptmo("audit leakage --no-ner --format json --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["records"], 3);
  EXPECT_EQ(j["payloads"], 2);
  EXPECT_EQ(j["payloads_with_pii"], 1);
  EXPECT_EQ(j["pii_by_type"]["CREDIT_CARD"], 1);
  ASSERT_EQ(j["offenders"].size(), 1u);
  EXPECT_EQ(j["offenders"][0]["request_id"], "r3");
  EXPECT_EQ(j["leaked"], true);
}

TEST_F(AuditCliTest, LeakageRefusesAWorldReadableLog) {
  std::string db = AuditDb(false);
  ::chmod(db.c_str(), 0644);
  CliResult r = Ptmo("audit leakage --no-ner --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(AuditCliTest, LeakageOnAMissingFileFailsWithoutCreatingIt) {
  std::string db = dir_ + "/typo.db";
  CliResult r = Ptmo("audit leakage --no-ner --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST_F(AuditCliTest, LeakageOnACorruptFileIsAnError) {
  std::string db = dir_ + "/corrupt.db";
  std::ofstream(db) << std::string(4096, 'z');
  ::chmod(db.c_str(), 0600);
  CliResult r = Ptmo("audit leakage --no-ner --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
}

TEST_F(AuditCliTest, LeakageRejectsAMissingSecretsFile) {
  std::string db = AuditDb(false);
  CliResult r = Ptmo("audit leakage --no-ner --db " + ShellQuote(db) + " --secrets /nonexistent-x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("secrets"), std::string::npos) << r.err;
}

TEST_F(AuditCliTest, LeakageWithoutDbIsAUsageError) {
  EXPECT_EQ(Ptmo("audit leakage").exit_code, 2);
  EXPECT_EQ(Ptmo("audit").exit_code, 2);
}

TEST_F(AuditCliTest, ShowPrintsRecordsAsJson) {
  std::string db = AuditDb(false);
  CliResult r = Ptmo("audit show --format json --db " + ShellQuote(db));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["payload"], "Email <EMAIL_1> about <PERSON_1>");
  EXPECT_EQ(j[0]["route"], "cloud");
  EXPECT_EQ(j[1]["route"], "local");
  EXPECT_EQ(j[1]["payload_bytes"], 0);
  CliResult bob = Ptmo("audit show --user bob --db " + ShellQuote(db));
  ASSERT_EQ(bob.exit_code, 0) << bob.err;
  EXPECT_NE(bob.out.find("bob"), std::string::npos);
  EXPECT_EQ(bob.out.find("alice"), std::string::npos);
}

TEST_F(AuditCliTest, BudgetShowAndResetUseTheRecordedConfiguration) {
  // Window of one hour starting at 1704067200; alice spent 0.75 of 1.
  std::string db = MakeDb("budget.db", std::string(kBudgetSchemaV1) +
                                           "INSERT INTO charges(user_id, request_id, at, cost, "
                                           "charged, refused) VALUES "
                                           "('alice', 'a', 1704067210, 0.5, 0.5, 0),"
                                           "('alice', 'b', 1704067220, 0.25, 0.25, 0),"
                                           "('alice', 'c', 1704067230, 0.9, 0, 1);");
  CliResult show =
      Ptmo("budget show --format json --now 1704067300 --user alice --db " + ShellQuote(db));
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["spent"], 0.75);
  EXPECT_EQ(j["remaining"], 0.25);
  EXPECT_EQ(j["window_start"], 1704067200);
  EXPECT_EQ(j["window_end"], 1704070800);
  EXPECT_EQ(j["exhausted"], false);

  CliResult table = Ptmo("budget show --now 1704067300 --user alice --db " + ShellQuote(db));
  EXPECT_NE(table.out.find("spent 0.7500 of 1.0000"), std::string::npos) << table.out;

  CliResult reset = Ptmo("budget reset --now 1704067300 --user alice --db " + ShellQuote(db));
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(reset.out.find("forgave 0.7500"), std::string::npos) << reset.out;
  auto after = nlohmann::json::parse(
      Ptmo("budget show -f json --now 1704067300 --user alice --db " + ShellQuote(db)).out);
  EXPECT_EQ(after["spent"], 0.0);
}

TEST_F(AuditCliTest, BudgetShowRejectsAnEmptyUserAndAMissingLedger) {
  std::string db = MakeDb("budget.db", kBudgetSchemaV1);
  CliResult empty = Ptmo("budget show --user '' --db " + ShellQuote(db));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("user id is empty"), std::string::npos) << empty.err;
  CliResult missing = Ptmo("budget show --user alice --db " + ShellQuote(dir_ + "/none.db"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none.db"));
}

TEST_F(AuditCliTest, BudgetShowRefusesAnAuditLog) {
  std::string db = AuditDb(false);
  CliResult r = Ptmo("budget show --user alice --db " + ShellQuote(db));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("audit_log"), std::string::npos) << r.err;
}

}  // namespace
