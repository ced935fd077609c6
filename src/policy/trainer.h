// Training of the learned policies on the simulator: PPO and A2C (actor-critic) and DQN, each
// with Lagrange multipliers for the latency, money and privacy budgets (TMO's resource-
// constrained RL, extended with privacy).
//
// Constrained objective: maximize E[sum r] subject to E[sum c_k] <= target_k for
// k in {latency, cost, privacy}, where c_k is a turn's spend as a share of the episode budget
// (simulator.h). Lagrangian relaxation: the policy maximizes E[sum r - sum_k lambda_k c_k]
// and, after each rollout, dual ascent moves each multiplier
//     lambda_k <- clamp(lambda_k + lambda_lr * (J_k - target_k), 0, lambda_max)
// with J_k the mean per-episode spend share of the episodes that rollout finished: a violated
// budget raises its multiplier, slack lowers it.
//
// Training samples an episode of the training split and a privacy budget eps uniformly from
// [eps_min, eps_max] per episode, so one policy serves every budget (eps is an input).
// Deterministic: the same data, config and seed give bit-identical policies (single-threaded
// Eigen, the module's own Rng).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policy/dataset.h"
#include "policy/knn_quality.h"
#include "policy/learned_policy.h"
#include "policy/profiles.h"
#include "policy/simulator.h"

namespace ptmo::policy {

struct TrainConfig {
  std::string algorithm = "ppo";  // "ppo", "a2c" or "dqn"
  long steps = 100000;            // environment steps
  uint64_t seed = 1;
  int hidden = 64;  // two hidden layers of this width
  double eps_min = 0.2, eps_max = 1.2;
  bool guard = true;  // mask actions whose privacy risk exceeds the remaining budget
  // Lagrangian (dual ascent); targets are per-episode spend shares of each budget.
  double lambda_lr = 0.1;
  double lambda_max = 50;
  std::array<double, 3> targets = {1.0, 1.0, 1.0};  // latency, cost, privacy
  // PPO / A2C.
  int rollout = 2048;
  int epochs = 8;
  int minibatch = 256;
  double lr = 3e-4;
  double gamma = 0.99, gae_lambda = 0.95;
  double clip = 0.2;  // <= 0: no clipping (A2C)
  double entropy = 0.01;
  double value_coef = 0.5;
  // DQN.
  int buffer = 50000, batch = 64, train_every = 4, target_every = 1000, learning_starts = 1000;
  double explore_fraction = 0.3, explore_final = 0.05;
  // Called with the number of steps done, about every 1% of training (from the training
  // thread).
  std::function<void(long)> progress;
};

// Defaults for an algorithm (A2C: short rollouts, one full-batch epoch, no clipping).
TrainConfig DefaultTrainConfig(const std::string& algorithm);

struct TrainResult {
  std::unique_ptr<LearnedPolicy> policy;
  std::vector<std::array<double, 3>> lambdas;  // multipliers after each dual update
  std::vector<std::array<double, 3>> spends;   // J_k seen by each dual update
  long steps = 0, episodes = 0;
  double seconds = 0;
};

// Trains on `train_episodes` (indices into data.episodes). kInvalidArgument for an unknown
// algorithm or settings out of range, naming the setting.
Expected<TrainResult> TrainPolicy(const Dataset& data, const std::vector<int>& train_episodes,
                                  const KnnQuality& knn, const CostModel& costs,
                                  const EnvConfig& env, const TrainConfig& config);

}  // namespace ptmo::policy
