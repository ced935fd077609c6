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

namespace ptmo::privacy::vision {
namespace {

TEST(MrzLengthRepairs, StretchesOrShrinksOneFillerRunAtATime) {
  EXPECT_EQ(MrzLengthRepairs("AB<<CD", 6), (std::vector<std::string>{"AB<<CD"}));
  EXPECT_EQ(MrzLengthRepairs("A<B<<C", 8), (std::vector<std::string>{"A<<<B<<C", "A<B<<<<C"}));
  // Shrinking keeps at least one filler in a run.
  EXPECT_EQ(MrzLengthRepairs("A<B<<<C", 5), (std::vector<std::string>{"A<B<C"}));
  EXPECT_TRUE(MrzLengthRepairs("ABCDEF", 8).empty());  // no run to repair
  EXPECT_TRUE(MrzLengthRepairs("A<B", 30).empty());    // too far off to trust
}

TEST(FindMrz, RepairsASecondLineWhoseFillerRunOcrMiscounted) {
  std::string short_line = kTd3Line2;
  short_line.erase(short_line.find("<<<<<"), 3);  // 41 characters
  auto found = FindMrz(kTd3Line1 + "\n" + short_line);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
  EXPECT_EQ(found[0].mrz.lines[1], kTd3Line2);
  std::string long_line = kTd3Line2;
  long_line.insert(long_line.find("<<<<<"), "<<");  // 46 characters, alone
  found = FindMrz("PASSPORT\n" + long_line);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
}

TEST(FindMrz, DoesNotRepairALineIntoOneWithFailingCheckDigits) {
  std::string bad = kTd3Line2;
  bad.erase(bad.find("<<<<<"), 3);
  bad[15] = bad[15] == '1' ? '2' : '1';  // birth date changed: no repair may validate
  for (const FoundMrz& f : FindMrz(kTd3Line1 + "\n" + bad)) EXPECT_FALSE(f.mrz.valid());
  EXPECT_TRUE(FindMrz("PASSPORT\n" + bad).empty());
}

TEST(FindMrz, CutsAFirstLineWithTooManyTrailingFillers) {
  auto found = FindMrz(kTd3Line1 + "<<<<\n" + kTd3Line2);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
  EXPECT_EQ(found[0].mrz.surname, "ERIKSSON");
}

}  // namespace
}  // namespace ptmo::privacy::vision

namespace ptmo::privacy::vision {
namespace {

TEST(ParseMrz, RepairsOneLookalikeLetterInTheDocumentNumber) {
  std::string misread = kTd3Line2;
  misread[6] = 'Z';  // "L89890ZC3": OCR read the 2 as Z
  auto r = ParseMrz({kTd3Line1, misread});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->valid());
  EXPECT_EQ(r->document_number, "L898902C3");
  // A letter that is no look-alike of the right digit is not "repaired" into validity.
  misread[6] = 'X';
  EXPECT_FALSE(ParseMrz({kTd3Line1, misread})->valid());
}

}  // namespace
}  // namespace ptmo::privacy::vision

namespace ptmo::privacy::vision {
namespace {

TEST(RepairMrzConfusion, ReturnsAValidLineUnchanged) {
  EXPECT_EQ(RepairMrzConfusion(kTd3Line1, kTd3Line2), kTd3Line2);
}

TEST(RepairMrzConfusion, UndoesOneLookalikeSwapAnywhereInTheSecondLine) {
  // The personal-number check digit '1' read as '7', a birth-date '8' read as '6', and the
  // document-number check digit '6' read as '8'.
  for (auto [pos, wrong] : {std::pair<size_t, char>{42, '7'}, {16, '6'}, {9, '8'}}) {
    std::string misread = kTd3Line2;
    ASSERT_NE(misread[pos], wrong);
    misread[pos] = wrong;
    auto fixed = RepairMrzConfusion(kTd3Line1, misread);
    ASSERT_TRUE(fixed.has_value()) << pos;
    EXPECT_TRUE(ParseMrz({kTd3Line1, *fixed})->valid()) << pos;
  }
}

TEST(RepairMrzConfusion, NeverReturnsALineWhoseCheckDigitsFail) {
  // Every single and double substitution by an arbitrary character: whatever comes back
  // must validate, and two unrelated errors are not "repaired".
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
  int repaired = 0;
  for (size_t i = 0; i < kTd3Line2.size(); ++i) {
    for (char c : alphabet) {
      std::string v = kTd3Line2;
      v[i] = c;
      auto fixed = RepairMrzConfusion(kTd3Line1, v);
      if (!fixed) continue;
      ++repaired;
      EXPECT_TRUE(ParseMrz({kTd3Line1, *fixed})->valid()) << v;
    }
  }
  EXPECT_GT(repaired, int(kTd3Line2.size()));  // at least the unchanged characters
  std::string two = kTd3Line2;
  two[14] = two[14] == '4' ? '5' : '4';  // birth date
  two[23] = two[23] == '0' ? '3' : '0';  // expiry date
  EXPECT_FALSE(RepairMrzConfusion(kTd3Line1, two).has_value());
  EXPECT_FALSE(RepairMrzConfusion(kTd3Line1, kTd3Line2.substr(0, 40)).has_value());
}

TEST(FindMrz, ValidatesALoneSecondLineWithOneConfusedCheckDigit) {
  std::string misread = kTd3Line2;
  misread[43] = misread[43] == '0' ? '9' : 'S';  // composite '0' read as '9'
  auto found = FindMrz("PASSPORT\n" + misread);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].mrz.valid());
  EXPECT_EQ(found[0].mrz.lines[1], kTd3Line2);
}

}  // namespace
}  // namespace ptmo::privacy::vision
