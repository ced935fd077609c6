// Character statistics of candidate secret tokens: Shannon entropy and character classes.
//
// Random credentials (API keys, tokens) use many distinct characters evenly, mix letters and
// digits, and rarely repeat; ordinary words and identifiers do not. These pure functions give
// the secret recognizer cheap numbers to tell the two apart. All are thread-safe and allocate
// nothing for ASCII input.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// Shannon entropy of the code point distribution of `token`, in bits per code point:
// H = -sum_c p(c) * log2 p(c), where p(c) is the share of code points equal to c.
// 0 for an empty or single-symbol token; at most log2(number of code points). Invalid UTF-8
// bytes count as one symbol each. Linear time.
double ShannonEntropy(std::string_view token);

// Which kinds of ASCII characters a token contains.
struct CharClasses {
  int lower = 0;   // a-z
  int upper = 0;   // A-Z
  int digit = 0;   // 0-9
  int symbol = 0;  // other printable ASCII (not space)
  int other = 0;   // spaces, control bytes and non-ASCII bytes

  // How many of lower/upper/digit/symbol occur at least once (0..4).
  int distinct() const { return (lower > 0) + (upper > 0) + (digit > 0) + (symbol > 0); }
};

// Counts the character classes of `token` (per byte).
CharClasses ClassifyChars(std::string_view token);

// True when `token` is non-empty and made only of hexadecimal digits (either case).
bool IsHex(std::string_view token);

// True when `token` has the 8-4-4-4-12 hexadecimal shape of a UUID
// ("123e4567-e89b-12d3-a456-426614174000"); the version and variant nibbles are not checked.
bool IsUuidShaped(std::string_view token);

}  // namespace ptmo::privacy::validators
