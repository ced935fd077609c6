// PHONE recognizer (libphonenumber's matcher behind a digit-run pre-scan).
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

const std::vector<std::string> kRegions = {"US", "KR", "GB", "DE", "FR", "JP", "CN", "IN"};

TEST(Phone, FindsNationalNumbersOfConfiguredRegions) {
  auto r = MakePhoneRecognizer(kRegions);
  const std::string text =
      "Call (650) 253-0000 or 010-1234-5678, the Seoul office 02-312-3456, "
      "Paris 01 42 68 53 00.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"(650) 253-0000", "010-1234-5678", "02-312-3456", "01 42 68 53 00"}))
      << ::testing::PrintToString(Covered(text, spans));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kPhone);
    EXPECT_EQ(s.recognizer, "phone");
    EXPECT_GE(s.score, 0.7);
  }
}

TEST(Phone, FindsInternationalNumbersWhateverTheRegions) {
  auto r = MakePhoneRecognizer({"US"});
  const std::string text = "Reach me at +82 10-1234-5678 or +44 20 7183 8750 or +33 1 42 68 53 00";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"+82 10-1234-5678", "+44 20 7183 8750", "+33 1 42 68 53 00"}));
  for (const Span& s : spans) EXPECT_GE(s.score, 0.8);
}

TEST(Phone, ReportsEachNumberOnceAcrossRegions) {
  auto r = MakePhoneRecognizer(kRegions);
  const std::string text = "Office: +1 650-253-0000.";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0], "+1 650-253-0000");
}

TEST(Phone, NationalNumberOfAnUnconfiguredRegionIsNotFound) {
  auto only_us = MakePhoneRecognizer({"US"});
  auto with_kr = MakePhoneRecognizer({"US", "KR"});
  const std::string text = "휴대폰 010-1234-5678";
  EXPECT_TRUE(Scan(*only_us, text).empty());
  EXPECT_EQ(Scan(*with_kr, text).size(), 1u);
}

TEST(Phone, UnknownRegionCodesAreIgnored) {
  auto r = MakePhoneRecognizer({"XX", "US"});
  EXPECT_EQ(Scan(*r, "call 650-253-0000").size(), 1u);
}

TEST(Phone, KoreanParticlesDoNotBlockAMatchAndOffsetsAreBytes) {
  auto r = MakePhoneRecognizer(kRegions);
  const std::string text = "전화번호는 010-1234-5678입니다";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, std::string("전화번호는 ").size());
  EXPECT_EQ(Covered(text, spans)[0], "010-1234-5678");
}

TEST(Phone, KeepsExtensions) {
  auto r = MakePhoneRecognizer({"US"});
  const std::string text = "Desk: 650-253-0000 x1234 thanks";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0].substr(0, 12), "650-253-0000");
}

TEST(Phone, IgnoresNumbersThatAreOtherThings) {
  auto r = MakePhoneRecognizer(kRegions);
  for (const char* text : {
           "Total $1,234,567.89 due",         // a price
           "ISBN 978-3-16-148410-0",          // an ISBN
           "at 12:30:45 today",               // a time
           "on 2023-02-28 we met",            // a date
           "logged 2015-12-22 04:34:22 UTC",  // a time stamp
           "host 192.168.100.200 is up",      // an IPv4 address
           "version 1.2.3.4.5 released",      // a version
           "SSN 536-22-5819",                 // an SSN
           "Boston, MA 02110-1301 USA",       // a ZIP+4 code
           "card 4111 1111 1111 1111",        // a card number
           "order 2025550143 shipped",        // a reference number
           "pay 4111111111111111 now",        // a bare 16-digit block
       }) {
    EXPECT_TRUE(Scan(*r, text).empty())
        << text << ": " << ::testing::PrintToString(Covered(text, Scan(*r, text)));
  }
}

TEST(Phone, IdentifierWordBeforeTheNumberWinsUnlessAPhoneWordIsCloser) {
  auto r = MakePhoneRecognizer({"US"});
  EXPECT_TRUE(Scan(*r, "driver's license 650-253-0000").empty());
  EXPECT_EQ(Scan(*r, "account holder, phone 650-253-0000").size(), 1u);
}

TEST(Phone, BareDigitBlockScoresLowerThanPunctuatedNumber) {
  auto r = MakePhoneRecognizer({"US"});
  const std::string text = "a 6502530000 b (650) 253-0000";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_LT(SpanFor(text, spans, "6502530000")->score,
            SpanFor(text, spans, "(650) 253-0000")->score);
}

TEST(Phone, ContextWordRaisesScore) {
  auto r = MakePhoneRecognizer({"US"});
  const auto kept = Kept(*r, "my phone is 6502530000");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_GE(kept[0].score, 0.8);
}

TEST(Phone, TextWithoutLongDigitRunsIsFree) {
  auto r = MakePhoneRecognizer(kRegions);
  EXPECT_TRUE(Scan(*r, "In 2024, 12 of 345 people (6%) said 7 8 9.").empty());
}

TEST(Phone, FindsNumbersJoinedBySingleSpaces) {
  auto r = MakePhoneRecognizer({"US", "FR"});
  const std::string list = "(650) 253-0000 (650) 253-0001 650-253-0002";
  EXPECT_EQ(Covered(list, Scan(*r, list)),
            (Strings{"(650) 253-0000", "(650) 253-0001", "650-253-0002"}));
  const std::string french = "01 42 68 53 00 01 42 68 53 01";
  EXPECT_EQ(Covered(french, Scan(*r, french)), (Strings{"01 42 68 53 00", "01 42 68 53 01"}));
  const std::string mixed = "call (650) 253-0000 4111 1111 1111 1111";
  EXPECT_EQ(Covered(mixed, Scan(*r, mixed)), (Strings{"(650) 253-0000"}));
}

TEST(Phone, ManyNumbersInOneTextAreAllFound) {
  auto r = MakePhoneRecognizer({"US"});
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + ": call (650) 253-0000.\n";
  EXPECT_EQ(Scan(*r, text).size(), 2000u);
}

}  // namespace
}  // namespace ptmo::privacy
