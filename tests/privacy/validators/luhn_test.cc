#include "privacy/validators/luhn.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(Luhn, AcceptsKnownValidNumbers) {
  EXPECT_TRUE(LuhnValid("4111111111111111"));
  EXPECT_TRUE(LuhnValid("378282246310005"));
  EXPECT_TRUE(LuhnValid("79927398713"));  // the textbook example
  EXPECT_TRUE(LuhnValid("00"));
}

TEST(Luhn, RejectsSingleDigitChanges) {
  EXPECT_FALSE(LuhnValid("4111111111111112"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid("378282246310006"));
}

TEST(Luhn, RejectsEmptyShortAndNonDigitInput) {
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("0"));
  EXPECT_FALSE(LuhnValid("4111 1111 1111 1111"));
  EXPECT_FALSE(LuhnValid("41111111111111a1"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
