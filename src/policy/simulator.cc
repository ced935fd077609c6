#include "policy/simulator.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace ptmo::policy {
namespace {

std::vector<double> MinMax(std::vector<double> v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double a = *lo, b = *hi;
  for (double& x : v) x = b > a ? (x - a) / (b - a) : 0.0;
  return v;
}

}  // namespace

Simulator::Simulator(const Dataset& data, const KnnQuality& knn, const CostModel& costs,
                     const EnvConfig& config)
    : data_(data), knn_(knn), costs_(costs), config_(config), space_(data.num_modalities) {
  std::vector<double> lat = {costs.local_latency_s}, price = {costs.local_price_usd};
  for (int k = 0; k <= data.num_modalities; ++k) {
    lat.push_back(costs.cloud_latency_s[static_cast<size_t>(k)]);
    price.push_back(costs.cloud_price_usd[static_cast<size_t>(k)]);
  }
  norm_latency_ = MinMax(lat);
  norm_cost_ = MinMax(price);
  key_.resize(static_cast<size_t>(knn.key_size()));
}

void Simulator::Reset(int episode, double eps) {
  assert(eps > 0);
  ep_ = &data_.episodes[static_cast<size_t>(episode)];
  turn_ = 0;
  num_turns_ = static_cast<int>(ep_->turns.size());
  eps_ = eps;
  spent_latency_ = spent_cost_ = spent_risk_ = 0;
  actions_.clear();
  FillFeatures();
}

void Simulator::FillFeatures() {
  if (done()) return;
  const Interaction& in = ep_->turns[static_cast<size_t>(turn_)];
  Features f;
  f.text_level = in.text_level;
  f.text_score = in.text_score;
  f.task_id = in.task_id;
  f.prev_action = actions_.empty() ? -1 : actions_.back();
  f.num_images = std::min(data_.num_modalities, kMaxImages);
  for (int i = 0; i < f.num_images; ++i) f.image_sensitivity[i] = in.image_sensitivity[i];
  f.privacy_budget_eps = static_cast<float>(eps_);
  f.remaining_privacy_fraction = static_cast<float>(std::max(0.0, 1.0 - spent_risk_ / eps_));
  f.remaining_latency_fraction =
      static_cast<float>(1.0 - spent_latency_ / config_.latency_budget_s);
  f.remaining_cost_fraction = static_cast<float>(1.0 - spent_cost_ / config_.cost_budget_usd);
  f.num_past = std::min(turn_, kMaxHistory);
  for (int j = 0; j < f.num_past; ++j) {
    const int t = turn_ - 1 - j;
    f.past[j] = {actions_[static_cast<size_t>(t)], ep_->turns[static_cast<size_t>(t)].task_id};
  }
  features_ = f;
}

float Simulator::Quality(int action) {
  const int z = config_.history;
  KnnQuality::Slot window[kMaxHistory];
  for (int j = 0; j < z; ++j) {
    const int turn = turn_ - (z - 1) + j;
    KnnQuality::Slot s;
    if (turn >= 0) {
      s.present = true;
      s.task = ep_->turns[static_cast<size_t>(turn)].task_id;
      if (turn >= 1) {
        const int a = actions_[static_cast<size_t>(turn - 1)];
        s.prev_action = a == 0 ? 0 : 1;
        s.prev_upload = space_.SubsetMask(a);
      }
    }
    window[j] = s;
  }
  knn_.MakeKey(window, action != 0, space_.SubsetMask(action), key_.data());
  std::string k(reinterpret_cast<const char*>(key_.data()), key_.size() * sizeof(float));
  auto it = cache_.find(k);
  if (it != cache_.end()) return it->second;
  const float q = knn_.Estimate(key_.data());
  cache_.emplace(std::move(k), q);
  return q;
}

float Simulator::LocalConfidence() {
  return std::clamp(Quality(0) / knn_.max_score(), 0.f, 1.f);
}

StepOutcome Simulator::Step(int action, bool drafted_locally) {
  assert(!done() && action >= 0 && action < space_.num_actions());
  StepOutcome o;
  o.quality = Quality(action);
  const bool cloud = action != 0;
  const int k = space_.SubsetSize(action);
  const size_t ci = cloud ? static_cast<size_t>(1 + k) : 0;
  o.latency_s = costs_.Latency(cloud, k);
  o.cost_usd = costs_.Price(cloud, k);
  double pen_lat = norm_latency_[ci], pen_cost = norm_cost_[ci];
  if (cloud && drafted_locally) {
    o.latency_s += costs_.local_latency_s;
    o.cost_usd += costs_.local_price_usd;
    pen_lat += norm_latency_[0];
    pen_cost += norm_cost_[0];
  }
  o.risk = ActionRisk(features_, action, space_, config_.privacy);
  // Association: 0 for local and text-only, else the sum over uploaded modalities; min-max
  // normalized over this turn's actions.
  const std::vector<float>& assoc = ep_->association[static_cast<size_t>(turn_)];
  double lo = 0, hi = 0, mine = 0;
  for (int a = 0; a < space_.num_actions(); ++a) {
    double s = 0;
    const uint32_t mask = space_.SubsetMask(a);
    for (int i = 0; i < space_.num_modalities(); ++i)
      if (mask & (1u << i)) s += assoc[static_cast<size_t>(i)];
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    if (a == action) mine = s;
  }
  const double norm_assoc = hi > lo ? (mine - lo) / (hi - lo) : 0.0;
  o.reward = config_.w_quality * o.quality + config_.w_assoc * norm_assoc -
             config_.w_latency * pen_lat - config_.w_cost * pen_cost;

  spent_latency_ += o.latency_s;
  spent_cost_ += o.cost_usd;
  spent_risk_ += o.risk;
  o.c_latency = o.latency_s / config_.latency_budget_s;
  o.c_cost = o.cost_usd / config_.cost_budget_usd;
  o.c_privacy = o.risk / eps_;
  o.over_latency = spent_latency_ > config_.latency_budget_s * (1 + 1e-9);
  o.over_cost = spent_cost_ > config_.cost_budget_usd * (1 + 1e-9);
  o.over_privacy = spent_risk_ > eps_ + 1e-6;
  if (o.over_latency || o.over_cost || o.over_privacy) o.reward = 0;

  actions_.push_back(action);
  ++turn_;
  o.done = done();
  FillFeatures();
  return o;
}

}  // namespace ptmo::policy
