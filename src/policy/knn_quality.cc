#include "policy/knn_quality.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ptmo::policy {

KnnQuality::KnnQuality(const Dataset& data, const std::vector<int>& episodes, int history, int k)
    : m_(data.num_modalities),
      z_(history),
      k_(std::clamp(k, 1, 16)),
      dim_(history * (data.num_modalities + 2) + 1 + data.num_modalities) {
  std::map<std::vector<float>, std::pair<double, int>> merged;  // key -> (sum, count)
  std::vector<Slot> window(static_cast<size_t>(z_));
  std::vector<float> key(static_cast<size_t>(dim_));
  max_score_ = 0.f;
  for (int e : episodes) {
    const Episode& ep = data.episodes[static_cast<size_t>(e)];
    for (size_t t = 0; t < ep.turns.size(); ++t) {
      // Window slot j (0 = oldest) holds turn t - (Z-1) + j.
      for (int j = 0; j < z_; ++j) {
        const long turn = static_cast<long>(t) - (z_ - 1) + j;
        Slot s;
        if (turn >= 0) {
          s.present = true;
          s.task = ep.turns[static_cast<size_t>(turn)].task_id;
          if (turn >= 1) {
            const Interaction& p = ep.turns[static_cast<size_t>(turn - 1)];
            s.prev_action = p.action;
            s.prev_upload = p.uploaded;
          }
        }
        window[static_cast<size_t>(j)] = s;
      }
      const Interaction& cur = ep.turns[t];
      MakeKey(window.data(), cur.action == 1, cur.uploaded, key.data());
      auto& acc = merged[key];
      acc.first += cur.score;
      acc.second += 1;
      max_score_ = std::max(max_score_, cur.score);
    }
  }
  for (const auto& [kv, acc] : merged) {
    keys_.insert(keys_.end(), kv.begin(), kv.end());
    scores_.push_back(static_cast<float>(acc.first / acc.second));
  }
  if (max_score_ <= 0.f) max_score_ = 1.f;
}

void KnnQuality::MakeKey(const Slot* window, bool cloud, uint32_t upload, float* out) const {
  float* p = out;
  for (int j = 0; j < z_; ++j) {
    const Slot& s = window[j];
    if (!s.present) {
      for (int i = 0; i < m_ + 2; ++i) *p++ = -1.f;
      continue;
    }
    *p++ = static_cast<float>(s.prev_action);
    for (int i = 0; i < m_; ++i)
      *p++ = (s.prev_action == 1 && (s.prev_upload >> i) & 1u) ? 1.f : 0.f;
    *p++ = static_cast<float>(s.task);
  }
  *p++ = cloud ? 1.f : 0.f;
  for (int i = 0; i < m_; ++i) *p++ = cloud && ((upload >> i) & 1u) ? 1.f : 0.f;
}

float KnnQuality::Estimate(const float* key) const {
  const size_t n = scores_.size();
  if (n == 0) return 0.f;
  const int k = static_cast<int>(std::min<size_t>(static_cast<size_t>(k_), n));
  // Keep the k smallest squared distances (k is small: insertion into a sorted array).
  float best_d[16];
  int best_i[16];
  int have = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* x = keys_.data() + i * static_cast<size_t>(dim_);
    float d = 0.f;
    for (int j = 0; j < dim_; ++j) {
      const float diff = x[j] - key[j];
      d += diff * diff;
    }
    if (have == k && d >= best_d[k - 1]) continue;
    int pos = have < k ? have++ : k - 1;
    while (pos > 0 && best_d[pos - 1] > d) {
      best_d[pos] = best_d[pos - 1];
      best_i[pos] = best_i[pos - 1];
      --pos;
    }
    best_d[pos] = d;
    best_i[pos] = static_cast<int>(i);
  }
  double num = 0, den = 0;
  for (int j = 0; j < have; ++j) {
    const double w = 1.0 / (std::sqrt(static_cast<double>(best_d[j])) + 1e-6);
    num += w * scores_[static_cast<size_t>(best_i[j])];
    den += w;
  }
  return static_cast<float>(num / den);
}

}  // namespace ptmo::policy
