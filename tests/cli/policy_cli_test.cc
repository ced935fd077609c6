// Runs `ptmo policy gen-data|train|eval` as a user would: files written, tables printed,
// one-line errors naming the input.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/cli_runner.h"

namespace {

using Result = ptmo::testing::CliResult;
using ptmo::testing::ReadWholeFile;

class PolicyCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/ptmo_policy_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  static std::string File(const std::string& name) { return *dir_ + "/" + name; }

  static Result Run(const std::string& args) { return ptmo::testing::RunPtmo(args); }

  // A small generated dataset (once per test program).
  static std::string Data() {
    const std::string path = File("data.json");
    if (!std::filesystem::exists(path)) {
      Result r = Run("policy gen-data --episodes 120 --seed 3 --out " + path);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return path;
  }

  static std::string* dir_;
};
std::string* PolicyCliTest::dir_ = nullptr;

TEST_F(PolicyCliTest, GenDataIsDeterministicFromTheSeed) {
  const std::string a = File("a.json"), b = File("b.json");
  ASSERT_EQ(Run("policy gen-data --episodes 20 --seed 9 --out " + a).exit_code, 0);
  ASSERT_EQ(Run("policy gen-data --episodes 20 --seed 9 --out " + b).exit_code, 0);
  EXPECT_EQ(ReadWholeFile(a), ReadWholeFile(b));
  EXPECT_NE(ReadWholeFile(a).find("\"association_score\""), std::string::npos);
}

TEST_F(PolicyCliTest, TrainPrintsATablePerBudgetAndWritesReportAndPlots) {
  const std::string out = File("report");
  Result r = Run("policy train --data " + Data() +
                 " --device 'Jetson Orin Nano' --network WiFi --budget-eps 0.3,1.0 --seeds 2 "
                 "--steps 1500 --algos ppo,dqn --hidden 16 --out " +
                 out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Privacy budget eps = 0.3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Privacy budget eps = 1"), std::string::npos);
  for (const char* p :
       {"local", "cloud-text", "cloud-all", "random", "threshold", "cascade", "ppo", "dqn"}) {
    EXPECT_NE(r.out.find(p), std::string::npos) << p;
  }
  EXPECT_NE(r.out.find("check eps=0.3 ppo"), std::string::npos);
  EXPECT_NE(r.err.find("policy: training"), std::string::npos) << "progress lines off a TTY";
  const std::string csv = ReadWholeFile(out + "/report.csv");
  EXPECT_EQ(csv.rfind("eps,policy,seeds,reward_mean", 0), 0u);
  EXPECT_NE(csv.find("share_cloud+m0m1m2"), std::string::npos);
  EXPECT_NE(ReadWholeFile(out + "/reward.svg").find("<svg"), std::string::npos);
  EXPECT_NE(ReadWholeFile(out + "/pareto.svg").find("<polyline"), std::string::npos);
  ASSERT_TRUE(std::filesystem::exists(out + "/ppo-seed1.policy"));
  ASSERT_TRUE(std::filesystem::exists(out + "/ppo-seed2.policy"));

  // The saved policies evaluate on another dataset.
  const std::string other = File("other.json");
  ASSERT_EQ(Run("policy gen-data --episodes 40 --seed 4 --out " + other).exit_code, 0);
  Result e = Run("policy eval --data " + other + " --budget-eps 0.5 --policy " + out +
                 "/ppo-seed1.policy --policy " + out + "/ppo-seed2.policy --out " + File("eval"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("mean±sd over 2 seeds"), std::string::npos) << e.out;
  EXPECT_TRUE(std::filesystem::exists(File("eval") + "/report.csv"));
}

TEST_F(PolicyCliTest, BadInputsGiveOneLineErrorsNamingTheProblem) {
  Result r = Run("policy train --data " + Data() + " --budget-eps 0.5,0 --steps 10");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--budget-eps"), std::string::npos) << r.err;
  r = Run("policy train --data " + Data() + " --device 'Pentium II' --steps 10");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown device 'Pentium II'"), std::string::npos) << r.err;
  const std::string bad = File("bad.json");
  std::ofstream(bad) << R"([{"interactions": [{"task_cat": "Query", "action": 0,
      "image_index": null, "answer": "ok"}], "association_score": [[0.1, 0.2, 0.3]]}])";
  r = Run("policy train --data " + bad + " --steps 10");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("episode 0 (id 0), interaction 0: missing field 'score'"), std::string::npos)
      << r.err;
  std::ofstream(File("corrupt.policy")) << "{\"format\": \"ptmo-policy\", \"version\": 1";
  r = Run("policy eval --data " + Data() + " --policy " + File("corrupt.policy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("corrupt.policy"), std::string::npos) << r.err;
}

TEST_F(PolicyCliTest, GenDataMeasuresAFolderOfImages) {
  const std::string images = File("images");
  Result made = Run("gen-image-data --out " + images + " --per-kind 1 --mp1 0");
  ASSERT_EQ(made.exit_code, 0) << made.err << made.out;
  const std::string out = File("measured.json");
  Result r =
      Run("policy gen-data --episodes 6 --modalities 2 --images " + images + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("measured images"), std::string::npos) << r.err;
  const std::string data = ReadWholeFile(out);
  EXPECT_NE(data.find("\"images\""), std::string::npos);
  EXPECT_NE(data.find(".png"), std::string::npos);
}

TEST_F(PolicyCliTest, GenDataImagesFolderErrorsNameTheFolder) {
  Result missing = Run("policy gen-data --images /nonexistent-dir --out " + File("x.json"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent-dir"), std::string::npos) << missing.err;
  const std::string empty = File("empty-images");
  std::filesystem::create_directories(empty);
  Result none = Run("policy gen-data --images " + empty + " --out " + File("y.json"));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no .png"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(File("x.json")));
  EXPECT_FALSE(std::filesystem::exists(File("y.json")));
  // A corrupt image is named, and nothing is written.
  const std::string bad = File("bad-images");
  std::filesystem::create_directories(bad);
  std::ofstream(bad + "/broken.png") << "\x89PNG\r\n\x1a\nnot really";
  Result broken = Run("policy gen-data --images " + bad + " --out " + File("z.json"));
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken.png"), std::string::npos) << broken.err;
  EXPECT_FALSE(std::filesystem::exists(File("z.json")));
}

}  // namespace
