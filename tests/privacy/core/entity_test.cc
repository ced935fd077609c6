#include "privacy/core/entity.h"

#include <gtest/gtest.h>

namespace ptmo::privacy {
namespace {

TEST(EntityType, NamesRoundTripForEveryType) {
  for (EntityType t : AllEntityTypes()) {
    auto parsed = ParseEntityType(EntityTypeName(t));
    ASSERT_TRUE(parsed.has_value()) << EntityTypeName(t);
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_EQ(AllEntityTypes().size(), static_cast<size_t>(kEntityTypeCount));
}

TEST(EntityType, EvaluationNamesAreFixed) {
  EXPECT_EQ(EntityTypeName(EntityType::kUsSsn), "US_SSN");
  EXPECT_EQ(EntityTypeName(EntityType::kKrRrn), "KR_RRN");
  EXPECT_EQ(EntityTypeName(EntityType::kDateOfBirth), "DATE_OF_BIRTH");
  EXPECT_EQ(EntityTypeName(EntityType::kCryptoWallet), "CRYPTO_WALLET");
}

TEST(EntityType, UnknownNamesAreRejected) {
  EXPECT_FALSE(ParseEntityType("email").has_value());
  EXPECT_FALSE(ParseEntityType("").has_value());
  EXPECT_FALSE(ParseEntityType("SSN").has_value());
}

TEST(Level, NamesRoundTrip) {
  for (Level l : {Level::kPublic, Level::kSemiSensitive, Level::kPrivate}) {
    EXPECT_EQ(*ParseLevel(LevelName(l)), l);
  }
  EXPECT_FALSE(ParseLevel("SECRET").has_value());
}

}  // namespace
}  // namespace ptmo::privacy
