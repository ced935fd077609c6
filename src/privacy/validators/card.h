// Payment card issuers, identified by their IIN (issuer identification number) prefix ranges
// and permitted lengths. Pure functions; safe to call from any thread.
#pragma once

#include <optional>
#include <string_view>

namespace ptmo::privacy::validators {

enum class CardIssuer {
  kVisa,        // 4; 13, 16 or 19 digits
  kMastercard,  // 51-55 and 2221-2720; 16 digits
  kAmex,        // 34, 37; 15 digits
  kDiscover,    // 6011, 644-649, 65, 622126-622925; 16-19 digits
  kJcb,         // 3528-3589 with 16-19 digits; legacy 1800 and 2131 with 15 digits
  kDinersClub,  // 300-305, 3095, 36, 38, 39; 14-19 digits
  kUnionPay,    // 62 and 81; 16-19 digits
  kMaestro,     // 5018, 5020, 5038, 5893, 6304, 6759, 6761-6763; 12-19 digits
};

// "Visa", "Mastercard", "American Express", ...
std::string_view CardIssuerName(CardIssuer issuer);

// The issuer whose prefix range and length admit `digits` (ASCII digits only, no
// separators), or nullopt when none does or `digits` holds a non-digit. Ranges that two
// schemes share (622126-622925: Discover and UnionPay) report the first in the list above.
// Does not check the Luhn digit.
std::optional<CardIssuer> IdentifyCardIssuer(std::string_view digits);

// True when `digits` has a known issuer prefix and length and passes the Luhn check.
// Every scheme above is required to pass Luhn; the few UnionPay cards issued without a
// Luhn digit are rejected on purpose, because accepting them would let any 16-19 digit
// number starting with 62 through.
bool IsValidCardNumber(std::string_view digits);

}  // namespace ptmo::privacy::validators
