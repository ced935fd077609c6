#include "privacy/validators/ip.h"

namespace ptmo::privacy::validators {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool IsValidIpv4(std::string_view s) {
  int octets = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4) {
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    const size_t len = i - start;
    if (len == 0 || len > 3 || value > 255) return false;
    if (len > 1 && s[start] == '0') return false;
    ++octets;
    if (i == s.size()) break;
    if (s[i] != '.' || octets == 4) return false;
    ++i;
  }
  return octets == 4;
}

bool IsValidIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int groups = 0;           // 16-bit groups written out (an embedded IPv4 counts as two)
  bool compressed = false;  // saw "::"
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;  // "::" alone is the unspecified address
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    // One group, or a trailing embedded IPv4 address.
    size_t j = i;
    while (j < s.size() && IsHex(s[j]) && j - i < 5) ++j;
    if (j < s.size() && s[j] == '.') {
      if (!IsValidIpv4(s.substr(i))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    const size_t len = j - i;
    if (len == 0 || len > 4) return false;
    ++groups;
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;  // only one "::"
      compressed = true;
      ++i;
      if (i == s.size()) break;  // trailing "::"
    } else if (i == s.size()) {
      return false;  // a single trailing ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

}  // namespace ptmo::privacy::validators
