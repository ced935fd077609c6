#include "privacy/core/entity.h"

#include <array>

namespace ptmo::privacy {
namespace {

constexpr std::array<std::string_view, kEntityTypeCount> kNames = {
    "EMAIL",        "PHONE",          "URL",          "IP_ADDRESS",    "MAC_ADDRESS",
    "CREDIT_CARD",  "IBAN",           "US_SSN",       "US_ITIN",       "KR_RRN",
    "PASSPORT",     "DRIVER_LICENSE", "BANK_ACCOUNT", "CRYPTO_WALLET", "SECRET",
    "PASSWORD",     "DATE_OF_BIRTH",  "DATE",         "PERSON",        "LOCATION",
    "ORGANIZATION",
};

}  // namespace

std::string_view EntityTypeName(EntityType type) {
  return kNames[static_cast<size_t>(type)];
}

std::optional<EntityType> ParseEntityType(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<EntityType>(i);
  }
  return std::nullopt;
}

const std::vector<EntityType>& AllEntityTypes() {
  static const std::vector<EntityType> all = [] {
    std::vector<EntityType> v;
    for (int i = 0; i < kEntityTypeCount; ++i) v.push_back(static_cast<EntityType>(i));
    return v;
  }();
  return all;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kPublic: return "PUBLIC";
    case Level::kSemiSensitive: return "SEMI_SENSITIVE";
    case Level::kPrivate: return "PRIVATE";
  }
  return "PUBLIC";
}

std::optional<Level> ParseLevel(std::string_view name) {
  if (name == "PUBLIC") return Level::kPublic;
  if (name == "SEMI_SENSITIVE") return Level::kSemiSensitive;
  if (name == "PRIVATE") return Level::kPrivate;
  return std::nullopt;
}

}  // namespace ptmo::privacy
