// Combines spans and topics into a sensitivity score in [0,1] and a level.
//
// score = 1 - prod_i (1 - w(type_i) * score_i) * prod_t (1 - w_topic * topic_score_t)
// i.e. a "noisy-or": every signal independently pushes the text towards sensitive; one
// strong signal (a password, a card) is enough for PRIVATE, a first name alone is not.
// level = PUBLIC if score < public_below, SEMI_SENSITIVE if < private_at, else PRIVATE.
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
  double topic_weight = 0.8;  // how much a sensitive topic (score in [0,1]) counts
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
  Classification Classify(const std::vector<Span>& spans, const std::vector<TopicHit>& topics) const;
  const ClassifierOptions& options() const { return options_; }

 private:
  double Weight(EntityType type) const;
  ClassifierOptions options_;
};

}  // namespace ptmo::privacy
