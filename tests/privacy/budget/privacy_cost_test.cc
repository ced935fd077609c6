#include "privacy/budget/privacy_cost.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

namespace ptmo::privacy {
namespace {

const Analyzer& RulesAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    AnalyzerOptions o;
    o.enable_ner = false;
    auto a = Analyzer::Create(o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(a).value();
  }();
  return *analyzer;
}

const Analyzer& FullAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    auto a = Analyzer::Create(AnalyzerOptions{});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(a).value();
  }();
  return *analyzer;
}

double CostOf(const Analyzer& a, std::string_view text) {
  auto c = MeasurePrivacyCost(a, text);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c->cost : -1;
}

Span Make(EntityType type, size_t b, size_t e, double score) {
  Span s;
  s.type = type;
  s.begin = b;
  s.end = e;
  s.score = score;
  return s;
}

TEST(PrivacyCost, TextWithoutSensitiveContentIsFree) {
  EXPECT_EQ(CostOf(FullAnalyzer(), "How do I sort a list in Python by two keys?"), 0.0);
  EXPECT_EQ(CostOf(FullAnalyzer(), ""), 0.0);
}

TEST(PrivacyCost, MaskedPlaceholdersCostNothing) {
  const char* masked =
      "Please write to <PERSON_1> at <EMAIL_1> about card <CREDIT_CARD_1>, "
      "hash <US_SSN:3fa2c1d9> and [REDACTED_PHONE].";
  auto c = MeasurePrivacyCost(FullAnalyzer(), masked);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->cost, 0.0) << (c->charged.empty() ? "" : c->charged[0].recognizer);
  EXPECT_TRUE(c->charged.empty());
}

TEST(PrivacyCost, ACredentialCostsAboutTheWholeCall) {
  double cost = CostOf(RulesAnalyzer(), "My password is hunter2abc, can you check it?");
  EXPECT_GE(cost, 0.7);
  EXPECT_LE(cost, 1.0);
}

TEST(PrivacyCost, MaskingTheCardMakesTheCallCheaper) {
  double raw = CostOf(RulesAnalyzer(), "Charge card 4539 1488 0343 6467 for Alice");
  double masked = CostOf(RulesAnalyzer(), "Charge card <CREDIT_CARD_1> for Alice");
  EXPECT_GT(raw, 0.7);
  EXPECT_LT(masked, raw);
}

TEST(PrivacyCost, SurrogateRangesFromTheVaultCostNothing) {
  std::string sent = "Email jordan.vance@example.com please";
  auto analysis = RulesAnalyzer().Analyze(sent);
  ASSERT_TRUE(analysis.ok());
  ASSERT_FALSE(analysis->spans.empty());
  SensitivityClassifier classifier;
  EXPECT_GT(ComputePrivacyCost(sent, *analysis, classifier).cost, 0.0);
  size_t b = sent.find("jordan"), e = sent.find(" please");
  PrivacyCost c = ComputePrivacyCost(sent, *analysis, classifier, {{b, e}});
  EXPECT_EQ(c.cost, 0.0);
  EXPECT_EQ(c.pseudonym_spans, analysis->spans.size());
}

TEST(PrivacyCost, IsInUnitIntervalAndNeverDecreasesWithMoreSpans) {
  SensitivityClassifier classifier;
  std::mt19937 rng(7);
  const auto& types = AllEntityTypes();
  std::string text(4000, 'a');
  for (int trial = 0; trial < 200; ++trial) {
    Analysis a;
    double prev = 0.0;
    for (int k = 0; k < 12; ++k) {
      EntityType t = types[rng() % types.size()];
      size_t b = 10 * static_cast<size_t>(k) + 1000 * static_cast<size_t>(trial % 3);
      a.spans.push_back(Make(t, b, b + 5, 0.4 + 0.6 * (rng() % 100) / 100.0));
      double cost = ComputePrivacyCost(text, a, classifier).cost;
      EXPECT_GE(cost, prev - 1e-12);
      EXPECT_GE(cost, 0.0);
      EXPECT_LE(cost, 1.0);
      prev = cost;
    }
  }
}

TEST(PrivacyCost, ASensitiveTopicStillCostsAfterMasking) {
  Analysis a;
  TopicHit hit;
  hit.topic = "health";
  hit.score = 0.9;
  a.topics.push_back(hit);
  EXPECT_GT(
      ComputePrivacyCost("<PERSON_1> was diagnosed with cancer", a, SensitivityClassifier()).cost,
      0.5);
}

TEST(PrivacyCost, InvalidUtf8IsAnError) {
  EXPECT_EQ(MeasurePrivacyCost(RulesAnalyzer(), "abc\xff").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ptmo::privacy
