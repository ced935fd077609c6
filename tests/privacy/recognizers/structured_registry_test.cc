// MakeStructuredRecognizers as a whole: coverage, near misses, offsets, threads, hostile input.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "privacy/recognizers/registry.h"
#include "privacy/recognizers/structured_test_util.h"

namespace ptmo::privacy {
namespace {

using ::ptmo::privacy::structured_testing::AfterContext;
using ::ptmo::privacy::structured_testing::Covered;

std::vector<Span> FindAll(const std::vector<std::unique_ptr<Recognizer>>& recognizers,
                          std::string_view text) {
  std::vector<Span> out;
  for (const auto& r : recognizers) r->Find(text, out);
  return out;
}

TEST(StructuredRegistry, CoversEveryStructuredType) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  const std::string text =
      "Mail jane@example.com, visit https://example.org/x, server 10.1.2.3, "
      "mac 00:1A:2B:3C:4D:5E, call (650) 253-0000, card 4111 1111 1111 1111, "
      "IBAN GB82 WEST 1234 5698 7654 32, account number 12345678, SSN 536-22-5819, "
      "ITIN 912-70-1234, 주민번호 900101-1234568, passport M12345678, "
      "driver's license F1234567, wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa, "
      "born 1990-03-05, meeting on 2024-03-05.";
  std::set<EntityType> types;
  for (const Span& s : AfterContext(text, FindAll(recognizers, text))) types.insert(s.type);
  for (EntityType t :
       {EntityType::kEmail, EntityType::kUrl, EntityType::kIpAddress, EntityType::kMacAddress,
        EntityType::kPhone, EntityType::kCreditCard, EntityType::kIban, EntityType::kBankAccount,
        EntityType::kUsSsn, EntityType::kUsItin, EntityType::kKrRrn, EntityType::kPassport,
        EntityType::kDriverLicense, EntityType::kCryptoWallet, EntityType::kDateOfBirth,
        EntityType::kDate}) {
    EXPECT_EQ(types.count(t), 1u) << EntityTypeName(t);
  }
}

TEST(StructuredRegistry, NearMissesDoNotFire) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  for (const char* text : {
           "card 4111 1111 1111 1112",             // Luhn-invalid 16 digits
           "Order #4526018159083012 has shipped",  // order number that passes Luhn
           "tracking 1Z999AA10123456784",          // UPS tracking number
           "release 1.2.3.4.5 is out",             // version string
           "build 999.1.1.1",                      // out-of-range octet
           "at 12:30:45 sharp",                    // time of day
           "ISBN 978-3-16-148410-0",               // ISBN
           "Total: $1,234,567.89",                 // price
           "SSN 000-12-3456",                      // never-issued area
           "on 2023-02-30",                        // impossible date
           "about 5 Marching 1990 bands",          // not a month
           "open config.json and run main.py",     // file names
           "std::vector<int> v;",                  // C++ scope
           "the number 12345678 again",            // a number without context
       }) {
    const auto kept = AfterContext(text, FindAll(recognizers, text));
    EXPECT_TRUE(kept.empty()) << text << " -> " << ::testing::PrintToString(Covered(text, kept));
  }
}

TEST(StructuredRegistry, ProseWithoutPersonalDataHasNoSpans) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  const std::string text =
      "The committee met in 2019 and again in 2021. Roughly 45% of the 1,200 members voted; "
      "see section 3.2 and figure 7. Version 2.0 of the rules took effect after the vote. "
      "우리는 3시에 만나서 2시간 동안 이야기했다.";
  EXPECT_TRUE(FindAll(recognizers, text).empty())
      << ::testing::PrintToString(Covered(text, FindAll(recognizers, text)));
}

TEST(StructuredRegistry, SpansLieOnCodePointBoundariesInsideTheText) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  std::string text;
  const char* pieces[] = {"가",   "é",
                          "1",    "2",
                          "-",    ".",
                          " ",    "@",
                          "a",    ":",
                          "/",    "5",
                          "0",    "4111 1111 1111 1111",
                          "카드", "010-1234-5678",
                          "x",    "9",
                          "년"};
  unsigned seed = 12345;
  for (int i = 0; i < 4000; ++i) {
    seed = seed * 1103515245u + 12345u;
    text += pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
  }
  const auto spans = FindAll(recognizers, text);
  ASSERT_FALSE(spans.empty());
  for (const Span& s : spans) {
    ASSERT_LT(s.begin, s.end);
    ASSERT_LE(s.end, text.size());
    EXPECT_NE(static_cast<unsigned char>(text[s.begin]) & 0xC0, 0x80u);
    if (s.end < text.size()) {
      EXPECT_NE(static_cast<unsigned char>(text[s.end]) & 0xC0, 0x80u);
    }
    EXPECT_FALSE(s.recognizer.empty());
    EXPECT_FALSE(s.reasons.empty());
  }
}

TEST(StructuredRegistry, ConcurrentCallsAgreeWithASingleThread) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  const std::string text =
      "jane@example.com (650) 253-0000 4111 1111 1111 1111 GB82 WEST 1234 5698 7654 32 "
      "SSN 536-22-5819 900101-1234568 born 1990-03-05 https://example.org 10.1.2.3 ";
  std::string big;
  for (int i = 0; i < 50; ++i) big += text;
  const auto expected = FindAll(recognizers, big);
  std::vector<std::vector<Span>> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) {
    threads.emplace_back([&recognizers, &big, &r] { r = FindAll(recognizers, big); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.size(), expected.size());
    for (size_t i = 0; i < r.size(); ++i) {
      EXPECT_EQ(r[i].begin, expected[i].begin);
      EXPECT_EQ(r[i].end, expected[i].end);
      EXPECT_EQ(r[i].type, expected[i].type);
    }
  }
}

std::string Repeat(std::string_view piece, int times) {
  std::string s;
  for (int i = 0; i < times; ++i) s += piece;
  return s;
}

TEST(StructuredRegistry, HostileInputsFinishQuickly) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  // About 50 KB each: enough for quadratic work to take minutes.
  const std::string inputs[] = {
      std::string(50000, '1'),
      Repeat("1 2-", 12500),
      Repeat("12-34 ", 8000),
      Repeat("a.b.", 12500),
      Repeat("a@b.", 12500),
      Repeat("1a:f", 12500),
      Repeat("+1 (65", 8000),
      Repeat("GB82 W", 8000),
      Repeat("ab.", 16000) + "zz",                      // one huge host name
      "x@" + Repeat("ab.", 16000),                      // one huge e-mail domain
      "http://example.com/" + std::string(50000, ')'),  // brackets to trim
  };
  for (const std::string& input : inputs) {
    const auto start = std::chrono::steady_clock::now();
    FindAll(recognizers, input);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Linear scanners take milliseconds here; a quadratic one would take minutes.
    EXPECT_LT(seconds, 10.0) << input.substr(0, 12);
  }
}

TEST(StructuredRegistry, EmptyTextHasNoSpans) {
  const auto recognizers = MakeStructuredRecognizers(RuleOptions{});
  EXPECT_TRUE(FindAll(recognizers, "").empty());
}

}  // namespace
}  // namespace ptmo::privacy
