#include "privacy/validators/aba.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(AbaRouting, AcceptsValidRoutingNumbers) {
  EXPECT_TRUE(IsValidAbaRoutingNumber("021000021"));
  EXPECT_TRUE(IsValidAbaRoutingNumber("011000015"));
  EXPECT_TRUE(IsValidAbaRoutingNumber("121000358"));
}

TEST(AbaRouting, RejectsBadChecksumPrefixAndShape) {
  EXPECT_FALSE(IsValidAbaRoutingNumber("021000022"));  // checksum
  EXPECT_FALSE(IsValidAbaRoutingNumber("000000000"));
  EXPECT_FALSE(IsValidAbaRoutingNumber("501000017"));  // checksum ok, but 50 is no routing symbol
  EXPECT_FALSE(IsValidAbaRoutingNumber("02100002"));
  EXPECT_FALSE(IsValidAbaRoutingNumber("02100002a"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
