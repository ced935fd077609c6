#include "policy/trainer.h"

#include "policy/training_env.h"

namespace ptmo::policy {
namespace internal {
Expected<TrainResult> TrainActorCritic(const Dataset& data, const std::vector<int>& episodes,
                                       const KnnQuality& knn, const CostModel& costs,
                                       const EnvConfig& env, const TrainConfig& config);
Expected<TrainResult> TrainDqn(const Dataset& data, const std::vector<int>& episodes,
                               const KnnQuality& knn, const CostModel& costs, const EnvConfig& env,
                               const TrainConfig& config);
}  // namespace internal

TrainConfig DefaultTrainConfig(const std::string& algorithm) {
  TrainConfig c;
  c.algorithm = algorithm;
  if (algorithm == "a2c") {
    c.rollout = 64;
    c.epochs = 1;
    c.minibatch = 64;
    c.lr = 7e-4;
    c.clip = 0;
    c.gae_lambda = 1.0;
  } else if (algorithm == "dqn") {
    c.lr = 5e-4;
  }
  return c;
}

Expected<TrainResult> TrainPolicy(const Dataset& data, const std::vector<int>& train_episodes,
                                  const KnnQuality& knn, const CostModel& costs,
                                  const EnvConfig& env, const TrainConfig& c) {
  if (train_episodes.empty()) return InvalidArgument("training needs at least one episode");
  if (c.steps < 1) return InvalidArgument("--steps must be positive");
  if (!(c.eps_min > 0) || c.eps_max < c.eps_min) {
    return InvalidArgument("training privacy budgets need 0 < eps_min <= eps_max");
  }
  if (c.hidden < 1 || c.hidden > kMaxLayerWidth) return InvalidArgument("--hidden out of range");
  if (env.history < 1 || env.history > kMaxHistory) {
    return InvalidArgument("--history must be in [1, " + std::to_string(kMaxHistory) + "]");
  }
  if (internal::MakeObsSpec(data, env).size() > kMaxLayerWidth) {
    return InvalidArgument("too many tasks for the observation (max width " +
                           std::to_string(kMaxLayerWidth) + ")");
  }
  if (c.algorithm == "ppo" || c.algorithm == "a2c") {
    if (c.rollout < 1 || c.epochs < 1 || c.minibatch < 1) {
      return InvalidArgument("rollout, epochs and minibatch must be positive");
    }
    return internal::TrainActorCritic(data, train_episodes, knn, costs, env, c);
  }
  if (c.algorithm == "dqn") {
    if (c.buffer < c.batch || c.batch < 1 || c.train_every < 1 || c.target_every < 1) {
      return InvalidArgument("DQN needs buffer >= batch >= 1 and positive intervals");
    }
    return internal::TrainDqn(data, train_episodes, knn, costs, env, c);
  }
  return InvalidArgument("unknown algorithm '" + c.algorithm + "' (known: ppo, a2c, dqn)");
}

}  // namespace ptmo::policy
