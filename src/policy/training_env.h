// Internal to the trainers: the simulator plus episode/budget sampling and observation
// encoding, and the masked-softmax helpers the actor-critic trainers share.
#pragma once

#include <vector>

#include "policy/features.h"
#include "policy/rng.h"
#include "policy/simulator.h"
#include "policy/trainer.h"

namespace ptmo::policy::internal {

class TrainingEnv {
 public:
  TrainingEnv(const Dataset& data, const std::vector<int>& episodes, const KnnQuality& knn,
              const CostModel& costs, const EnvConfig& env, const TrainConfig& config,
              const ObsSpec& spec, Rng* rng);

  // Starts a random episode with a random eps; writes the first observation.
  void Reset();
  // Observation and allowed-action mask of the current turn.
  void Observe(float* obs, bool* allowed) const;
  StepOutcome Step(int action) { return sim_.Step(action); }
  int num_actions() const { return sim_.space().num_actions(); }

 private:
  Simulator sim_;
  const std::vector<int>& episodes_;
  const TrainConfig& config_;
  ObsSpec spec_;
  Rng* rng_;
};

// Running per-episode spend shares for the dual update.
struct SpendTracker {
  std::array<double, 3> current{}, sum{};
  long finished = 0;
  void Add(const StepOutcome& o);
  // Applies dual ascent with the mean spend of finished episodes (if any) and resets.
  void DualUpdate(const TrainConfig& c, double step_scale, std::array<double, 3>* lambdas,
                  TrainResult* result);
};

ObsSpec MakeObsSpec(const Dataset& data, const EnvConfig& env);

}  // namespace ptmo::policy::internal
