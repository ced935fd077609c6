// International Bank Account Numbers (ISO 13616): per-country lengths from the SWIFT IBAN
// registry and the ISO 7064 mod 97-10 check. Pure functions; safe to call from any thread.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// The registered total length of an IBAN for `country` (two upper-case ASCII letters, ISO
// 3166-1 alpha-2), or 0 when the country is not in the IBAN registry. Territories that use
// another country's IBAN prefix (French overseas departments use FR, the Aland Islands use
// FI) have no entry of their own.
int IbanLength(std::string_view country);

// True when `iban` (compact form: no spaces; letters may be upper or lower case) is a valid
// IBAN: a registered country code, the registry length for it, check digits 02-98, an
// alphanumeric BBAN, and a mod 97-10 remainder of 1 after moving the first four characters
// to the end and replacing letters with 10..35.
bool IsValidIban(std::string_view iban);

}  // namespace ptmo::privacy::validators
