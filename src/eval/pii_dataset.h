// Reading `ptmo eval-pii` data files (JSON lines).
//
// Each non-blank line is one object:
//   {"text": "...", "spans": [{"start": S, "end": E, "type": "EMAIL"}, ...],
//    "level": "PRIVATE"}                                   (level optional)
// Offsets are Unicode code points into "text", end exclusive, 0 <= start < end <= length.
// Types are the names of privacy::EntityTypeName; levels those of privacy::LevelName.
// Other keys are ignored, so files may carry ids or notes. Blank lines are skipped (a
// trailing newline is not an error).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eval/pii_eval.h"
#include "privacy/core/entity.h"
#include "util/status.h"

namespace ptmo::eval {

struct EvalExample {
  size_t line = 0;  // 1-based line number in the file
  std::string text;
  std::vector<CpSpan> spans;  // gold spans, in file order
  std::optional<privacy::Level> level;
};

// Parses one line. Fails with kInvalidArgument naming the line number and the field:
// "line 7: spans[2].end: 45 is beyond the text's 40 code points". Errors: malformed JSON,
// not an object, missing or non-string "text", invalid UTF-8, missing or non-array "spans",
// a span that is not an object, missing or non-integer "start"/"end", negative offsets,
// start >= end, end beyond the text, missing, non-string or unknown "type", unknown "level".
Expected<EvalExample> ParseEvalLine(std::string_view line, size_t line_number);

// Parses a whole file's contents; `source` (usually the path) prefixes error messages.
// Stops at the first bad line.
Expected<std::vector<EvalExample>> ParseEvalJsonl(std::string_view contents,
                                                  std::string_view source);

// Reads and parses the file at `path` (at most `max_bytes`).
Expected<std::vector<EvalExample>> ReadEvalFile(const std::string& path,
                                                size_t max_bytes = size_t(1) << 30);

}  // namespace ptmo::eval
