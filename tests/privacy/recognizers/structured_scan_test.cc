// Helpers shared by the structured recognizers: digit search, windows, boundaries.
#include "privacy/recognizers/structured_scan.h"

#include <gtest/gtest.h>

#include <string>

namespace ptmo::privacy::scan {
namespace {

size_t NaiveNextDigit(std::string_view text, size_t pos) {
  while (pos < text.size() && !IsDigit(text[pos])) ++pos;
  return pos;
}

TEST(StructuredScan, NextDigitAgreesWithAByteByByteSearch) {
  std::string text;
  unsigned seed = 7;
  for (int i = 0; i < 5000; ++i) {
    seed = seed * 1103515245u + 12345u;
    // Mostly non-digits (every byte value, including '/' and ':' around the digit range
    // and bytes >= 0x80), with a digit now and then.
    const unsigned r = (seed >> 8) % 256;
    text.push_back(r < 8 ? static_cast<char>('0' + r % 10) : static_cast<char>(r));
  }
  for (size_t pos = 0; pos <= text.size(); ++pos) {
    ASSERT_EQ(NextDigit(text, pos), NaiveNextDigit(text, pos)) << "at " << pos;
  }
}

TEST(StructuredScan, NextDigitFindsEveryDigitValueAtEveryAlignment) {
  for (char d = '0'; d <= '9'; ++d) {
    for (size_t at = 0; at < 20; ++at) {
      std::string text(24, '/');
      text[at] = d;
      EXPECT_EQ(NextDigit(text, 0), at);
    }
  }
  EXPECT_EQ(NextDigit("가나다라마바사아자차", 0), std::string("가나다라마바사아자차").size());
  EXPECT_EQ(NextDigit("", 0), 0u);
}

TEST(StructuredScan, DigitWindowsMergeTouchingMarginsAndRespectCodePoints) {
  const std::string text = "ab 12 cd 3 가 4";
  const auto windows = DigitWindows(text, 1, 1);
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(text.substr(windows[0].begin, windows[0].end - windows[0].begin), " 12 ");
  EXPECT_EQ(text.substr(windows[1].begin, windows[1].end - windows[1].begin), " 3 ");
  EXPECT_EQ(text.substr(windows[2].begin, windows[2].end - windows[2].begin), " 4");
  const auto wide = DigitWindows("x가1", 1, 0);  // one byte back lands inside '가'
  ASSERT_EQ(wide.size(), 1u);
  EXPECT_EQ(wide[0].begin, 1u);
}

TEST(StructuredScan, ByteWindowsFindEveryTrigger) {
  const std::string text = "a:b c::d";
  const auto windows = ByteWindows(text, ':', 0, 0);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].begin, 1u);
  EXPECT_EQ(windows[1].begin, 5u);
  EXPECT_EQ(windows[1].end, 7u);
}

TEST(StructuredScan, StandsAloneLooksAtAsciiNeighboursOnly) {
  const std::string text = "x123 456가";
  EXPECT_FALSE(StandsAlone(text, 1, 4));  // glued to 'x'
  EXPECT_TRUE(StandsAlone(text, 5, 8));   // a Korean letter after is fine
}

TEST(StructuredScan, ExtendsNumberSeesNeighbouringDigitGroups) {
  EXPECT_TRUE(ExtendsNumber("1.2.3.4.5", 0, 7, "."));
  EXPECT_TRUE(ExtendsNumber("9-123", 2, 5, "-"));
  EXPECT_FALSE(ExtendsNumber("a-123.", 2, 5, "-."));
}

TEST(StructuredScan, HasWordBeforeIgnoresWordsAfter) {
  const std::string text = "order 12345 shipped";
  EXPECT_TRUE(HasWordBefore(text, 6, {"order"}, 3));
  EXPECT_FALSE(HasWordBefore(text, 6, {"shipped"}, 3));
}

}  // namespace
}  // namespace ptmo::privacy::scan
