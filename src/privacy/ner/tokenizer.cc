#include "privacy/ner/tokenizer.h"

#include <unicode/uchar.h>

#include <array>
#include <string_view>

#include "util/utf8.h"

namespace ptmo::privacy::ner {
namespace {

bool IsSpace(char32_t cp) {
  if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') return true;
  if (cp < 0x80) return false;
  return u_isUWhiteSpace(static_cast<UChar32>(cp)) != 0 || cp == 0x200B;  // zero-width space
}

bool IsWordPart(char32_t cp) {
  if (cp < 0x80) return utf8::IsWordChar(cp);
  if (utf8::IsWordChar(cp)) return true;
  // Combining marks (Devanagari vowel signs, decomposed accents) stay inside their word.
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0;
}

bool IsDigitCp(char32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return u_isdigit(static_cast<UChar32>(cp)) != 0;
}

struct Particle {
  std::string_view text;
  bool can_precede_outer;  // may sit before 은/는/이/가/을/를/의 ("에서는", "씨는")
  bool is_outer;           // 은 는 이 가 을 를 의
};

// Longest first, so "에서" wins over "서"-less "에" and "으로" over "로". Copulas and
// sentence endings glued to a noun ("김민수입니다", "민수야") are split like particles.
constexpr std::array<Particle, 42> kParticles = {{
    {"이었습니다", false, true}, {"이었어요", false, true}, {"였습니다", false, true},
    {"입니다", false, true},     {"이에요", false, true},   {"였어요", false, true},
    {"이라고", false, true},     {"이라는", false, true},   {"이었다", false, true},
    {"에서", true, false},       {"에게", true, false},     {"한테", true, false},
    {"으로", true, false},       {"께서", true, false},     {"까지", true, false},
    {"부터", true, false},       {"처럼", true, false},     {"보다", true, false},
    {"예요", false, true},       {"이야", false, true},     {"이다", false, true},
    {"이고", false, true},       {"이며", false, true},     {"라고", false, true},
    {"라는", false, true},       {"이랑", false, true},     {"였다", false, true},
    {"은", false, true},         {"는", false, true},       {"이", false, true},
    {"가", false, true},         {"을", false, true},       {"를", false, true},
    {"의", false, true},         {"에", true, false},       {"와", true, false},
    {"과", true, false},         {"로", true, false},       {"께", true, false},
    {"님", true, false},         {"씨", true, false},       {"도", false, true},
}};

// Returns the index in kParticles of the longest particle ending `word` that leaves at least
// one code point, or -1. Only particles accepted by `accept` are considered.
template <typename Accept>
int MatchParticle(std::string_view word, Accept accept) {
  for (size_t k = 0; k < kParticles.size(); ++k) {
    const Particle& p = kParticles[k];
    if (!accept(p)) continue;
    if (word.size() <= p.text.size()) continue;
    if (word.substr(word.size() - p.text.size()) == p.text) return static_cast<int>(k);
  }
  return -1;
}

// Splits Korean particles off the word token [begin, end) and appends the tokens.
void AppendWord(std::string_view text, size_t begin, size_t end, bool space_before, bool number,
                std::vector<Token>& out) {
  if (number) {
    out.push_back({begin, end, TokenKind::kNumber, space_before, false});
    return;
  }
  // Last code point Hangul? Particles are all Hangul syllables.
  size_t last = end - 1;
  while (last > begin && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80) --last;
  size_t len;
  if (!IsHangul(utf8::Decode(text, last, &len))) {
    out.push_back({begin, end, TokenKind::kWord, space_before, false});
    return;
  }
  std::string_view word = text.substr(begin, end - begin);
  int outer = MatchParticle(word, [](const Particle&) { return true; });
  if (outer < 0) {
    out.push_back({begin, end, TokenKind::kWord, space_before, false});
    return;
  }
  size_t outer_begin = end - kParticles[outer].text.size();
  size_t stem_end = outer_begin;
  int inner = -1;
  if (kParticles[outer].is_outer) {
    inner = MatchParticle(word.substr(0, outer_begin - begin),
                          [](const Particle& p) { return p.can_precede_outer; });
  }
  // "도" ("also") is only split after another particle ("서울에서도"): alone it ends too many
  // nouns (경기도, 제주도).
  if (kParticles[outer].text == "도" && inner < 0) {
    out.push_back({begin, end, TokenKind::kWord, space_before, false});
    return;
  }
  if (inner >= 0) stem_end = outer_begin - kParticles[inner].text.size();
  out.push_back({begin, stem_end, TokenKind::kWord, space_before, false});
  if (inner >= 0) out.push_back({stem_end, outer_begin, TokenKind::kWord, false, true});
  out.push_back({outer_begin, end, TokenKind::kWord, false, true});
}

}  // namespace

bool IsHangul(char32_t cp) {
  return (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) ||
         (cp >= 0x3130 && cp <= 0x318F);
}

void Tokenize(std::string_view text, std::vector<Token>& out) {
  out.clear();
  size_t i = 0;
  bool space_before = true;
  const size_t n = text.size();
  while (i < n) {
    size_t len;
    char32_t cp = utf8::Decode(text, i, &len);
    if (IsSpace(cp)) {
      size_t nl_begin = n, nl_end = 0;
      while (i < n) {
        cp = utf8::Decode(text, i, &len);
        if (!IsSpace(cp)) break;
        if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
          if (nl_begin == n) nl_begin = i;
          nl_end = i + len;
        }
        i += len;
      }
      if (nl_begin != n) out.push_back({nl_begin, nl_end, TokenKind::kNewline, true, false});
      space_before = true;
      continue;
    }
    if (IsWordPart(cp)) {
      size_t begin = i;
      bool all_digits = true;
      while (i < n) {
        cp = utf8::Decode(text, i, &len);
        if (!IsWordPart(cp)) break;
        if (!IsDigitCp(cp)) all_digits = false;
        i += len;
      }
      AppendWord(text, begin, i, space_before, all_digits, out);
      space_before = false;
      continue;
    }
    out.push_back({i, i + len, TokenKind::kPunct, space_before, false});
    i += len;
    space_before = false;
  }
}

}  // namespace ptmo::privacy::ner
