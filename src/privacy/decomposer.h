// Splits a prompt into parts, each labelled with its own sensitivity, so a hybrid route can
// keep PRIVATE parts on the device and send only the rest (masked) to the cloud.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/analyzer.h"
#include "util/status.h"

namespace ptmo::privacy {

enum class DecomposeStrategy {
  kSentence,  // ICU sentence boundaries (any language, Korean included)
  kClause,    // sentences further split at clause boundaries (";", ", but", "하지만", ...)
  kEntity,    // clauses, then neighbouring clauses of the same level merged: each sensitive
              // entity stays in the smallest clause around it, the rest forms larger parts
};
std::optional<DecomposeStrategy> ParseDecomposeStrategy(std::string_view name);

struct Part {
  size_t begin = 0;  // byte offsets into the decomposed text; parts tile the text
  size_t end = 0;
  std::string text;   // the part without surrounding whitespace
  Analysis analysis;  // of `text` alone (span offsets relative to `text`)
};

// Decomposes `text` (valid UTF-8) and analyzes each part with `analyzer`. The parts cover
// the whole text in order; whitespace-only parts are dropped. Errors are the Analyzer's.
Expected<std::vector<Part>> Decompose(const Analyzer& analyzer, std::string_view text,
                                      DecomposeStrategy strategy);

// The boundaries alone (byte offsets of part starts after 0), without analysis. Exposed
// for tests and for callers that analyze differently.
std::vector<size_t> SentenceBoundaries(std::string_view text);
std::vector<size_t> ClauseBoundaries(std::string_view text);

}  // namespace ptmo::privacy
