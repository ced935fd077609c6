#include "privacy/validators/card.h"

#include "privacy/validators/luhn.h"

namespace ptmo::privacy::validators {
namespace {

// One IIN range: numbers whose first `prefix_len` digits lie in [low, high] and whose total
// length lies in [min_len, max_len] (with Visa's gaps handled separately).
struct IinRange {
  CardIssuer issuer;
  int prefix_len;
  int low, high;
  int min_len, max_len;
};

// Order matters where ranges overlap: the first match wins.
constexpr IinRange kRanges[] = {
    {CardIssuer::kAmex, 2, 34, 34, 15, 15},
    {CardIssuer::kAmex, 2, 37, 37, 15, 15},
    {CardIssuer::kVisa, 1, 4, 4, 13, 19},
    {CardIssuer::kMastercard, 2, 51, 55, 16, 16},
    {CardIssuer::kMastercard, 4, 2221, 2720, 16, 16},
    {CardIssuer::kDiscover, 4, 6011, 6011, 16, 19},
    {CardIssuer::kDiscover, 3, 644, 649, 16, 19},
    {CardIssuer::kDiscover, 2, 65, 65, 16, 19},
    {CardIssuer::kDiscover, 6, 622126, 622925, 16, 19},
    {CardIssuer::kJcb, 4, 3528, 3589, 16, 19},
    {CardIssuer::kJcb, 4, 1800, 1800, 15, 15},
    {CardIssuer::kJcb, 4, 2131, 2131, 15, 15},
    {CardIssuer::kDinersClub, 3, 300, 305, 14, 19},
    {CardIssuer::kDinersClub, 4, 3095, 3095, 14, 19},
    {CardIssuer::kDinersClub, 2, 36, 36, 14, 19},
    {CardIssuer::kDinersClub, 2, 38, 39, 14, 19},
    {CardIssuer::kMaestro, 4, 5018, 5018, 12, 19},
    {CardIssuer::kMaestro, 4, 5020, 5020, 12, 19},
    {CardIssuer::kMaestro, 4, 5038, 5038, 12, 19},
    {CardIssuer::kMaestro, 4, 5893, 5893, 12, 19},
    {CardIssuer::kMaestro, 4, 6304, 6304, 12, 19},
    {CardIssuer::kMaestro, 4, 6759, 6759, 12, 19},
    {CardIssuer::kMaestro, 4, 6761, 6763, 12, 19},
    {CardIssuer::kUnionPay, 2, 62, 62, 16, 19},
    {CardIssuer::kUnionPay, 2, 81, 81, 16, 19},
};

int Prefix(std::string_view digits, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

}  // namespace

std::string_view CardIssuerName(CardIssuer issuer) {
  switch (issuer) {
    case CardIssuer::kVisa: return "Visa";
    case CardIssuer::kMastercard: return "Mastercard";
    case CardIssuer::kAmex: return "American Express";
    case CardIssuer::kDiscover: return "Discover";
    case CardIssuer::kJcb: return "JCB";
    case CardIssuer::kDinersClub: return "Diners Club";
    case CardIssuer::kUnionPay: return "UnionPay";
    case CardIssuer::kMaestro: return "Maestro";
  }
  return "unknown";
}

std::optional<CardIssuer> IdentifyCardIssuer(std::string_view digits) {
  const int len = static_cast<int>(digits.size());
  if (len < 12 || len > 19) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (const IinRange& r : kRanges) {
    if (len < r.min_len || len > r.max_len) continue;
    const int p = Prefix(digits, r.prefix_len);
    if (p < r.low || p > r.high) continue;
    // Visa issues 13, 16 and 19 digit numbers only.
    if (r.issuer == CardIssuer::kVisa && len != 13 && len != 16 && len != 19) continue;
    return r.issuer;
  }
  return std::nullopt;
}

bool IsValidCardNumber(std::string_view digits) {
  return IdentifyCardIssuer(digits).has_value() && LuhnValid(digits);
}

}  // namespace ptmo::privacy::validators
