#include "privacy/validators/kr_rrn.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(KrRrn, AcceptsCitizenNumbersWithValidCheckDigit) {
  KrRrnResult r = ValidateKrRrn("9001011234568");
  EXPECT_EQ(r.check, RrnCheck::kChecksumValid);
  EXPECT_FALSE(r.foreigner);
  EXPECT_EQ(r.birth_year, 1990);
  EXPECT_EQ(r.birth_month, 1);
  EXPECT_EQ(r.birth_day, 1);
  EXPECT_EQ(ValidateKrRrn("8807152012344").check, RrnCheck::kChecksumValid);
}

TEST(KrRrn, GenderDigitSetsTheCentury) {
  EXPECT_EQ(ValidateKrRrn("0202283123455").birth_year, 2002);  // 3: born 2000s
  EXPECT_EQ(ValidateKrRrn("0202283123455").check, RrnCheck::kChecksumValid);
  EXPECT_EQ(ValidateKrRrn("9912319000014").birth_year, 1899);  // 9: born 1800s
  EXPECT_EQ(ValidateKrRrn("9912319000014").check, RrnCheck::kChecksumValid);
}

TEST(KrRrn, ChecksLeapDaysInTheRightCentury) {
  EXPECT_EQ(ValidateKrRrn("0002293123454").check, RrnCheck::kChecksumValid);  // 2000-02-29
  EXPECT_EQ(ValidateKrRrn("0102293123451").check, RrnCheck::kInvalid);        // 2001-02-29
}

TEST(KrRrn, RejectsPre2020CitizenNumberWithWrongCheckDigit) {
  EXPECT_EQ(ValidateKrRrn("9001011234567").check, RrnCheck::kInvalid);
}

TEST(KrRrn, AcceptsPost2020CitizenNumberWithoutCheckDigitAsUnverifiable) {
  // Born 2021-03-15; the check digit does not match, which numbers issued since
  // October 2020 are allowed to do.
  EXPECT_EQ(ValidateKrRrn("2103154987651").check, RrnCheck::kUnverifiable);
  EXPECT_EQ(ValidateKrRrn("2103154987652").check, RrnCheck::kChecksumValid);
  // Born 2020-09-15: before the change, so the check digit must match.
  EXPECT_EQ(ValidateKrRrn("2009154111119").check, RrnCheck::kChecksumValid);
  EXPECT_EQ(ValidateKrRrn("2009154111118").check, RrnCheck::kInvalid);
}

TEST(KrRrn, RejectsImpossibleBirthDates) {
  EXPECT_EQ(ValidateKrRrn("9013011234567").check, RrnCheck::kInvalid);  // month 13
  EXPECT_EQ(ValidateKrRrn("9002301234567").check, RrnCheck::kInvalid);  // Feb 30
  EXPECT_EQ(ValidateKrRrn("9000001234567").check, RrnCheck::kInvalid);
}

TEST(KrRrn, ForeignerNumbersFollowTheOldRuleOrAreUnverifiable) {
  KrRrnResult old_rule = ValidateKrRrn("8505055120176");
  EXPECT_TRUE(old_rule.foreigner);
  EXPECT_EQ(old_rule.check, RrnCheck::kChecksumValid);
  EXPECT_EQ(old_rule.birth_year, 1985);
  EXPECT_EQ(ValidateKrRrn("0303037040087").check, RrnCheck::kChecksumValid);
  // Same number with another last digit: no valid old-style check digit, but numbers
  // issued since 2020 have none, so it is accepted without verification.
  EXPECT_EQ(ValidateKrRrn("8505055120177").check, RrnCheck::kUnverifiable);
  // A foreigner number still needs a real birth date.
  EXPECT_EQ(ValidateKrRrn("8502305120176").check, RrnCheck::kInvalid);
}

TEST(KrRrn, RejectsWrongShape) {
  EXPECT_EQ(ValidateKrRrn("900101-1234568").check, RrnCheck::kInvalid);
  EXPECT_EQ(ValidateKrRrn("900101123456").check, RrnCheck::kInvalid);
  EXPECT_EQ(ValidateKrRrn("").check, RrnCheck::kInvalid);
}

}  // namespace
}  // namespace ptmo::privacy::validators
