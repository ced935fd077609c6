#include "privacy/budget/pseudonyms.h"

#include <gtest/gtest.h>

#include <string>

namespace ptmo::privacy {
namespace {

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  for (ByteRange r : FindPseudonymTokens(text)) {
    out.emplace_back(text.substr(r.begin, r.end - r.begin));
  }
  return out;
}

Span At(std::string_view text, std::string_view part, EntityType type = EntityType::kPerson) {
  Span s;
  s.type = type;
  s.begin = text.find(part);
  s.end = s.begin + part.size();
  s.score = 0.9;
  return s;
}

TEST(PseudonymTokens, FindsPlaceholdersHashTagsAndRedactions) {
  EXPECT_EQ(Tokens("Hi <PERSON_1>, mail <EMAIL:3fa2c1d9> or [REDACTED_PHONE]; <US_SSN_12>."),
            (std::vector<std::string>{"<PERSON_1>", "<EMAIL:3fa2c1d9>", "[REDACTED_PHONE]",
                                      "<US_SSN_12>"}));
}

TEST(PseudonymTokens, AcceptsLongerHashTags) {
  EXPECT_EQ(Tokens("<EMAIL:3fa2c1d9aa>"), (std::vector<std::string>{"<EMAIL:3fa2c1d9aa>"}));
}

TEST(PseudonymTokens, RejectsLookalikesThatAreNotVaultOutput) {
  EXPECT_TRUE(Tokens("<FOO_1> <person_1> <PERSON_> <PERSON_1 <PERSON_x> <div>").empty());
  EXPECT_TRUE(Tokens("<EMAIL:3fa2c1d> <EMAIL:3FA2C1D9> <EMAIL:> <NOPE:3fa2c1d9>").empty());
  EXPECT_TRUE(Tokens("[REDACTED_] [REDACTED_EMAIL [REDACTED_FOO] [redacted_EMAIL]").empty());
  EXPECT_TRUE(Tokens("").empty());
  EXPECT_TRUE(Tokens("<<<[[[").empty());
}

TEST(PseudonymTokens, FindsATokenRightAfterAFailedOne) {
  EXPECT_EQ(Tokens("<<PERSON_1>"), (std::vector<std::string>{"<PERSON_1>"}));
  EXPECT_EQ(Tokens("[[REDACTED_EMAIL]"), (std::vector<std::string>{"[REDACTED_EMAIL]"}));
}

TEST(RealSpans, DropsSpansMadeOnlyOfPseudonyms) {
  std::string text = "Ask <PERSON_1>, then <PERSON_2>.";
  std::vector<Span> spans = {At(text, "<PERSON_1>,"), At(text, "<PERSON_2>")};
  EXPECT_TRUE(RealSpans(text, spans).empty());
}

TEST(RealSpans, KeepsSpansWithRealTextNextToAPseudonym) {
  std::string text = "Ask Dr <PERSON_1> or <PERSON_2>Smith.";
  std::vector<Span> spans = {At(text, "Dr <PERSON_1>"), At(text, "<PERSON_2>Smith")};
  EXPECT_EQ(RealSpans(text, spans).size(), 2u);
}

TEST(RealSpans, KeepsRealValuesAndPunctuationOnlySecrets) {
  std::string text = "card 4539 1488 0343 6467 and password #$%^&*";
  std::vector<Span> spans = {At(text, "4539 1488 0343 6467", EntityType::kCreditCard),
                             At(text, "#$%^&*", EntityType::kPassword)};
  EXPECT_EQ(RealSpans(text, spans).size(), 2u);
}

TEST(RealSpans, DropsSpansInsideCallerGivenSurrogateRanges) {
  std::string text = "Write to Jordan Vance today";
  Span s = At(text, "Jordan Vance");
  EXPECT_EQ(RealSpans(text, {s}).size(), 1u);
  EXPECT_TRUE(RealSpans(text, {s}, {{s.begin, s.end}}).empty());
  // A range covering only part of the span leaves it real.
  EXPECT_EQ(RealSpans(text, {s}, {{s.begin, s.begin + 6}}).size(), 1u);
}

TEST(RealSpans, HandlesOverlappingAndUnsortedCoverRanges) {
  std::string text = "xx Jordan Vance yy";
  Span s = At(text, "Jordan Vance");
  EXPECT_TRUE(RealSpans(text, {s}, {{s.begin + 4, s.end}, {0, s.begin + 8}}).empty());
}

}  // namespace
}  // namespace ptmo::privacy
