// A trained policy: an MLP from the observation (features.h) to one score per action (PPO/A2C
// logits or DQN Q-values); Decide takes the best allowed action.
//
// File format (JSON, "format": "ptmo-policy", "version": 1):
//   {"format", "version", "name", "algorithm", "guard",
//    "obs": {"modalities", "tasks", "history", "mask_efficacy"}, "task_names": [..],
//    "layers": [in, hidden..., out], "params": [floats], "params_fnv1a": "16 hex digits",
//    "training": {free-form metadata}}
// The checksum is FNV-1a 64 over the parameters' float32 little-endian bytes, so a flipped
// digit is reported as corruption rather than silently changing decisions.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "policy/features.h"
#include "policy/mlp.h"
#include "policy/policy.h"

namespace ptmo::policy {

inline constexpr int kPolicyFileVersion = 1;

class LearnedPolicy : public Policy {
 public:
  // `net` maps spec.size() inputs to ActionSpace(spec.num_modalities).num_actions() outputs.
  // `guard`: never choose a cloud action whose privacy risk exceeds the remaining budget.
  LearnedPolicy(std::string name, std::string algorithm, ObsSpec spec,
                std::vector<std::string> tasks, Mlp net, bool guard);

  std::string name() const override { return name_; }
  int version() const override { return kPolicyFileVersion; }
  int Decide(const Features& f) const override;
  int num_modalities() const override { return spec_.num_modalities; }
  const std::vector<std::string>& tasks() const override { return tasks_; }

  const std::string& algorithm() const { return algorithm_; }
  const ObsSpec& spec() const { return spec_; }
  const Mlp& net() const { return net_; }
  bool guard() const { return guard_; }
  void set_guard(bool guard) { guard_ = guard; }
  void set_name(std::string name) { name_ = std::move(name); }
  // Metadata stored in the file's "training" object.
  nlohmann::json& training_info() { return training_; }
  const nlohmann::json& training_info() const { return training_; }

 private:
  std::string name_, algorithm_;
  ObsSpec spec_;
  std::vector<std::string> tasks_;
  Mlp net_;
  bool guard_;
  ActionSpace space_;
  nlohmann::json training_ = nlohmann::json::object();
};

// FNV-1a 64 of the parameters (see above).
uint64_t ParamsChecksum(const Eigen::VectorXf& params);

// Writes `policy` to `path` atomically.
Status SaveLearnedPolicy(const LearnedPolicy& policy, const std::string& path);
// Reads a policy file (see LoadPolicyFile in policy.h for the errors).
Expected<std::unique_ptr<LearnedPolicy>> LoadLearnedPolicy(const std::string& path);
// The same from text; `source` names it in errors.
Expected<std::unique_ptr<LearnedPolicy>> ParseLearnedPolicy(const std::string& text,
                                                            const std::string& source);

}  // namespace ptmo::policy
