#include "privacy/decomposer.h"

#include <gtest/gtest.h>

namespace ptmo::privacy {
namespace {

std::unique_ptr<Analyzer> Rules() {
  AnalyzerOptions o;
  o.enable_ner = false;
  return std::move(Analyzer::Create(o)).value();
}

TEST(Decomposer, SplitsSentencesInEnglishAndKorean) {
  std::string text = "Hello there. How are you? 오늘 날씨가 좋네요. 내일 만나요!";
  auto b = SentenceBoundaries(text);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(text.substr(b[0], 3), "How");
}

TEST(Decomposer, ClausesSplitAtButAndSemicolons) {
  std::string text = "I like the new phone a lot, but the battery dies very fast; what should I do";
  auto b = ClauseBoundaries(text);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(text.substr(b[0], 3), "but");
  EXPECT_EQ(text.substr(b[1], 4), "what");
}

TEST(Decomposer, ShortFragmentsAreNotSplitOff) {
  EXPECT_TRUE(ClauseBoundaries("salt and pepper").empty());
}

TEST(Decomposer, EachPartGetsItsOwnLevel) {
  auto a = Rules();
  auto parts = Decompose(*a, "What is the capital of France? My password is hunter2xyz.",
                         DecomposeStrategy::kSentence);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].analysis.level, Level::kPublic);
  EXPECT_EQ((*parts)[1].analysis.level, Level::kPrivate);
  EXPECT_EQ((*parts)[1].text, "My password is hunter2xyz.");
}

TEST(Decomposer, PartsTileTheWholeText) {
  auto a = Rules();
  std::string text = "  First one.  Second one; and a third clause here, but also more.  ";
  for (auto st :
       {DecomposeStrategy::kSentence, DecomposeStrategy::kClause, DecomposeStrategy::kEntity}) {
    auto parts = Decompose(*a, text, st);
    ASSERT_TRUE(parts.ok());
    ASSERT_FALSE(parts->empty());
    EXPECT_EQ(parts->front().begin, 0u);
    EXPECT_EQ(parts->back().end, text.size());
    for (size_t i = 1; i < parts->size(); ++i) EXPECT_EQ((*parts)[i - 1].end, (*parts)[i].begin);
  }
}

TEST(Decomposer, EntityStrategyMergesNeighboursOfTheSameLevel) {
  auto a = Rules();
  std::string text = "Tell me a joke. Then explain gravity. My SSN is 536-22-8714, keep it safe.";
  auto parts = Decompose(*a, text, DecomposeStrategy::kEntity);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].analysis.level, Level::kPublic);
  EXPECT_EQ((*parts)[1].analysis.level, Level::kPrivate);
}

TEST(Decomposer, InvalidUtf8AndUnknownStrategyAreErrors) {
  auto a = Rules();
  EXPECT_FALSE(Decompose(*a, "bad \xC3", DecomposeStrategy::kSentence).ok());
  EXPECT_FALSE(ParseDecomposeStrategy("paragraph").has_value());
}

}  // namespace
}  // namespace ptmo::privacy
