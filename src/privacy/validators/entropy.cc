#include "privacy/validators/entropy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "util/utf8.h"

namespace ptmo::privacy::validators {
namespace {

// Entropy from symbol counts: H = log2(n) - (1/n) * sum count * log2(count), which needs one
// log per distinct symbol instead of a division per symbol.
template <typename Counts>
double EntropyFromCounts(const Counts& counts, size_t n) {
  if (n == 0) return 0.0;
  double sum = 0.0;
  for (auto c : counts) {
    if (c > 0) sum += static_cast<double>(c) * std::log2(static_cast<double>(c));
  }
  const double h = std::log2(static_cast<double>(n)) - sum / static_cast<double>(n);
  return h < 0.0 ? 0.0 : h;  // rounding can give -0.0000001 for one symbol
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

double ShannonEntropy(std::string_view token) {
  const bool ascii = std::all_of(token.begin(), token.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    std::array<uint32_t, 128> counts{};
    for (char c : token) ++counts[static_cast<unsigned char>(c)];
    return EntropyFromCounts(counts, token.size());
  }
  // Rare path (non-ASCII tokens): sort the code points and count runs.
  std::vector<char32_t> cps;
  cps.reserve(token.size());
  for (size_t i = 0; i < token.size();) {
    size_t len;
    char32_t cp = utf8::Decode(token, i, &len);
    // Keep invalid bytes distinct from each other and from real code points.
    if (cp == 0xFFFD && len == 1) cp = 0x110000 + static_cast<unsigned char>(token[i]);
    cps.push_back(cp);
    i += len;
  }
  std::sort(cps.begin(), cps.end());
  std::vector<uint32_t> counts;
  for (size_t i = 0; i < cps.size();) {
    size_t j = i;
    while (j < cps.size() && cps[j] == cps[i]) ++j;
    counts.push_back(static_cast<uint32_t>(j - i));
    i = j;
  }
  return EntropyFromCounts(counts, cps.size());
}

CharClasses ClassifyChars(std::string_view token) {
  CharClasses cc;
  for (char ch : token) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 'a' && c <= 'z') {
      ++cc.lower;
    } else if (c >= 'A' && c <= 'Z') {
      ++cc.upper;
    } else if (c >= '0' && c <= '9') {
      ++cc.digit;
    } else if (c > 0x20 && c < 0x7F) {
      ++cc.symbol;
    } else {
      ++cc.other;
    }
  }
  return cc;
}

bool IsHex(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), IsHexDigit);
}

bool IsUuidShaped(std::string_view token) {
  if (token.size() != 36) return false;
  for (size_t i = 0; i < token.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? token[i] != '-' : !IsHexDigit(token[i])) return false;
  }
  return true;
}

}  // namespace ptmo::privacy::validators
