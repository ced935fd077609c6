// Evaluation of a policy on simulator episodes, and the train/test split.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"
#include "policy/simulator.h"

namespace ptmo::policy {

struct PolicyMetrics {
  double reward = 0;                 // mean per turn
  double quality = 0;                // mean k-NN quality per turn
  double latency_s = 0;              // mean per episode
  double cost_usd = 0;               // mean per episode
  double privacy_risk = 0;           // mean per episode
  double violation_privacy = 0;      // share of episodes that overspent eps
  double violation_any = 0;          // share that overspent any budget
  std::vector<double> action_share;  // share of turns per action
  long episodes = 0, turns = 0;
};

// Plays `policy` on each of `episodes` (indices into the simulator's dataset) with privacy
// budget `eps`. Drafting policies get the simulator's LocalConfidence. The policy must have
// the dataset's number of modalities.
PolicyMetrics EvaluatePolicy(const Policy& policy, Simulator& sim, const std::vector<int>& episodes,
                             double eps);

struct Split {
  std::vector<int> train, test;
};
// Shuffles 0..n-1 with `seed` and puts round(test_share * n) (at least 1 when n >= 2 and
// test_share > 0) in test.
Split SplitEpisodes(int n, double test_share, uint64_t seed);

}  // namespace ptmo::policy
