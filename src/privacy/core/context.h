// Context enhancement: words near a span raise or lower its score.
//
// How it works (documented in docs/privacy.md): for each span, the enhancer looks at the
// `window` words before and after the span (words are maximal runs of letters/digits, compared
// case-insensitively; Korean words match when they start with a context word, so "카드번호는"
// matches "카드"). If a boost word of the span's type is present, the score rises by
// `boost` (capped at 1.0) and a reason "context word 'card'" is added; if a suppress word is
// present ("example", "test", "sample", "fake", "예시"), it falls by `suppress`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy {

struct ContextOptions {
  int window = 5;          // words looked at on each side
  double boost = 0.35;     // added when a boost word is near
  double suppress = 0.30;  // subtracted when a suppress word is near
};

// Returns true when one of `words` (lower-case) occurs within `window` words before `begin`
// or after `end` in `text`; sets *found to the word matched. Exposed for recognizers that
// require context (passport, bank account) before they emit at all.
bool HasContextWord(std::string_view text, size_t begin, size_t end,
                    const std::vector<std::string>& words, int window,
                    std::string* found = nullptr);

// The default boost words of each type (English and Korean).
const std::vector<std::string>& DefaultBoostWords(EntityType type);
// Words that suggest the value is an example, not real data.
const std::vector<std::string>& DefaultSuppressWords();

// Applies boost and suppression to every span in place.
void EnhanceWithContext(std::string_view text, std::vector<Span>& spans,
                        const ContextOptions& options = {});

}  // namespace ptmo::privacy
