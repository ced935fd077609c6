#include "privacy/ner/features.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <bit>

#include "privacy/ner/hash.h"
#include "util/utf8.h"

namespace ptmo::privacy::ner {
namespace {

// Feature template ids. Values are part of the model format.
enum Template : uint32_t {
  kTBias = 1,
  kTWord,
  kTShape,
  kTShortShape,
  kTPrefix1,
  kTPrefix2,
  kTPrefix3,
  kTSuffix1,
  kTSuffix2,
  kTSuffix3,
  kTSuffix4,
  kTLength,
  kTCase,
  kTScript,
  kTPosition,
  kTCasePosition,
  kTGlue,
  kTWordM1,
  kTWordM2,
  kTWordP1,
  kTWordP2,
  kTShapeM1,
  kTShapeM2,
  kTShapeP1,
  kTShapeP2,
  kTBigramM1,
  kTBigramP1,
  kTContextLeft,
  kTContextRight,
  kTShapeTrigram,
  kTWordM1Shape,
  kTShapeWordP1,
  kTGaz,
  kTGazCase,
  kTGazM1,
  kTGazM2,
  kTGazP1,
  kTGazP2,
  kTMultiGaz,
  kTCommon,
  kTKorean,
  kTCaseM1P1,
  kTCompound,
  kTTermShape,  // bare acronym / Korean verb ending / number with unit, with position
};

constexpr uint64_t kBeforeText = 0x5a17c0de0001ull;
constexpr uint64_t kAfterText = 0x5a17c0de0002ull;

enum CharClass : uint8_t { kUpper, kLower, kDigit, kHangulCls, kUncased, kMark, kOther };

CharClass Classify(char32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return kUpper;
    if (cp >= 'a' && cp <= 'z') return kLower;
    if (cp >= '0' && cp <= '9') return kDigit;
    return kOther;
  }
  if (IsHangul(cp)) return kHangulCls;
  UChar32 c = static_cast<UChar32>(cp);
  if (u_isupper(c) || u_istitle(c)) return kUpper;
  if (u_islower(c)) return kLower;
  if (u_isdigit(c)) return kDigit;
  if (u_isalpha(c)) return kUncased;
  if ((U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) return kMark;
  return kOther;
}

bool IsLatinLetter(char32_t cp) {
  if (cp < 0x80) return true;
  return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF);
}

bool IsSentencePunct(std::string_view t) {
  return t == "." || t == "!" || t == "?" || t == ":" || t == "\"" || t == "\xE2\x80\x9C" ||
         t == "(" || t == "[" || t == ">" || t == "\xE2\x80\xA2" || t == "*" || t == ";";
}

void Summarize(std::string_view text, const Token& tok, TokenInfo& info) {
  Fnv lower, folded, shape, short_shape;
  bool any_folded = false;
  uint64_t prefix_state[3] = {};
  // Suffix hashes need the last code points: keep a ring of the last four lower-cased ones.
  char32_t last[4] = {};
  uint32_t count = 0;
  int run = 0;
  int prev_cls = -1;
  bool any_upper = false, any_lower = false, any_digit = false, any_alpha = false;
  bool first_upper = false, first_lower = false, upper_after_lower = false;
  bool hangul = false, latin = false, other = false;
  for (size_t i = tok.begin; i < tok.end;) {
    size_t len;
    char32_t cp = utf8::Decode(text, i, &len);
    i += len;
    char32_t lc = LowerCodePoint(cp);
    lower.CodePoint(lc);
    CharClass cls = Classify(cp);
    if (cls == kMark) {   // combining marks belong to the letter before them
      any_folded = true;  // and folding drops them ("e" + U+0301 -> "e")
      continue;
    }
    char32_t fc = FoldLatin(lc);
    any_folded |= fc != lc;
    folded.CodePoint(fc);
    if (count < 3) prefix_state[count] = lower.h;
    last[count % 4] = lc;
    ++count;
    bool letter = cls == kUpper || cls == kLower || cls == kHangulCls || cls == kUncased;
    if (letter) {
      if (!any_alpha) {
        first_upper = cls == kUpper;
        first_lower = cls == kLower;
      }
      any_alpha = true;
      if (cls == kHangulCls) {
        hangul = true;
      } else if (IsLatinLetter(cp)) {
        latin = true;
      } else {
        other = true;
      }
    }
    if (cls == kUpper) {
      if (any_lower) upper_after_lower = true;
      any_upper = true;
    }
    if (cls == kLower) any_lower = true;
    if (cls == kDigit) any_digit = true;
    // Shapes: one symbol per class; punctuation keeps its own code point.
    char32_t sym;
    switch (cls) {
      case kUpper: sym = 'X'; break;
      case kLower: sym = 'x'; break;
      case kDigit: sym = 'd'; break;
      case kHangulCls: sym = 'h'; break;
      case kUncased: sym = 'c'; break;
      default: sym = cp < 0x80 ? cp : U'*'; break;
    }
    run = (static_cast<int>(sym) == prev_cls) ? run + 1 : 1;
    prev_cls = static_cast<int>(sym);
    if (run <= 3) shape.CodePoint(sym);
    if (run == 1) short_shape.CodePoint(sym);
  }
  info.lower = lower.Final();
  info.folded = any_folded ? folded.Final() : info.lower;
  info.shape = shape.Final();
  info.short_shape = short_shape.Final();
  info.length = count;
  for (uint32_t k = 0; k < 3; ++k) {
    info.prefix[k] = count > k + 1 ? Mix64(prefix_state[k] + 1) : 0;
  }
  for (uint32_t k = 0; k < 4; ++k) {
    if (count <= k + 1) {
      info.suffix[k] = 0;
      continue;
    }
    Fnv f;
    for (uint32_t j = count - k - 1; j < count; ++j) f.CodePoint(last[j % 4]);
    info.suffix[k] = f.Final();
  }
  uint32_t bits = 0;
  if (first_upper && any_lower) bits |= kBitCap;
  if (any_upper && !any_lower && count >= 2 && any_alpha) bits |= kBitAllCaps;
  if (first_lower) bits |= kBitLower;
  if (upper_after_lower) bits |= kBitMixedCase;
  if (any_digit) bits |= kBitHasDigit;
  if (any_digit && !any_alpha && tok.kind == TokenKind::kNumber) bits |= kBitAllDigits;
  if (hangul) bits |= kBitHangul;
  if (latin) bits |= kBitLatin;
  if (other) bits |= kBitOtherScript;
  if (!tok.space_before) bits |= kBitGlued;
  if (tok.particle) bits |= kBitParticle;
  if (tok.kind == TokenKind::kPunct) bits |= kBitPunct;
  if (tok.kind == TokenKind::kNewline) bits |= kBitNewline;
  if (any_alpha && count == 1) bits |= kBitSingleLetter;
  info.bits = bits;
}

// Korean names are written without spaces: "김민수" is surname 김 + given name 민수.
void KoreanNameBits(std::string_view text, const Token& tok, const Gazetteer& gaz,
                    TokenInfo& info) {
  if ((info.bits & kBitHangul) == 0 || info.length < 2 || info.length > 4) return;
  // Every code point of a Hangul syllable word is 3 bytes.
  if (tok.end - tok.begin != size_t{info.length} * 3) return;
  for (size_t surname = 1; surname <= 2 && surname < info.length; ++surname) {
    uint64_t key = HashLower(text.substr(tok.begin, surname * 3));
    if ((gaz.Lookup(key) & kGazKoSurname) == 0) continue;
    info.bits |= kBitKoSurnameStart;
    uint64_t rest =
        HashLower(text.substr(tok.begin + surname * 3, tok.end - tok.begin - surname * 3));
    if ((gaz.Lookup(rest) & kGazKoGiven) != 0) info.bits |= kBitKoGivenRest;
    return;
  }
}

// Sets kBitCompound when a capitalized Latin word that no list knows splits into two
// dictionary words of at least three letters each ("Guidepost" = guide + post).
void CompoundBit(std::string_view text, const Token& tok, const Gazetteer& gaz, TokenInfo& info) {
  if ((info.bits & kBitCap) == 0 ||
      (info.bits & (kBitLatin | kBitOtherScript | kBitHasDigit | kBitMixedCase)) != kBitLatin) {
    return;
  }
  if (info.length < 6 || info.length > 20 || (info.gaz & ~kGazMultiStart) != 0) return;
  std::string_view word = text.substr(tok.begin, tok.end - tok.begin);
  // Split points on code point boundaries, at least three code points from either end.
  size_t cps = 0;
  for (size_t b = 0; b < word.size(); ++b) {
    if ((static_cast<unsigned char>(word[b]) & 0xC0) == 0x80) continue;
    if (cps >= 3 && info.length - cps >= 3) {
      if ((gaz.Lookup(HashLower(word.substr(0, b))) & kGazCommonWord) != 0 &&
          (gaz.Lookup(HashLower(word.substr(b))) & kGazCommonWord) != 0) {
        info.bits |= kBitCompound;
        return;
      }
    }
    ++cps;
  }
}

// Endings (last one or two syllables) of Korean verb, adjective and adverb forms as they stand
// in a question or request once particles are split off. Names rarely end in them; the
// model weighs the evidence against the name bits.
constexpr std::string_view kKoVerbEndings2[] = {
    "려면", "는데", "은데", "니까", "지만", "나요", "까요", "세요", "어요", "아요", "해요",
    "해줘", "려고", "면서", "으면", "하게", "있게", "없게", "해서", "하는", "하고", "했어",
    "했다", "한다", "된다", "인데", "이랑", "에서", "으로", "까지", "부터", "처럼", "보다",
};
constexpr std::string_view kKoVerbEndings1[] = {
    "게", "줘", "요", "까", "니", "다", "죠", "래", "면", "며", "고", "도", "는", "을", "던",
};

bool EndsWith(std::string_view w, std::string_view e) {
  return w.size() > e.size() && w.substr(w.size() - e.size()) == e;
}

// The word-kind bits that are computed from the token's text and the gazetteer flags:
// bare acronyms, Korean verb endings and numbers glued to units.
void TermBits(std::string_view text, const Token& tok, TokenInfo& info) {
  std::string_view word = text.substr(tok.begin, tok.end - tok.begin);
  constexpr uint32_t kEntityLists = kGazFirstName | kGazLastName | kGazCity | kGazCountry |
                                    kGazRegion | kGazOrgName | kGazOrgSuffix | kGazOrgWord |
                                    kGazDistrict | kGazKoSurname | kGazKoGiven;
  if ((info.bits & kBitAllCaps) && (info.bits & (kBitHangul | kBitOtherScript)) == 0 &&
      info.length <= 5 && (info.gaz & kEntityLists) == 0) {
    info.bits |= kBitBareAcronym;
  }
  if ((info.bits & (kBitHangul | kBitLatin | kBitOtherScript | kBitHasDigit)) == kBitHangul &&
      info.length >= 2 && word.size() == size_t{info.length} * 3 &&
      (info.gaz & (kGazCity | kGazCountry | kGazRegion | kGazDistrict | kGazOrgName)) == 0) {
    bool verb = false;
    if (info.length >= 3) {
      for (std::string_view e : kKoVerbEndings2) verb |= EndsWith(word, e);
    }
    for (std::string_view e : kKoVerbEndings1) verb |= EndsWith(word, e);
    // A known "surname + given name" keeps its name reading ("김민도").
    if (verb && (info.bits & kBitKoGivenRest) == 0) info.bits |= kBitKoVerbEnding;
  }
  if ((info.bits & kBitHasDigit) && (info.bits & kBitLatin) && info.length <= 6 &&
      (info.bits & (kBitHangul | kBitOtherScript)) == 0) {
    // Leading digits then 1-3 letters ("350F", "5GB", "1Z") or letters then digits ("AA1").
    size_t d = 0;
    while (d < word.size() && word[d] >= '0' && word[d] <= '9') ++d;
    size_t letters = word.size() - d;
    bool unit = d > 0 && letters >= 1 && letters <= 3;
    for (size_t k = d; k < word.size(); ++k) {
      unit &= (word[k] >= 'A' && word[k] <= 'Z') || (word[k] >= 'a' && word[k] <= 'z');
    }
    if (unit || info.length <= 3) info.bits |= kBitNumberUnit;
  }
}

}  // namespace

void ComputeTokenInfo(std::string_view text, const std::vector<Token>& tokens,
                      const Gazetteer& gazetteer, std::vector<TokenInfo>& infos) {
  const size_t n = tokens.size();
  infos.assign(n, TokenInfo{});
  for (size_t i = 0; i < n; ++i) {
    TokenInfo& info = infos[i];
    const Token& tok = tokens[i];
    Summarize(text, tok, info);
    info.gaz = gazetteer.Lookup(info.lower);
    if (info.gaz == 0 && info.folded != info.lower) info.gaz = gazetteer.Lookup(info.folded);
    KoreanNameBits(text, tok, gazetteer, info);
    CompoundBit(text, tok, gazetteer, info);
    TermBits(text, tok, info);
    bool prev_newline = i > 0 && tokens[i - 1].kind == TokenKind::kNewline;
    bool next_newline = i + 1 < n && tokens[i + 1].kind == TokenKind::kNewline;
    if (i == 0 || prev_newline) info.bits |= kBitLineStart | kBitSentenceStart;
    if (i + 1 == n || next_newline) info.bits |= kBitLineEnd;
    if (i > 0 && tokens[i - 1].kind == TokenKind::kPunct &&
        IsSentencePunct(
            text.substr(tokens[i - 1].begin, tokens[i - 1].end - tokens[i - 1].begin))) {
      // A period after a title or an initial ("Mr. Spears", "J. Smith") ends no sentence.
      bool abbreviation = text[tokens[i - 1].begin] == '.' && i >= 2 &&
                          tokens[i - 2].kind == TokenKind::kWord &&
                          ((infos[i - 2].gaz & kGazTitle) != 0 || infos[i - 2].length <= 2);
      if (!abbreviation) info.bits |= kBitSentenceStart;
    }
  }
  // Multi-token phrases: the longest match starting at each token that may start one.
  for (size_t i = 0; i < n; ++i) {
    if ((infos[i].gaz & kGazMultiStart) == 0) continue;
    size_t max_len = std::min(Gazetteer::kMaxPhraseTokens, n - i);
    for (size_t len = max_len; len >= 2; --len) {
      bool crosses_line = false;
      for (size_t k = i; k < i + len; ++k) crosses_line |= tokens[k].kind == TokenKind::kNewline;
      if (crosses_line) continue;
      uint32_t f = gazetteer.Lookup(PhraseKey(text, &tokens[i], len)) & ~kGazMultiStart;
      if (f == 0) f = gazetteer.Lookup(PhraseKey(text, &tokens[i], len, true)) & ~kGazMultiStart;
      if (f == 0) continue;
      infos[i].gaz_begin |= f;
      for (size_t k = i + 1; k < i + len; ++k) infos[k].gaz_inside |= f;
      break;
    }
  }
}

size_t ExtractFeatures(const TokenInfo* infos, size_t n, size_t i, int bucket_bits, uint32_t* out,
                       bool without_context_words) {
  const uint64_t mask = (uint64_t{1} << bucket_bits) - 1;
  size_t k = 0;
  auto emit = [&](uint32_t tid, uint64_t value) {
    if (k < kMaxFeatures) out[k++] = static_cast<uint32_t>(FeatureId(tid, value) & mask);
  };
  const TokenInfo& t = infos[i];
  auto word_at = [&](long j) -> uint64_t {
    if (j < 0) return kBeforeText;
    if (j >= static_cast<long>(n)) return kAfterText;
    return infos[j].lower;
  };
  auto shape_at = [&](long j) -> uint64_t {
    if (j < 0) return kBeforeText;
    if (j >= static_cast<long>(n)) return kAfterText;
    return infos[j].short_shape;
  };
  auto case_of = [](uint32_t bits) -> uint64_t {
    if (bits & kBitAllDigits) return 5;
    if (bits & kBitAllCaps) return 3;
    if (bits & kBitMixedCase) return 4;
    if (bits & kBitCap) return (bits & kBitHasDigit) ? 6 : 2;
    if (bits & kBitLower) return 1;
    if (bits & kBitSingleLetter) return 7;
    if (bits & kBitHangul) return 8;
    return 0;
  };
  const long li = static_cast<long>(i);
  const uint32_t categories = (1u << kGazFlagBits) - 1;

  // The token itself.
  emit(kTBias, 0);
  emit(kTWord, t.lower);
  emit(kTShape, t.shape);
  emit(kTShortShape, t.short_shape);
  for (int p = 0; p < 3; ++p) {
    if (t.prefix[p] != 0) emit(kTPrefix1 + p, t.prefix[p]);
  }
  for (int s = 0; s < 4; ++s) {
    if (t.suffix[s] != 0) emit(kTSuffix1 + s, t.suffix[s]);
  }
  emit(kTLength, std::min<uint32_t>(t.length, 12));
  const uint64_t case0 = case_of(t.bits);
  emit(kTCase, case0);
  emit(kTScript, (t.bits & (kBitHangul | kBitLatin | kBitOtherScript | kBitPunct | kBitNewline)));
  const uint64_t position = (t.bits & (kBitSentenceStart | kBitLineStart | kBitLineEnd)) >> 9;
  emit(kTPosition, position);
  emit(kTCasePosition, case0 * 8 + position);
  uint64_t glue = (t.bits & (kBitGlued | kBitParticle)) >> 12;
  if (i + 1 < n) glue |= ((infos[i + 1].bits & (kBitGlued | kBitParticle)) >> 12) << 2;
  emit(kTGlue, glue);

  // Neighbouring words and shapes.
  if (!without_context_words) {
    emit(kTWordM1, word_at(li - 1));
    emit(kTWordM2, word_at(li - 2));
    emit(kTWordP1, word_at(li + 1));
    emit(kTWordP2, word_at(li + 2));
    emit(kTBigramM1, Mix64(word_at(li - 1)) ^ t.lower);
    emit(kTBigramP1, Mix64(t.lower) ^ word_at(li + 1));
    emit(kTContextLeft, Mix64(word_at(li - 2)) ^ word_at(li - 1));
    emit(kTContextRight, Mix64(word_at(li + 1)) ^ word_at(li + 2));
    emit(kTWordM1Shape, Mix64(word_at(li - 1)) ^ t.short_shape);
    emit(kTShapeWordP1, Mix64(t.short_shape) ^ word_at(li + 1));
  }
  emit(kTShapeM1, shape_at(li - 1));
  emit(kTShapeM2, shape_at(li - 2));
  emit(kTShapeP1, shape_at(li + 1));
  emit(kTShapeP2, shape_at(li + 2));
  emit(kTShapeTrigram, Mix64(Mix64(shape_at(li - 1)) ^ t.short_shape) ^ shape_at(li + 1));
  {
    uint64_t cm = i > 0 ? case_of(infos[i - 1].bits) : 9;
    uint64_t cp = i + 1 < n ? case_of(infos[i + 1].bits) : 9;
    emit(kTCaseM1P1, (cm * 16 + case0) * 16 + cp);
  }

  // Gazetteers: the token's categories, alone and with its case, and its neighbours'.
  const bool capitalized = (t.bits & (kBitCap | kBitAllCaps)) != 0;
  for (uint32_t g = t.gaz & categories; g != 0; g &= g - 1) {
    int bit = std::countr_zero(g);
    emit(kTGaz, bit);
    emit(kTGazCase, bit * 16 + case0);
  }
  auto neighbour_gaz = [&](uint32_t tid, long j) {
    if (j < 0 || j >= static_cast<long>(n)) return;
    uint32_t g = (infos[j].gaz | infos[j].gaz_begin | infos[j].gaz_inside) & categories;
    for (; g != 0; g &= g - 1) emit(tid, std::countr_zero(g));
  };
  neighbour_gaz(kTGazM1, li - 1);
  neighbour_gaz(kTGazM2, li - 2);
  neighbour_gaz(kTGazP1, li + 1);
  neighbour_gaz(kTGazP2, li + 2);
  for (uint32_t g = t.gaz_begin & categories; g != 0; g &= g - 1) {
    emit(kTMultiGaz, std::countr_zero(g));
  }
  for (uint32_t g = t.gaz_inside & categories; g != 0; g &= g - 1) {
    emit(kTMultiGaz, 64 + std::countr_zero(g));
  }
  // A capitalized dictionary word at a sentence start is usually just a word.
  emit(kTCommon, ((t.gaz & kGazCommonWord) ? 1 : 0) | (capitalized ? 2 : 0) |
                     ((t.bits & kBitSentenceStart) ? 4 : 0) | ((t.bits & kBitAllCaps) ? 8 : 0));
  if (t.bits & kBitCompound) emit(kTCompound, (t.bits & kBitSentenceStart) ? 1 : 0);
  {
    // What kind of non-name word this looks like, with whether it starts the sentence and
    // whether its neighbours are of the same kind (runs of acronyms or numbers are lists).
    uint64_t kind = 0;
    if (t.bits & kBitBareAcronym) kind = 1;
    if (t.bits & kBitKoVerbEnding) kind = 2;
    if (t.bits & (kBitNumberUnit | kBitAllDigits)) kind = 3;
    if (kind != 0) {
      const uint32_t same = kBitBareAcronym | kBitKoVerbEnding | kBitNumberUnit | kBitAllDigits;
      uint64_t near = 0;
      if (i > 0 && (infos[i - 1].bits & same)) near |= 1;
      if (i + 1 < n && (infos[i + 1].bits & same)) near |= 2;
      emit(kTTermShape, kind * 16 + near * 2 + ((t.bits & kBitSentenceStart) ? 1 : 0));
      emit(kTTermShape, 100 + kind);
    }
    // A neighbour of one of these kinds.
    uint64_t nk = 0;
    if (i > 0 && (infos[i - 1].bits & kBitKoVerbEnding)) nk |= 1;
    if (i + 1 < n && (infos[i + 1].bits & kBitKoVerbEnding)) nk |= 2;
    if (i + 1 < n && (infos[i + 1].bits & kBitBareAcronym)) nk |= 4;
    if (i > 0 && (infos[i - 1].bits & kBitBareAcronym)) nk |= 8;
    if (nk != 0) emit(kTTermShape, 200 + nk);
  }
  if (t.bits & kBitHangul) {
    emit(kTKorean, ((t.bits & (kBitKoSurnameStart | kBitKoGivenRest)) >> 14) * 8 +
                       std::min<uint32_t>(t.length, 7));
  }
  return k;
}

}  // namespace ptmo::privacy::ner
