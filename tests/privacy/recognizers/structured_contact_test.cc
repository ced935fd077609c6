// EMAIL, URL, IP_ADDRESS and MAC_ADDRESS recognizers.
#include <gtest/gtest.h>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_test_util.h"
#include "privacy/recognizers/tld_list.h"

namespace ptmo::privacy {
namespace {

using ::ptmo::privacy::structured_testing::Covered;
using ::ptmo::privacy::structured_testing::Kept;
using ::ptmo::privacy::structured_testing::Scan;
using ::ptmo::privacy::structured_testing::SpanFor;
using Strings = std::vector<std::string>;

// ---- EMAIL ----------------------------------------------------------------------------

TEST(Email, FindsAddressesWithKnownTlds) {
  auto r = MakeEmailRecognizer();
  const std::string text = "Mail jane.doe+news@example.co.uk or Bob_99@mail-server.com today.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"jane.doe+news@example.co.uk", "Bob_99@mail-server.com"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kEmail);
    EXPECT_GE(s.score, 0.9);
    EXPECT_EQ(s.recognizer, "email");
  }
}

TEST(Email, StopsAtSentencePunctuation) {
  auto r = MakeEmailRecognizer();
  const std::string text = "Write to a@b.io. Or (x@y.org), thanks";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"a@b.io", "x@y.org"}));
}

TEST(Email, DropsTrailingLabelsThatAreNotTlds) {
  auto r = MakeEmailRecognizer();
  const std::string text = "mail john@example.com.Thanks";  // missing space
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"john@example.com"}));
}

TEST(Email, RejectsUnknownTldsAndMalformedLocalParts) {
  auto r = MakeEmailRecognizer();
  for (const char* text :
       {"user@host.invalidtld", "user@localhost", "a..b@example.com", "user.@example.com",
        "@example.com", "user@-bad.com", "version 1.2@3.4", "user@example.c"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(Email, ReportsByteOffsetsAfterKoreanText) {
  auto r = MakeEmailRecognizer();
  const std::string text = "이메일은 kim@example.kr 입니다";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, std::string("이메일은 ").size());
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].length()), "kim@example.kr");
}

TEST(Email, TextWithoutAtSignHasNoEmails) {
  auto r = MakeEmailRecognizer();
  EXPECT_TRUE(Scan(*r, "Nothing to see at example.com here").empty());
}

// ---- URL ------------------------------------------------------------------------------

TEST(Url, FindsSchemeUrlsWithPathsAndQueries) {
  auto r = MakeUrlRecognizer();
  const std::string text =
      "See https://www.example.com/path/to?q=1&x=y#frag and http://10.0.0.1:8080/admin.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"https://www.example.com/path/to?q=1&x=y#frag",
                                           "http://10.0.0.1:8080/admin"}));
  for (const Span& s : spans) EXPECT_GE(s.score, 0.8);
}

TEST(Url, KeepsTrailingSlashAndBalancedParentheses) {
  auto r = MakeUrlRecognizer();
  const std::string text =
      "(see https://en.wikipedia.org/wiki/Foo_(bar)) and My website is https://Shop.example.se/";
  EXPECT_EQ(Covered(text, Scan(*r, text)),
            (Strings{"https://en.wikipedia.org/wiki/Foo_(bar)", "https://Shop.example.se/"}));
}

TEST(Url, FindsWwwHostsAndBareDomains) {
  auto r = MakeUrlRecognizer();
  const std::string text = "Try www.foo.co.uk, example.com/about or news.bbc.co.uk today.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"www.foo.co.uk", "example.com/about", "news.bbc.co.uk"}));
  EXPECT_GT(SpanFor(text, spans, "www.foo.co.uk")->score,
            SpanFor(text, spans, "example.com/about")->score);
}

TEST(Url, BareDomainPassesThresholdAlone) {
  auto r = MakeUrlRecognizer();
  EXPECT_EQ(Kept(*r, "I bought it on example.com yesterday").size(), 1u);
}

TEST(Url, IgnoresFileNamesAbbreviationsAndCode) {
  auto r = MakeUrlRecognizer();
  for (const char* text :
       {"open config.json and main.cpp", "run script.py or build.sh", "see README.md",
        "e.g. this, i.e. that", "Use ASP.NET today", "the end.It began", "set user.name first",
        "call self.app.run()", "the value is 3.14", "load model.pt now", "version 1.2.3"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(Url, DoesNotReportTheDomainOfAnEmailAddress) {
  auto r = MakeUrlRecognizer();
  EXPECT_TRUE(Scan(*r, "write to john.smith@example.com please").empty());
}

TEST(Url, SchemeUrlWithUnknownHostScoresLow) {
  auto r = MakeUrlRecognizer();
  const std::string text = "go to http://intranet/wiki now";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_LT(spans[0].score, 0.6);
}

TEST(Url, StopsAtNonAsciiText) {
  auto r = MakeUrlRecognizer();
  const std::string text = "https://example.com에서 확인";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"https://example.com"}));
}

TEST(TldList, KnowsRealTopLevelDomainsOnly) {
  EXPECT_TRUE(IsKnownTld("com"));
  EXPECT_TRUE(IsKnownTld("uk"));
  EXPECT_TRUE(IsKnownTld("museum"));
  EXPECT_TRUE(IsKnownTld("xn--3e0b707e"));  // punycode IDN
  EXPECT_FALSE(IsKnownTld("json"));
  EXPECT_FALSE(IsKnownTld("txt"));
  EXPECT_FALSE(IsKnownTld("COM"));  // callers lower-case first
  EXPECT_GT(KnownTldCount(), 1000u);
}

// ---- IP_ADDRESS -----------------------------------------------------------------------

TEST(IpAddress, FindsIpv4AndIpv6) {
  auto r = MakeIpAddressRecognizer();
  const std::string text =
      "Hosts 192.168.1.20, 8.8.8.8 and 2001:db8:85a3::8a2e:370:7334 or fe80::1 or "
      "::ffff:192.0.2.128.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"192.168.1.20", "8.8.8.8", "2001:db8:85a3::8a2e:370:7334", "fe80::1",
                     "::ffff:192.0.2.128"}));
  for (const Span& s : spans) EXPECT_EQ(s.type, EntityType::kIpAddress);
}

TEST(IpAddress, RejectsVersionStringsAndOutOfRangeOctets) {
  auto r = MakeIpAddressRecognizer();
  for (const char* text : {"release 1.2.3.4.5 is out", "999.1.1.1", "1.2.3", "01.02.03.04",
                           "version 1.2.3.4", "v1.2.3.4", "256.256.256.256"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(IpAddress, RejectsTimesMacAddressesAndCppScopes) {
  auto r = MakeIpAddressRecognizer();
  for (const char* text : {"at 12:30:45 sharp", "mac 00:1A:2B:3C:4D:5E", "std::vector<int>", "a::b",
                           "the :: operator", "loopback ::1"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

// ---- MAC_ADDRESS ----------------------------------------------------------------------

TEST(MacAddress, FindsColonDashAndCiscoForms) {
  auto r = MakeMacAddressRecognizer();
  const std::string text = "eth0 00:1A:2B:3C:4D:5E, wlan 00-1a-2b-3c-4d-5f, switch 001a.2b3c.4d60";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5f", "001a.2b3c.4d60"}));
  for (const Span& s : spans) EXPECT_GE(s.score, 0.7);
}

TEST(MacAddress, RejectsMixedSeparatorsLongerRunsAndSpecialAddresses) {
  auto r = MakeMacAddressRecognizer();
  for (const char* text : {"00:1A-2B:3C:4D:5E", "00:1A:2B:3C:4D:5E:6F", "00:00:00:00:00:00",
                           "ff:ff:ff:ff:ff:ff", "dead.beef.cafe", "12:30:45"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(MacAddress, AllDigitCiscoTripleNeedsContext) {
  auto r = MakeMacAddressRecognizer();
  EXPECT_TRUE(Kept(*r, "ticket 1234.5678.9012 closed").empty());
  EXPECT_EQ(Kept(*r, "device mac 1234.5678.9012").size(), 1u);
}

}  // namespace
}  // namespace ptmo::privacy
