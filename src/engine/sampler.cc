#include "engine/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace ptmo::engine {

namespace {

bool Higher(const auto& a, const auto& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace

Sampler::Sampler(SamplerOptions options) : options_(std::move(options)), rng_(options_.seed) {
  window_.assign(static_cast<size_t>(std::max(options_.repeat_last_n, 0)), 0);
}

void Sampler::Reset() {
  rng_.seed(options_.seed);
  window_next_ = 0;
  window_size_ = 0;
}

void Sampler::Accept(int32_t token) {
  if (window_.empty()) return;
  window_[window_next_] = token;
  window_next_ = (window_next_ + 1) % window_.size();
  window_size_ = std::min(window_size_ + 1, window_.size());
}

bool Sampler::IsStop(int32_t token) const {
  return std::find(options_.stop_tokens.begin(), options_.stop_tokens.end(), token) !=
         options_.stop_tokens.end();
}

double Sampler::Uniform() {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

int32_t Sampler::Sample(std::span<const float> logits) {
  assert(!logits.empty());
  candidates_.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    candidates_[i] = {static_cast<int32_t>(i), logits[i]};
  }
  sorted_ = false;
  ApplyRepetitionPenalty();

  if (options_.temperature <= 0.0f) {  // greedy
    return std::min_element(candidates_.begin(), candidates_.end(),
                            [](const Candidate& a, const Candidate& b) { return Higher(a, b); })
        ->id;
  }
  if (options_.top_k > 0 && static_cast<size_t>(options_.top_k) < candidates_.size()) {
    KeepTopK(static_cast<size_t>(options_.top_k));
  }
  if (options_.top_p < 1.0f) KeepTopP(options_.top_p);
  if (options_.min_p > 0.0f) KeepMinP(options_.min_p);
  return Draw(options_.temperature);
}

// Candidates are still indexed by id here (candidates_[id].id == id).
void Sampler::ApplyRepetitionPenalty() {
  if (options_.repeat_penalty == 1.0f || window_size_ == 0) return;
  if (penalized_.size() < candidates_.size()) penalized_.resize(candidates_.size(), 0);
  const float penalty = options_.repeat_penalty;
  for (size_t i = 0; i < window_size_; ++i) {
    const int32_t id = window_[i];
    if (id < 0 || static_cast<size_t>(id) >= candidates_.size() || penalized_[id]) continue;
    penalized_[id] = 1;
    float& logit = candidates_[static_cast<size_t>(id)].logit;
    logit = logit <= 0.0f ? logit * penalty : logit / penalty;
  }
  for (size_t i = 0; i < window_size_; ++i) {
    const int32_t id = window_[i];
    if (id >= 0 && static_cast<size_t>(id) < penalized_.size()) penalized_[id] = 0;
  }
}

void Sampler::KeepTopK(size_t k) {
  std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<ptrdiff_t>(k),
                    candidates_.end(),
                    [](const Candidate& a, const Candidate& b) { return Higher(a, b); });
  candidates_.resize(k);
  sorted_ = true;
}

void Sampler::SortDescending() {
  if (sorted_) return;
  std::sort(candidates_.begin(), candidates_.end(),
            [](const Candidate& a, const Candidate& b) { return Higher(a, b); });
  sorted_ = true;
}

// Softmax of the (sorted) candidates at temperature 1, then the shortest prefix reaching p.
void Sampler::KeepTopP(float p) {
  SortDescending();
  const float max = candidates_.front().logit;
  double total = 0.0;
  probs_.resize(candidates_.size());
  for (size_t i = 0; i < candidates_.size(); ++i) {
    probs_[i] = std::exp(candidates_[i].logit - max);
    total += probs_[i];
  }
  double cumulative = 0.0;
  size_t keep = candidates_.size();
  for (size_t i = 0; i < candidates_.size(); ++i) {
    cumulative += probs_[i] / total;
    if (cumulative >= p) {
      keep = i + 1;
      break;
    }
  }
  candidates_.resize(keep);
}

// p_i >= min_p * p_max  <=>  logit_i >= max_logit + log(min_p).
void Sampler::KeepMinP(float p) {
  SortDescending();
  const float threshold = candidates_.front().logit + std::log(p);
  size_t keep = 1;
  while (keep < candidates_.size() && candidates_[keep].logit >= threshold) ++keep;
  candidates_.resize(keep);
}

int32_t Sampler::Draw(float temperature) {
  float max = candidates_.front().logit;
  for (const Candidate& c : candidates_) max = std::max(max, c.logit);
  probs_.resize(candidates_.size());
  double total = 0.0;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    probs_[i] = std::exp((candidates_[i].logit - max) / temperature);
    total += probs_[i];
  }
  const double target = Uniform() * total;
  double cumulative = 0.0;
  for (size_t i = 0; i < candidates_.size(); ++i) {
    cumulative += probs_[i];
    if (target < cumulative) return candidates_[i].id;
  }
  return candidates_.back().id;  // rounding left target at the very top
}

}  // namespace ptmo::engine
