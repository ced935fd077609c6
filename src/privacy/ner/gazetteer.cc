#include "privacy/ner/gazetteer.h"

#include <unicode/uchar.h>

#include <array>

#include "privacy/ner/hash.h"
#include "util/utf8.h"

namespace ptmo::privacy::ner {

std::string_view GazetteerFlagName(int bit) {
  static constexpr std::array<std::string_view, kGazFlagBits> kNames = {"first name",
                                                                        "last name",
                                                                        "title",
                                                                        "city",
                                                                        "country",
                                                                        "region",
                                                                        "street type",
                                                                        "unit word",
                                                                        "organization suffix",
                                                                        "organization word",
                                                                        "known organization",
                                                                        "common word",
                                                                        "nationality",
                                                                        "date word",
                                                                        "Korean surname",
                                                                        "Korean given name",
                                                                        "job word",
                                                                        "product name",
                                                                        "district"};
  if (bit < 0 || bit >= kGazFlagBits) return "unknown";
  return kNames[bit];
}

Gazetteer::Gazetteer() : keys_(16, 0), flags_(16, 0) {}

void Gazetteer::Insert(uint64_t key, uint32_t flags) {
  // Grow at 3/4 load: linear probing stays short and the saved table stays small.
  if ((count_ + 1) * 4 > keys_.size() * 3) {
    std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
    std::vector<uint32_t> old_flags(flags_.size() * 2, 0);
    old_keys.swap(keys_);
    old_flags.swap(flags_);
    count_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != 0) Insert(old_keys[i], old_flags[i]);
    }
  }
  size_t mask = keys_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (keys_[i] == key) {
      flags_[i] |= flags;
      return;
    }
    if (keys_[i] == 0) {
      keys_[i] = key;
      flags_[i] = flags;
      ++count_;
      return;
    }
  }
}

void Gazetteer::Add(std::string_view phrase, uint32_t flags) {
  std::vector<Token> tokens;
  Tokenize(phrase, tokens);
  // Line breaks inside a phrase carry no meaning for matching.
  std::erase_if(tokens, [](const Token& t) { return t.kind == TokenKind::kNewline; });
  if (tokens.empty() || tokens.size() > kMaxPhraseTokens) return;
  for (bool fold : {false, true}) {
    uint64_t key = PhraseKey(phrase, tokens.data(), tokens.size(), fold);
    if (fold && key == PhraseKey(phrase, tokens.data(), tokens.size(), false)) break;
    Insert(key, flags);
    if (tokens.size() > 1) Insert(PhraseKey(phrase, tokens.data(), 1, fold), kGazMultiStart);
  }
}

Expected<Gazetteer> Gazetteer::FromTable(std::vector<uint64_t> keys, std::vector<uint32_t> flags) {
  if (keys.size() != flags.size()) return DataLoss("gazetteer key and flag arrays differ in size");
  if (keys.size() < 2 || (keys.size() & (keys.size() - 1)) != 0) {
    return DataLoss("gazetteer capacity " + std::to_string(keys.size()) +
                    " is not a power of two >= 2");
  }
  Gazetteer g;
  g.count_ = 0;
  for (uint64_t k : keys) g.count_ += k != 0;
  if (g.count_ == keys.size()) return DataLoss("gazetteer table has no empty slot");
  g.keys_ = std::move(keys);
  g.flags_ = std::move(flags);
  return g;
}

uint64_t PhraseKey(std::string_view text, const Token* first, size_t n, bool fold) {
  Fnv f;
  for (size_t t = 0; t < n; ++t) {
    if (t > 0) f.Byte(' ');
    for (size_t i = first[t].begin; i < first[t].end;) {
      size_t len;
      char32_t cp = utf8::Decode(text, i, &len);
      // Folding drops combining marks too, as the feature extractor does.
      if (fold && (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_M_MASK) != 0) {
        i += len;
        continue;
      }
      char32_t lc = LowerCodePoint(cp);
      f.CodePoint(fold ? FoldLatin(lc) : lc);
      i += len;
    }
  }
  return f.Final();
}

}  // namespace ptmo::privacy::ner
