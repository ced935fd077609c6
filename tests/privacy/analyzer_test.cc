#include "privacy/analyzer.h"

#include <gtest/gtest.h>

#include <string>

namespace ptmo::privacy {
namespace {

std::unique_ptr<Analyzer> MakeAnalyzer(bool ner = true) {
  AnalyzerOptions o;
  o.enable_ner = ner;
  auto a = Analyzer::Create(o);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? std::move(a).value() : nullptr;
}

Span S(size_t b, size_t e, double score, std::string rec = "rule") {
  Span s;
  s.begin = b;
  s.end = e;
  s.score = score;
  s.recognizer = std::move(rec);
  return s;
}

TEST(ResolveOverlaps, KeepsTheHigherScoringSpan) {
  auto out = ResolveOverlaps({S(0, 10, 0.5), S(5, 15, 0.9), S(20, 25, 0.4)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].begin, 5u);
  EXPECT_EQ(out[1].begin, 20u);
}

TEST(ResolveOverlaps, PrefersRulesOverNerEvenWhenNerScoresHigher) {
  auto out = ResolveOverlaps({S(0, 10, 0.95, "ner"), S(2, 8, 0.6, "email")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].recognizer, "email");
}

TEST(ResolveOverlaps, AdjacentSpansBothSurvive) {
  auto out = ResolveOverlaps({S(0, 5, 0.8), S(5, 9, 0.8)});
  EXPECT_EQ(out.size(), 2u);
}

TEST(Analyzer, IssueExamplesGetTheirLevels) {
  auto a = MakeAnalyzer();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->Analyze("My password is secret123. What is Python?")->level, Level::kPrivate);
  EXPECT_EQ(a->Analyze("What is Python?")->level, Level::kPublic);
  EXPECT_EQ(a->Analyze("Schedule a meeting with John tomorrow")->level, Level::kSemiSensitive);
}

TEST(Analyzer, PasswordSpanIsTheValueOnly) {
  auto a = MakeAnalyzer(false);
  std::string text = "My password is secret123. What is Python?";
  auto r = a->Analyze(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->spans.size(), 1u);
  EXPECT_EQ(r->spans[0].type, EntityType::kPassword);
  EXPECT_EQ(text.substr(r->spans[0].begin, r->spans[0].length()), "secret123");
}

TEST(Analyzer, EmptyTextIsPublic) {
  auto a = MakeAnalyzer(false);
  auto r = a->Analyze("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->spans.empty());
  EXPECT_EQ(r->level, Level::kPublic);
}

TEST(Analyzer, InvalidUtf8IsAClearError) {
  auto a = MakeAnalyzer(false);
  auto r = a->Analyze("abc\xFF\xFE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("byte offset 3"), std::string::npos);
}

TEST(Analyzer, InputAboveTheLimitIsRefused) {
  AnalyzerOptions o;
  o.enable_ner = false;
  o.max_input_bytes = 1000;
  auto a = Analyzer::Create(o);
  ASSERT_TRUE(a.ok());
  auto r = (*a)->Analyze(std::string(1001, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(Analyzer, MissingNerModelNamesTheFile) {
  AnalyzerOptions o;
  o.ner_model_path = "/nonexistent/model.bin";
  auto a = Analyzer::Create(o);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("/nonexistent/model.bin"), std::string::npos);
}

TEST(Analyzer, BadThresholdsAreRejected) {
  AnalyzerOptions o;
  o.enable_ner = false;
  o.classifier.semi_sensitive_at = 0.8;
  o.classifier.private_at = 0.5;
  EXPECT_FALSE(Analyzer::Create(o).ok());
}

TEST(Analyzer, PathologicalRepetitionFinishes) {
  auto a = MakeAnalyzer();
  // Long runs that tempt backtracking engines: digits, separators, '@' and key-like text.
  for (std::string unit : {"1-", "a@", "4111 ", "sk-", "password is ", "김", "A."}) {
    std::string text;
    while (text.size() < 200000) text += unit;
    auto r = a->Analyze(text);
    EXPECT_TRUE(r.ok()) << unit;
  }
}

TEST(Analyzer, SpansAreSortedAndDisjoint) {
  auto a = MakeAnalyzer();
  auto r = a->Analyze(
      "Mail john.smith@acme-corp.com or call +1 415 555 0132; card 4111 1111 1111 1111, "
      "server 10.1.2.3, key AKIAIOSFODNN7EXAMPLF.");
  ASSERT_TRUE(r.ok());
  ASSERT_GE(r->spans.size(), 4u);
  for (size_t i = 1; i < r->spans.size(); ++i) {
    EXPECT_LE(r->spans[i - 1].end, r->spans[i].begin);
  }
}

}  // namespace
}  // namespace ptmo::privacy
