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

TEST(Classifier, TopicScoreBandsMapToLevels) {
  // The topic detector's bands: general mention <= 0.3, personal anchor with weak terms
  // 0.4..0.6, personal disclosure >= 0.9.
  SensitivityClassifier k;
  EXPECT_EQ(k.Classify({}, {TopicHit{"health", 0.3, {"diabetes"}}}).level, Level::kPublic);
  EXPECT_EQ(k.Classify({}, {TopicHit{"health", 0.4, {"doctor"}}}).level, Level::kSemiSensitive);
  EXPECT_EQ(k.Classify({}, {TopicHit{"health", 0.6, {"doctor"}}}).level, Level::kSemiSensitive);
  EXPECT_EQ(k.Classify({}, {TopicHit{"health", 0.9, {"diabetes"}}}).level, Level::kPrivate);
}

TEST(Classifier, TopicsCountByTheStrongestNotTheirNumber) {
  // "Is depression hereditary? Can it affect my salary or my faith?"-like general mentions of
  // many categories stay PUBLIC ...
  std::vector<TopicHit> general = {{"health", 0.3, {"depression"}},
                                   {"genetic", 0.3, {"hereditary"}},
                                   {"finance", 0.3, {"salary"}},
                                   {"religion", 0.3, {"church"}}};
  Classification c = SensitivityClassifier().Classify({}, general);
  EXPECT_EQ(c.level, Level::kPublic);
  EXPECT_NEAR(c.score, 0.8 * 0.3, 1e-9);
  // ... and every topic is still listed as a reason.
  int topic_reasons = 0;
  for (const auto& r : c.reasons) topic_reasons += r.rfind("topic ", 0) == 0;
  EXPECT_EQ(topic_reasons, 4);
  // One disclosure among them decides.
  general.push_back({"legal", 0.93, {"arrested"}});
  EXPECT_EQ(SensitivityClassifier().Classify({}, general).level, Level::kPrivate);
}

TEST(Classifier, GeneralTopicMentionsCannotLiftNamesToPrivate) {
  // "Does Kim Minsu know the difference between Catholics and Protestants?": a name, a place,
  // and a general mention of religion are ordinary details together.
  std::vector<Span> names = {Make(EntityType::kPerson, 0.95), Make(EntityType::kLocation, 0.8)};
  TopicHit mention{"religion", 0.23, {"catholic"}};
  Classification c = SensitivityClassifier().Classify(names, {mention});
  EXPECT_EQ(c.level, Level::kSemiSensitive);
  EXPECT_LT(c.score, 0.7);
  // A disclosure about the named person is PRIVATE.
  TopicHit disclosure{"religion", 0.9, {"synagogue"}};
  EXPECT_EQ(SensitivityClassifier().Classify(names, {disclosure}).level, Level::kPrivate);
  // Where the line lies is configurable.
  ClassifierOptions o;
  o.topic_disclosure_at = 0.2;
  EXPECT_EQ(SensitivityClassifier(o).Classify(names, {mention}).level, Level::kPrivate);
}

TEST(Classifier, ScoreIsMonotoneInEvidence) {
  SensitivityClassifier k;
  double one = k.Classify({Make(EntityType::kPerson, 0.6)}, {}).score;
  double two =
      k.Classify({Make(EntityType::kPerson, 0.6), Make(EntityType::kLocation, 0.6)}, {}).score;
  EXPECT_GT(two, one);
}

}  // namespace
}  // namespace ptmo::privacy
