// Helpers for the structured-recognizer tests: run one recognizer, look spans up by the
// text they cover, and apply the Analyzer's context step and threshold.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/context.h"
#include "privacy/core/entity.h"
#include "privacy/core/recognizer.h"

namespace ptmo::privacy::structured_testing {

inline std::vector<Span> Scan(const Recognizer& r, std::string_view text) {
  std::vector<Span> out;
  r.Find(text, out);
  return out;
}

// The covered texts of `spans`, optionally only those of `type`.
inline std::vector<std::string> Covered(std::string_view text, const std::vector<Span>& spans) {
  std::vector<std::string> out;
  for (const Span& s : spans) out.emplace_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

// The first span whose covered text is exactly `what`, or nullptr.
inline const Span* SpanFor(std::string_view text, const std::vector<Span>& spans,
                           std::string_view what) {
  for (const Span& s : spans) {
    if (text.substr(s.begin, s.end - s.begin) == what) return &s;
  }
  return nullptr;
}

// What the Analyzer would keep: context enhancement, then the 0.4 threshold.
inline std::vector<Span> AfterContext(std::string_view text, std::vector<Span> spans) {
  EnhanceWithContext(text, spans);
  spans.erase(
      std::remove_if(spans.begin(), spans.end(), [](const Span& s) { return s.score < 0.4; }),
      spans.end());
  return spans;
}

// Runs `r` and returns what survives context enhancement and the threshold.
inline std::vector<Span> Kept(const Recognizer& r, std::string_view text) {
  return AfterContext(text, Scan(r, text));
}

}  // namespace ptmo::privacy::structured_testing
