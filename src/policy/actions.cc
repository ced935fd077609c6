#include "policy/actions.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace ptmo::policy {

ActionSpace::ActionSpace(int num_modalities) : num_modalities_(num_modalities) {
  assert(num_modalities >= 0 && num_modalities <= kMaxModalities);
  const uint32_t n = 1u << num_modalities;
  for (uint32_t m = 0; m < n; ++m) masks_.push_back(m);
  // Size first; among equal sizes, lexicographic order of the sorted index lists. For masks
  // of equal popcount that is the order of the bit-reversed masks' lowest set bits, so
  // compare the index lists directly.
  auto indices = [](uint32_t m) {
    std::vector<int> v;
    for (int i = 0; i < 32; ++i)
      if (m & (1u << i)) v.push_back(i);
    return v;
  };
  std::stable_sort(masks_.begin(), masks_.end(), [&](uint32_t a, uint32_t b) {
    const int pa = std::popcount(a), pb = std::popcount(b);
    if (pa != pb) return pa < pb;
    return indices(a) < indices(b);
  });
  index_of_mask_.assign(n, 0);
  for (size_t i = 0; i < masks_.size(); ++i) index_of_mask_[masks_[i]] = static_cast<int>(i);
}

int ActionSpace::SubsetSize(int action) const {
  return std::popcount(SubsetMask(action));
}

bool ActionSpace::Fits(int action, int available) const {
  if (available >= num_modalities_) return true;
  const uint32_t allowed = available <= 0 ? 0u : (1u << available) - 1u;
  return (SubsetMask(action) & ~allowed) == 0;
}

std::string ActionSpace::Name(int action) const {
  if (action == 0) return "local";
  std::string s = "cloud";
  const uint32_t m = SubsetMask(action);
  if (m != 0) s += "+";
  for (int i = 0; i < num_modalities_; ++i)
    if (m & (1u << i)) s += "m" + std::to_string(i);
  return s;
}

}  // namespace ptmo::policy
