// The action space shared by the simulator, the learned policies and the live gateway.
//
// With M uploadable modalities there are 1 + 2^M actions:
//   0       run on the local model, nothing leaves the device;
//   1 + i   run on the cloud model, uploading the i-th modality subset, where subsets are
//           enumerated by size first and then lexicographically by modality index.
// For M = 3 this is TMO's layout: 1 text only, 2 {m0}, 3 {m1}, 4 {m2}, 5 {m0,m1}, 6 {m0,m2},
// 7 {m1,m2}, 8 {m0,m1,m2}. Subsets are bit masks (bit i = modality i).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptmo::policy {

// The most modalities a policy can handle (2^M + 1 actions stay small for the MLP heads).
inline constexpr int kMaxModalities = 6;
inline constexpr int kMaxActions = 1 + (1 << kMaxModalities);

class ActionSpace {
 public:
  // `num_modalities` in [0, kMaxModalities]; asserts otherwise (callers validate input first).
  explicit ActionSpace(int num_modalities);

  int num_modalities() const { return num_modalities_; }
  int num_actions() const { return static_cast<int>(masks_.size()) + 1; }

  // Bit mask of the modalities uploaded by `action` (0 for local and for text-only cloud).
  uint32_t SubsetMask(int action) const { return action <= 0 ? 0u : masks_[action - 1]; }
  // Number of modalities `action` uploads.
  int SubsetSize(int action) const;
  // The cloud action uploading exactly `mask`; asserts the mask fits the modalities.
  int CloudActionFor(uint32_t mask) const { return index_of_mask_[mask] + 1; }
  // True when `action` needs only modalities below `available` (live requests may carry
  // fewer images than the policy was trained with).
  bool Fits(int action, int available) const;

  // "local", "cloud", "cloud+m0", "cloud+m0m2", ...
  std::string Name(int action) const;

 private:
  int num_modalities_;
  std::vector<uint32_t> masks_;     // masks_[i] = subset of action 1 + i
  std::vector<int> index_of_mask_;  // inverse of masks_
};

}  // namespace ptmo::policy
