// Response quality of (state, action) pairs the log never saw: TMO's k-nearest-neighbour
// estimate. This is a simulator, not a measurement: quality is interpolated from logged
// answers of similar dialogue states.
//
// A state-action key is TMO's vector: for each of the Z window turns (oldest first)
// [previous action (-1 none, 0 local, 1 cloud), modalities the previous action uploaded (M),
// task id], absent turns all -1; then the action as [cloud, uploaded modalities (M)].
// Estimate = sum_j w_j q_j / sum_j w_j over the k nearest logged keys (Euclidean), with
// w_j = 1 / (d_j + 1e-6). Identical logged keys are first merged into their mean score (TMO's
// kd-tree would pick k of the duplicates arbitrarily), so an exact match returns the mean of
// all logged answers for that key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/dataset.h"

namespace ptmo::policy {

class KnnQuality {
 public:
  // One window turn: the turn's own previous action and upload mask, and its task.
  struct Slot {
    int prev_action = -1;  // -1 none, 0 local, 1 cloud
    uint32_t prev_upload = 0;
    int task = -1;
    bool present = false;
  };

  // Indexes the logged turns of `episodes` (indices into data.episodes) with window Z;
  // k is clamped to [1, 16].
  KnnQuality(const Dataset& data, const std::vector<int>& episodes, int history, int k);

  int key_size() const { return dim_; }
  // Writes the key of (window, action) to `out` (key_size() floats). `window` has Z slots,
  // oldest first.
  void MakeKey(const Slot* window, bool cloud, uint32_t upload, float* out) const;
  // The estimate for a key. Thread-safe.
  float Estimate(const float* key) const;
  // Number of distinct logged keys.
  size_t size() const { return scores_.size(); }
  // The largest logged score (for confidence scaling).
  float max_score() const { return max_score_; }

 private:
  int m_, z_, k_, dim_;
  std::vector<float> keys_;    // size() x dim_
  std::vector<float> scores_;  // mean score per distinct key
  float max_score_ = 1.f;
};

}  // namespace ptmo::policy
