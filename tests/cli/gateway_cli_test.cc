// `ptmo serve`, `ptmo hash-key` and `ptmo bench-gateway` as a user runs them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CliRun Ptmo(const std::string& args) {
  CliRun r;
  std::string cmd = std::string(PTMO_BINARY_PATH) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(HashKeyCli, PrintsTheSha256OfTheKey) {
  CliRun r = Ptmo("hash-key abc");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
}

TEST(ServeCli, MissingConfigFileIsNamed) {
  CliRun r = Ptmo("serve --config /nonexistent/edge.toml");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/edge.toml"), std::string::npos) << r.output;
}

TEST(ServeCli, BadConfigKeyIsNamed) {
  std::string path = (std::filesystem::temp_directory_path() / "ptmo_bad_serve.toml").string();
  std::ofstream(path) << "[server]\nprot = 8080\n[local]\nmodel = \"m.gguf\"\n";
  CliRun r = Ptmo("serve --config " + path);
  std::filesystem::remove(path);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("server.prot: unknown key"), std::string::npos) << r.output;
}

TEST(ServeCli, MissingModelIsNamed) {
  std::string path = (std::filesystem::temp_directory_path() / "ptmo_nomodel.toml").string();
  std::ofstream(path) << "[server]\nallow_anonymous = true\nport = 0\n[local]\n"
                         "model = \"/nonexistent/model.gguf\"\n[privacy]\nner = false\n";
  CliRun r = Ptmo("serve --config " + path);
  std::filesystem::remove(path);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/model.gguf"), std::string::npos) << r.output;
}

// The soak (--soak-seconds) is a benchmark run by hand: under a loaded test machine a few of
// its streams can fail, which must not make the unit tests flaky.
TEST(BenchGatewayCli, MeasuresBothPaths) {
  CliRun r = Ptmo("bench-gateway --concurrency 1,4 --requests 8");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("GATEWAY p50"), std::string::npos);
}

TEST(BenchGatewayCli, RejectsABadConcurrencyList) {
  CliRun r = Ptmo("bench-gateway --concurrency 1,zero");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("'zero'"), std::string::npos) << r.output;
}

}  // namespace
