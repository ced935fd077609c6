// `ptmo mask` / `ptmo unmask` end to end: runs the built binary.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_runner.h"

namespace {

using TempDir = ptmo::testing::ScratchDir;
using Result = ptmo::testing::CliResult;

using ptmo::testing::ReadWholeFile;
using ptmo::testing::WriteWholeFile;

// Runs `ptmo args...` with `input` on stdin.
Result Ptmo(const TempDir&, const std::vector<std::string>& args, const std::string& input = "") {
  return ptmo::testing::RunPtmoArgs(args, input);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::stringstream ss(s);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

const std::string kEmail = "alice.kim@gmail.com";
const std::string kCard = "4111 1111 1111 1111";

TEST(MaskCli, BatchWritesOneJsonLinePerInputLine) {
  TempDir dir;
  std::string input = "{\"text\": \"mail " + kEmail + " now\"}\n" +
                      "\n" +  // blank lines are skipped
                      "{\"text\": \"é: " + kEmail + "\"}\n" + "{\"text\": \"nothing to see\"}\n";
  Result r = Ptmo(dir, {"mask", "--no-ner", "--batch"}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  for (const auto& line : lines) {
    nlohmann::json j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.size(), 2u) << line;
    EXPECT_TRUE(j["masked"].is_string());
    EXPECT_TRUE(j["spans"].is_array());
    EXPECT_EQ(j["masked"].get<std::string>().find(kEmail), std::string::npos) << line;
  }
  nlohmann::json first = nlohmann::json::parse(lines[0]);
  ASSERT_EQ(first["spans"].size(), 1u) << lines[0];
  EXPECT_EQ(first["spans"][0]["type"], "EMAIL");
  EXPECT_EQ(first["spans"][0]["start"], 5);
  EXPECT_EQ(first["spans"][0]["text"], kEmail);
  EXPECT_EQ(first["masked"], "mail <EMAIL_1> now");
  // Offsets count code points of the original text: "é" is one.
  nlohmann::json second = nlohmann::json::parse(lines[1]);
  ASSERT_EQ(second["spans"].size(), 1u);
  EXPECT_EQ(second["spans"][0]["start"], 3);
  EXPECT_EQ(second["masked"], "é: <EMAIL_1>") << "same value, same placeholder";
  EXPECT_EQ(nlohmann::json::parse(lines[2])["masked"], "nothing to see");
}

TEST(MaskCli, BatchReportsBadLinesAndKeepsGoing) {
  TempDir dir;
  std::string input = "{\"text\": \"a " + kEmail + "\"}\n" + "{not json\n" + "[1, 2]\n" +
                      "{\"text\": 5}\n" + "{\"text\": \"b\"}\n";
  Result r = Ptmo(dir, {"mask", "--no-ner", "--batch"}, input);
  EXPECT_NE(r.exit_code, 0);
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_TRUE(nlohmann::json::parse(lines[0]).contains("masked"));
  for (int i : {1, 2, 3}) {
    nlohmann::json j = nlohmann::json::parse(lines[i]);
    ASSERT_TRUE(j.contains("error")) << lines[i];
    EXPECT_EQ(j["error"].get<std::string>().rfind("line " + std::to_string(i + 1) + ": ", 0), 0u)
        << lines[i];
  }
  EXPECT_EQ(nlohmann::json::parse(lines[4])["masked"], "b");
  ASSERT_EQ(Lines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << r.err;
}

TEST(MaskCli, MaskThenUnmaskRoundTripsThroughAVaultFile) {
  for (std::string mode : {"placeholder", "surrogate", "hash"}) {
    TempDir dir;
    const std::string text = "Contact " + kEmail + " or pay with " + kCard + ".\n";
    WriteWholeFile(dir.File("in.txt"), text);
    Result m = Ptmo(dir, {"mask", "--no-ner", "--mode", mode, "--vault", dir.File("v.vault"),
                          "--key", dir.File("v.key"), dir.File("in.txt")});
    ASSERT_EQ(m.exit_code, 0) << mode << ": " << m.err;
    EXPECT_EQ(m.out.find(kEmail), std::string::npos) << mode << ": " << m.out;
    EXPECT_EQ(m.out.find(kCard), std::string::npos) << mode << ": " << m.out;
    struct stat st {};
    ASSERT_EQ(::stat(dir.File("v.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(dir.File("v.vault").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(ReadWholeFile(dir.File("v.vault")).find(kEmail), std::string::npos) << "encrypted";

    WriteWholeFile(dir.File("masked.txt"), m.out);
    Result u = Ptmo(dir, {"unmask", "--vault", dir.File("v.vault"), "--key", dir.File("v.key"),
                          dir.File("masked.txt")});
    ASSERT_EQ(u.exit_code, 0) << u.err;
    EXPECT_EQ(u.out, text) << mode;

    // A later message in the same conversation reuses the pseudonym.
    Result again = Ptmo(dir, {"mask", "--no-ner", "--mode", mode, "--vault", dir.File("v.vault"),
                              "--key", dir.File("v.key"), "--text", kEmail});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(m.out.find(again.out.substr(0, again.out.size() - 1)), std::string::npos)
        << mode << ": " << again.out;
  }
}

TEST(MaskCli, UnmaskRestoresInsideJson) {
  TempDir dir;
  Result m = Ptmo(dir, {"mask", "--no-ner", "--vault", dir.File("v.vault"), "--key",
                        dir.File("v.key"), "--text", "write to " + kEmail});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  nlohmann::json reply = {{"content", m.out.substr(0, m.out.size() - 1)}};
  Result u = Ptmo(dir, {"unmask", "--json", "--vault", dir.File("v.vault"), "--key",
                        dir.File("v.key"), "--text", reply.dump()});
  ASSERT_EQ(u.exit_code, 0) << u.err;
  EXPECT_EQ(nlohmann::json::parse(u.out)["content"], "write to " + kEmail);
}

TEST(MaskCli, JsonFormatListsSpansAndReplacements) {
  TempDir dir;
  Result r = Ptmo(dir, {"mask", "--no-ner", "--format", "json", "--text", "hi " + kEmail});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["masked"], "hi <EMAIL_1>");
  EXPECT_EQ(j["mode"], "placeholder");
  ASSERT_EQ(j["spans"].size(), 1u);
  ASSERT_EQ(j["replacements"].size(), 1u);
  EXPECT_EQ(j["replacements"][0]["pseudonym"], "<EMAIL_1>");
  EXPECT_EQ(j["replacements"][0]["start"], 3);
}

TEST(MaskCli, RedactModeHidesTheType) {
  TempDir dir;
  Result r = Ptmo(dir, {"mask", "--no-ner", "--mode", "redact", "--text", "to " + kEmail});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "to [REDACTED_EMAIL]\n");
}

TEST(MaskCli, WrongKeyFailsWithOneLine) {
  TempDir dir;
  Result m = Ptmo(dir, {"mask", "--no-ner", "--vault", dir.File("v.vault"), "--key",
                        dir.File("v.key"), "--text", kEmail});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  Result other = Ptmo(dir, {"mask", "--no-ner", "--vault", dir.File("w.vault"), "--key",
                            dir.File("w.key"), "--text", "x"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  Result u = Ptmo(
      dir, {"unmask", "--vault", dir.File("v.vault"), "--key", dir.File("w.key"), "--text", m.out});
  EXPECT_NE(u.exit_code, 0);
  EXPECT_EQ(u.err, "ptmo: vault file '" + dir.File("v.vault") +
                       "': authentication failed (wrong key or modified file)\n");
}

TEST(MaskCli, UserErrorsPrintOneLine) {
  TempDir dir;
  WriteWholeFile(dir.File("open.key"), std::string(64, 'a'));
  ::chmod(dir.File("open.key").c_str(), 0644);
  std::vector<std::vector<std::string>> cases = {
      {"mask", "--no-ner", "--vault", dir.File("v.vault"), "--text", "x"},
      {"mask", "--no-ner", "--vault", dir.File("v.vault"), "--key", dir.File("open.key"), "--text",
       "x"},
      {"mask", "--no-ner", "--batch", "--text", "x"},
      {"unmask", "--vault", dir.File("missing.vault"), "--key", dir.File("open.key"), "--text",
       "x"},
  };
  for (const auto& args : cases) {
    Result r = Ptmo(dir, args);
    EXPECT_NE(r.exit_code, 0) << args[2];
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << r.err;
  }
}

}  // namespace
