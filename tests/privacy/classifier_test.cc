#include "privacy/classifier.h"

#include <gtest/gtest.h>

namespace ptmo::privacy {
namespace {

Span Make(EntityType t, double score) {
  Span s;
  s.type = t;
  s.begin = 0;
  s.end = 1;
  s.score = score;
  return s;
}

TEST(Classifier, NothingFoundIsPublicWithScoreZero) {
  Classification c = SensitivityClassifier().Classify({}, {});
  EXPECT_EQ(c.level, Level::kPublic);
  EXPECT_DOUBLE_EQ(c.score, 0.0);
  ASSERT_FALSE(c.reasons.empty());
}

TEST(Classifier, OneValidatedCredentialIsPrivate) {
  Classification c = SensitivityClassifier().Classify({Make(EntityType::kPassword, 0.9)}, {});
  EXPECT_EQ(c.level, Level::kPrivate);
  EXPECT_NEAR(c.score, 0.9, 1e-9);
}

TEST(Classifier, AFirstNameAloneIsSemiSensitive) {
  Classification c = SensitivityClassifier().Classify({Make(EntityType::kPerson, 0.8)}, {});
  EXPECT_EQ(c.level, Level::kSemiSensitive);
}

TEST(Classifier, ManyContactDetailsStayBelowPrivate) {
  std::vector<Span> spans(6, Make(EntityType::kEmail, 1.0));
  spans.push_back(Make(EntityType::kPhone, 1.0));
  Classification c = SensitivityClassifier().Classify(spans, {});
  EXPECT_EQ(c.level, Level::kSemiSensitive);
  EXPECT_LT(c.score, 0.7);
}

TEST(Classifier, ContactDetailsPlusAStrongTopicArePrivate) {
  TopicHit health{"health", 0.9, {"diagnosed with"}};
  Classification c = SensitivityClassifier().Classify({Make(EntityType::kPerson, 0.8)}, {health});
  EXPECT_EQ(c.level, Level::kPrivate);
  bool mentions_topic = false;
  for (const auto& r : c.reasons) mentions_topic |= r.find("topic health") != std::string::npos;
  EXPECT_TRUE(mentions_topic);
}

TEST(Classifier, ThresholdsAndWeightsAreConfigurable) {
  ClassifierOptions o;
  o.type_weights[EntityType::kPerson] = 0.1;
  Classification c = SensitivityClassifier(o).Classify({Make(EntityType::kPerson, 0.8)}, {});
  EXPECT_EQ(c.level, Level::kPublic);
  o.type_weights.clear();
  o.private_at = 0.4;
  o.semi_sensitive_at = 0.2;
  c = SensitivityClassifier(o).Classify({Make(EntityType::kPerson, 0.8)}, {});
  EXPECT_EQ(c.level, Level::kSemiSensitive);  // ordinary details are capped below private_at
  c = SensitivityClassifier(o).Classify({Make(EntityType::kCreditCard, 0.5)}, {});
  EXPECT_EQ(c.level, Level::kPrivate);
}

TEST(Classifier, ScoreIsMonotoneInEvidence) {
  SensitivityClassifier k;
  double one = k.Classify({Make(EntityType::kPerson, 0.6)}, {}).score;
  double two = k.Classify({Make(EntityType::kPerson, 0.6), Make(EntityType::kLocation, 0.6)}, {}).score;
  EXPECT_GT(two, one);
}

}  // namespace
}  // namespace ptmo::privacy
