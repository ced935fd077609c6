#include "util/utf8.h"

#include <unicode/uchar.h>

namespace ptmo::utf8 {

std::optional<size_t> FindInvalid(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    char32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

char32_t Decode(std::string_view s, size_t i, size_t* len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c = p[i];
  *len = 1;
  if (c < 0x80) return c;
  size_t l = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (l == 0 || i + l > s.size()) return 0xFFFD;
  char32_t cp = c & (0xFF >> (l + 1));
  for (size_t k = 1; k < l; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  *len = l;
  return cp;
}

void Append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::u32string ToU32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len;
    out.push_back(Decode(s, i, &len));
    i += len;
  }
  return out;
}

std::string FromU32(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) Append(cp, out);
  return out;
}

OffsetMap::OffsetMap(std::string_view text) {
  byte_to_cp_.resize(text.size() + 1);
  cp_to_byte_.reserve(text.size() + 1);
  uint32_t cp = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len;
    Decode(text, i, &len);
    cp_to_byte_.push_back(static_cast<uint32_t>(i));
    for (size_t k = 0; k < len; ++k) byte_to_cp_[i + k] = cp;
    i += len;
    ++cp;
  }
  byte_to_cp_[text.size()] = cp;
  cp_to_byte_.push_back(static_cast<uint32_t>(text.size()));
}

size_t OffsetMap::ToCodePoint(size_t b) const {
  return b < byte_to_cp_.size() ? byte_to_cp_[b] : byte_to_cp_.back();
}

size_t OffsetMap::ToByte(size_t cp) const {
  return cp < cp_to_byte_.size() ? cp_to_byte_[cp] : cp_to_byte_.back();
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  return u_isalnum(static_cast<UChar32>(cp)) != 0;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace ptmo::utf8
