// Dialogue datasets in TMO's M4A1 schema, with optional privacy fields.
//
// A dataset is a JSON array of episodes:
//   {"interactions": [{"task_cat": str, "action": 0|1, "image_index": null|[int],
//                      "answer": str, "score": number,
//                      // optional privacy extension (defaults when absent):
//                      "text_level": 0|1|2 or "PUBLIC"|"SEMI"|"PRIVATE"   (PUBLIC)
//                      "text_score": number in [0,1]                       (0)
//                      "image_sensitivity": [M numbers in [0,1]]           (0.2 each)
//                     }, ...],
//    "association_score": [[M numbers] per interaction]}
// Other fields ("id", "question", "interaction_time", ...) are ignored, so a real M4A1.json
// loads unchanged. An answer containing a refusal ("sorry", "I don't have", "can't") scores 0,
// whatever its logged score (TMO's rule).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace ptmo::policy {

struct Interaction {
  int task_id = 0;        // index into Dataset::tasks
  int action = 0;         // logged action: 0 local, 1 cloud
  uint32_t uploaded = 0;  // logged uploaded modalities (bit mask)
  float score = 0;        // logged quality after the refusal rule
  bool refusal = false;   // the answer was a refusal
  int text_level = 0;     // 0 PUBLIC, 1 SEMI, 2 PRIVATE
  float text_score = 0;
  std::vector<float> image_sensitivity;  // M values
};

struct Episode {
  int id = 0;  // "id" when present, else the position in the file
  std::vector<Interaction> turns;
  std::vector<std::vector<float>> association;  // turns x M
};

struct Dataset {
  int num_modalities = 0;
  std::vector<std::string> tasks;  // task vocabulary; Interaction::task_id indexes it
  std::vector<Episode> episodes;
};

struct DatasetOptions {
  // Modalities per episode; 0 = the width of the first association table.
  int num_modalities = 0;
  // Fixed task vocabulary (e.g. a trained policy's): a task_cat outside it is an error.
  // Empty = every task in the file, sorted (TMO's order).
  std::vector<std::string> tasks;
  float default_image_sensitivity = 0.2f;  // when "image_sensitivity" is absent
};

// True when `answer` contains one of TMO's refusal markers (case-sensitive, as TMO).
bool IsRefusal(std::string_view answer);

// Parses JSON text. Errors are kInvalidArgument and name `source`, the episode (index and id)
// and the field: "dataset 'd.json': episode 3 (id 17), interaction 2: missing field 'score'".
// Empty datasets, episodes without interactions, unknown tasks (with a fixed vocabulary),
// tables of the wrong size and out-of-range values are errors.
Expected<Dataset> ParseDataset(const std::string& text, const std::string& source,
                               const DatasetOptions& options = {});
// Reads and parses the file at `path` (kNotFound when missing).
Expected<Dataset> LoadDataset(const std::string& path, const DatasetOptions& options = {});

}  // namespace ptmo::policy
