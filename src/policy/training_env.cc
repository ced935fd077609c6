#include "policy/training_env.h"

#include <algorithm>

namespace ptmo::policy::internal {

TrainingEnv::TrainingEnv(const Dataset& data, const std::vector<int>& episodes,
                         const KnnQuality& knn, const CostModel& costs, const EnvConfig& env,
                         const TrainConfig& config, const ObsSpec& spec, Rng* rng)
    : sim_(data, knn, costs, env), episodes_(episodes), config_(config), spec_(spec), rng_(rng) {}

void TrainingEnv::Reset() {
  const int e =
      episodes_[static_cast<size_t>(rng_->UniformInt(static_cast<int>(episodes_.size())))];
  sim_.Reset(e, rng_->Uniform(config_.eps_min, config_.eps_max));
}

void TrainingEnv::Observe(float* obs, bool* allowed) const {
  const Features& f = sim_.features();
  EncodeObservation(f, spec_, sim_.space(), obs);
  for (int a = 0; a < sim_.space().num_actions(); ++a) {
    allowed[a] = ActionAllowed(f, a, sim_.space(), spec_.privacy, config_.guard);
  }
}

void SpendTracker::Add(const StepOutcome& o) {
  current[0] += o.c_latency;
  current[1] += o.c_cost;
  current[2] += o.c_privacy;
  if (o.done) {
    for (int k = 0; k < 3; ++k) sum[k] += current[k];
    current = {};
    ++finished;
  }
}

void SpendTracker::DualUpdate(const TrainConfig& c, double step_scale,
                              std::array<double, 3>* lambdas, TrainResult* result) {
  if (finished == 0) return;
  std::array<double, 3> j{};
  for (int k = 0; k < 3; ++k) {
    j[k] = sum[k] / static_cast<double>(finished);
    (*lambdas)[k] = std::clamp((*lambdas)[k] + c.lambda_lr * step_scale * (j[k] - c.targets[k]),
                               0.0, c.lambda_max);
  }
  result->spends.push_back(j);
  result->lambdas.push_back(*lambdas);
  sum = {};
  finished = 0;
}

ObsSpec MakeObsSpec(const Dataset& data, const EnvConfig& env) {
  ObsSpec s;
  s.num_modalities = data.num_modalities;
  s.num_tasks = std::max<int>(1, static_cast<int>(data.tasks.size()));
  s.history = env.history;
  s.privacy = env.privacy;
  return s;
}

}  // namespace ptmo::policy::internal
