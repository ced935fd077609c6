#include "privacy/recognizers/structured_scan.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "privacy/core/context.h"

namespace ptmo::privacy::scan {

bool StandsAlone(std::string_view text, size_t begin, size_t end) {
  if (begin > 0 && IsAlnum(text[begin - 1])) return false;
  if (end < text.size() && IsAlnum(text[end])) return false;
  return true;
}

bool ExtendsNumber(std::string_view text, size_t begin, size_t end, std::string_view seps) {
  if (begin >= 2 && seps.find(text[begin - 1]) != std::string_view::npos &&
      IsDigit(text[begin - 2])) {
    return true;
  }
  if (end + 1 < text.size() && seps.find(text[end]) != std::string_view::npos &&
      IsDigit(text[end + 1])) {
    return true;
  }
  return false;
}

std::string KeepDigits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (IsDigit(c)) out.push_back(c);
  }
  return out;
}

bool HasWordBefore(std::string_view text, size_t begin, const std::vector<std::string>& words,
                   int window) {
  // Cutting the text at `begin` leaves nothing after the match for HasContextWord to see.
  return HasContextWord(text.substr(0, begin), begin, begin, words, window);
}

const std::vector<std::string>& ReferenceNumberWords() {
  static const std::vector<std::string> kWords = {
      "order",        "invoice", "tracking", "shipment", "isbn", "issn",     "ref",  "reference",
      "confirmation", "serial",  "sku",      "ticket",   "주문", "주문번호", "송장", "운송장"};
  return kWords;
}

size_t NextDigit(std::string_view text, size_t pos) {
  const size_t n = text.size();
  if constexpr (std::endian::native == std::endian::little) {
    // Per byte b of a little-endian word: with l = b & 0x7F, l + (0x80 - '0') has its high
    // bit set iff l >= '0', and l + (0x80 - '9' - 1) iff l > '9'; neither sum carries into
    // the next byte. Masking out bytes >= 0x80 leaves high bits exactly on the digits.
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    while (pos + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, text.data() + pos, 8);
      const uint64_t low = x & ~kHigh;
      const uint64_t at_least_0 = low + kOnes * (0x80 - '0');
      const uint64_t above_9 = low + kOnes * (0x80 - '9' - 1);
      const uint64_t digits = at_least_0 & ~above_9 & ~x & kHigh;
      if (digits != 0) return pos + static_cast<size_t>(std::countr_zero(digits)) / 8;
      pos += 8;
    }
  }
  while (pos < n && !IsDigit(text[pos])) ++pos;
  return pos;
}

namespace {

// Adds the window [p - before, p + after] to `windows`, merging it with the last one when
// they touch.
void AddWindowAround(std::string_view text, size_t p, size_t before, size_t after,
                     std::vector<Window>& windows) {
  const size_t n = text.size();
  size_t b = p > before ? p - before : 0;
  size_t e = std::min(n, p + after + 1);
  // Widen to code point boundaries so a window never splits a character.
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
  while (e < n && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) ++e;
  if (!windows.empty() && b <= windows.back().end) {
    windows.back().end = std::max(windows.back().end, e);
  } else {
    windows.push_back({b, e});
  }
}

}  // namespace

std::vector<Window> DigitWindows(std::string_view text, size_t before, size_t after) {
  std::vector<Window> windows;
  for (size_t i = NextDigit(text, 0); i < text.size(); i = NextDigit(text, i + 1)) {
    AddWindowAround(text, i, before, after, windows);
  }
  return windows;
}

std::vector<Window> ByteWindows(std::string_view text, char trigger, size_t before, size_t after) {
  std::vector<Window> windows;
  const char* const data = text.data();
  for (const char* p = static_cast<const char*>(std::memchr(data, trigger, text.size()));
       p != nullptr;
       p = static_cast<const char*>(std::memchr(p + 1, trigger, text.size() - (p + 1 - data)))) {
    AddWindowAround(text, static_cast<size_t>(p - data), before, after, windows);
  }
  return windows;
}

Span MakeSpan(EntityType type, size_t begin, size_t end, double score, std::string_view recognizer,
              std::vector<std::string> reasons) {
  Span s;
  s.type = type;
  s.begin = begin;
  s.end = end;
  s.score = score;
  s.recognizer = std::string(recognizer);
  s.reasons = std::move(reasons);
  return s;
}

}  // namespace ptmo::privacy::scan
