// Helpers for the vault tests: hand-made spans and independent checksum checks (written
// again here on purpose, so a bug in the vault's own Luhn/mod-97 code cannot hide itself).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy::testing {

inline Span MakeSpan(EntityType type, size_t begin, size_t end) {
  Span s;
  s.type = type;
  s.begin = begin;
  s.end = end;
  s.score = 1.0;
  s.recognizer = "test";
  return s;
}

// The span of the first occurrence of `value` in `text` at or after `from`.
inline Span SpanOf(std::string_view text, std::string_view value, EntityType type,
                   size_t from = 0) {
  size_t at = text.find(value, from);
  EXPECT_NE(at, std::string_view::npos) << "'" << value << "' not in '" << text << "'";
  Span s;
  s.type = type;
  s.begin = at;
  s.end = at + value.size();
  s.score = 1.0;
  s.recognizer = "test";
  return s;
}

inline std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d += c;
  }
  return d;
}

inline bool LuhnOk(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

// ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1.
inline bool IbanOk(std::string_view iban) {
  std::string compact;
  for (char c : iban) {
    if (c != ' ') compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (compact.size() < 5) return false;
  std::string moved = compact.substr(4) + compact.substr(0, 4);
  int r = 0;
  for (char c : moved) {
    if (c >= '0' && c <= '9') {
      r = (r * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return r == 1;
}

// A directory under the test temp dir, removed with its files when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "ptmo_vault_XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ptmo::privacy::testing
