// `ptmo policy gen-data`: synthetic dialogue logs in the M4A1 schema (see dataset.h).
//
// M4A1 itself is not shipped, so experiments run on generated logs: each episode is a short
// dialogue, each turn has a task, a text sensitivity (level and score), per-modality image
// sensitivities and association scores, a logged action from a random behaviour policy (so
// every action appears in the log for the k-NN simulator) and a judged answer score.
//
// Answer-quality model (the hidden ground truth behind the logged scores), per task t drawn
// once from the seed:
//   local answer          q_local[t] + noise; refused (the answer says "sorry ...") with
//                         probability local_refusal_rate * u[t]
//   cloud, uploading S    q_cloud[t] + gain[t] * (1 - prod_{i in S} (1 - rel[t][i])) + noise
//   cloud, text only      as above with S = {} plus carry-over: half the gain of the images the
//                         previous turn uploaded (the cloud still has them in its context)
// Scores are clipped to [0, max_score]. Association scores grow with rel[t][i], so they carry
// a (noisy) hint of which images help.
//
// Image sensitivity is simulated (a per-episode level plus noise) unless `image_pool` holds
// images measured by the image guard (`ptmo policy gen-data --images DIR`): then each episode
// attaches `modalities` images drawn from the pool, and every turn's image_sensitivity[i] is the
// measured score of image i (the episode also lists the image names under "images").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"

namespace ptmo::policy {

// An image whose sensitivity was measured on its pixels (privacy/vision), for the generator.
struct MeasuredImage {
  std::string name;    // file name, recorded in the dataset; non-empty
  double score = 0.0;  // the image guard's score in [0,1]
};

struct GenConfig {
  int episodes = 800;
  int modalities = 3;
  std::vector<std::string> tasks = {"Assistive System", "Message Editing", "Query",
                                    "Recommendation"};
  int min_turns = 2;
  int max_turns = 5;
  // Share of PUBLIC, SEMI and PRIVATE turns (normalized).
  double share_public = 0.5, share_semi = 0.3, share_private = 0.2;
  double image_sensitivity_mean = 0.25;  // per-episode mean image sensitivity
  double behaviour_cloud_share = 0.6;    // logged actions: share of cloud calls
  double local_refusal_rate = 0.15;
  double noise = 0.15;  // standard deviation of the score noise
  double max_score = 2.5;
  uint64_t seed = 1;
  // Measured images; empty: simulated sensitivities (see above).
  std::vector<MeasuredImage> image_pool;
};

// kInvalidArgument naming the field when a setting is out of range.
Status ValidateGenConfig(const GenConfig& config);

// The dataset as JSON text (deterministic for a config: same seed, same bytes).
Expected<std::string> GenerateDataset(const GenConfig& config);

}  // namespace ptmo::policy
