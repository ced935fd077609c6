#include "privacy/validators/card.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(CardIssuer, IdentifiesEveryScheme) {
  EXPECT_EQ(IdentifyCardIssuer("4111111111111111"), CardIssuer::kVisa);
  EXPECT_EQ(IdentifyCardIssuer("4661318609133"), CardIssuer::kVisa);
  EXPECT_EQ(IdentifyCardIssuer("4909960308246281946"), CardIssuer::kVisa);
  EXPECT_EQ(IdentifyCardIssuer("5555555555554444"), CardIssuer::kMastercard);
  EXPECT_EQ(IdentifyCardIssuer("378282246310005"), CardIssuer::kAmex);
  EXPECT_EQ(IdentifyCardIssuer("341186252760181"), CardIssuer::kAmex);
  EXPECT_EQ(IdentifyCardIssuer("6011111111111117"), CardIssuer::kDiscover);
  EXPECT_EQ(IdentifyCardIssuer("6442917034236677"), CardIssuer::kDiscover);
  EXPECT_EQ(IdentifyCardIssuer("6512768426846564"), CardIssuer::kDiscover);
  EXPECT_EQ(IdentifyCardIssuer("3530111333300000"), CardIssuer::kJcb);
  EXPECT_EQ(IdentifyCardIssuer("3589528907866661760"), CardIssuer::kJcb);
  EXPECT_EQ(IdentifyCardIssuer("30569309025904"), CardIssuer::kDinersClub);
  EXPECT_EQ(IdentifyCardIssuer("30951777741214"), CardIssuer::kDinersClub);
  EXPECT_EQ(IdentifyCardIssuer("3808414852538884"), CardIssuer::kDinersClub);
  EXPECT_EQ(IdentifyCardIssuer("6290751163726510"), CardIssuer::kUnionPay);
  EXPECT_EQ(IdentifyCardIssuer("81676122202972993"), CardIssuer::kUnionPay);
  EXPECT_EQ(IdentifyCardIssuer("501853933635"), CardIssuer::kMaestro);
  EXPECT_EQ(IdentifyCardIssuer("6304387500474395755"), CardIssuer::kMaestro);
  EXPECT_EQ(IdentifyCardIssuer("6761513137353791"), CardIssuer::kMaestro);
}

TEST(CardIssuer, MastercardTwoSeriesCoversExactly2221To2720) {
  EXPECT_EQ(IdentifyCardIssuer("2221378657975438"), CardIssuer::kMastercard);
  EXPECT_EQ(IdentifyCardIssuer("2720231948757493"), CardIssuer::kMastercard);
  EXPECT_EQ(IdentifyCardIssuer("2220633043483955"), std::nullopt);
  EXPECT_EQ(IdentifyCardIssuer("2721752882001829"), std::nullopt);
}

TEST(CardIssuer, LegacyFifteenDigitJcbPrefixes) {
  EXPECT_EQ(IdentifyCardIssuer("180003137215907"), CardIssuer::kJcb);
  EXPECT_EQ(IdentifyCardIssuer("213110928159011"), CardIssuer::kJcb);
  EXPECT_EQ(IdentifyCardIssuer("2131109281590110"), std::nullopt);  // 16 digits
}

TEST(CardIssuer, DiscoverWinsTheRangeItSharesWithUnionPay) {
  EXPECT_EQ(IdentifyCardIssuer("6221263212233070"), CardIssuer::kDiscover);
}

TEST(CardIssuer, RejectsWrongLengthsForTheScheme) {
  EXPECT_EQ(IdentifyCardIssuer("41111111111111"), std::nullopt);     // Visa with 14
  EXPECT_EQ(IdentifyCardIssuer("37828224631000"), std::nullopt);     // Amex with 14
  EXPECT_EQ(IdentifyCardIssuer("55555555555544441"), std::nullopt);  // Mastercard with 17
  EXPECT_EQ(IdentifyCardIssuer("411111111111111111111"), std::nullopt);
}

TEST(CardIssuer, RejectsUnknownPrefixesAndNonDigits) {
  EXPECT_EQ(IdentifyCardIssuer("9111111111111111"), std::nullopt);
  EXPECT_EQ(IdentifyCardIssuer("1234567890123452"), std::nullopt);
  EXPECT_EQ(IdentifyCardIssuer("4111-1111-1111-1111"), std::nullopt);
  EXPECT_EQ(IdentifyCardIssuer(""), std::nullopt);
}

TEST(CardNumber, RequiresIssuerAndLuhn) {
  EXPECT_TRUE(IsValidCardNumber("4111111111111111"));
  EXPECT_TRUE(IsValidCardNumber("378282246310005"));
  EXPECT_FALSE(IsValidCardNumber("4111111111111112"));  // Luhn fails
  EXPECT_FALSE(IsValidCardNumber("9111111111111119"));  // no issuer; Luhn would pass
  EXPECT_TRUE(IsValidCardNumber("6442917034236677"));
}

TEST(CardIssuer, NamesAreHumanReadable) {
  EXPECT_EQ(CardIssuerName(CardIssuer::kAmex), "American Express");
  EXPECT_EQ(CardIssuerName(CardIssuer::kVisa), "Visa");
}

}  // namespace
}  // namespace ptmo::privacy::validators
