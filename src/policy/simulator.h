// The offline TMO-style environment: replays a logged episode's turns (tasks, sensitivities,
// association scores) and lets a policy choose each turn's action; quality comes from the k-NN
// simulator, latency and money from the cost model, privacy risk from the PrivacyModel.
//
// Reward of a turn (TMO):
//   r = w_quality * quality + w_assoc * norm_assoc(action)
//       - w_latency * norm_latency(action) - w_cost * norm_cost(action)
// where norm_* are min-max normalized over the actions of this turn (association: 0 for local
// and text-only cloud, else the sum of the uploaded modalities' association scores), and r = 0
// for a turn after which any budget (latency, money, privacy epsilon) is overspent, as in TMO's
// resource-constrained setting. Such an episode counts as violating that budget.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "policy/actions.h"
#include "policy/dataset.h"
#include "policy/features.h"
#include "policy/knn_quality.h"
#include "policy/profiles.h"

namespace ptmo::policy {

struct EnvConfig {
  int history = 5;  // Z
  int knn_k = 5;
  double w_quality = 1.0, w_assoc = 1.0 / 3, w_latency = 1.0 / 3, w_cost = 1.0 / 3;
  double latency_budget_s = 30.0;  // per episode (TMO's default)
  double cost_budget_usd = 0.05;   // per episode (TMO's default)
  PrivacyModel privacy;
};

struct StepOutcome {
  double reward = 0, quality = 0, latency_s = 0, cost_usd = 0, risk = 0;
  // Constraint costs for the Lagrangian: spend of this turn as a share of each budget.
  double c_latency = 0, c_cost = 0, c_privacy = 0;
  bool over_latency = false, over_cost = false, over_privacy = false;  // after this turn
  bool done = false;
};

// Not thread-safe (keeps the episode state and a per-instance quality cache); use one per
// thread. `data`, `knn` and `costs` must outlive it.
class Simulator {
 public:
  Simulator(const Dataset& data, const KnnQuality& knn, const CostModel& costs,
            const EnvConfig& config);

  // Starts episode `episode` (index into data.episodes) with privacy budget `eps` > 0.
  void Reset(int episode, double eps);
  bool done() const { return turn_ >= num_turns_; }
  // The current turn's features (valid while !done()).
  const Features& features() const { return features_; }
  // k-NN estimate of the local answer's quality scaled to [0,1] (the simulator's stand-in for
  // a drafting policy's confidence in its local draft).
  float LocalConfidence();
  // Plays `action` on the current turn. `drafted_locally`: a local draft was computed first
  // (Cascade), so its latency and energy are paid too when the action goes to the cloud.
  StepOutcome Step(int action, bool drafted_locally = false);

  const ActionSpace& space() const { return space_; }
  const EnvConfig& config() const { return config_; }
  // k-NN quality estimate of `action` on the current turn.
  float Quality(int action);

 private:
  void FillFeatures();

  const Dataset& data_;
  const KnnQuality& knn_;
  const CostModel& costs_;
  EnvConfig config_;
  ActionSpace space_;
  std::vector<double> norm_latency_, norm_cost_;  // [0] local, [1 + k] cloud with k uploads
  const Episode* ep_ = nullptr;
  int turn_ = 0, num_turns_ = 0;
  double eps_ = 1, spent_latency_ = 0, spent_cost_ = 0, spent_risk_ = 0;
  std::vector<int> actions_;  // this episode's chosen actions so far
  Features features_;
  std::vector<float> key_;
  std::unordered_map<std::string, float> cache_;
};

}  // namespace ptmo::policy
