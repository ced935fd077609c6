// Where a request is answered, and the interface of whatever decides it.
//
// The gateway asks a RoutePolicy for a route, then enforces rules no policy may override:
// a failed analysis, an exhausted privacy budget or no reachable cloud means LOCAL, and a
// PRIVATE text never goes to the cloud whole (CLOUD becomes HYBRID: private parts stay here).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"
#include "util/status.h"

namespace ptmo::offload {

enum class Route {
  kLocal,   // answered by the on-device model; nothing leaves the device
  kCloud,   // the whole conversation, pseudonymized, answered by a cloud model
  kHybrid,  // PRIVATE parts answered locally, the rest pseudonymized and sent to the cloud
};
std::string_view RouteName(Route route);  // "local", "cloud", "hybrid"
std::optional<Route> ParseRoute(std::string_view name);

// What a policy may look at: computed on the device from the live analysis and the ledger.
struct RouteContext {
  privacy::Level level = privacy::Level::kPublic;
  double score = 0.0;                      // the privacy guard's score in [0, 1]
  double budget_remaining_fraction = 1.0;  // privacy budget left in this window, in [0, 1]
  int previous_route = -1;  // this user's last route: 0 local, 1 cloud, 2 hybrid; -1 none yet
  int images = 0;           // image parts in the request
  // The image guard's score in [0, 1] of each image, in request order (size == images).
  std::vector<double> image_scores;
};

struct RouteDecision {
  Route route = Route::kLocal;
  std::string reason;  // one line for the audit log and the response's privacy object
  // For a cloud route, which images the policy chose to upload (bit i = image i); the image
  // gate still withholds what it must. nullopt: every image the gate lets through.
  std::optional<uint32_t> image_mask;
};

class RoutePolicy {
 public:
  virtual ~RoutePolicy() = default;
  virtual std::string name() const = 0;
  virtual std::string version() const = 0;
  // Must be thread-safe and fast (called once per request on the request's thread).
  virtual RouteDecision Decide(const RouteContext& context) const = 0;
};

// The baseline: a fixed route per sensitivity level (default PUBLIC -> cloud,
// SEMI_SENSITIVE -> hybrid, PRIVATE -> local).
struct ThresholdRoutes {
  Route for_public = Route::kCloud;
  Route for_semi_sensitive = Route::kHybrid;
  Route for_private = Route::kLocal;
};
std::unique_ptr<RoutePolicy> MakeThresholdPolicy(ThresholdRoutes routes = {});

}  // namespace ptmo::offload
