// The privacy cost of one outbound payload: what the budget ledger charges for a cloud call.
//
// The cost is computed from exactly the text that was sent (after masking), never from the
// user's original text, so masking is what makes a call cheap:
//
//   cost = SensitivityClassifier::Classify(real spans of the sent text, its topics).score
//
// where "real spans" are the Analyzer's spans of the sent text minus those made only of the
// Vault's pseudonyms (RealSpans in pseudonyms.h: "<PERSON_1>", "<EMAIL:3fa2c1d9>",
// "[REDACTED_EMAIL]", and any surrogate ranges the caller passes). The classifier's score is
// a noisy-or over the spans and the strongest topic (see classifier.h), so the cost
//   - is in [0, 1] for every call,
//   - is 0 exactly when the sent text has no real span and no sensitive topic,
//   - never decreases when more sensitive content is sent (each span multiplies the
//     "nothing leaked" probability by a factor <= 1),
//   - is 1 (or close) for one credential or government id, and below the PRIVATE threshold
//     for ordinary identifying details (a name, a city) however many there are.
// Worked examples are in docs/budget-and-audit.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "privacy/analyzer.h"
#include "privacy/budget/pseudonyms.h"
#include "privacy/classifier.h"
#include "util/status.h"

namespace ptmo::privacy {

struct PrivacyCost {
  double cost = 0.0;                 // in [0, 1]
  std::vector<Span> charged;         // the real spans the cost is made of
  size_t pseudonym_spans = 0;        // spans ignored because they are only pseudonyms
  std::vector<std::string> reasons;  // the classifier's reasons for the charged content
};

// Pure: the cost of sending `sent_text`, given `analysis` = the Analyzer's analysis of
// exactly `sent_text`. `surrogate_ranges` are byte ranges of `sent_text` where the Vault put
// surrogates (from MaskResult::replacements; may be empty). Thread-safe.
PrivacyCost ComputePrivacyCost(std::string_view sent_text, const Analysis& analysis,
                               const SensitivityClassifier& classifier,
                               const std::vector<ByteRange>& surrogate_ranges = {});

// Analyzes `sent_text` with `analyzer` and returns ComputePrivacyCost with the analyzer's own
// classifier options. Fails as Analyzer::Analyze does (invalid UTF-8, too large).
// Thread-safe.
Expected<PrivacyCost> MeasurePrivacyCost(const Analyzer& analyzer, std::string_view sent_text,
                                         const std::vector<ByteRange>& surrogate_ranges = {});

}  // namespace ptmo::privacy
