// Action ordering, features and privacy risk, profiles and the cost model, the k-NN quality
// estimate and the simulator's reward and budget accounting.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "policy/actions.h"
#include "policy/dataset.h"
#include "policy/features.h"
#include "policy/knn_quality.h"
#include "policy/profiles.h"
#include "policy/simulator.h"

namespace ptmo::policy {
namespace {

TEST(ActionSpace, EnumeratesSubsetsBySizeThenLexicographically) {
  ActionSpace s(3);
  ASSERT_EQ(s.num_actions(), 9);
  const std::vector<uint32_t> want = {0b000, 0b001, 0b010, 0b100, 0b011, 0b101, 0b110, 0b111};
  for (int a = 1; a < 9; ++a) EXPECT_EQ(s.SubsetMask(a), want[a - 1]) << a;
  EXPECT_EQ(s.SubsetMask(0), 0u);
  EXPECT_EQ(s.Name(0), "local");
  EXPECT_EQ(s.Name(1), "cloud");
  EXPECT_EQ(s.Name(6), "cloud+m0m2");
  for (int a = 1; a < 9; ++a) EXPECT_EQ(s.CloudActionFor(s.SubsetMask(a)), a);
}

TEST(ActionSpace, FourModalitiesKeepLexicographicOrderWithinASize) {
  ActionSpace s(4);
  ASSERT_EQ(s.num_actions(), 17);
  // Size 2 subsets: {0,1} {0,2} {0,3} {1,2} {1,3} {2,3} are actions 6..11.
  const std::vector<uint32_t> pairs = {0b0011, 0b0101, 0b1001, 0b0110, 0b1010, 0b1100};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(s.SubsetMask(6 + i), pairs[i]);
  EXPECT_EQ(s.SubsetMask(16), 0b1111u);
}

TEST(ActionSpace, FitsOnlyAvailableImages) {
  ActionSpace s(3);
  EXPECT_TRUE(s.Fits(1, 0));   // text only needs no image
  EXPECT_FALSE(s.Fits(2, 0));  // m0
  EXPECT_TRUE(s.Fits(5, 2));   // m0m1
  EXPECT_FALSE(s.Fits(6, 2));  // m0m2
}

Features SemiWithImages() {
  Features f;
  f.text_level = 1;
  f.text_score = 0.5f;
  f.num_images = 2;
  f.image_sensitivity[0] = 0.1f;
  f.image_sensitivity[1] = 0.4f;
  f.privacy_budget_eps = 1.0f;
  return f;
}

TEST(PrivacyRisk, MaskingReducesSemiTextAndImagesAdd) {
  ActionSpace s(2);
  PrivacyModel m;  // mask efficacy 0.7
  Features f = SemiWithImages();
  EXPECT_FLOAT_EQ(ActionRisk(f, 0, s, m), 0.f);
  EXPECT_NEAR(ActionRisk(f, 1, s, m), 0.15f, 1e-6);         // 0.5 * 0.3
  EXPECT_NEAR(ActionRisk(f, 4, s, m), 0.15f + 0.5f, 1e-6);  // both images
  f.text_level = 2;                                         // PRIVATE is not masked
  EXPECT_NEAR(ActionRisk(f, 1, s, m), 0.5f, 1e-6);
}

TEST(PrivacyRisk, GuardBlocksActionsAboveTheRemainingBudget) {
  ActionSpace s(2);
  PrivacyModel m;
  Features f = SemiWithImages();
  f.remaining_privacy_fraction = 0.3f;            // 0.3 left
  EXPECT_TRUE(ActionAllowed(f, 1, s, m, true));   // 0.15
  EXPECT_FALSE(ActionAllowed(f, 3, s, m, true));  // 0.55
  EXPECT_TRUE(ActionAllowed(f, 3, s, m, false));
  EXPECT_TRUE(ActionAllowed(f, 0, s, m, true));
  f.num_images = 1;
  EXPECT_FALSE(ActionAllowed(f, 3, s, m, false));  // needs image 1
}

TEST(Observation, EncodesWindowTasksAndUnknownTaskAsAverage) {
  ObsSpec spec;
  spec.num_modalities = 2;
  spec.num_tasks = 4;
  spec.history = 3;
  ActionSpace s(2);
  Features f = SemiWithImages();
  f.task_id = 2;
  f.prev_action = 3;  // cloud + m1
  f.num_past = 1;
  f.past[0] = {3, 1};
  std::vector<float> obs(spec.size());
  EncodeObservation(f, spec, s, obs.data());
  const int per = spec.per_step();
  const float* cur = obs.data() + 2 * per;  // last slot = current turn
  EXPECT_EQ(cur[0], 1.f);
  EXPECT_EQ(cur[2], 1.f);          // previous was cloud
  EXPECT_EQ(cur[3 + 1], 1.f);      // it uploaded m1
  EXPECT_EQ(cur[3 + 2 + 2], 1.f);  // task 2
  const float* prev = obs.data() + per;
  EXPECT_EQ(prev[0], 1.f);
  EXPECT_EQ(prev[1] + prev[2], 0.f);  // its previous action unknown
  EXPECT_EQ(prev[3 + 2 + 1], 1.f);    // task 1
  EXPECT_EQ(obs[0], 0.f);             // oldest slot absent
  f.task_id = kUnknownTask;
  EncodeObservation(f, spec, s, obs.data());
  for (int t = 0; t < 4; ++t) EXPECT_FLOAT_EQ(cur[3 + 2 + t], 0.25f);
}

TEST(CostModel, LocalTimeAndEnergyFollowFlopsAndPower) {
  const ProfileSet p = ProfileSet::Defaults();
  auto dev = p.FindDevice("jetson tx2");
  auto net = p.FindNetwork("WiFi");
  ASSERT_TRUE(dev.ok() && net.ok());
  auto c = CostModel::Make(*dev, *net, p.local_model(), 3);
  ASSERT_TRUE(c.ok());
  // 2 * 3.8e9 / 1024 FLOPs per token * 2048 tokens / 1.33e12 FLOPS.
  const double t = 2 * 3.8e9 / 1024 * 2048 / 1.33e12;
  EXPECT_NEAR(c->local_latency_s, t, 1e-12);
  EXPECT_NEAR(c->local_price_usd, 15 * t * 0.1668 / 3.6e6, 1e-15);
  EXPECT_DOUBLE_EQ(c->Latency(true, 2), 2.016);
  EXPECT_DOUBLE_EQ(c->Price(true, 3), 0.01368);
  EXPECT_DOUBLE_EQ(c->Latency(false, 0), c->local_latency_s);
}

TEST(CostModel, TooFewNetworkEntriesForTheModalitiesIsAnError) {
  const ProfileSet p = ProfileSet::Defaults();
  auto c =
      CostModel::Make(*p.FindDevice("Raspberry Pi-4B"), *p.FindNetwork("4G"), p.local_model(), 5);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("'4G'"), std::string::npos);
}

TEST(Profiles, DefaultsIncludeTmoDevicesAndJetsonOrinNano) {
  const ProfileSet p = ProfileSet::Defaults();
  for (const char* d :
       {"Raspberry Pi 4B", "Raspberry Pi 5", "Jetson Nano", "Jetson TX2", "Jetson Xavier NX",
        "Jetson Orin NX", "Jetson AGX Orin", "iPhone 15 Pro", "Jetson Orin Nano"}) {
    EXPECT_TRUE(p.FindDevice(d).ok()) << d;
  }
  for (const char* n : {"Wired", "WiFi", "5G", "4G"}) EXPECT_TRUE(p.FindNetwork(n).ok()) << n;
  auto missing = p.FindDevice("Pentium");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("Jetson Orin Nano"), std::string::npos);
}

TEST(Profiles, ShippedFileMatchesTheEmbeddedDefaults) {
  ProfileSet from_file;
  ASSERT_TRUE(from_file.AddFile(std::string(PTMO_SOURCE_DIR) + "/data/policy/profiles.json").ok());
  EXPECT_EQ(from_file.ToJson(), ProfileSet::Defaults().ToJson());
}

TEST(Profiles, UserFileAddsAndOverridesAndBadEntriesNameTheField) {
  ProfileSet p = ProfileSet::Defaults();
  ASSERT_TRUE(p.AddJson(R"({"devices": [{"name": "My Board", "peak_gflops": 5,
                                           "max_power_w": 3},
                                          {"name": "jetson-tx2", "peak_gflops": 2000,
                                           "max_power_w": 15}]})",
                        "user.json")
                  .ok());
  EXPECT_DOUBLE_EQ(p.FindDevice("my board")->peak_gflops, 5);
  EXPECT_DOUBLE_EQ(p.FindDevice("Jetson TX2")->peak_gflops, 2000);
  Status bad = p.AddJson(R"({"networks": [{"name": "Sat", "latency_s": [1, 2]}]})", "user.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("networks[0] ('Sat'): missing field 'price_usd'"), std::string::npos)
      << bad.message();
}

// A dataset with one task and one modality where the logged quality depends on the action.
Dataset TinyDataset() {
  Dataset d;
  d.num_modalities = 1;
  d.tasks = {"t"};
  for (int e = 0; e < 4; ++e) {
    Episode ep;
    for (int t = 0; t < 2; ++t) {
      Interaction in;
      in.action = (e + t) % 2;
      in.uploaded = in.action == 1 && e >= 2 ? 1u : 0u;
      in.score = in.action == 0 ? 0.5f : (in.uploaded ? 2.0f : 1.0f);
      in.text_level = 2;
      in.text_score = 0.8f;
      in.image_sensitivity = {0.3f};
      ep.turns.push_back(in);
      ep.association.push_back({0.2f});
    }
    d.episodes.push_back(ep);
  }
  return d;
}

TEST(KnnQuality, ExactMatchGivesMeanAndFarKeysBlendByInverseDistance) {
  Dataset d = TinyDataset();
  KnnQuality knn(d, {0, 1, 2, 3}, /*history=*/1, /*k=*/2);
  KnnQuality::Slot first;
  first.present = true;
  first.task = 0;  // first turn: no previous action
  std::vector<float> key(knn.key_size());
  // Turn 0 local (episodes 0 and 2) was logged with 0.5 twice: exact match.
  knn.MakeKey(&first, false, 0, key.data());
  EXPECT_NEAR(knn.Estimate(key.data()), 0.5f, 1e-4);
  // A key between two logged keys at distances 1 and 2 blends 2:1.
  Dataset d2;
  d2.num_modalities = 1;
  d2.tasks = {"t"};
  for (float s : {0.f, 3.f}) {
    Episode ep;
    Interaction in;
    in.task_id = 0;
    in.score = s;
    ep.turns.push_back(in);
    ep.association.push_back({0.f});
    d2.episodes.push_back(ep);
  }
  // Both logged keys are the same (local first turn of task 0): merged into their mean.
  KnnQuality k2(d2, {0, 1}, 1, 2);
  EXPECT_EQ(k2.size(), 1u);
  k2.MakeKey(&first, false, 0, key.data());
  EXPECT_NEAR(k2.Estimate(key.data()), 1.5f, 1e-4);
  // Different tasks make two keys at distance 2 from each other.
  d2.tasks = {"a", "b", "c"};
  d2.episodes[1].turns[0].task_id = 2;
  KnnQuality k3(d2, {0, 1}, 1, 2);
  KnnQuality::Slot mid = first;
  mid.task = 1;  // distance 1 to task 0 and 1 to task 2: equal blend
  k3.MakeKey(&mid, false, 0, key.data());
  EXPECT_NEAR(k3.Estimate(key.data()), 1.5f, 1e-4);
  KnnQuality::Slot near0 = first;
  near0.task = 0;
  k3.MakeKey(&near0, false, 0, key.data());
  EXPECT_NEAR(k3.Estimate(key.data()), 0.f, 1e-3);  // exact match dominates
}

TEST(Simulator, ChargesBudgetsAndZeroesRewardWhenPrivacyIsOverspent) {
  Dataset d = TinyDataset();
  KnnQuality knn(d, {0, 1, 2, 3}, 2, 3);
  const ProfileSet p = ProfileSet::Defaults();
  auto costs = CostModel::Make(*p.FindDevice("Jetson Orin Nano"), *p.FindNetwork("WiFi"),
                               p.local_model(), 1);
  ASSERT_TRUE(costs.ok());
  EnvConfig env;
  env.history = 2;
  Simulator sim(d, knn, *costs, env);
  sim.Reset(0, /*eps=*/1.0);
  EXPECT_FLOAT_EQ(sim.features().remaining_privacy_fraction, 1.f);
  const StepOutcome a = sim.Step(2);  // cloud + m0: risk 0.8 + 0.3 = 1.1 > 1.0
  EXPECT_NEAR(a.risk, 1.1, 1e-6);
  EXPECT_TRUE(a.over_privacy);
  EXPECT_EQ(a.reward, 0.0);
  EXPECT_NEAR(a.c_privacy, 1.1, 1e-6);
  EXPECT_DOUBLE_EQ(a.latency_s, costs->cloud_latency_s[1]);
  EXPECT_EQ(sim.features().prev_action, 2);
  EXPECT_FLOAT_EQ(sim.features().remaining_privacy_fraction, 0.f);
  const StepOutcome b = sim.Step(0);
  EXPECT_TRUE(b.done);
  EXPECT_EQ(b.risk, 0.0);
  EXPECT_TRUE(b.over_privacy);  // the episode stays over budget
  sim.Reset(1, 2.0);
  const StepOutcome c = sim.Step(0);
  EXPECT_FALSE(c.over_privacy);
  EXPECT_GT(c.reward, 0.0);
  EXPECT_NEAR(c.reward, c.quality, 1e-6);  // local: no association, minimal latency/cost
}

}  // namespace
}  // namespace ptmo::policy
