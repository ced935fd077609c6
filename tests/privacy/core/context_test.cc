#include "privacy/core/context.h"

#include <gtest/gtest.h>

namespace ptmo::privacy {
namespace {

Span At(std::string_view text, std::string_view value, EntityType type, double score) {
  Span s;
  s.type = type;
  s.begin = text.find(value);
  s.end = s.begin + value.size();
  s.score = score;
  return s;
}

TEST(Context, BoostWordBeforeTheSpanRaisesItsScore) {
  std::string text = "my card number is 4111 1111 1111 1111 thanks";
  std::vector<Span> spans = {At(text, "4111 1111 1111 1111", EntityType::kCreditCard, 0.5)};
  EnhanceWithContext(text, spans);
  EXPECT_DOUBLE_EQ(spans[0].score, 0.85);
  ASSERT_EQ(spans[0].reasons.size(), 1u);
  EXPECT_EQ(spans[0].reasons[0], "context word 'card'");
}

TEST(Context, WordsBeyondTheWindowDoNotCount) {
  std::string text = "card one two three four five six 4111";
  std::vector<Span> spans = {At(text, "4111", EntityType::kCreditCard, 0.5)};
  EnhanceWithContext(text, spans);
  EXPECT_DOUBLE_EQ(spans[0].score, 0.5);
}

TEST(Context, ExampleWordsLowerTheScore) {
  std::string text = "for example 123-45-6780 is not real";
  std::vector<Span> spans = {At(text, "123-45-6780", EntityType::kUsSsn, 0.6)};
  EnhanceWithContext(text, spans);
  EXPECT_NEAR(spans[0].score, 0.3, 1e-9);
}

TEST(Context, KoreanContextMatchesWordsWithParticles) {
  std::string text = "제 카드번호는 4111 1111 1111 1111 입니다";
  std::vector<Span> spans = {At(text, "4111 1111 1111 1111", EntityType::kCreditCard, 0.5)};
  EnhanceWithContext(text, spans);
  EXPECT_GT(spans[0].score, 0.8);
}

TEST(Context, PartialAsciiWordsDoNotMatch) {
  std::string text = "discard 4111";
  std::string found;
  Span s = At(text, "4111", EntityType::kCreditCard, 0.5);
  EXPECT_FALSE(HasContextWord(text, s.begin, s.end, {"card"}, 5, &found));
}

TEST(Context, ContextAfterTheSpanCountsToo) {
  std::string text = "4111 is my card";
  Span s = At(text, "4111", EntityType::kCreditCard, 0.5);
  std::string found;
  EXPECT_TRUE(HasContextWord(text, s.begin, s.end, {"card"}, 5, &found));
  EXPECT_EQ(found, "card");
}

}  // namespace
}  // namespace ptmo::privacy
