#include "privacy/validators/entropy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace ptmo::privacy::validators {
namespace {

TEST(Entropy, IsZeroForEmptyAndSingleSymbolTokens) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("a"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaaaaaaaaaaaaaa"), 0.0);
}

TEST(Entropy, IsOneBitForTwoEquallyFrequentSymbols) {
  EXPECT_NEAR(ShannonEntropy("abababab"), 1.0, 1e-12);
  EXPECT_NEAR(ShannonEntropy("aabb"), 1.0, 1e-12);
}

TEST(Entropy, IsLog2OfLengthWhenAllSymbolsDiffer) {
  EXPECT_NEAR(ShannonEntropy("abcdefgh"), 3.0, 1e-12);
  const std::string sixteen = "0123456789abcdef";
  EXPECT_NEAR(ShannonEntropy(sixteen), 4.0, 1e-12);
}

TEST(Entropy, MatchesHandComputedValueForSkewedDistribution) {
  // p = {3/4, 1/4}: H = -(0.75 log2 0.75 + 0.25 log2 0.25) = 0.811278...
  EXPECT_NEAR(ShannonEntropy("aaab"), 0.8112781244591328, 1e-12);
}

TEST(Entropy, CountsCodePointsNotBytesForKorean) {
  // Two distinct syllables, each 3 bytes: one bit per code point, not per byte.
  EXPECT_NEAR(ShannonEntropy("가나가나"), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(ShannonEntropy("가가가"), 0.0);
}

TEST(Entropy, RandomLookingTokenScoresHigherThanEnglishWord) {
  EXPECT_GT(ShannonEntropy("q8Zr3TkL0pWx7VbN2mYc"), ShannonEntropy("passwordpassword1234"));
  EXPECT_GT(ShannonEntropy("q8Zr3TkL0pWx7VbN2mYc"), 4.0);
}

TEST(Entropy, ClassifiesCharactersPerByte) {
  const CharClasses cc = ClassifyChars("aB3_- 한");
  EXPECT_EQ(cc.lower, 1);
  EXPECT_EQ(cc.upper, 1);
  EXPECT_EQ(cc.digit, 1);
  EXPECT_EQ(cc.symbol, 2);
  EXPECT_EQ(cc.other, 1 + 3);  // the space and the three bytes of the syllable
  EXPECT_EQ(cc.distinct(), 4);
}

TEST(Entropy, DistinctClassesIgnoreOtherBytes) {
  EXPECT_EQ(ClassifyChars("").distinct(), 0);
  EXPECT_EQ(ClassifyChars("abc def").distinct(), 1);
  EXPECT_EQ(ClassifyChars("abc123").distinct(), 2);
}

TEST(Entropy, RecognizesHexOnlyTokens) {
  EXPECT_TRUE(IsHex("0123456789abcdefABCDEF"));
  EXPECT_FALSE(IsHex(""));
  EXPECT_FALSE(IsHex("abcdefg"));
  EXPECT_FALSE(IsHex("12 34"));
}

TEST(Entropy, RecognizesUuidShape) {
  EXPECT_TRUE(IsUuidShaped("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuidShaped("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(IsUuidShaped("123e4567e89b12d3a456426614174000"));      // no dashes
  EXPECT_FALSE(IsUuidShaped("123e4567-e89b-12d3-a456-42661417400g"));  // not hex
  EXPECT_FALSE(IsUuidShaped("123e4567-e89b-12d3-a4567-26614174000"));  // dash misplaced
}

}  // namespace
}  // namespace ptmo::privacy::validators
