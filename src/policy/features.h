// Features: what a policy sees about one request, filled the same way by the offline
// simulator and by the live gateway; and the observation vector the learned policies read.
//
// Filling from live data (gateway):
//   text_level / text_score    privacy::Analysis level (0 PUBLIC, 1 SEMI, 2 PRIVATE) and score
//   task_id                    index into the policy's task vocabulary (Policy::tasks());
//                              kUnknownTask when the request's task is not in it: the learned
//                              policies then see the average of all tasks (1/T on each)
//   prev_action, past[]        this conversation's earlier decisions (-1 when none)
//   num_images, image_sensitivity[i]
//                              attached images (0 is fine) and each one's sensitivity in [0,1];
//                              images beyond kMaxImages are not offered to the cloud
//   privacy_budget_eps, remaining_privacy_fraction
//                              the user's per-episode privacy budget and the unspent share
//   remaining_latency_fraction, remaining_cost_fraction
//                              unspent shares of the latency and money budgets (1 = untouched)
//   local_confidence           only for drafting policies (Cascade): confidence in [0,1] of the
//                              local draft answer, or < 0 before a draft exists
#pragma once

#include <array>
#include <cstdint>

#include "policy/actions.h"

namespace ptmo::policy {

inline constexpr int kMaxImages = 8;
inline constexpr int kMaxHistory = 8;
inline constexpr int kUnknownTask = -1;

// One earlier turn of the conversation.
struct PastTurn {
  int action = -1;  // the action taken then (-1 unknown)
  int task_id = kUnknownTask;
};

struct Features {
  int text_level = 0;      // 0 PUBLIC, 1 SEMI, 2 PRIVATE
  float text_score = 0.f;  // sensitivity score of the text in [0,1]
  int task_id = kUnknownTask;
  int prev_action = -1;  // action of the previous turn, -1 at the first turn
  int num_images = 0;
  std::array<float, kMaxImages> image_sensitivity{};
  float privacy_budget_eps = 1.f;
  float remaining_privacy_fraction = 1.f;
  float remaining_latency_fraction = 1.f;
  float remaining_cost_fraction = 1.f;
  float local_confidence = -1.f;
  // Earlier turns of the conversation, most recent first: past[0] is the previous turn (so
  // past[0].action == prev_action), past[1] the one before. Only the first num_past entries
  // are read; with num_past = 0 the window holds the current turn only.
  int num_past = 0;
  std::array<PastTurn, kMaxHistory> past{};
};

// How sending text and images to the cloud spends the privacy budget.
//
//   risk(local)        = 0
//   risk(cloud, S)     = text_risk + sum over uploaded modalities i in S of image_sensitivity[i]
//   text_risk          = text_score * (1 - mask_efficacy)   for SEMI text (the gateway masks
//                                                           detected entities before sending)
//                      = text_score                         for PUBLIC and PRIVATE text
//                                                           (nothing to mask / topic-level
//                                                           content that masking cannot hide)
// An episode violates its budget when the sum of its risks exceeds privacy_budget_eps.
struct PrivacyModel {
  float mask_efficacy = 0.7f;  // share of a SEMI text's risk removed by masking
};

float TextRisk(const Features& f, const PrivacyModel& model);
// Risk of taking `action` on `f`; 0 for local.
float ActionRisk(const Features& f, int action, const ActionSpace& space,
                 const PrivacyModel& model);
// True when `action` is allowed: it needs no more images than f.num_images and, when
// `guard` is set, its risk fits the remaining privacy budget. Local is always allowed.
bool ActionAllowed(const Features& f, int action, const ActionSpace& space,
                   const PrivacyModel& model, bool guard);

// Shape of a learned policy's observation.
struct ObsSpec {
  int num_modalities = 3;
  int num_tasks = 4;
  int history = 5;  // Z, window of turns including the current one, <= kMaxHistory
  PrivacyModel privacy;

  int per_step() const { return 3 + num_modalities + num_tasks; }
  int size() const { return history * per_step() + 3 + 2 + 2 * num_modalities + 6; }
};

// Writes spec.size() floats to `out`:
//   for each of the Z window slots, oldest first (the last slot is the current turn):
//     present, previous-action-was-local, previous-action-was-cloud, modalities uploaded by the
//     previous action (M), task one-hot (T; unknown task = 1/T each); absent slots are zeros
//     (TMO's state with -1 padding, one-hot encoded);
//   text level one-hot (3), text score, text risk;
//   image sensitivity (M, 0 when absent), image present (M);
//   remaining privacy (absolute, eps units), remaining privacy fraction, eps,
//   remaining latency fraction, remaining cost fraction, local confidence (or -1).
// `space` must have spec.num_modalities modalities. Thread-safe; allocates nothing.
void EncodeObservation(const Features& f, const ObsSpec& spec, const ActionSpace& space,
                       float* out);

}  // namespace ptmo::policy
