// UTF-8 helpers. Internally text is UTF-8 and spans use byte offsets; anything users read
// (JSON output, evaluation files) uses Unicode code point offsets, converted here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::utf8 {

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and code
// points above U+10FFFF are invalid), or nullopt when `s` is valid.
std::optional<size_t> FindInvalid(std::string_view s);
inline bool IsValid(std::string_view s) {
  return !FindInvalid(s).has_value();
}

// Decodes the code point starting at byte `i` of valid UTF-8 and sets `len` to its byte
// length. On invalid input returns U+FFFD with len 1.
char32_t Decode(std::string_view s, size_t i, size_t* len);

// Appends the UTF-8 encoding of `cp` to `out`.
void Append(char32_t cp, std::string& out);

// Decodes valid UTF-8 into code points.
std::u32string ToU32(std::string_view s);
std::string FromU32(std::u32string_view s);

// Maps byte offsets to code point offsets and back for one text. Built once per text,
// O(1) per lookup.
class OffsetMap {
 public:
  explicit OffsetMap(std::string_view text);
  // Code point index of byte offset `b` (b may equal the text's size; offsets inside a
  // multi-byte sequence map to the code point that contains them).
  size_t ToCodePoint(size_t b) const;
  // Byte offset of code point index `cp` (cp may equal the code point count).
  size_t ToByte(size_t cp) const;
  size_t code_points() const { return cp_to_byte_.size() - 1; }

 private:
  std::vector<uint32_t> byte_to_cp_;
  std::vector<uint32_t> cp_to_byte_;
};

// True for ASCII letters and digits, and for any non-ASCII code point that ICU classifies as
// a letter or number (Hangul, CJK, accented Latin). Used for word-boundary checks.
bool IsWordChar(char32_t cp);

// Lower-cases ASCII letters only; other bytes are kept (cheap, locale-free).
std::string AsciiLower(std::string_view s);

}  // namespace ptmo::utf8
