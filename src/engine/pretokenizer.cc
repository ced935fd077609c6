#include "engine/pretokenizer.h"

#include <unicode/uchar.h>

#include <array>
#include <utility>

#include "util/utf8.h"

namespace ptmo::engine {
namespace {

// ---- character classes ----

// What the split rules ask of a code point. kNone stands for "past the end of the piece":
// the rules never look across a piece boundary (lookahead included).
enum CharClass : uint8_t { kOther = 0, kLetter = 1, kNumber = 2, kSpace = 3, kNone = 4 };

CharClass ClassifyNonAscii(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  // White_Space is checked first, as llama.cpp does: it is a property, not a category.
  if (u_isUWhiteSpace(c)) return kSpace;
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: return kLetter;
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER: return kNumber;
    default: return kOther;
  }
}

CharClass Classify(char32_t cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return kLetter;
    if (cp >= '0' && cp <= '9') return kNumber;
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return kSpace;
    return kOther;
  }
  return ClassifyNonAscii(cp);
}

// \p{P} plus $ + < = > ^ ~ | as llama.cpp's default pre-tokenizer matches them: ASCII
// characters whose Unicode category is punctuation (not the symbols ` or the letters), and any
// non-ASCII punctuation.
bool IsDefaultPunct(char32_t cp) {
  if (cp < 0x80) {
    static constexpr std::string_view kAscii = "!\"#%&'()*,-./:;?@[\\]_{}$+<=>^~|";
    return kAscii.find(static_cast<char>(cp)) != std::string_view::npos;
  }
  if (u_isUWhiteSpace(static_cast<UChar32>(cp))) return false;
  switch (u_charType(static_cast<UChar32>(cp))) {
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION: return true;
    default: return false;
  }
}

char32_t AsciiLower(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
}
bool IsCrLf(char32_t cp) {
  return cp == '\r' || cp == '\n';
}

// One piece [begin, end) of the text being split, with its classes precomputed.
struct Piece {
  std::u32string_view cps;
  const std::vector<uint8_t>& cls;
  size_t begin;
  size_t end;

  uint8_t ClassAt(size_t i) const { return i < end ? cls[i] : static_cast<uint8_t>(kNone); }
};

// Cuts words off the front of a piece: Emit(q) records [pos, q) as a word.
struct Cutter {
  std::vector<size_t>& out;
  size_t pos;
  void Emit(size_t q) {
    if (q > pos) out.push_back(q - pos);
    pos = q;
  }
};

// A contraction at `p`: an apostrophe followed by s, t, m, d, re, ve or ll (ASCII letters,
// optionally of either case). Returns its length (2 or 3), or 0.
size_t ContractionAt(const Piece& s, size_t p, bool any_case) {
  if (s.cps[p] != '\'' || p + 1 >= s.end) return 0;
  auto fold = [any_case](char32_t c) { return any_case ? AsciiLower(c) : c; };
  const char32_t a = fold(s.cps[p + 1]);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (p + 2 >= s.end) return 0;
  const char32_t b = fold(s.cps[p + 2]);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// The trailing-whitespace rules shared by all splitters: a run of n >= 2 whitespace characters
// followed by something else keeps its last character for the next word (`\s+(?!\S)`);
// otherwise the whole run is one word (`\s+`). Returns the end of the word starting at p.
size_t WhitespaceWordEnd(const Piece& s, size_t p) {
  size_t q = p;
  while (q < s.end && s.cls[q] == kSpace) ++q;
  if (q - p > 1 && q < s.end) return q - 1;
  if (q > p) return q;
  return p + 1;  // not whitespace: a word of one character
}

// Llama 3 (max_digits 3) and Qwen2 (max_digits 1). The rules, tried in order at each position:
//   1. (?i:'s|'t|'re|'ve|'m|'ll|'d)      contractions, any case
//   2. [^\r\n\p{L}\p{N}]?\p{L}+           letters, with one optional leading character that is
//                                         not CR, LF, a letter or a number (a space, a tab,
//                                         punctuation, an emoji...)
//   3. \p{N}{1,max_digits}               digits, grouped from the left
//   4. ' '?[^\s\p{L}\p{N}]+[\r\n]*        a run of "other" characters, an optional leading
//                                         space, and any CR/LF right after it
//   5. \s*[\r\n]+                        whitespace up to and including its last CR/LF
//   6. \s+(?!\S), then \s+               as WhitespaceWordEnd
void SplitLlama3Like(const Piece& s, size_t max_digits, std::vector<size_t>& out) {
  Cutter cut{out, s.begin};
  while (cut.pos < s.end) {
    const size_t p = cut.pos;
    const char32_t c = s.cps[p];
    const uint8_t k = s.cls[p];

    if (size_t n = ContractionAt(s, p, /*any_case=*/true)) {
      cut.Emit(p + n);
      continue;
    }
    if (!IsCrLf(c) && k != kNumber && (k == kLetter || s.ClassAt(p + 1) == kLetter)) {
      size_t q = p + 1;
      while (q < s.end && s.cls[q] == kLetter) ++q;
      cut.Emit(q);
      continue;
    }
    if (k == kNumber) {
      size_t q = p;
      while (q < s.end && s.cls[q] == kNumber && q - p < max_digits) ++q;
      cut.Emit(q);
      continue;
    }
    const size_t start = (c == ' ' && s.ClassAt(p + 1) == kOther) ? p + 1 : p;
    if (s.ClassAt(start) == kOther) {
      size_t q = start;
      while (q < s.end && s.cls[q] == kOther) ++q;
      while (q < s.end && IsCrLf(s.cps[q])) ++q;
      cut.Emit(q);
      continue;
    }
    size_t after_newline = 0;
    for (size_t q = p; q < s.end && s.cls[q] == kSpace; ++q) {
      if (IsCrLf(s.cps[q])) after_newline = q + 1;
    }
    if (after_newline != 0) {
      cut.Emit(after_newline);
      continue;
    }
    cut.Emit(WhitespaceWordEnd(s, p));
  }
}

// GPT-2. At each position:
//   1. 's|'t|'re|'ve|'m|'ll|'d             contractions, lower case only
//   2. ' '?\p{L}+ | ' '?\p{N}+ | ' '?[^\s\p{L}\p{N}]+
//                                         a run of one class (letters, numbers or "other"),
//                                         taking one leading space (only U+0020) with it
//   3. \s+(?!\S), then \s+               as WhitespaceWordEnd
void SplitGpt2(const Piece& s, std::vector<size_t>& out) {
  Cutter cut{out, s.begin};
  while (cut.pos < s.end) {
    const size_t p = cut.pos;
    if (size_t n = ContractionAt(s, p, /*any_case=*/false)) {
      cut.Emit(p + n);
      continue;
    }
    const size_t start = s.cps[p] == ' ' ? p + 1 : p;
    const uint8_t k = s.ClassAt(start);
    if (k == kLetter || k == kNumber || k == kOther) {
      size_t q = start;
      while (q < s.end && s.cls[q] == k) ++q;
      cut.Emit(q);
      continue;
    }
    cut.Emit(WhitespaceWordEnd(s, p));
  }
}

// Splits a piece into maximal runs of characters satisfying `pred` and the gaps between them
// (the way a regex like [...]+ splits text when unmatched text is kept).
template <typename Pred>
void SplitRuns(const Piece& s, Pred pred, std::vector<size_t>& out) {
  Cutter cut{out, s.begin};
  size_t i = s.begin;
  while (i < s.end) {
    if (!pred(i)) {
      ++i;
      continue;
    }
    cut.Emit(i);  // the gap before the run, if any
    size_t j = i;
    while (j < s.end && pred(j)) ++j;
    cut.Emit(j);
    i = j;
  }
  cut.Emit(s.end);
}

// [0-9][0-9][0-9]: successive triples of ASCII digits, leftmost first; the rest is kept as gaps.
void SplitDigitTriples(const Piece& s, std::vector<size_t>& out) {
  auto digit = [&](size_t i) { return i < s.end && s.cps[i] >= '0' && s.cps[i] <= '9'; };
  Cutter cut{out, s.begin};
  size_t i = s.begin;
  while (i < s.end) {
    if (digit(i) && digit(i + 1) && digit(i + 2)) {
      cut.Emit(i);
      cut.Emit(i + 3);
      i += 3;
    } else {
      ++i;
    }
  }
  cut.Emit(s.end);
}

// ---- byte-level alphabet ----

struct ByteLevelTables {
  std::array<std::array<char, 2>, 256> chars{};
  std::array<uint8_t, 256> lens{};
  std::array<int16_t, 512> byte_of{};  // code point -> byte, -1 when not in the alphabet

  ByteLevelTables() {
    byte_of.fill(-1);
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    int next = 256;
    for (int b = 0; b < 256; ++b) {
      const char32_t cp = printable(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(next++);
      std::string utf8;
      ::ptmo::utf8::Append(cp, utf8);
      lens[b] = static_cast<uint8_t>(utf8.size());
      for (size_t i = 0; i < utf8.size(); ++i) chars[b][i] = utf8[i];
      byte_of[cp] = static_cast<int16_t>(b);
    }
  }
};

const ByteLevelTables& Tables() {
  static const ByteLevelTables tables;
  return tables;
}

}  // namespace

Expected<PreTokenizer> PreTokenizerFromName(std::string_view name) {
  static constexpr std::pair<std::string_view, PreTokenizer> kNames[] = {
      {"default", PreTokenizer::kDefault}, {"gpt-2", PreTokenizer::kGpt2},
      {"phi-2", PreTokenizer::kGpt2},      {"llama3", PreTokenizer::kLlama3},
      {"llama-v3", PreTokenizer::kLlama3}, {"llama-bpe", PreTokenizer::kLlama3},
      {"qwen2", PreTokenizer::kQwen2},     {"deepseek-r1-qwen", PreTokenizer::kQwen2},
  };
  if (name.empty()) return PreTokenizer::kDefault;
  std::string known;
  for (const auto& [n, kind] : kNames) {
    if (n == name) return kind;
    known += known.empty() ? "" : ", ";
    known += n;
  }
  return InvalidArgument("pre-tokenizer '" + std::string(name) +
                         "' is not supported (known: " + known + ")");
}

std::string_view PreTokenizerName(PreTokenizer kind) {
  switch (kind) {
    case PreTokenizer::kDefault: return "default";
    case PreTokenizer::kGpt2: return "gpt-2";
    case PreTokenizer::kLlama3: return "llama3";
    case PreTokenizer::kQwen2: return "qwen2";
  }
  return "unknown";
}

std::u32string DecodeLenient(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok && cp > 0x10FFFF) ok = false;
    if (ok) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(0xFFFD);
      ++i;
    }
  }
  return out;
}

void SplitWords(PreTokenizer kind, std::u32string_view cps, std::vector<size_t>& out) {
  if (cps.empty()) return;
  std::vector<uint8_t> cls(cps.size());
  for (size_t i = 0; i < cps.size(); ++i) cls[i] = Classify(cps[i]);

  const Piece whole{cps, cls, 0, cps.size()};
  switch (kind) {
    case PreTokenizer::kLlama3: SplitLlama3Like(whole, 3, out); return;
    case PreTokenizer::kQwen2: SplitLlama3Like(whole, 1, out); return;
    case PreTokenizer::kGpt2: SplitGpt2(whole, out); return;
    case PreTokenizer::kDefault: break;
  }

  // Default: four passes, each splitting every piece the previous pass produced.
  std::vector<size_t> pieces{cps.size()};
  std::vector<size_t> next;
  auto pass = [&](auto&& split_piece) {
    next.clear();
    size_t begin = 0;
    for (size_t len : pieces) {
      split_piece(Piece{cps, cls, begin, begin + len});
      begin += len;
    }
    pieces.swap(next);
  };
  pass([&](const Piece& s) {
    SplitRuns(
        s, [&](size_t i) { return IsDefaultPunct(cps[i]); }, next);
  });
  pass([&](const Piece& s) { SplitGpt2(s, next); });
  pass([&](const Piece& s) {
    SplitRuns(
        s, [&](size_t i) { return cls[i] == kNumber; }, next);
  });
  pass([&](const Piece& s) { SplitDigitTriples(s, next); });
  out.insert(out.end(), pieces.begin(), pieces.end());
}

std::vector<std::string> PreTokenize(PreTokenizer kind, std::string_view text) {
  const std::u32string cps = DecodeLenient(text);
  std::vector<size_t> lengths;
  SplitWords(kind, cps, lengths);
  std::vector<std::string> words;
  words.reserve(lengths.size());
  size_t pos = 0;
  for (size_t len : lengths) {
    std::string& w = words.emplace_back();
    for (size_t i = pos; i < pos + len; ++i) ::ptmo::utf8::Append(cps[i], w);
    pos += len;
  }
  return words;
}

std::string_view ByteLevelChar(uint8_t byte) {
  const ByteLevelTables& t = Tables();
  return {t.chars[byte].data(), t.lens[byte]};
}

int ByteLevelByte(char32_t cp) {
  const ByteLevelTables& t = Tables();
  return cp < t.byte_of.size() ? t.byte_of[cp] : -1;
}

void AppendByteLevel(std::string_view bytes, std::string& out) {
  const ByteLevelTables& t = Tables();
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.append(t.chars[b].data(), t.lens[b]);
  }
}

}  // namespace ptmo::engine
