// US_SSN, US_ITIN, KR_RRN, PASSPORT and DRIVER_LICENSE recognizers.
#include <gtest/gtest.h>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_test_util.h"

namespace ptmo::privacy {
namespace {

using ::ptmo::privacy::structured_testing::Covered;
using ::ptmo::privacy::structured_testing::Kept;
using ::ptmo::privacy::structured_testing::Scan;
using ::ptmo::privacy::structured_testing::SpanFor;
using Strings = std::vector<std::string>;

// ---- US_SSN / US_ITIN -----------------------------------------------------------------

TEST(UsSsn, FindsDashedAndSpacedNumbers) {
  auto r = MakeUsTaxIdRecognizer();
  const std::string text = "SSN 536-22-5819 and 536 22 5820.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"536-22-5819", "536 22 5820"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kUsSsn);
    EXPECT_EQ(s.recognizer, "us_ssn");
  }
  EXPECT_GT(SpanFor(text, spans, "536-22-5819")->score, SpanFor(text, spans, "536 22 5820")->score);
}

TEST(UsSsn, DashedNumberPassesAloneButNotWithExampleWord) {
  auto r = MakeUsTaxIdRecognizer();
  EXPECT_EQ(Kept(*r, "it is 536-22-5819").size(), 1u);
  EXPECT_TRUE(Kept(*r, "for example 536-22-5819").empty());
}

TEST(UsSsn, BareNineDigitsOnlyWithContext) {
  auto r = MakeUsTaxIdRecognizer();
  EXPECT_TRUE(Scan(*r, "reference 536225819 attached").empty());
  const std::string text = "my social security number is 536225819";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0], "536225819");
  EXPECT_EQ(Kept(*r, text).size(), 1u);
}

TEST(UsSsn, RejectsInvalidAndPlaceholderNumbers) {
  auto r = MakeUsTaxIdRecognizer();
  for (const char* text :
       {"SSN 000-12-3456", "SSN 666-12-3456", "SSN 123-00-4567", "SSN 123-45-0000",
        "SSN 123-45-6789", "SSN 078-05-1120", "SSN 111-11-1111"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(UsSsn, RejectsMixedSeparatorsAndLongerNumbers) {
  auto r = MakeUsTaxIdRecognizer();
  for (const char* text : {"536-22 5819", "536-22-58190", "1-536-22-5819", "536-22-5819-4",
                           "A536-22-5819", "536.22.5819", "536-22-5819.5"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(UsItin, FindsItinsAndTellsThemFromSsns) {
  auto r = MakeUsTaxIdRecognizer();
  const std::string text = "ITIN 912-70-1234, SSN 536-22-5819";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(SpanFor(text, spans, "912-70-1234")->type, EntityType::kUsItin);
  EXPECT_EQ(SpanFor(text, spans, "912-70-1234")->recognizer, "us_itin");
  EXPECT_EQ(SpanFor(text, spans, "536-22-5819")->type, EntityType::kUsSsn);
}

TEST(UsItin, RejectsGroupOutsideItinRanges) {
  auto r = MakeUsTaxIdRecognizer();
  EXPECT_TRUE(Scan(*r, "ITIN 912-49-1234").empty());
  EXPECT_TRUE(Scan(*r, "ITIN 912-93-1234").empty());
}

TEST(UsItin, BareDigitsNeedTaxContext) {
  auto r = MakeUsTaxIdRecognizer();
  EXPECT_TRUE(Scan(*r, "code 912701234").empty());
  EXPECT_EQ(Scan(*r, "taxpayer id 912701234").size(), 1u);
}

// ---- KR_RRN ---------------------------------------------------------------------------

TEST(KrRrn, FindsChecksumValidNumbers) {
  auto r = MakeKrRrnRecognizer();
  const std::string text = "주민번호는 900101-1234568이고 동생은 0202283123455";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"900101-1234568", "0202283123455"}));
  EXPECT_GE(spans[0].score, 0.95);
  EXPECT_GE(spans[1].score, 0.85);
  EXPECT_EQ(spans[0].reasons[0], "RRN check digit valid");
}

TEST(KrRrn, FindsForeignerRegistrationNumbers) {
  auto r = MakeKrRrnRecognizer();
  const std::string text = "외국인등록번호 850505-5120176";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].reasons[0], "foreigner registration check digit valid");
}

TEST(KrRrn, RejectsWrongCheckDigitAndImpossibleDates) {
  auto r = MakeKrRrnRecognizer();
  for (const char* text : {"900101-1234567", "901301-1234568", "900230-1234568", "900101-5234567x",
                           "1900101-1234568"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(KrRrn, Post2020NumbersWithoutCheckDigitScoreLowerAndBareOnesNeedContext) {
  auto r = MakeKrRrnRecognizer();
  const auto dashed = Scan(*r, "번호 210315-4987651");
  ASSERT_EQ(dashed.size(), 1u);
  EXPECT_LT(dashed[0].score, 0.6);
  EXPECT_EQ(Kept(*r, "번호 210315-4987651").size(), 1u);
  EXPECT_TRUE(Scan(*r, "code 2103154987651").empty());
  EXPECT_EQ(Scan(*r, "주민등록번호 2103154987651").size(), 1u);
}

// ---- PASSPORT -------------------------------------------------------------------------

TEST(Passport, FindsUsAndKoreanFormatsNextToPassportWords) {
  auto r = MakePassportRecognizer();
  const std::string text =
      "Passport: 123456789. 여권번호는 M12345678 이고 새 여권 M123A4567, US passport A12345678";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"123456789", "M12345678", "M123A4567", "A12345678"}));
  EXPECT_EQ(SpanFor(text, spans, "M123A4567")->reasons[0],
            "KR passport format (letter, 3 digits, letter, 4 digits)");
  EXPECT_EQ(SpanFor(text, spans, "A12345678")->reasons[0],
            "US passport format (letter + 8 digits)");
  for (const Span& s : spans) EXPECT_EQ(s.type, EntityType::kPassport);
}

TEST(Passport, GenericNumbersScoreLowerButPassWithContext) {
  auto r = MakePassportRecognizer();
  const std::string text = "passport no. AB123456";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_LT(spans[0].score, 0.5);
  EXPECT_EQ(Kept(*r, text).size(), 1u);
}

TEST(Passport, NeverFiresWithoutContext) {
  auto r = MakePassportRecognizer();
  EXPECT_TRUE(Scan(*r, "ticket M12345678 and 123456789").empty());
}

TEST(Passport, IgnoresWordsYearsAndShortOrLongTokens) {
  auto r = MakePassportRecognizer();
  for (const char* text : {"PASSPORT CONTROL", "passport expires 2025", "passport X1234",
                           "passport ABCDEFGH1", "passport number 1234567890123"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(Passport, ContextFartherThanFiveWordsDoesNotCount) {
  auto r = MakePassportRecognizer();
  EXPECT_TRUE(Scan(*r, "passport stuff was lost on the trip, then M12345678 came").empty());
}

// ---- DRIVER_LICENSE -------------------------------------------------------------------

TEST(DriverLicense, FindsUsStateFormatsWithContext) {
  auto r = MakeDriverLicenseRecognizer();
  const std::string text =
      "my driver's license number is 2270-66-1551; DL: F1234567; licence D12345678901";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"2270-66-1551", "F1234567", "D12345678901"}));
  for (const Span& s : spans) EXPECT_EQ(s.type, EntityType::kDriverLicense);
  EXPECT_EQ(Kept(*r, text).size(), 3u);
}

TEST(DriverLicense, FindsKoreanFormat) {
  auto r = MakeDriverLicenseRecognizer();
  const std::string text = "운전면허번호는 11-12-345678-90입니다";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0], "11-12-345678-90");
  EXPECT_EQ(spans[0].reasons[0], "KR license format NN-NN-NNNNNN-NN");
}

TEST(DriverLicense, NeverFiresWithoutContext) {
  auto r = MakeDriverLicenseRecognizer();
  EXPECT_TRUE(Scan(*r, "code F1234567 and 1234567").empty());
}

TEST(DriverLicense, IgnoresDatesShortNumbersAndNearerPhoneWords) {
  auto r = MakeDriverLicenseRecognizer();
  for (const char* text : {"license expires 2025-03-05", "license 123456",
                           "bus driver. Phone: 201-948-1927", "운전면허 99-12-345678-90"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

}  // namespace
}  // namespace ptmo::privacy
