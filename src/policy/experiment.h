// The `ptmo policy train|eval` protocol: for each seed, split the episodes, fit the k-NN
// simulator on the training split, train the learned policies (train mode) or load them (eval
// mode), and evaluate them and the baselines at every privacy budget on the held-out episodes.
// Seeds run in parallel threads; results do not depend on the thread count.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/policy.h"
#include "policy/profiles.h"
#include "policy/simulator.h"
#include "policy/trainer.h"

namespace ptmo::policy {

struct ExperimentConfig {
  std::vector<double> budgets = {0.3, 0.5, 0.7, 1.0};  // privacy eps per episode
  int seeds = 3;
  uint64_t base_seed = 1;
  double test_share = 0.2;
  std::vector<std::string> algorithms = {"ppo", "a2c", "dqn"};
  long steps = 100000;  // training steps per learned policy
  bool guard = true;
  int hidden = 64;
  BaselineOptions baseline;
  int threads = 2;
  // Train mode: when set, trained policies are saved as <save_dir>/<algo>-seed<seed>.policy.
  std::string save_dir;
  // Eval mode (non-empty): evaluate these policy files instead of training; file i plays the
  // role of seed i and every episode is held out (use a dataset the policies never saw).
  std::vector<std::string> policy_files;
  // Called from worker threads with (steps done, total steps) across all trainings.
  std::function<void(long, long)> progress;
};

struct ResultRow {
  std::string policy;
  double eps = 0;
  int seed = 0;
  PolicyMetrics metrics;
};

struct ExperimentResult {
  std::vector<std::string> policies;      // in table order
  std::vector<std::string> action_names;  // ActionSpace names
  std::vector<ResultRow> rows;            // one per (seed, eps, policy)
  long train_steps = 0;
  double train_seconds = 0;  // summed over trainings (CPU-thread seconds)
  std::vector<std::string> saved_files;
  std::vector<std::string> notes;  // e.g. final Lagrange multipliers per training
};

// Errors: invalid budgets (<= 0, naming the value), unreadable or mismatched policy files,
// training errors.
Expected<ExperimentResult> RunExperiment(const Dataset& data, const CostModel& costs,
                                         const EnvConfig& env, const ExperimentConfig& config);

// Mean and sample standard deviation (0 for one value) of a metric over seeds.
struct Summary {
  double mean = 0, sd = 0;
};
Summary Summarize(const std::vector<double>& values);

}  // namespace ptmo::policy
