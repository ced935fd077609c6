#include "privacy/vision/mrz.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::vision {
namespace {

// The specimen passport of ICAO Doc 9303 part 4 (a fictional "Utopia" document).
const std::string kTd3Line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const std::string kTd3Line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

TEST(MrzCheckDigit, MatchesTheIcaoSpecimenFields) {
  EXPECT_EQ(MrzCheckDigit("L898902C3"), 6);
  EXPECT_EQ(MrzCheckDigit("740812"), 2);
  EXPECT_EQ(MrzCheckDigit("120415"), 9);
  EXPECT_EQ(MrzCheckDigit("ZE184226B<<<<<"), 1);
}

TEST(MrzCheckDigit, CountsFillerAsZeroAndRejectsOtherCharacters) {
  EXPECT_EQ(MrzCheckDigit("<<<"), 0);
  EXPECT_EQ(MrzCheckDigit("AB1"), (10 * 7 + 11 * 3 + 1) % 10);
  EXPECT_EQ(MrzCheckDigit("ab1"), -1);
  EXPECT_EQ(MrzCheckDigit("12 3"), -1);
}

TEST(ParseMrz, ValidatesTheIcaoSpecimenPassport) {
  auto r = ParseMrz({kTd3Line1, kTd3Line2});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->format, "TD3");
  EXPECT_TRUE(r->valid()) << r->failed_checks.size();
  EXPECT_EQ(r->checks_total, 5);
  EXPECT_EQ(r->document_number, "L898902C3");
  EXPECT_EQ(r->issuing_state, "UTO");
  EXPECT_EQ(r->surname, "ERIKSSON");
  EXPECT_EQ(r->given_names, "ANNA MARIA");
  EXPECT_EQ(r->birth_date, "740812");
  EXPECT_EQ(r->sex, "F");
}

TEST(ParseMrz, RejectsAChangedBirthDate) {
  std::string bad = kTd3Line2;
  bad[14] = '5';  // 750812: birth date and composite checks both fail
  auto r = ParseMrz({kTd3Line1, bad});
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->valid());
  EXPECT_EQ(r->checks_passed, 3);
  EXPECT_EQ(r->failed_checks.front(), "birth date");
}

TEST(ParseMrz, ReadsLetterOLookalikeAsZeroInDateFields) {
  std::string ocr = kTd3Line2;
  ocr[21] = 'I';  // "120415" read as "I20415"
  auto r = ParseMrz({kTd3Line1, ocr});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->valid());
  EXPECT_EQ(r->expiry_date, "120415");
}

TEST(ParseMrz, ValidatesTheIcaoSpecimenIdCard) {
  auto r = ParseMrz({"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->format, "TD1");
  EXPECT_TRUE(r->valid());
  EXPECT_EQ(r->document_number, "D23145890");
}

TEST(ParseMrz, RejectsShapesOfNoFormat) {
  EXPECT_FALSE(ParseMrz({kTd3Line1}).has_value());
  EXPECT_FALSE(ParseMrz({kTd3Line1, kTd3Line2.substr(0, 40)}).has_value());
}

TEST(NormalizeMrzLine, MapsGuillemetsAndDropsSpaces) {
  EXPECT_EQ(NormalizeMrzLine("P<UTOERIKSSON«ANNA<MARIA «««««««««««««««««««<<"),
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
  EXPECT_EQ(NormalizeMrzLine("Thanks for the update on the project timeline."), "");
}

TEST(FindMrz, FindsTheZoneAmongOtherLines) {
  std::string text = "PASSPORT\nSurname ERIKSSON\n" + kTd3Line1.substr(0, 30) + "\n" + kTd3Line2;
  auto found = FindMrz(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
  EXPECT_EQ(found[0].line_indices, (std::vector<size_t>{2, 3}));
}

TEST(FindMrz, ValidatesALoneSecondLineWhenOcrLostTheNames) {
  auto found = FindMrz("PASSPORT\nba\n" + kTd3Line2);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
  EXPECT_EQ(found[0].line_indices, (std::vector<size_t>{2}));
  std::string bad = kTd3Line2;
  bad[0] = 'X';  // document number check fails: a lone line must validate fully
  EXPECT_TRUE(FindMrz("PASSPORT\nba\n" + bad).empty());
}

TEST(NormalizeMrzLine, ReadsLowerCaseLettersAsFillers) {
  EXPECT_EQ(NormalizeMrzLine("P<KORWILSON<<SUSAN<<<<<<<<cececcececccccccc<"),
            "P<KORWILSON<<SUSAN<<<<<<<<<<<<<<<<<<<<<<<<<<");
}

TEST(BuildTd3, ProducesLinesThatValidate) {
  auto lines = BuildTd3("KOR", "HONG", "GILDONG", "M12345678", "KOR", "850315", 'M', "300612", "");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), 44u);
  EXPECT_EQ(lines[1].size(), 44u);
  auto r = ParseMrz(lines);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->valid());
  EXPECT_EQ(r->surname, "HONG");
}

}  // namespace
}  // namespace ptmo::privacy::vision
