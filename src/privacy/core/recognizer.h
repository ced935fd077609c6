// The Recognizer interface: one family of sensitive data (cards, emails, secrets, names...).
#pragma once

#include <string_view>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy {

class Recognizer {
 public:
  virtual ~Recognizer() = default;

  // Stable short name, reported in Span::recognizer ("email", "credit_card", "ner").
  virtual std::string_view name() const = 0;

  // Appends every span found in `text` to `out`. `text` is valid UTF-8 (the Analyzer checks).
  // Must run in time linear in text.size() (RE2 patterns, bounded scans) and must be safe
  // to call concurrently from many threads (no mutable state).
  virtual void Find(std::string_view text, std::vector<Span>& out) const = 0;
};

}  // namespace ptmo::privacy
