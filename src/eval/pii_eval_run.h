// Runs the Analyzer over an evaluation set and scores it (what `ptmo eval-pii` does).
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "eval/pii_dataset.h"
#include "eval/pii_eval.h"
#include "privacy/analyzer.h"
#include "util/status.h"

namespace ptmo::eval {

struct PiiEvalHooks {
  // Called after each example with (examples done, total); may be empty.
  std::function<void(size_t, size_t)> progress;
  // Called with one JSON object per false positive / false negative (see ErrorToJson);
  // may be empty.
  std::function<void(const nlohmann::json&)> on_error;
};

// Analyzes every example's text with `analyzer`, scores the predicted spans against the gold
// ones and, for examples with a gold level, the predicted level. Fails (naming the line)
// when the Analyzer refuses a text, e.g. one above its input size limit.
Expected<PiiReport> RunPiiEval(const privacy::Analyzer& analyzer,
                               const std::vector<EvalExample>& examples,
                               const ScorerOptions& options, const PiiEvalHooks& hooks = {});

// One error for the --errors file:
// {"line", "kind": "false_positive"|"false_negative", "type", "start", "end", "text",
//  "context" (up to 40 code points either side), "recognizer" (false positives only),
//  "nearest": {"type", "start", "end", "text", "iou"} (when another span overlaps)}.
// `predicted` holds the Analyzer's spans of ex.text (byte offsets), indexed like the
// predicted CpSpans given to the scorer.
nlohmann::json ErrorToJson(const EvalExample& ex, const SpanError& error,
                           const std::vector<privacy::Span>& predicted);

}  // namespace ptmo::eval
