#include "privacy/validators/date.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(Date, LeapYearsFollowTheGregorianRule) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2023));
}

TEST(Date, ValidatesDaysPerMonth) {
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 29));
  EXPECT_FALSE(IsValidDate(2023, 2, 30));
  EXPECT_TRUE(IsValidDate(2023, 12, 31));
  EXPECT_FALSE(IsValidDate(2023, 4, 31));
  EXPECT_FALSE(IsValidDate(2023, 13, 1));
  EXPECT_FALSE(IsValidDate(2023, 0, 1));
  EXPECT_FALSE(IsValidDate(2023, 1, 0));
  EXPECT_EQ(DaysInMonth(2023, 13), 0);
}

TEST(NumericDate, AcceptsIsoAndDayMonthForms) {
  EXPECT_TRUE(IsNumericDate("2024-03-05"));
  EXPECT_TRUE(IsNumericDate("2024/3/5"));
  EXPECT_TRUE(IsNumericDate("05.03.2024"));
  EXPECT_TRUE(IsNumericDate("03/05/2024"));
  EXPECT_TRUE(IsNumericDate("31/12/1999"));  // only the day-first reading is valid
  EXPECT_TRUE(IsNumericDate("12/31/1999"));  // only the month-first reading is valid
}

TEST(NumericDate, RejectsImpossibleDatesAndOtherShapes) {
  EXPECT_FALSE(IsNumericDate("2023-02-30"));
  EXPECT_FALSE(IsNumericDate("31/31/2024"));
  EXPECT_FALSE(IsNumericDate("2024-03/05"));  // mixed separators
  EXPECT_FALSE(IsNumericDate("2024-03-05-1"));
  EXPECT_FALSE(IsNumericDate("1234-56-7890"));
  EXPECT_FALSE(IsNumericDate("0999-01-01"));  // year out of range
  EXPECT_FALSE(IsNumericDate("20240305"));
  EXPECT_FALSE(IsNumericDate("1.2.3"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
