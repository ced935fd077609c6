#include "privacy/validators/us_ssn.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(UsSsn, AcceptsOrdinaryNumbers) {
  EXPECT_TRUE(IsValidUsSsn("536225819"));
  EXPECT_TRUE(IsValidUsSsn("001010001"));
  EXPECT_TRUE(IsValidUsSsn("899991234"));
  EXPECT_TRUE(IsValidUsSsn("665123456"));
  EXPECT_TRUE(IsValidUsSsn("667123456"));
}

TEST(UsSsn, RejectsNeverIssuedAreas) {
  EXPECT_FALSE(IsValidUsSsn("000123456"));
  EXPECT_FALSE(IsValidUsSsn("666123456"));
  EXPECT_FALSE(IsValidUsSsn("900701234"));
  EXPECT_FALSE(IsValidUsSsn("999121234"));
}

TEST(UsSsn, RejectsZeroGroupOrSerial) {
  EXPECT_FALSE(IsValidUsSsn("123001234"));
  EXPECT_FALSE(IsValidUsSsn("123450000"));
}

TEST(UsSsn, RejectsPublishedAndPlaceholderNumbers) {
  EXPECT_FALSE(IsValidUsSsn("078051120"));
  EXPECT_FALSE(IsValidUsSsn("219099999"));
  EXPECT_FALSE(IsValidUsSsn("123456789"));
  EXPECT_FALSE(IsValidUsSsn("111111111"));
  EXPECT_FALSE(IsValidUsSsn("888888888"));
}

TEST(UsSsn, RejectsWrongLengthAndSeparators) {
  EXPECT_FALSE(IsValidUsSsn("53622581"));
  EXPECT_FALSE(IsValidUsSsn("5362258190"));
  EXPECT_FALSE(IsValidUsSsn("536-22-5819"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
