#include "privacy/ner/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace ptmo::privacy::ner {
namespace {

std::vector<std::string> Texts(std::string_view text, const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.emplace_back(text.substr(t.begin, t.end - t.begin));
  return out;
}

TEST(NerTokenizer, SplitsEnglishOnSpacesAndPunctuationWithByteOffsets) {
  std::string text = "Dr. O'Brien met Sarah-Jane in Boston, MA 02118!";
  auto tokens = Tokenize(text);
  EXPECT_EQ(Texts(text, tokens),
            (std::vector<std::string>{"Dr", ".", "O", "'", "Brien", "met", "Sarah", "-", "Jane",
                                      "in", "Boston", ",", "MA", "02118", "!"}));
  EXPECT_EQ(tokens[0].begin, 0u);
  EXPECT_EQ(tokens[0].end, 2u);
  EXPECT_EQ(tokens[10].begin, text.find("Boston"));
  EXPECT_EQ(tokens[13].kind, TokenKind::kNumber);
  EXPECT_EQ(tokens[12].kind, TokenKind::kWord);
  EXPECT_EQ(tokens[1].kind, TokenKind::kPunct);
}

TEST(NerTokenizer, RecordsWhetherWhiteSpacePrecedesEachToken) {
  std::string text = "Hi, Bob.";
  auto tokens = Tokenize(text);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_TRUE(tokens[0].space_before);   // start of text
  EXPECT_FALSE(tokens[1].space_before);  // ","
  EXPECT_TRUE(tokens[2].space_before);   // "Bob"
  EXPECT_FALSE(tokens[3].space_before);  // "."
}

TEST(NerTokenizer, TurnsEachRunOfLineBreaksIntoOneNewlineToken) {
  std::string text = "12 Main St\n\n  Springfield\r\nIL";
  auto tokens = Tokenize(text);
  auto texts = Texts(text, tokens);
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[3].kind, TokenKind::kNewline);
  EXPECT_EQ(texts[3], "\n\n");
  EXPECT_EQ(texts[4], "Springfield");
  EXPECT_EQ(tokens[5].kind, TokenKind::kNewline);
  EXPECT_EQ(texts[6], "IL");
  // Plain spaces and tabs make no token.
  EXPECT_EQ(Tokenize("a \t b").size(), 2u);
}

TEST(NerTokenizer, KeepsAccentedAndNonLatinWordsWhole) {
  std::string text = "Zsófia Kovács lives in Kraków — ΠΑΦΟΣ, Москва.";
  auto texts = Texts(text, Tokenize(text));
  EXPECT_EQ(texts, (std::vector<std::string>{"Zsófia", "Kovács", "lives", "in", "Kraków", "—",
                                             "ΠΑΦΟΣ", ",", "Москва", "."}));
}

TEST(NerTokenizer, KeepsCombiningMarksInsideTheirWord) {
  std::string text = "Cafe\xCC\x81 Noe\xCC\x88l";  // decomposed "Café Noël"
  auto texts = Texts(text, Tokenize(text));
  EXPECT_EQ(texts, (std::vector<std::string>{"Cafe\xCC\x81", "Noe\xCC\x88l"}));
}

TEST(NerTokenizer, MakesEachEmojiItsOwnTokenWithCorrectOffsets) {
  std::string text = "Hi 👋🏽 Anna😀!";
  auto tokens = Tokenize(text);
  auto texts = Texts(text, tokens);
  EXPECT_EQ(texts, (std::vector<std::string>{"Hi", "👋", "🏽", "Anna", "😀", "!"}));
  EXPECT_EQ(tokens[3].begin, text.find("Anna"));
  EXPECT_EQ(tokens[3].end, text.find("Anna") + 4);
  EXPECT_FALSE(tokens[4].space_before);
}

TEST(NerTokenizer, SplitsKoreanParticlesOffTheirNoun) {
  std::string text = "김민수 씨는 서울에서 일해요";
  auto tokens = Tokenize(text);
  auto texts = Texts(text, tokens);
  EXPECT_EQ(texts, (std::vector<std::string>{"김민수", "씨", "는", "서울", "에서", "일해요"}));
  EXPECT_FALSE(tokens[2].space_before);
  EXPECT_TRUE(tokens[2].particle);
  EXPECT_TRUE(tokens[4].particle);
  EXPECT_FALSE(tokens[3].particle);
  EXPECT_EQ(tokens[3].begin, text.find("서울"));
  EXPECT_EQ(tokens[3].end, text.find("서울") + 6);
}

TEST(NerTokenizer, SplitsTwoStackedKoreanParticlesButNotANameEndingLikeOne) {
  EXPECT_EQ(Texts("김민수씨는", Tokenize("김민수씨는")),
            (std::vector<std::string>{"김민수", "씨", "는"}));
  EXPECT_EQ(Texts("서울에서는", Tokenize("서울에서는")),
            (std::vector<std::string>{"서울", "에서", "는"}));
  // 은 after 은 is not a stack: only the outer particle goes.
  EXPECT_EQ(Texts("김지은은", Tokenize("김지은은")), (std::vector<std::string>{"김지은", "은"}));
}

TEST(NerTokenizer, LeavesDoAloneButSplitsItAfterAnotherParticle) {
  EXPECT_EQ(Texts("경기도", Tokenize("경기도")), (std::vector<std::string>{"경기도"}));
  EXPECT_EQ(Texts("서울에서도", Tokenize("서울에서도")),
            (std::vector<std::string>{"서울", "에서", "도"}));
}

TEST(NerTokenizer, NeverSplitsAParticleOffASingleSyllable) {
  EXPECT_EQ(Tokenize("은").size(), 1u);
  EXPECT_EQ(Tokenize("이").size(), 1u);
}

TEST(NerTokenizer, SplitsParticlesOffLatinStems) {
  std::string text = "Samsung에서";
  EXPECT_EQ(Texts(text, Tokenize(text)), (std::vector<std::string>{"Samsung", "에서"}));
}

TEST(NerTokenizer, SurvivesInvalidUtf8AndCoversEveryByteOnce) {
  std::string text = "ab\xFF\xC3 cd\xE2\x82";
  auto tokens = Tokenize(text);
  size_t prev_end = 0;
  for (const Token& t : tokens) {
    EXPECT_GE(t.begin, prev_end);
    EXPECT_LT(t.begin, t.end);
    EXPECT_LE(t.end, text.size());
    prev_end = t.end;
  }
  EXPECT_FALSE(tokens.empty());
}

TEST(NerTokenizer, ReturnsNothingForEmptyOrBlankText) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("   \t ").empty());
}

}  // namespace
}  // namespace ptmo::privacy::ner
