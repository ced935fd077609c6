#include "privacy/ner/hash.h"

#include <unicode/uchar.h>

#include "util/utf8.h"

namespace ptmo::privacy::ner {

void Fnv::CodePoint(char32_t cp) {
  if (cp < 0x80) {
    Byte(static_cast<uint8_t>(cp));
  } else if (cp < 0x800) {
    Byte(static_cast<uint8_t>(0xC0 | (cp >> 6)));
    Byte(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    Byte(static_cast<uint8_t>(0xE0 | (cp >> 12)));
    Byte(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    Byte(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    Byte(static_cast<uint8_t>(0xF0 | (cp >> 18)));
    Byte(static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
    Byte(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    Byte(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  }
}

char32_t LowerCodePoint(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp)));
}

char32_t FoldLatin(char32_t cp) {
  // Base letters of U+00E0..U+017F ('_' = keep as is), from the Unicode decompositions.
  static constexpr char kBase[] =
      "aaaaaa_ceeeeiiiidnooooo_ouuuuy_yaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii__jjkkkl"
      "lllll__llnnnnnnnnnoooooo__rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
  static_assert(sizeof(kBase) == 0x180 - 0xE0 + 1);
  if (cp >= 0xE0 && cp < 0x180) {
    char b = kBase[cp - 0xE0];
    return b == '_' ? cp : static_cast<char32_t>(b);
  }
  if (cp == 0x219) return 's';  // ș
  if (cp == 0x21B) return 't';  // ț
  return cp;
}

uint64_t HashLower(std::string_view text) {
  Fnv f;
  for (size_t i = 0; i < text.size();) {
    size_t len;
    f.CodePoint(LowerCodePoint(utf8::Decode(text, i, &len)));
    i += len;
  }
  return f.Final();
}

}  // namespace ptmo::privacy::ner
