#include "privacy/validators/iban.h"

#include <algorithm>
#include <array>
#include <string>

namespace ptmo::privacy::validators {
namespace {

struct CountryLength {
  char code[3];
  int length;
};

// The SWIFT IBAN registry (ISO 13616), sorted by code for binary search.
constexpr CountryLength kLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
};

char Upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsUpperAlpha(char c) {
  return c >= 'A' && c <= 'Z';
}

}  // namespace

int IbanLength(std::string_view country) {
  if (country.size() != 2) return 0;
  auto it = std::lower_bound(
      std::begin(kLengths), std::end(kLengths), country,
      [](const CountryLength& e, std::string_view c) { return std::string_view(e.code, 2) < c; });
  if (it == std::end(kLengths) || std::string_view(it->code, 2) != country) return 0;
  return it->length;
}

bool IsValidIban(std::string_view iban) {
  if (iban.size() < 5 || iban.size() > 34) return false;
  const char country[2] = {Upper(iban[0]), Upper(iban[1])};
  if (!IsUpperAlpha(country[0]) || !IsUpperAlpha(country[1])) return false;
  if (IbanLength(std::string_view(country, 2)) != static_cast<int>(iban.size())) return false;
  if (!IsDigit(iban[2]) || !IsDigit(iban[3])) return false;
  const int check = (iban[2] - '0') * 10 + (iban[3] - '0');
  if (check < 2 || check > 98) return false;

  // Mod 97 of the rearranged number, computed digit by digit so nothing overflows.
  int rem = 0;
  auto feed = [&rem](char c) -> bool {
    c = Upper(c);
    if (IsDigit(c)) {
      rem = (rem * 10 + (c - '0')) % 97;
    } else if (IsUpperAlpha(c)) {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (size_t i = 4; i < iban.size(); ++i) {
    if (!feed(iban[i])) return false;
  }
  for (size_t i = 0; i < 4; ++i) feed(iban[i]);
  return rem == 1;
}

}  // namespace ptmo::privacy::validators
