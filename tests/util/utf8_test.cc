#include "util/utf8.h"

#include <gtest/gtest.h>

namespace ptmo::utf8 {
namespace {

TEST(Utf8, AcceptsAsciiKoreanAndEmoji) {
  EXPECT_TRUE(IsValid("hello"));
  EXPECT_TRUE(IsValid("안녕하세요"));
  EXPECT_TRUE(IsValid("ok \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValid(""));
}

TEST(Utf8, ReportsTheOffsetOfTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalid("ab\xFF"), 2u);
  EXPECT_EQ(FindInvalid("a\xC3"), 1u);             // truncated sequence
  EXPECT_EQ(FindInvalid("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalid("x\xED\xA0\x80"), 1u);     // UTF-16 surrogate
  EXPECT_EQ(FindInvalid("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalid("\xE2\x82"), 0u);          // cut in the middle
}

TEST(Utf8, RoundTripsThroughCodePoints) {
  std::string s = "Ké 한국 \xF0\x9F\x98\x80!";
  std::u32string u = ToU32(s);
  EXPECT_EQ(u.size(), 8u);
  EXPECT_EQ(FromU32(u), s);
}

TEST(Utf8, OffsetMapConvertsBothWays) {
  std::string s = "a한b";  // bytes: a(0) 한(1..3) b(4)
  OffsetMap m(s);
  EXPECT_EQ(m.code_points(), 3u);
  EXPECT_EQ(m.ToCodePoint(0), 0u);
  EXPECT_EQ(m.ToCodePoint(1), 1u);
  EXPECT_EQ(m.ToCodePoint(4), 2u);
  EXPECT_EQ(m.ToCodePoint(5), 3u);
  EXPECT_EQ(m.ToByte(2), 4u);
  EXPECT_EQ(m.ToByte(3), 5u);
}

TEST(Utf8, WordCharsIncludeHangulButNotPunctuation) {
  EXPECT_TRUE(IsWordChar(U'a'));
  EXPECT_TRUE(IsWordChar(U'7'));
  EXPECT_TRUE(IsWordChar(U'한'));
  EXPECT_TRUE(IsWordChar(U'é'));
  EXPECT_FALSE(IsWordChar(U'-'));
  EXPECT_FALSE(IsWordChar(U' '));
  EXPECT_FALSE(IsWordChar(U'。'));
}

}  // namespace
}  // namespace ptmo::utf8
