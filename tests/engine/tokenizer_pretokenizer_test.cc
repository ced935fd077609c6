#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/pretokenizer.h"

namespace ptmo::engine {
namespace {

using Words = std::vector<std::string>;

Words Split(PreTokenizer kind, std::string_view text) {
  return PreTokenize(kind, text);
}

TEST(PreTokenizerLlama3, SplitsContractionsAndDigitGroupsOfThree) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "I'm 12345 years"),
            (Words{"I", "'m", " ", "123", "45", " years"}));
}

TEST(PreTokenizerLlama3, ContractionsAreCaseInsensitive) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "don'T"), (Words{"don", "'T"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "WE'LL THEY'RE"), (Words{"WE", "'LL", " THEY", "'RE"}));
}

TEST(PreTokenizerLlama3, WhitespaceRunKeepsLastSpaceForTheNextWord) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "  hello\n\nworld"),
            (Words{" ", " hello", "\n\n", "world"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "a    b"), (Words{"a", "   ", " b"}));
}

TEST(PreTokenizerLlama3, TrailingWhitespaceIsOneWord) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "a   "), (Words{"a", "   "}));
}

TEST(PreTokenizerLlama3, WhitespaceUpToTheLastNewlineIsOneWord) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "x \n \n  y"), (Words{"x", " \n \n", " ", " y"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "hello\r\nworld"), (Words{"hello", "\r\n", "world"}));
}

TEST(PreTokenizerLlama3, LettersTakeOneLeadingNonLetter) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "x.y"), (Words{"x", ".y"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "\thello"), (Words{"\thello"}));
  // CR and LF never lead a word of letters.
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "\nhi"), (Words{"\n", "hi"}));
}

TEST(PreTokenizerLlama3, PunctuationRunTakesSpaceAndFollowingNewlines) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "ok ...\n\nnext"), (Words{"ok", " ...\n\n", "next"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "a?!"), (Words{"a", "?!"}));
}

TEST(PreTokenizerLlama3, KoreanWordsStayWhole) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "안녕하세요 세계"), (Words{"안녕하세요", " 세계"}));
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "2024년 3월"), (Words{"202", "4", "년", " ", "3", "월"}));
}

TEST(PreTokenizerLlama3, EmojiAreOtherCharacters) {
  // U+1F44B and the skin-tone modifier U+1F3FD are symbols, not letters: they form a run of
  // "other" characters with the '!' and take the leading space.
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "hi \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD!"),
            (Words{"hi", " \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD!"}));
}

TEST(PreTokenizerLlama3, CombiningMarkIsNotALetter) {
  // "e" + U+0301: the mark is category Mn, so it starts a new word (as in llama.cpp).
  EXPECT_EQ(Split(PreTokenizer::kLlama3, "cafe\xCC\x81s"), (Words{"cafe", "\xCC\x81s"}));
}

TEST(PreTokenizerQwen2, EveryDigitIsItsOwnWord) {
  EXPECT_EQ(Split(PreTokenizer::kQwen2, "I'm 12345 years"),
            (Words{"I", "'m", " ", "1", "2", "3", "4", "5", " years"}));
}

TEST(PreTokenizerQwen2, OtherwiseMatchesLlama3) {
  for (std::string_view s : {"  hello\n\nworld", "don'T", "x.y", "안녕 👋!", "a   "}) {
    EXPECT_EQ(Split(PreTokenizer::kQwen2, s), Split(PreTokenizer::kLlama3, s)) << s;
  }
}

TEST(PreTokenizerGpt2, ContractionsAreLowerCaseOnly) {
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "I'm"), (Words{"I", "'m"}));
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "don'T"), (Words{"don", "'", "T"}));
}

TEST(PreTokenizerGpt2, NumbersAreOneRunWithOptionalSpace) {
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "I'm 12345 years"), (Words{"I", "'m", " 12345", " years"}));
}

TEST(PreTokenizerGpt2, NewlinesSplitLikeSpaces) {
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "  hello\n\nworld"),
            (Words{" ", " hello", "\n", "\n", "world"}));
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "\thello"), (Words{"\t", "hello"}));
  EXPECT_EQ(Split(PreTokenizer::kGpt2, "x.y"), (Words{"x", ".", "y"}));
}

TEST(PreTokenizerDefault, SplitsPunctuationThenNumbersThenDigitTriples) {
  EXPECT_EQ(Split(PreTokenizer::kDefault, "Hello, world! 1234567"),
            (Words{"Hello", ",", " world", "!", " ", "123", "456", "7"}));
  EXPECT_EQ(Split(PreTokenizer::kDefault, "a+b=c"), (Words{"a", "+", "b", "=", "c"}));
}

TEST(PreTokenizer, ConcatenatedWordsGiveBackValidInput) {
  const std::string text =
      "Mixed 텍스트 with numbers 3.14159, tabs\t\tand  spaces,\r\nemoji 🤖🤖 and 'quotes'. "
      " ";
  for (PreTokenizer kind :
       {PreTokenizer::kDefault, PreTokenizer::kGpt2, PreTokenizer::kLlama3, PreTokenizer::kQwen2}) {
    std::string joined;
    for (const std::string& w : Split(kind, text)) {
      EXPECT_FALSE(w.empty());
      joined += w;
    }
    EXPECT_EQ(joined, text) << PreTokenizerName(kind);
  }
}

TEST(PreTokenizer, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(Split(PreTokenizer::kLlama3,
                  "a\xFF"
                  "b"),
            (Words{"a",
                   "\xEF\xBF\xBD"
                   "b"}));
}

TEST(PreTokenizer, NamesMapToRules) {
  EXPECT_EQ(*PreTokenizerFromName(""), PreTokenizer::kDefault);
  EXPECT_EQ(*PreTokenizerFromName("default"), PreTokenizer::kDefault);
  EXPECT_EQ(*PreTokenizerFromName("llama-bpe"), PreTokenizer::kLlama3);
  EXPECT_EQ(*PreTokenizerFromName("llama3"), PreTokenizer::kLlama3);
  EXPECT_EQ(*PreTokenizerFromName("qwen2"), PreTokenizer::kQwen2);
  EXPECT_EQ(*PreTokenizerFromName("gpt-2"), PreTokenizer::kGpt2);
  Expected<PreTokenizer> bad = PreTokenizerFromName("starcoder");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'starcoder'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("llama-bpe"), std::string::npos);
}

TEST(DecodeLenient, FollowsLlamaCppOnMalformedInput) {
  // Overlong forms and surrogates are decoded, not rejected.
  EXPECT_EQ(DecodeLenient("\xC0\x80"), std::u32string(1, U'\0'));
  EXPECT_EQ(DecodeLenient("\xED\xA0\x80"), std::u32string(1, char32_t{0xD800}));
  // Truncated sequences and stray continuation bytes: U+FFFD per byte.
  EXPECT_EQ(DecodeLenient("\xE4"
                          "a"),
            (std::u32string{0xFFFD, U'a'}));
  EXPECT_EQ(DecodeLenient("\x80\x80"), (std::u32string{0xFFFD, 0xFFFD}));
  // Above U+10FFFF (llama.cpp throws): U+FFFD for the lead byte, then the continuations.
  EXPECT_EQ(DecodeLenient("\xF4\x90\x80\x80"), (std::u32string{0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}));
  EXPECT_EQ(DecodeLenient("한"), std::u32string(1, char32_t{0xD55C}));
}

TEST(ByteLevel, MapsEveryByteToOneCharacterAndBack) {
  EXPECT_EQ(ByteLevelChar(' '), "\xC4\xA0");   // Ġ U+0120
  EXPECT_EQ(ByteLevelChar('\n'), "\xC4\x8A");  // Ċ U+010A
  EXPECT_EQ(ByteLevelChar('A'), "A");
  EXPECT_EQ(ByteLevelChar(0xE9), "\xC3\xA9");  // é stands for itself
  EXPECT_EQ(ByteLevelChar(0xAD), "\xC5\x83");  // the last remapped byte, U+0143
  for (int b = 0; b < 256; ++b) {
    const std::u32string cp = DecodeLenient(ByteLevelChar(static_cast<uint8_t>(b)));
    ASSERT_EQ(cp.size(), 1u);
    EXPECT_EQ(ByteLevelByte(cp[0]), b);
  }
  EXPECT_EQ(ByteLevelByte(U' '), -1);
  EXPECT_EQ(ByteLevelByte(0x20AC), -1);
}

}  // namespace
}  // namespace ptmo::engine
