#include "policy/features.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace ptmo::policy {

float TextRisk(const Features& f, const PrivacyModel& model) {
  const float s = std::clamp(f.text_score, 0.f, 1.f);
  return f.text_level == 1 ? s * (1.f - model.mask_efficacy) : s;
}

float ActionRisk(const Features& f, int action, const ActionSpace& space,
                 const PrivacyModel& model) {
  if (action <= 0) return 0.f;
  float r = TextRisk(f, model);
  const uint32_t mask = space.SubsetMask(action);
  const int n = std::min(f.num_images, kMaxImages);
  for (int i = 0; i < space.num_modalities(); ++i) {
    if ((mask & (1u << i)) && i < n) r += std::clamp(f.image_sensitivity[i], 0.f, 1.f);
  }
  return r;
}

bool ActionAllowed(const Features& f, int action, const ActionSpace& space,
                   const PrivacyModel& model, bool guard) {
  if (action == 0) return true;
  if (!space.Fits(action, std::min(f.num_images, kMaxImages))) return false;
  if (!guard) return true;
  const float remaining = std::max(0.f, f.remaining_privacy_fraction) * f.privacy_budget_eps;
  return ActionRisk(f, action, space, model) <= remaining + 1e-6f;
}

namespace {

// Writes one window slot: the turn whose own previous action is `prev` and task is `task`.
void EncodeSlot(int prev, int task, const ObsSpec& spec, const ActionSpace& space, float* p) {
  p[0] = 1.f;
  p[1] = prev == 0 ? 1.f : 0.f;
  p[2] = prev >= 1 ? 1.f : 0.f;
  const uint32_t mask = prev >= 1 && prev < space.num_actions() ? space.SubsetMask(prev) : 0u;
  for (int i = 0; i < spec.num_modalities; ++i) p[3 + i] = (mask >> i) & 1u ? 1.f : 0.f;
  float* t = p + 3 + spec.num_modalities;
  if (task >= 0 && task < spec.num_tasks) {
    t[task] = 1.f;
  } else {
    for (int i = 0; i < spec.num_tasks; ++i) t[i] = 1.f / static_cast<float>(spec.num_tasks);
  }
}

}  // namespace

void EncodeObservation(const Features& f, const ObsSpec& spec, const ActionSpace& space,
                       float* out) {
  assert(space.num_modalities() == spec.num_modalities);
  const int per = spec.per_step();
  std::memset(out, 0, sizeof(float) * static_cast<size_t>(spec.size()));
  const int num_past = std::clamp(f.num_past, 0, kMaxHistory);
  // Slot Z-1 is the current turn (j = 0 turns back); slot Z-1-j is j turns back.
  for (int j = 0; j < spec.history; ++j) {
    float* p = out + (spec.history - 1 - j) * per;
    if (j == 0) {
      EncodeSlot(f.prev_action, f.task_id, spec, space, p);
    } else {
      // j turns back: past[j-1] is that turn; past[j] the one before it (its previous action).
      if (num_past < j) continue;
      EncodeSlot(num_past > j ? f.past[j].action : -1, f.past[j - 1].task_id, spec, space, p);
    }
  }
  float* q = out + spec.history * per;
  const int level = std::clamp(f.text_level, 0, 2);
  q[level] = 1.f;
  q[3] = std::clamp(f.text_score, 0.f, 1.f);
  q[4] = TextRisk(f, spec.privacy);
  q += 5;
  const int n = std::min(f.num_images, kMaxImages);
  for (int i = 0; i < spec.num_modalities; ++i) {
    if (i < n) {
      q[i] = std::clamp(f.image_sensitivity[i], 0.f, 1.f);
      q[spec.num_modalities + i] = 1.f;
    }
  }
  q += 2 * spec.num_modalities;
  const float frac = std::clamp(f.remaining_privacy_fraction, 0.f, 1.f);
  q[0] = frac * f.privacy_budget_eps;
  q[1] = frac;
  q[2] = f.privacy_budget_eps;
  q[3] = std::clamp(f.remaining_latency_fraction, -1.f, 1.f);
  q[4] = std::clamp(f.remaining_cost_fraction, -1.f, 1.f);
  q[5] = f.local_confidence < 0 ? -1.f : std::min(f.local_confidence, 1.f);
}

}  // namespace ptmo::policy
