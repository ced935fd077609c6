// A trained offloading policy (src/policy/, `ptmo policy train`) behind the gateway's
// RoutePolicy interface, so `[gateway] policy = "learned"` switches the live route decision
// from the threshold baseline to the learned one.
//
// Features come from the live request only (computed on the device): the text's level and
// score, the remaining privacy-budget fraction, the previous route of this user, and the
// number of images. Action 0 -> local; any cloud action -> cloud (the gateway masks every
// detected span before upload, and turns cloud into hybrid for PRIVATE text).
#pragma once

#include <memory>
#include <string>

#include "offload/route_policy.h"
#include "policy/policy.h"
#include "util/status.h"

namespace ptmo::offload {

// Loads a policy file written by `ptmo policy train` (errors name the file).
Expected<std::unique_ptr<RoutePolicy>> LoadLearnedRoutePolicy(const std::string& path);

// Wraps an already loaded policy (tests, baselines).
std::unique_ptr<RoutePolicy> MakeLearnedRoutePolicy(std::shared_ptr<const policy::Policy> p);

}  // namespace ptmo::offload
