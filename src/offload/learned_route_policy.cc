#include "offload/learned_route_policy.h"

#include <algorithm>

#include "policy/actions.h"

namespace ptmo::offload {
namespace {

class LearnedRoutePolicy : public RoutePolicy {
 public:
  explicit LearnedRoutePolicy(std::shared_ptr<const policy::Policy> p)
      : policy_(std::move(p)), space_(policy_->num_modalities()) {}

  std::string name() const override { return policy_->name(); }
  std::string version() const override { return std::to_string(policy_->version()); }

  RouteDecision Decide(const RouteContext& c) const override {
    policy::Features f;
    f.text_level = static_cast<int>(c.level);
    f.text_score = static_cast<float>(c.score);
    f.num_images = std::min(c.images, policy_->num_modalities());
    // Images beyond the policy's modalities are never offered (features.h).
    for (int i = 0; i < f.num_images && i < static_cast<int>(c.image_scores.size()); ++i) {
      f.image_sensitivity[i] = static_cast<float>(std::clamp(c.image_scores[i], 0.0, 1.0));
    }
    f.remaining_privacy_fraction = static_cast<float>(c.budget_remaining_fraction);
    f.prev_action = c.previous_route < 0 ? -1 : (c.previous_route == 0 ? 0 : 1);
    int action = policy_->Decide(f);
    Route route = action == 0 ? Route::kLocal : Route::kCloud;
    RouteDecision d;
    d.route = route;
    d.reason = "policy " + name() + " v" + version() + " chose action " + std::to_string(action) +
               " (" + space_.Name(action) + ")";
    if (route == Route::kCloud) d.image_mask = space_.SubsetMask(action);
    return d;
  }

 private:
  std::shared_ptr<const policy::Policy> policy_;
  policy::ActionSpace space_;
};

}  // namespace

Expected<std::unique_ptr<RoutePolicy>> LoadLearnedRoutePolicy(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<policy::Policy> p, policy::LoadPolicyFile(path));
  return MakeLearnedRoutePolicy(std::shared_ptr<const policy::Policy>(std::move(p)));
}

std::unique_ptr<RoutePolicy> MakeLearnedRoutePolicy(std::shared_ptr<const policy::Policy> p) {
  return std::make_unique<LearnedRoutePolicy>(std::move(p));
}

}  // namespace ptmo::offload
