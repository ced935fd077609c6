// `ptmo serve`, `ptmo hash-key` and `ptmo bench-gateway` as a user runs them.
#include <gtest/gtest.h>

#include <string>

#include "cli/cli_runner.h"

namespace ptmo::testing {
namespace {

TEST(HashKeyCli, PrintsTheSha256OfTheKey) {
  CliResult r = RunPtmo("hash-key abc");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
}

TEST(ServeCli, MissingConfigFileIsNamed) {
  CliResult r = RunPtmo("serve --config /nonexistent/edge.toml");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/edge.toml"), std::string::npos) << r.err;
}

TEST(ServeCli, BadConfigKeyIsNamed) {
  ScratchDir dir("ptmo_serve_cli");
  WriteWholeFile(dir.File("edge.toml"), "[server]\nprot = 8080\n[local]\nmodel = \"m.gguf\"\n");
  CliResult r = RunPtmoArgs({"serve", "--config", dir.File("edge.toml")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("server.prot: unknown key"), std::string::npos) << r.err;
}

TEST(ServeCli, MissingModelIsNamed) {
  ScratchDir dir("ptmo_serve_cli");
  WriteWholeFile(dir.File("edge.toml"),
                 "[server]\nallow_anonymous = true\nport = 0\n[local]\n"
                 "model = \"/nonexistent/model.gguf\"\n[privacy]\nner = false\n");
  CliResult r = RunPtmoArgs({"serve", "--config", dir.File("edge.toml")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("/nonexistent/model.gguf"), std::string::npos) << r.err;
}

// The soak (--soak-seconds) is a benchmark run by hand: under a loaded test machine a few of
// its streams can fail, which must not make the unit tests flaky.
TEST(BenchGatewayCli, MeasuresBothPaths) {
  CliResult r = RunPtmo("bench-gateway --concurrency 1,4 --requests 8");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("GATEWAY p50"), std::string::npos) << r.out;
}

TEST(BenchGatewayCli, RejectsABadConcurrencyList) {
  CliResult r = RunPtmo("bench-gateway --concurrency 1,zero");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("'zero'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ptmo::testing
