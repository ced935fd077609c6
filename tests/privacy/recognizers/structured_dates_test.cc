// DATE and DATE_OF_BIRTH recognizer.
#include <gtest/gtest.h>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_test_util.h"

namespace ptmo::privacy {
namespace {

using ::ptmo::privacy::structured_testing::Covered;
using ::ptmo::privacy::structured_testing::Kept;
using ::ptmo::privacy::structured_testing::Scan;
using Strings = std::vector<std::string>;

TEST(Date, FindsCommonWrittenForms) {
  auto r = MakeDateRecognizer();
  const std::string text =
      "Due 2024-03-05, then 03/05/2024, 31.12.1999, 5 March 1990, 5th of March, 1990, "
      "March 5, 1990, Sept. 9 2001 and 1990년 3월 5일.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"2024-03-05", "03/05/2024", "31.12.1999", "5 March 1990", "5th of March, 1990",
                     "March 5, 1990", "Sept. 9 2001", "1990년 3월 5일"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kDate);
    EXPECT_EQ(s.recognizer, "date");
  }
}

TEST(Date, RejectsImpossibleCalendarDays) {
  auto r = MakeDateRecognizer();
  for (const char* text : {"2023-02-30", "2023-02-29", "31/31/2024", "30 February 2024",
                           "April 31, 2020", "2024-13-01", "1990년 2월 30일"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(Date, AcceptsLeapDays) {
  auto r = MakeDateRecognizer();
  EXPECT_EQ(Scan(*r, "2024-02-29").size(), 1u);
  EXPECT_EQ(Scan(*r, "29 February 2000").size(), 1u);
  EXPECT_TRUE(Scan(*r, "29 February 1900").empty());
}

TEST(Date, IgnoresVersionsTimesAndOtherNumbers) {
  auto r = MakeDateRecognizer();
  for (const char* text :
       {"version 1.2.3.4", "v1.2.2024", "12:30:45", "2024-03-05-17", "1.2.2024.7", "in 2024",
        "5 Marching 1990", "3/5/24", "2024-03/05", "0999-01-01"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(DateOfBirth, BirthWordsMakeABirthDate) {
  auto r = MakeDateRecognizer();
  for (const char* text :
       {"She was born on 10/23/1951.", "DOB: 1985-07-14", "birthday March 5, 1990",
        "생년월일 1990년 3월 5일", "생일은 1990-03-05"}) {
    const auto spans = Scan(*r, text);
    ASSERT_EQ(spans.size(), 1u) << text;
    EXPECT_EQ(spans[0].type, EntityType::kDateOfBirth) << text;
    EXPECT_GE(spans[0].score, 0.8) << text;
  }
}

TEST(DateOfBirth, TwoDigitYearsOnlyNextToBirthWords) {
  auto r = MakeDateRecognizer();
  EXPECT_TRUE(Scan(*r, "meeting 03/05/90").empty());
  const std::string text = "DOB 03/05/90";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0], "03/05/90");
  EXPECT_EQ(spans[0].type, EntityType::kDateOfBirth);
}

TEST(DateWithoutYear, FindsNamedMonthAndDay) {
  auto r = MakeDateRecognizer();
  const std::string text =
      "Moved from June 2 to Jan 27th, then on October 9, 2 June, the 9th of October, "
      "Sept. 11 and DEC 3.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"June 2", "Jan 27th", "October 9", "2 June",
                                           "9th of October", "Sept. 11", "DEC 3"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kDate);
    ASSERT_FALSE(s.reasons.empty());
    EXPECT_EQ(s.reasons[0], "valid month and day (no year)");
  }
}

TEST(DateWithoutYear, FindsKoreanMonthAndDayWithParticles) {
  auto r = MakeDateRecognizer();
  const std::string text = "3월 14일 그리고 12월 25일에 만나요";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"3월 14일", "12월 25일"}));
}

TEST(DateWithoutYear, FullDateIsReportedOnceWithItsYear) {
  auto r = MakeDateRecognizer();
  const std::string text = "June 2, 2024 and 2 June 2024 and 2024년 3월 14일";
  EXPECT_EQ(Covered(text, Scan(*r, text)),
            (Strings{"June 2, 2024", "2 June 2024", "2024년 3월 14일"}));
  // A full date rejected for its day is not found again without its year.
  EXPECT_TRUE(Scan(*r, "February 30, 2024").empty());
  EXPECT_TRUE(Scan(*r, "1990년 2월 30일").empty());
}

TEST(DateWithoutYear, RejectsDaysNoYearHasAndMonthWordsWithoutADay) {
  auto r = MakeDateRecognizer();
  for (const char* text :
       {"May I ask?", "March forward", "June 32", "February 30", "April 31st", "13월 5일",
        "3월 32일", "0월 5일", "June 0", "the 4 of us", "June 2023", "in Jun2", "2Jun",
        "we march 5 miles", "you may 2x it", "5 marching bands", "June 2.5", "2 Junebugs"}) {
    EXPECT_TRUE(Scan(*r, text).empty())
        << text << ": " << ::testing::PrintToString(Covered(text, Scan(*r, text)));
  }
  EXPECT_EQ(Scan(*r, "February 29").size(), 1u);  // exists in leap years
  EXPECT_EQ(Scan(*r, "May 5").size(), 1u);
}

TEST(DateOfBirth, BirthWordMakesAYearlessDateABirthDate) {
  auto r = MakeDateRecognizer();
  for (const char* text : {"my birthday is June 2", "생일은 3월 14일이야"}) {
    const auto spans = Scan(*r, text);
    ASSERT_EQ(spans.size(), 1u) << text;
    EXPECT_EQ(spans[0].type, EntityType::kDateOfBirth) << text;
  }
}

TEST(Date, PlainDatePassesTheThresholdAndExampleWordDropsIt) {
  auto r = MakeDateRecognizer();
  EXPECT_EQ(Kept(*r, "we met on 2024-03-05").size(), 1u);
  EXPECT_TRUE(Kept(*r, "an example: 2024-03-05").empty());
}

}  // namespace
}  // namespace ptmo::privacy
