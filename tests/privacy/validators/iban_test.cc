#include "privacy/validators/iban.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(Iban, AcceptsRegistryExamplesOfManyLengths) {
  EXPECT_TRUE(IsValidIban("GB82WEST12345698765432"));
  EXPECT_TRUE(IsValidIban("DE89370400440532013000"));
  EXPECT_TRUE(IsValidIban("FR1420041010050500013M02606"));
  EXPECT_TRUE(IsValidIban("NO9386011117947"));                    // shortest, 15
  EXPECT_TRUE(IsValidIban("LC55HEMM000100010012001200023015"));   // 32
  EXPECT_TRUE(IsValidIban("RU0304452522540817810538091310419"));  // longest, 33
  EXPECT_TRUE(IsValidIban("MT84MALT011000012345MTLCAST001S"));
  EXPECT_TRUE(IsValidIban("BE68539007547034"));
}

TEST(Iban, AcceptsLowerCase) {
  EXPECT_TRUE(IsValidIban("gb82west12345698765432"));
}

TEST(Iban, RejectsWrongCheckDigits) {
  EXPECT_FALSE(IsValidIban("GB82WEST12345698765433"));
  EXPECT_FALSE(IsValidIban("GB83WEST12345698765432"));
  EXPECT_FALSE(IsValidIban("DE89370400440532013001"));
}

TEST(Iban, RejectsLengthThatDoesNotMatchTheCountry) {
  EXPECT_FALSE(IsValidIban("GB82WEST1234569876543"));
  EXPECT_FALSE(IsValidIban("GB82WEST123456987654321"));
}

TEST(Iban, RejectsUnknownCountriesAndBadCharacters) {
  EXPECT_FALSE(IsValidIban("US12345678901234567890"));
  EXPECT_FALSE(IsValidIban("GB82 WEST 1234 5698 7654 32"));  // compact form only
  EXPECT_FALSE(IsValidIban("GB82WEST1234569876543-"));
  EXPECT_FALSE(IsValidIban(""));
}

TEST(Iban, RejectsReservedCheckDigits) {
  // 00, 01 and 99 are never issued; a string can reach remainder 1 with them only by chance.
  EXPECT_FALSE(IsValidIban("GB00WEST12345698765432"));
  EXPECT_FALSE(IsValidIban("GB99WEST12345698765432"));
}

TEST(IbanLength, KnowsRegistryCountries) {
  EXPECT_EQ(IbanLength("GB"), 22);
  EXPECT_EQ(IbanLength("NO"), 15);
  EXPECT_EQ(IbanLength("RU"), 33);
  EXPECT_EQ(IbanLength("YE"), 30);
  EXPECT_EQ(IbanLength("AD"), 24);  // first in the table
  EXPECT_EQ(IbanLength("XK"), 20);
  EXPECT_EQ(IbanLength("US"), 0);
  EXPECT_EQ(IbanLength("gb"), 0);
  EXPECT_EQ(IbanLength("G"), 0);
}

}  // namespace
}  // namespace ptmo::privacy::validators
