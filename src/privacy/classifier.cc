#include "privacy/classifier.h"

#include <algorithm>
#include <cstdio>

namespace ptmo::privacy {
namespace {

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// How much a type counts, and in which tier. Identifying-but-ordinary details (names, places,
// contact data) alone never make a text PRIVATE: their combined contribution is capped just
// below the PRIVATE threshold. It takes a high-risk type (credential, government id,
// financial account, birth date) or a special-category topic to reach PRIVATE.
struct TypeProfile {
  double weight;
  bool high_risk;
};

TypeProfile Profile(EntityType type) {
  switch (type) {
    case EntityType::kSecret:
    case EntityType::kPassword:
    case EntityType::kCreditCard:
    case EntityType::kIban:
    case EntityType::kUsSsn:
    case EntityType::kUsItin:
    case EntityType::kKrRrn:
    case EntityType::kPassport:
    case EntityType::kDriverLicense:
    case EntityType::kBankAccount: return {1.0, true};
    case EntityType::kCryptoWallet: return {0.9, true};
    case EntityType::kDateOfBirth: return {0.85, true};
    case EntityType::kEmail: return {0.6, false};
    case EntityType::kPhone: return {0.6, false};
    case EntityType::kPerson: return {0.6, false};
    case EntityType::kLocation: return {0.5, false};
    case EntityType::kIpAddress: return {0.5, false};
    case EntityType::kMacAddress: return {0.5, false};
    case EntityType::kOrganization: return {0.4, false};
    case EntityType::kUrl: return {0.3, false};
    case EntityType::kDate: return {0.15, false};
  }
  return {0.5, false};
}

bool IsHighRisk(EntityType type) {
  return Profile(type).high_risk;
}

}  // namespace

double DefaultTypeWeight(EntityType type) {
  return Profile(type).weight;
}

double SensitivityClassifier::Weight(EntityType type) const {
  auto it = options_.type_weights.find(type);
  return it != options_.type_weights.end() ? it->second : DefaultTypeWeight(type);
}

Classification SensitivityClassifier::Classify(const std::vector<Span>& spans,
                                               const std::vector<TopicHit>& topics) const {
  Classification c;
  double keep_high = 1.0;  // product of (1 - contribution) over high-risk signals
  double keep_semi = 1.0;  // the same over ordinary identifying details
  // One reason per type (the strongest span), so long texts give readable explanations.
  std::vector<double> best(kEntityTypeCount, 0.0);
  std::vector<int> count(kEntityTypeCount, 0);
  for (const Span& s : spans) {
    double contribution = std::clamp(Weight(s.type) * s.score, 0.0, 1.0);
    (IsHighRisk(s.type) ? keep_high : keep_semi) *= 1.0 - contribution;
    auto i = static_cast<size_t>(s.type);
    best[i] = std::max(best[i], contribution);
    ++count[i];
  }
  for (EntityType t : AllEntityTypes()) {
    auto i = static_cast<size_t>(t);
    if (count[i] == 0) continue;
    c.reasons.push_back(std::string(EntityTypeName(t)) + " x" + std::to_string(count[i]) +
                        " (strongest contributes " + Fixed2(best[i]) + ")");
  }
  // Topics count by the strongest one, not by their number: every topic score already folds
  // in the same question (is an identifiable person's data disclosed?), so several general
  // mentions ("Is depression hereditary?": health and genetic) are not independent evidence.
  // A general mention (score below topic_disclosure_at) is an ordinary detail: it joins the
  // capped tier, so it cannot lift names or places to PRIVATE; a disclosure is high-risk.
  double strongest_disclosure = 0.0;
  double strongest_mention = 0.0;
  for (const TopicHit& t : topics) {
    double contribution = std::clamp(options_.topic_weight * t.score, 0.0, 1.0);
    double& strongest =
        t.score >= options_.topic_disclosure_at ? strongest_disclosure : strongest_mention;
    strongest = std::max(strongest, contribution);
    std::string ev;
    for (size_t k = 0; k < t.evidence.size() && k < 3; ++k) {
      ev += (k ? ", '" : "'") + t.evidence[k] + "'";
    }
    c.reasons.push_back("topic " + t.topic + " (contributes " + Fixed2(contribution) +
                        (ev.empty() ? "" : "; " + ev) + ")");
  }
  keep_high *= 1.0 - strongest_disclosure;
  keep_semi *= 1.0 - strongest_mention;
  double semi = std::min(1.0 - keep_semi, options_.private_at - 0.01);
  double score = 1.0 - keep_high * (1.0 - semi);
  c.score = std::clamp(score, 0.0, 1.0);
  if (c.score >= options_.private_at) {
    c.level = Level::kPrivate;
    c.reasons.push_back("score " + Fixed2(c.score) + " >= " + Fixed2(options_.private_at) +
                        " -> PRIVATE");
  } else if (c.score >= options_.semi_sensitive_at) {
    c.level = Level::kSemiSensitive;
    c.reasons.push_back("score " + Fixed2(c.score) + " >= " + Fixed2(options_.semi_sensitive_at) +
                        " -> SEMI_SENSITIVE");
  } else {
    c.level = Level::kPublic;
    c.reasons.push_back("score " + Fixed2(c.score) + " < " + Fixed2(options_.semi_sensitive_at) +
                        " -> PUBLIC");
  }
  return c;
}

}  // namespace ptmo::privacy
