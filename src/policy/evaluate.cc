#include "policy/evaluate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "policy/rng.h"

namespace ptmo::policy {

PolicyMetrics EvaluatePolicy(const Policy& policy, Simulator& sim, const std::vector<int>& episodes,
                             double eps) {
  PolicyMetrics m;
  const int na = sim.space().num_actions();
  std::vector<long> counts(static_cast<size_t>(na), 0);
  double reward = 0, quality = 0;
  for (int e : episodes) {
    sim.Reset(e, eps);
    bool over_p = false, over_any = false;
    while (!sim.done()) {
      int a;
      bool drafted = false;
      if (policy.DraftsLocally()) {
        Features f = sim.features();
        f.local_confidence = sim.LocalConfidence();
        a = policy.Decide(f);
        drafted = true;
      } else {
        a = policy.Decide(sim.features());
      }
      const StepOutcome o = sim.Step(a, drafted);
      reward += o.reward;
      quality += o.quality;
      m.latency_s += o.latency_s;
      m.cost_usd += o.cost_usd;
      m.privacy_risk += o.risk;
      over_p = over_p || o.over_privacy;
      over_any = over_any || o.over_privacy || o.over_latency || o.over_cost;
      ++counts[static_cast<size_t>(a)];
      ++m.turns;
    }
    m.violation_privacy += over_p;
    m.violation_any += over_any;
    ++m.episodes;
  }
  if (m.episodes > 0) {
    const double ne = static_cast<double>(m.episodes);
    m.latency_s /= ne;
    m.cost_usd /= ne;
    m.privacy_risk /= ne;
    m.violation_privacy /= ne;
    m.violation_any /= ne;
  }
  if (m.turns > 0) {
    m.reward = reward / static_cast<double>(m.turns);
    m.quality = quality / static_cast<double>(m.turns);
  }
  for (long c : counts) {
    m.action_share.push_back(m.turns > 0 ? static_cast<double>(c) / m.turns : 0.0);
  }
  return m;
}

Split SplitEpisodes(int n, double test_share, uint64_t seed) {
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed ^ 0x5EED5A1177ULL);
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.UniformInt(i + 1)]);
  int test = static_cast<int>(std::lround(test_share * n));
  if (test_share > 0 && n >= 2) test = std::max(test, 1);
  test = std::min(test, n - 1);
  Split s;
  s.test.assign(order.begin(), order.begin() + std::max(test, 0));
  s.train.assign(order.begin() + std::max(test, 0), order.end());
  std::sort(s.test.begin(), s.test.end());
  std::sort(s.train.begin(), s.train.end());
  return s;
}

}  // namespace ptmo::policy
