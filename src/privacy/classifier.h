// Combines spans and topics into a sensitivity score in [0,1] and a level.
//
// score = 1 - prod_i (1 - w(type_i) * score_i) * (1 - w_topic * max_t topic_score_t)
// (before the cap below)
// i.e. a "noisy-or": every span independently pushes the text towards sensitive; one
// strong signal (a password, a card) is enough for PRIVATE, a first name alone is not.
// Topics count by the strongest one: a topic score already says how likely the text
// discloses that category about an identifiable person (see recognizers/topics.h), so a
// personal disclosure (>= 0.9) is PRIVATE and general mentions (<= 0.3) stay PUBLIC however
// many categories they touch. Ordinary identifying details (names, places, contacts) and
// general topic mentions are capped together just below private_at; see docs/privacy.md.
// level = PUBLIC if score < semi_sensitive_at, SEMI_SENSITIVE if < private_at, else PRIVATE.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy {

struct ClassifierOptions {
  double semi_sensitive_at = 0.3;  // score >= this is at least SEMI_SENSITIVE
  double private_at = 0.7;         // score >= this is PRIVATE
  // Per-type weights override the defaults (DefaultTypeWeight).
  std::map<EntityType, double> type_weights;
  double topic_weight = 0.8;  // how much the strongest sensitive topic (score in [0,1]) counts
  // Topic scores below this are general mentions (no identifiable person, see
  // TopicDetector::Detect): they count like ordinary identifying details, capped below
  // private_at. At or above it they are disclosures and count like high-risk data.
  double topic_disclosure_at = 0.35;
};

// The default weight of a type: 1.0 for credentials and government ids, 0.45 for a name.
double DefaultTypeWeight(EntityType type);

struct Classification {
  Level level = Level::kPublic;
  double score = 0.0;
  std::vector<std::string> reasons;
};

class SensitivityClassifier {
 public:
  explicit SensitivityClassifier(ClassifierOptions options = {}) : options_(std::move(options)) {}
  Classification Classify(const std::vector<Span>& spans,
                          const std::vector<TopicHit>& topics) const;
  const ClassifierOptions& options() const { return options_; }

 private:
  double Weight(EntityType type) const;
  ClassifierOptions options_;
};

}  // namespace ptmo::privacy
