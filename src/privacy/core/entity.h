// The kinds of personal or secret data the privacy guard detects, and the spans it reports.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::privacy {

// Names are fixed: `ptmo eval-pii` files and other tools use them verbatim.
enum class EntityType {
  kEmail,
  kPhone,
  kUrl,
  kIpAddress,
  kMacAddress,
  kCreditCard,
  kIban,
  kUsSsn,
  kUsItin,
  kKrRrn,
  kPassport,
  kDriverLicense,
  kBankAccount,
  kCryptoWallet,
  kSecret,
  kPassword,
  kDateOfBirth,
  kDate,  // a date that is not known to be a birth date
  kPerson,
  kLocation,
  kOrganization,
};
inline constexpr int kEntityTypeCount = static_cast<int>(EntityType::kOrganization) + 1;

// "EMAIL", "US_SSN", ...
std::string_view EntityTypeName(EntityType type);
// Inverse of EntityTypeName; nullopt for an unknown name.
std::optional<EntityType> ParseEntityType(std::string_view name);
// Every type, in enum order.
const std::vector<EntityType>& AllEntityTypes();

// One detected piece of sensitive data. Offsets are byte offsets into the UTF-8 text that
// was scanned, end exclusive, always on code point boundaries.
struct Span {
  EntityType type{};
  size_t begin = 0;
  size_t end = 0;
  double score = 0.0;                // confidence in [0,1] after context enhancement
  std::string recognizer;            // which recognizer found it ("credit_card", "ner", ...)
  std::vector<std::string> reasons;  // why: "Luhn checksum valid", "context word 'card'", ...

  size_t length() const { return end - begin; }
};

// A whole-text sensitive topic signal (GDPR Art. 9 special categories, finance, ...).
struct TopicHit {
  std::string topic;                  // "health", "finance", "legal", "religion", ...
  double score = 0.0;                 // in [0,1]
  std::vector<std::string> evidence;  // the words or phrases that triggered it
};

enum class Level { kPublic, kSemiSensitive, kPrivate };
std::string_view LevelName(Level level);  // "PUBLIC", "SEMI_SENSITIVE", "PRIVATE"
std::optional<Level> ParseLevel(std::string_view name);

}  // namespace ptmo::privacy
