// CREDIT_CARD, IBAN and BANK_ACCOUNT recognizers.
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

// ---- CREDIT_CARD ----------------------------------------------------------------------

TEST(CreditCard, FindsBareAndGroupedNumbers) {
  auto r = MakeCreditCardRecognizer();
  const std::string text =
      "Visa 4111111111111111, MC 5555-5555-5555-4444, Amex 3782 822463 10005, "
      "Diners 3056 930902 5904, Visa19 4909960308246281946, Maestro 501853933635.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"4111111111111111", "5555-5555-5555-4444", "3782 822463 10005",
                     "3056 930902 5904", "4909960308246281946", "501853933635"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kCreditCard);
    EXPECT_GE(s.score, 0.9);
    EXPECT_EQ(s.reasons.front(), "Luhn checksum valid");
  }
  EXPECT_EQ(SpanFor(text, spans, "3782 822463 10005")->reasons[1], "issuer American Express");
}

TEST(CreditCard, ValidatedNumberPassesWithoutContext) {
  auto r = MakeCreditCardRecognizer();
  EXPECT_EQ(Kept(*r, "here it is: 4111 1111 1111 1111").size(), 1u);
}

TEST(CreditCard, RejectsLuhnInvalidNumber) {
  auto r = MakeCreditCardRecognizer();
  EXPECT_TRUE(Scan(*r, "card 4111 1111 1111 1112").empty());
  EXPECT_TRUE(Scan(*r, "card 4111111111111112").empty());
}

TEST(CreditCard, RejectsUnknownIssuerAndIsbn) {
  auto r = MakeCreditCardRecognizer();
  EXPECT_TRUE(Scan(*r, "id 9111111111111119").empty());  // Luhn-valid, no issuer
  EXPECT_TRUE(Scan(*r, "ISBN 9783161484100").empty());   // 13 digits starting 978
  EXPECT_TRUE(Scan(*r, "ISBN 978-3-16-148410-0").empty());
}

TEST(CreditCard, RejectsMixedSeparatorsAndLongerRuns) {
  auto r = MakeCreditCardRecognizer();
  EXPECT_TRUE(Scan(*r, "4111 1111-1111 1111").empty());
  EXPECT_TRUE(Scan(*r, "41111111111111111111111").empty());
  EXPECT_TRUE(Scan(*r, "ref A4111111111111111").empty());
  EXPECT_TRUE(Scan(*r, "4111111111111111B").empty());
}

TEST(CreditCard, OtherNumbersBeforeTheCardDoNotHideIt) {
  auto r = MakeCreditCardRecognizer();
  const std::string text = "exp 12/25 4111 1111 1111 1111 and 2 4111111111111111";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"4111 1111 1111 1111", "4111111111111111"}));
  EXPECT_TRUE(Scan(*r, "1234 4111 1111 1111 1111").empty());  // where would the card start?
}

TEST(CreditCard, TakesTheCardOutOfALongerGroupedRun) {
  auto r = MakeCreditCardRecognizer();
  const std::string text = "card 4111 1111 1111 1111 2025 exp";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"4111 1111 1111 1111"}));
}

TEST(CreditCard, BareNumberAfterOrderOrTrackingWordIsAReference) {
  auto r = MakeCreditCardRecognizer();
  EXPECT_TRUE(Scan(*r, "Order #4526018159083012 has shipped").empty());
  EXPECT_TRUE(Scan(*r, "tracking number 4526018159083012").empty());
  EXPECT_EQ(Scan(*r, "my card 4526018159083012").size(), 1u);
}

TEST(CreditCard, FindsNumberGluedToKoreanText) {
  auto r = MakeCreditCardRecognizer();
  const std::string text = "카드번호는4111111111111111입니다";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, std::string("카드번호는").size());
  EXPECT_EQ(spans[0].length(), 16u);
}

TEST(CreditCard, ExampleWordLowersButDoesNotDropAValidCard) {
  auto r = MakeCreditCardRecognizer();
  const auto kept = Kept(*r, "for example 4111 1111 1111 1111");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_LT(kept[0].score, 0.9);
}

// ---- IBAN -----------------------------------------------------------------------------

TEST(Iban, FindsCompactSpacedAndLowerCaseIbans) {
  auto r = MakeIbanRecognizer();
  const std::string text =
      "Pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000 or "
      "fr1420041010050500013m02606, thanks";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans), (Strings{"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000",
                                           "fr1420041010050500013m02606"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kIban);
    EXPECT_GE(s.score, 0.9);
  }
}

TEST(Iban, StopsAtTheRegistryLengthBeforeTheNextWord) {
  auto r = MakeIbanRecognizer();
  const std::string text = "GB82 WEST 1234 5698 7654 32 is my IBAN";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"GB82 WEST 1234 5698 7654 32"}));
}

TEST(Iban, RejectsWrongChecksumUnknownCountryAndWrongLength) {
  auto r = MakeIbanRecognizer();
  for (const char* text :
       {"GB82 WEST 1234 5698 7654 33", "US82WEST12345698765432", "GB82WEST1234569876543",
        "GB82WEST123456987654321", "XGB82WEST12345698765432"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

// ---- BANK_ACCOUNT ---------------------------------------------------------------------

TEST(BankAccount, NeedsABankingWordNearby) {
  auto r = MakeBankAccountRecognizer();
  EXPECT_TRUE(Scan(*r, "the number is 12345678").empty());
  const std::string text = "my checking account number is 12345678";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Covered(text, spans)[0], "12345678");
  EXPECT_EQ(spans[0].type, EntityType::kBankAccount);
}

TEST(BankAccount, KoreanAccountWithDashesAndParticles) {
  auto r = MakeBankAccountRecognizer();
  const std::string text = "계좌번호는 110-123-456789입니다";
  EXPECT_EQ(Covered(text, Scan(*r, text)), (Strings{"110-123-456789"}));
}

TEST(BankAccount, ContextLiftsItOverTheThreshold) {
  auto r = MakeBankAccountRecognizer();
  const auto kept = Kept(*r, "bank acct 00123456789");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_GE(kept[0].score, 0.7);
}

TEST(BankAccount, IgnoresDatesMoneyAndShortOrLongNumbers) {
  auto r = MakeBankAccountRecognizer();
  for (const char* text : {"account opened 2024-03-05", "account balance $1000000",
                           "account balance 1,234,567", "account 12345", "계좌 잔액 1500000원",
                           "account 123456789012345678", "account 000000", "account 1.2345678"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(BankAccount, RecognizesValidRoutingNumbers) {
  auto r = MakeBankAccountRecognizer();
  const std::string text = "ABA routing number 021000021";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_GT(spans[0].score, 0.5);
  EXPECT_EQ(spans[0].reasons.back(), "ABA routing checksum valid");
}

}  // namespace
}  // namespace ptmo::privacy
