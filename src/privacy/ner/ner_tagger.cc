#include "privacy/ner/ner_tagger.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "privacy/ner/decoder.h"
#include "privacy/ner/features.h"
#include "privacy/ner/labels.h"

namespace ptmo::privacy::ner {
namespace {

struct Scratch {
  std::vector<Token> tokens;
  std::vector<TokenInfo> infos;
  std::vector<float> emissions;
  std::vector<uint8_t> tags;
};

// Per-tag scores of every token: the sum of the weights of its features.
void Score(const NerModel& m, const std::vector<TokenInfo>& infos, std::vector<float>& emissions) {
  const size_t n = infos.size();
  emissions.assign(n * kTagStride, 0.0f);
  // Feature rows are scattered over a table of several MB: the rows of token i+1 are
  // prefetched while token i is summed, which hides most of the cache misses.
  uint32_t feats[2][kMaxFeatures];
  size_t counts[2] = {0, 0};
  const int16_t* w = m.weights.data();
  auto extract = [&](size_t i, int slot) {
    counts[slot] = ExtractFeatures(infos.data(), n, i, m.bucket_bits, feats[slot]);
    for (size_t f = 0; f < counts[slot]; ++f) {
      __builtin_prefetch(w + size_t{feats[slot][f]} * kTagStride);
    }
  };
  if (n > 0) extract(0, 0);
  for (size_t i = 0; i < n; ++i) {
    const int cur = static_cast<int>(i & 1);
    if (i + 1 < n) extract(i + 1, cur ^ 1);
    int32_t acc[kTagStride] = {};
    for (size_t f = 0; f < counts[cur]; ++f) {
      const int16_t* row = w + size_t{feats[cur][f]} * kTagStride;
      for (int t = 0; t < kTagStride; ++t) acc[t] += row[t];
    }
    for (int t = 0; t < kTagStride; ++t) {
      emissions[i * kTagStride + t] = static_cast<float>(acc[t]) * m.weight_scale;
    }
  }
}

void Run(const NerModel& m, std::string_view text, Scratch& s) {
  Tokenize(text, s.tokens);
  ComputeTokenInfo(text, s.tokens, m.gazetteer, s.infos);
  Score(m, s.infos, s.emissions);
  s.tags.assign(s.tokens.size(), kTagO);
  Viterbi(s.emissions.data(), s.tokens.size(), m.transitions.data(), s.tags.data());
}

// Line breaks and punctuation at the edges of an entity are not part of it (the exceptions,
// a period ending an abbreviation and a closing parenthesis, are handled by the caller).
bool IsEdgeJunk(const Token& t) {
  return t.kind == TokenKind::kNewline || t.kind == TokenKind::kPunct;
}

// True when token k is ". ", "! " or "? " ending a sentence rather than an abbreviation.
bool SentenceEnd(std::string_view text, const std::vector<Token>& tokens,
                 const std::vector<TokenInfo>& infos, size_t k) {
  const Token& t = tokens[k];
  if (t.kind != TokenKind::kPunct || k + 1 >= tokens.size() || !tokens[k + 1].space_before) {
    return false;
  }
  char c = text[t.begin];
  if (c == '!' || c == '?') return true;
  if (c != '.' || k == 0) return false;
  const Token& before = tokens[k - 1];
  return before.kind == TokenKind::kWord && infos[k - 1].length > 4;
}

constexpr uint32_t kEntityGaz = kGazFirstName | kGazLastName | kGazCity | kGazCountry | kGazRegion |
                                kGazDistrict | kGazOrgName | kGazOrgSuffix | kGazOrgWord |
                                kGazKoSurname | kGazKoGiven | kGazStreetType;

// True when tokens [first, last] hold a word that can name a place or an organization: a
// Hangul word, a listed name, or three or more letters without digits. Runs of numbers,
// punctuation and unit letters ("345, 12, 9001", "144 Hz", "1Z 999 AA1") cannot.
bool HasNamingWord(const std::vector<Token>& tokens, const std::vector<TokenInfo>& infos,
                   size_t first, size_t last) {
  for (size_t k = first; k <= last; ++k) {
    if (tokens[k].kind != TokenKind::kWord) continue;
    const TokenInfo& t = infos[k];
    if ((t.gaz | t.gaz_begin | t.gaz_inside) & kEntityGaz) return true;
    if (t.bits & kBitHasDigit) continue;
    if ((t.bits & kBitHangul) || t.length >= 3) return true;
  }
  return false;
}

// True when a one-token span is a word of a kind that is rarely an entity (a bare acronym,
// a Korean verb form, a number with a unit) and no entity list supports it.
bool LacksEvidence(const std::vector<TokenInfo>& infos, size_t first, size_t last) {
  if (first != last) return false;
  const TokenInfo& t = infos[first];
  if ((t.gaz | t.gaz_begin | t.gaz_inside) & kEntityGaz) return false;
  return (t.bits & (kBitBareAcronym | kBitKoVerbEnding | kBitNumberUnit | kBitAllDigits)) != 0;
}

std::string Reason(EntityType type, std::string_view text, const std::vector<Token>& tokens,
                   const std::vector<TokenInfo>& infos, size_t first, size_t last) {
  std::vector<std::string> why;
  uint32_t gaz = 0;
  for (size_t i = first; i <= last; ++i)
    gaz |= infos[i].gaz | infos[i].gaz_begin | infos[i].gaz_inside;
  gaz &= (1u << kGazFlagBits) - 1;
  gaz &= ~(kGazCommonWord | kGazDateWord | kGazJobWord | kGazProduct | kGazNationality);
  for (uint32_t g = gaz; g != 0 && why.size() < 3; g &= g - 1) {
    why.push_back("gazetteer " + std::string(GazetteerFlagName(std::countr_zero(g))));
  }
  if (type == EntityType::kPerson && (infos[first].bits & kBitKoGivenRest)) {
    why.push_back("Korean surname + given name");
  } else if (type == EntityType::kPerson && (infos[first].bits & kBitKoSurnameStart)) {
    why.push_back("starts with a Korean surname");
  }
  // The nearest word before the span (skipping one period, as in "Mr. Smith").
  size_t j = first;
  while (j > 0 && first - j < 2) {
    --j;
    if (tokens[j].kind == TokenKind::kWord) {
      std::string_view w = text.substr(tokens[j].begin, tokens[j].end - tokens[j].begin);
      if (infos[j].gaz & kGazTitle) {
        why.push_back("title '" + std::string(w) + "'");
      } else if (w.size() <= 24 && (infos[j].bits & kBitCap) == 0) {
        why.push_back("after '" + std::string(w) + "'");
      }
      break;
    }
    if (tokens[j].kind == TokenKind::kNewline) break;
  }
  if (why.empty()) why.push_back("word shape and context");
  std::string r = "NER " + std::string(EntityTypeName(type)) + " (";
  for (size_t k = 0; k < why.size(); ++k) {
    if (k > 0) r += ", ";
    r += why[k];
  }
  return r + ")";
}

}  // namespace

Expected<std::unique_ptr<NerTagger>> NerTagger::Load(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(NerModel model, NerModel::Load(path));
  return std::make_unique<NerTagger>(std::move(model));
}

NerTagger::NerTagger(NerModel model) : model_(std::move(model)) {
  assert(model_.weights.size() == model_.buckets() * kTagStride && "weights do not fit the table");
}

void NerTagger::Tag(std::string_view text, std::vector<Token>* tokens,
                    std::vector<uint8_t>* tags) const {
  Scratch s;
  Run(model_, text, s);
  *tokens = std::move(s.tokens);
  *tags = std::move(s.tags);
}

void NerTagger::Find(std::string_view text, std::vector<Span>& out) const {
  Scratch s;
  Run(model_, text, s);
  const size_t n = s.tokens.size();
  bool any = false;
  for (uint8_t t : s.tags) any |= t != kTagO;
  if (!any) return;
  std::vector<float> marg(n * kTagStride);
  Marginals(s.emissions.data(), n, model_.transitions.data(), model_.temperature, marg.data());

  for (size_t i = 0; i < n;) {
    if (s.tags[i] == kTagO) {
      ++i;
      continue;
    }
    const int cls = TagClass(s.tags[i]);
    size_t next = i + 1;
    while (next < n && s.tags[next] == InsideTag(cls)) ++next;
    // Tokens [i, j) form the entity. It never runs across the end of a sentence: a
    // sentence-ending mark followed by white space ends it, unless the period closes a short
    // abbreviation ("Inc. ", "St. ", "Apt. ", "J. "); what follows the mark is dropped.
    size_t j = next;
    for (size_t k = i + 1; k + 1 < next; ++k) {
      if (SentenceEnd(text, s.tokens, s.infos, k)) {
        j = k;
        break;
      }
    }
    size_t first = i, last = j - 1;
    while (first < last && IsEdgeJunk(s.tokens[first])) ++first;
    while (last > first && IsEdgeJunk(s.tokens[last])) {
      // Keep the period of an abbreviation glued to the last word ("Str.", "Inc.", "Jr.").
      const Token& t = s.tokens[last];
      if (t.kind == TokenKind::kPunct && text[t.begin] == '.' && !t.space_before &&
          s.tokens[last - 1].kind == TokenKind::kWord && s.infos[last - 1].length <= 4 &&
          last == j - 1) {
        break;
      }
      // Keep a closing parenthesis opened inside the entity ("Cyprus (Greek)").
      if (t.kind == TokenKind::kPunct && text[t.begin] == ')' &&
          text.substr(s.tokens[first].begin, t.begin - s.tokens[first].begin).find('(') !=
              std::string_view::npos) {
        break;
      }
      --last;
    }
    // An address or an organization must contain a word (see HasNamingWord).
    const bool wordless = cls != 0 && !HasNamingWord(s.tokens, s.infos, first, last);
    if (!IsEdgeJunk(s.tokens[first]) && !wordless) {
      float conf = 1.0f;
      for (size_t k = i; k < j; ++k) conf = std::min(conf, marg[k * kTagStride + s.tags[k]]);
      // A span the model would extend or start differently is less certain: count the
      // probability that the entity continues past its end.
      if (j == next && j < n) conf = std::min(conf, 1.0f - marg[j * kTagStride + InsideTag(cls)]);
      // Without list support, a lone acronym, verb form or number is doubtful: squaring
      // keeps confident spans (0.95 -> 0.90) and pushes hesitant ones below the Analyzer's
      // 0.4 threshold (0.6 -> 0.36).
      if (LacksEvidence(s.infos, first, last)) conf *= conf;
      Span span;
      span.type = ClassType(cls);
      span.begin = s.tokens[first].begin;
      span.end = s.tokens[last].end;
      span.score = std::clamp(static_cast<double>(conf), 0.0, 1.0);
      span.recognizer = "ner";
      span.reasons.push_back(Reason(span.type, text, s.tokens, s.infos, first, last));
      if (span.end > span.begin) out.push_back(std::move(span));
    }
    i = next;
  }
}

}  // namespace ptmo::privacy::ner
