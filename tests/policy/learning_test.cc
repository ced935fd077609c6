// The MLP and Adam, training determinism, the Lagrange multipliers, policy files, baselines,
// and that a trained PPO beats Random.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "policy/dataset.h"
#include "policy/dataset_gen.h"
#include "policy/evaluate.h"
#include "policy/experiment.h"
#include "policy/learned_policy.h"
#include "policy/mlp.h"
#include "policy/policy.h"
#include "policy/trainer.h"

namespace ptmo::policy {
namespace {

TEST(Mlp, BackwardMatchesFiniteDifferences) {
  Rng rng(3);
  Mlp net({4, 5, 3}, rng);
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(4, 2);
  Eigen::MatrixXf y;
  Mlp::Cache cache;
  net.Forward(x, &y, &cache);
  // Loss = sum(y * w) for fixed weights w, so dL/dy = w.
  Eigen::MatrixXf w = Eigen::MatrixXf::Random(3, 2);
  Eigen::VectorXf grad = Eigen::VectorXf::Zero(net.params().size());
  net.Backward(cache, w, &grad);
  for (Eigen::Index i = 0; i < net.params().size(); i += 3) {
    const float keep = net.params()[i];
    auto loss = [&](float v) {
      net.params()[i] = v;
      Eigen::MatrixXf yy;
      Mlp::Cache c;
      net.Forward(x, &yy, &c);
      return (yy.array() * w.array()).sum();
    };
    const float h = 1e-2f;
    const float numeric = (loss(keep + h) - loss(keep - h)) / (2 * h);
    net.params()[i] = keep;
    EXPECT_NEAR(grad[i], numeric, 2e-2f) << "param " << i;
  }
}

TEST(Mlp, ForwardOneEqualsBatchForward) {
  Rng rng(5);
  Mlp net({6, 8, 8, 4}, rng);
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(6, 1);
  Eigen::MatrixXf y;
  Mlp::Cache cache;
  net.Forward(x, &y, &cache);
  float out[4];
  net.ForwardOne(x.data(), out);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out[i], y(i, 0), 1e-5f);
}

TEST(Adam, MinimizesAQuadratic) {
  Eigen::VectorXf p = Eigen::VectorXf::Constant(3, 5.f);
  Adam opt(3, 0.1f);
  for (int i = 0; i < 500; ++i) opt.Step(p, 2 * p, 0);
  EXPECT_LT(p.norm(), 0.05f);
}

// A small generated problem shared by the training tests.
struct Problem {
  Dataset data;
  Split split;
  std::unique_ptr<KnnQuality> knn;
  CostModel costs;
  EnvConfig env;
};

const Problem& SmallProblem() {
  static const Problem* p = [] {
    auto* pr = new Problem;
    GenConfig g;
    g.episodes = 200;
    g.seed = 11;
    auto text = GenerateDataset(g);
    pr->data = *ParseDataset(*text, "gen");
    pr->split = SplitEpisodes(static_cast<int>(pr->data.episodes.size()), 0.25, 11);
    pr->env.history = 3;
    pr->knn = std::make_unique<KnnQuality>(pr->data, pr->split.train, pr->env.history, 5);
    const ProfileSet prof = ProfileSet::Defaults();
    pr->costs = *CostModel::Make(*prof.FindDevice("Jetson Orin Nano"), *prof.FindNetwork("WiFi"),
                                 prof.local_model(), pr->data.num_modalities);
    return pr;
  }();
  return *p;
}

TrainConfig TinyPpo(long steps) {
  TrainConfig c = DefaultTrainConfig("ppo");
  c.steps = steps;
  c.rollout = 512;
  c.epochs = 4;
  c.minibatch = 128;
  c.hidden = 32;
  c.lr = 1e-3;
  c.eps_min = 0.3;
  c.eps_max = 1.0;
  return c;
}

Expected<TrainResult> Train(const TrainConfig& c) {
  const Problem& p = SmallProblem();
  return TrainPolicy(p.data, p.split.train, *p.knn, p.costs, p.env, c);
}

TEST(Training, SameSeedGivesIdenticalPoliciesForEveryAlgorithm) {
  for (const char* algo : {"ppo", "a2c", "dqn"}) {
    TrainConfig c = algo == std::string("ppo") ? TinyPpo(1024) : DefaultTrainConfig(algo);
    c.steps = 1500;
    c.hidden = 16;
    c.learning_starts = 200;
    auto a = Train(c), b = Train(c);
    ASSERT_TRUE(a.ok() && b.ok()) << algo;
    EXPECT_TRUE(a->policy->net().params() == b->policy->net().params()) << algo;
    c.seed = 2;
    auto d = Train(c);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(a->policy->net().params() == d->policy->net().params()) << algo;
  }
}

TEST(Training, UnknownAlgorithmAndBadSettingsAreErrors) {
  TrainConfig c = TinyPpo(100);
  c.algorithm = "sarsa";
  auto r = Train(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'sarsa'"), std::string::npos);
  c = TinyPpo(100);
  c.eps_min = 0;
  EXPECT_FALSE(Train(c).ok());
}

TEST(Lagrangian, MultiplierRisesWhileItsConstraintIsViolated) {
  // Without the guard and with a target far below what a fresh policy spends, the privacy
  // multiplier must climb; the latency one (target far above any spend) must stay at 0.
  TrainConfig c = TinyPpo(4096);
  c.guard = false;
  c.targets = {100.0, 100.0, 0.05};
  auto r = Train(c);
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->lambdas.size(), 4u);
  EXPECT_GT(r->spends.front()[2], 0.05);
  for (size_t i = 1; i < r->lambdas.size(); ++i) {
    if (r->spends[i][2] > 0.05) {
      EXPECT_GT(r->lambdas[i][2], r->lambdas[i - 1][2]) << i;
    }
  }
  EXPECT_GT(r->lambdas.back()[2], 0.0);
  EXPECT_EQ(r->lambdas.back()[0], 0.0);
}

TEST(Lagrangian, MultiplierFallsBackToZeroWhenTheConstraintHasSlack) {
  TrainConfig c = TinyPpo(4096);
  c.targets = {100.0, 100.0, 100.0};
  auto r = Train(c);
  ASSERT_TRUE(r.ok());
  for (const auto& l : r->lambdas) EXPECT_EQ(l[2], 0.0);
}

TEST(Training, PpoBeatsRandomOnHeldOutEpisodes) {
  const Problem& p = SmallProblem();
  auto r = Train(TinyPpo(12000));
  ASSERT_TRUE(r.ok());
  BaselineOptions o;
  o.num_modalities = p.data.num_modalities;
  auto random = MakeRandomPolicy(o);
  Simulator sim(p.data, *p.knn, p.costs, p.env);
  for (double eps : {0.3, 1.0}) {
    const PolicyMetrics ppo = EvaluatePolicy(*r->policy, sim, p.split.test, eps);
    const PolicyMetrics rnd = EvaluatePolicy(*random, sim, p.split.test, eps);
    EXPECT_GT(ppo.reward, rnd.reward + 0.1) << "eps " << eps;
    EXPECT_EQ(ppo.violation_privacy, 0.0) << "the guard keeps within the budget";
  }
}

class PolicyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("ptmo_policy_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& n) const { return (dir_ / n).string(); }
  std::filesystem::path dir_;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(PolicyFileTest, SaveLoadRoundTripKeepsEveryDecision) {
  auto r = Train(TinyPpo(1024));
  ASSERT_TRUE(r.ok());
  const std::string path = Path("p.policy");
  ASSERT_TRUE(SaveLearnedPolicy(*r->policy, path).ok());
  auto loaded = LoadPolicyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->name(), "ppo");
  EXPECT_EQ((*loaded)->version(), 1);
  EXPECT_EQ((*loaded)->tasks(), SmallProblem().data.tasks);
  const Problem& p = SmallProblem();
  Simulator sim(p.data, *p.knn, p.costs, p.env);
  int checked = 0;
  for (int e : p.split.test) {
    sim.Reset(e, 0.5);
    while (!sim.done()) {
      const int a = r->policy->Decide(sim.features());
      EXPECT_EQ((*loaded)->Decide(sim.features()), a);
      sim.Step(a);
      ++checked;
    }
  }
  EXPECT_GT(checked, 50);
  auto again = LoadLearnedPolicy(path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->net().params() == r->policy->net().params());
}

TEST_F(PolicyFileTest, CorruptOrForeignFilesGiveClearErrors) {
  auto r = Train(TinyPpo(512));
  ASSERT_TRUE(r.ok());
  const std::string good = Path("good.policy");
  ASSERT_TRUE(SaveLearnedPolicy(*r->policy, good).ok());
  const std::string text = ReadText(good);

  auto expect = [&](const std::string& content, StatusCode code, const std::string& part) {
    const std::string path = Path("bad.policy");
    std::ofstream(path) << content;
    auto p = LoadPolicyFile(path);
    ASSERT_FALSE(p.ok()) << part;
    EXPECT_EQ(p.status().code(), code) << p.status().ToString();
    EXPECT_NE(p.status().message().find(part), std::string::npos) << p.status().ToString();
    EXPECT_NE(p.status().message().find("bad.policy"), std::string::npos);
  };
  expect(text.substr(0, text.size() / 2), StatusCode::kInvalidArgument, "truncated");
  expect("{\"format\": \"gguf\"}", StatusCode::kInvalidArgument, "not a policy file");
  std::string newer = text;
  newer.replace(newer.find("\"version\":1"), 11, "\"version\":9");
  expect(newer, StatusCode::kInvalidArgument, "version 9 is not supported");
  // Change one parameter digit: the checksum catches it.
  std::string flipped = text;
  const size_t params = flipped.find("\"params\":[");
  size_t digit = flipped.find_first_of("123456789", params + 12);
  flipped[digit] = flipped[digit] == '9' ? '8' : static_cast<char>(flipped[digit] + 1);
  expect(flipped, StatusCode::kDataLoss, "checksum");
  std::string missing = text;
  missing.replace(missing.find("\"layers\""), 8, "\"layerz\"");
  expect(missing, StatusCode::kInvalidArgument, "missing field 'layers'");
  EXPECT_EQ(LoadPolicyFile(Path("absent.policy")).status().code(), StatusCode::kNotFound);
}

// Decision latency is measured by bench/policy_bench.cc, not here: unit tests are not timed.
TEST(LearnedPolicy, DecisionIsSafeFromManyThreads) {
  auto r = Train(TinyPpo(512));
  ASSERT_TRUE(r.ok());
  // A production-sized network (64 wide) for the timing.
  Rng rng(1);
  const ObsSpec spec = r->policy->spec();
  LearnedPolicy big("ppo", "ppo-lagrangian", spec, SmallProblem().data.tasks,
                    Mlp({spec.size(), 64, 64, 9}, rng, 0.1f), true);
  Features f;
  f.text_level = 1;
  f.text_score = 0.4f;
  f.task_id = 1;
  f.num_images = 3;
  f.image_sensitivity = {0.1f, 0.2f, 0.3f};
  const int expected = big.Decide(f);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(big.Decide(f), expected);  // deterministic
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (big.Decide(f) != expected) ++mismatches;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Baselines, FollowTheirRules) {
  BaselineOptions o;
  o.num_modalities = 3;
  Features f;
  f.num_images = 3;
  f.image_sensitivity = {0.1f, 0.5f, 0.2f};
  EXPECT_EQ(MakeLocalPolicy(o)->Decide(f), 0);
  EXPECT_EQ(MakeCloudPolicy(o, false)->Decide(f), 1);
  EXPECT_EQ(MakeCloudPolicy(o, true)->Decide(f), 8);
  f.num_images = 1;
  EXPECT_EQ(MakeCloudPolicy(o, true)->Decide(f), 2);  // only m0 is there
  f.num_images = 3;
  auto threshold = MakeThresholdPolicy(o);
  EXPECT_EQ(threshold->Decide(f), 6);  // PUBLIC: cloud with m0, m2 (below 0.3)
  f.text_level = 1;
  EXPECT_EQ(threshold->Decide(f), 0);  // SEMI stays local
  auto cascade = MakeCascadePolicy(o);
  EXPECT_TRUE(cascade->DraftsLocally());
  f.text_level = 0;
  EXPECT_EQ(cascade->Decide(f), 0);  // no draft yet
  f.local_confidence = 0.9f;
  EXPECT_EQ(cascade->Decide(f), 0);  // confident draft
  f.local_confidence = 0.1f;
  EXPECT_EQ(cascade->Decide(f), 6);
  f.remaining_privacy_fraction = 0.15f;  // 0.15 left: only m0 (0.1) fits besides the text
  EXPECT_EQ(cascade->Decide(f), 2);
  f.text_level = 2;
  EXPECT_EQ(cascade->Decide(f), 0);  // PRIVATE never escalates
  auto random = MakeRandomPolicy(o);
  f.num_images = 0;
  for (int i = 0; i < 50; ++i) EXPECT_LE(random->Decide(f), 1);  // no images: local or text
}

TEST(Experiment, BadBudgetNamesTheValue) {
  const Problem& p = SmallProblem();
  ExperimentConfig c;
  c.budgets = {0.5, 0.0};
  auto r = RunExperiment(p.data, p.costs, p.env, c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("--budget-eps"), std::string::npos);
  EXPECT_NE(r.status().message().find("must be > 0"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::policy
