#include "privacy/budget/privacy_cost.h"

#include <algorithm>

namespace ptmo::privacy {

PrivacyCost ComputePrivacyCost(std::string_view sent_text, const Analysis& analysis,
                               const SensitivityClassifier& classifier,
                               const std::vector<ByteRange>& surrogate_ranges) {
  PrivacyCost out;
  out.charged = RealSpans(sent_text, analysis.spans, surrogate_ranges);
  out.pseudonym_spans = analysis.spans.size() - out.charged.size();
  if (out.charged.empty() && analysis.topics.empty()) return out;  // nothing real: free
  Classification c = classifier.Classify(out.charged, analysis.topics);
  out.cost = std::clamp(c.score, 0.0, 1.0);
  out.reasons = std::move(c.reasons);
  return out;
}

Expected<PrivacyCost> MeasurePrivacyCost(const Analyzer& analyzer, std::string_view sent_text,
                                         const std::vector<ByteRange>& surrogate_ranges) {
  PTMO_ASSIGN_OR_RETURN(Analysis analysis, analyzer.Analyze(sent_text));
  return ComputePrivacyCost(sent_text, analysis,
                            SensitivityClassifier(analyzer.options().classifier), surrogate_ranges);
}

}  // namespace ptmo::privacy
