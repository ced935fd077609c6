// Runs the built `ptmo` binary as a user would: output shapes, exit codes, one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_runner.h"

namespace {

using ptmo::testing::CliResult;
using ptmo::testing::ShellQuote;

CliResult Ptmo(const std::string& args, const std::string& stdin_text = "") {
  return ptmo::testing::RunPtmo(args, stdin_text);
}

TEST(ScanCli, JsonOutputHasSpansLevelScoreAndReasons) {
  CliResult r =
      Ptmo("scan --format json --text " + ShellQuote("My password is secret123. What is Python?"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["level"], "PRIVATE");
  ASSERT_EQ(j["spans"].size(), 1u);
  EXPECT_EQ(j["spans"][0]["type"], "PASSWORD");
  EXPECT_EQ(j["spans"][0]["start"], 15);
  EXPECT_EQ(j["spans"][0]["end"], 24);
  EXPECT_EQ(j["spans"][0]["text"], "secret123");
  for (const char* key : {"score", "recognizer", "reasons"})
    EXPECT_TRUE(j["spans"][0].contains(key));
  EXPECT_FALSE(j["reasons"].empty());
}

TEST(ScanCli, OffsetsAreCodePointsForKoreanText) {
  CliResult r = Ptmo("scan --no-ner --format json -", "비밀번호는 hunter2abc 입니다");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["spans"].size(), 1u);
  EXPECT_EQ(j["spans"][0]["start"], 6);
  EXPECT_EQ(j["spans"][0]["end"], 16);
}

TEST(ScanCli, TableFormatIsTheDefault) {
  CliResult r = Ptmo("scan --no-ner --text " + ShellQuote("card 4539 1488 0343 6467"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CREDIT_CARD"), std::string::npos);
  EXPECT_NE(r.out.find("level PRIVATE"), std::string::npos);
}

TEST(ScanCli, InvalidUtf8IsOneLineErrorWithNonZeroExit) {
  CliResult r = Ptmo("scan -", "abc\xff");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_NE(r.err.find("UTF-8"), std::string::npos);
}

TEST(ScanCli, MissingFileIsNamed) {
  CliResult r = Ptmo("scan /nonexistent/prompt.txt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/prompt.txt"), std::string::npos);
}

TEST(ScanCli, InputAboveMaxBytesIsRefused) {
  CliResult r = Ptmo("scan --no-ner --max-bytes 100 -", std::string(1000, 'a'));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("limit"), std::string::npos);
}

TEST(ScanCli, TextAndFileTogetherAreRejected) {
  CliResult r = Ptmo("scan --text hi somefile.txt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("either"), std::string::npos);
}

TEST(ScanCli, UnknownFlagIsAUsageError) {
  CliResult r = Ptmo("scan --frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u);
}

TEST(ScanCli, BadRegionIsNamed) {
  CliResult r = Ptmo("scan --regions US,KOR --text hi");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("KOR"), std::string::npos);
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub :
       {"scan", "mask", "unmask", "decompose", "eval-pii", "train-ner", "bench-privacy", "demo"}) {
    CliResult r = Ptmo(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
}

TEST(DecomposeCli, JsonPartsCarryLevels) {
  CliResult r = Ptmo("decompose --no-ner --strategy sentence --format json --text " +
                     ShellQuote("What is 2+2? My SSN is 536-22-8714."));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["parts"].size(), 2u);
  EXPECT_EQ(j["parts"][0]["level"], "PUBLIC");
  EXPECT_EQ(j["parts"][1]["level"], "PRIVATE");
}

TEST(DecomposeCli, UnknownStrategyIsNamed) {
  CliResult r = Ptmo("decompose --strategy paragraph --text hi");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("paragraph"), std::string::npos);
}

TEST(DemoCli, RunsToTheEndWithNoLeak) {
  CliResult r = Ptmo("demo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 of "), std::string::npos);
  EXPECT_NE(r.out.find("PRIVATE"), std::string::npos);
  EXPECT_NE(r.out.find("SEMI_SENSITIVE"), std::string::npos);
}

}  // namespace
