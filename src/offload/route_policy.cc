#include "offload/route_policy.h"

namespace ptmo::offload {

std::string_view RouteName(Route route) {
  switch (route) {
    case Route::kLocal: return "local";
    case Route::kCloud: return "cloud";
    case Route::kHybrid: return "hybrid";
  }
  return "local";
}

std::optional<Route> ParseRoute(std::string_view name) {
  if (name == "local") return Route::kLocal;
  if (name == "cloud") return Route::kCloud;
  if (name == "hybrid") return Route::kHybrid;
  return std::nullopt;
}

namespace {

class ThresholdPolicy : public RoutePolicy {
 public:
  explicit ThresholdPolicy(ThresholdRoutes routes) : routes_(routes) {}
  std::string name() const override { return "threshold"; }
  std::string version() const override { return "1"; }

  RouteDecision Decide(const RouteContext& context) const override {
    Route route = routes_.for_public;
    if (context.level == privacy::Level::kSemiSensitive) route = routes_.for_semi_sensitive;
    if (context.level == privacy::Level::kPrivate) route = routes_.for_private;
    RouteDecision d;
    d.route = route;
    d.reason = std::string(privacy::LevelName(context.level)) + " -> " +
               std::string(RouteName(route)) + " (threshold policy)";
    return d;
  }

 private:
  ThresholdRoutes routes_;
};

}  // namespace

std::unique_ptr<RoutePolicy> MakeThresholdPolicy(ThresholdRoutes routes) {
  return std::make_unique<ThresholdPolicy>(routes);
}

}  // namespace ptmo::offload
