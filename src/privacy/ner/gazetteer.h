// Gazetteer: lower-cased words and phrases (first names, cities, organization suffixes, ...)
// mapped to category flags, stored as an open-addressing hash table that is saved inside the
// model file and loaded with it.
//
// A phrase is tokenized with the NER tokenizer and keyed by the hash of its lower-cased
// tokens joined by one space, so "New York", "new  york" and "NEW YORK" share a key. The
// first token of every multi-token phrase also gets kMultiStart, which tells the feature
// extractor that looking for a longer match starting there is worthwhile. A phrase with
// Latin diacritics is also stored folded ("kraków" and "krakow"), and lookups try the folded
// form when the exact one fails, so matching ignores accents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/ner/tokenizer.h"
#include "util/status.h"

namespace ptmo::privacy::ner {

// Category flags. Their bit positions are part of the model format (kFeatureVersion).
enum GazetteerFlag : uint32_t {
  kGazFirstName = 1u << 0,
  kGazLastName = 1u << 1,
  kGazTitle = 1u << 2,  // Mr, Mrs, Dr, Prof, Sir
  kGazCity = 1u << 3,
  kGazCountry = 1u << 4,
  kGazRegion = 1u << 5,        // states, provinces, regions
  kGazStreetType = 1u << 6,    // Street, St, Avenue, Rue, Calle, ul, straße, 로, 길
  kGazUnit = 1u << 7,          // Apt, Suite, Unit, Floor, Box
  kGazOrgSuffix = 1u << 8,     // Inc, Ltd, LLC, GmbH, Corp, 주식회사
  kGazOrgWord = 1u << 9,       // University, Bank, Hospital, 대학교, 은행, 병원
  kGazOrgName = 1u << 10,      // known organizations
  kGazCommonWord = 1u << 11,   // a lower-case dictionary word
  kGazNationality = 1u << 12,  // Spanish, Korean, 한국인
  kGazDateWord = 1u << 13,     // months and weekdays
  kGazKoSurname = 1u << 14,    // 김, 이, 박 (single syllables)
  kGazKoGiven = 1u << 15,      // 민수, 지은
  kGazJobWord = 1u << 16,      // engineer, manager, 교수
  kGazProduct = 1u << 17,      // product, software and language names that are not entities
  kGazDistrict = 1u << 18,     // city districts, neighbourhoods (강남구, Brooklyn)
  kGazMultiStart = 1u << 31,   // first token of some multi-token phrase
};
inline constexpr int kGazFlagBits = 19;  // bits 0..18 are categories

// The name of a category flag bit ("first name"), for span reasons.
std::string_view GazetteerFlagName(int bit);

class Gazetteer {
 public:
  static constexpr size_t kMaxPhraseTokens = 6;

  Gazetteer();

  // Adds `phrase` with `flags` (OR-ed with any flags it already has). Phrases longer than
  // kMaxPhraseTokens tokens, or with no tokens, are ignored. Not thread-safe.
  void Add(std::string_view phrase, uint32_t flags);

  // The flags of the phrase with key `key` (see PhraseKey), 0 when absent. Thread-safe.
  uint32_t Lookup(uint64_t key) const {
    size_t mask = keys_.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      if (keys_[i] == key) return flags_[i];
      if (keys_[i] == 0) return 0;
    }
  }

  size_t size() const { return count_; }
  size_t capacity() const { return keys_.size(); }
  const std::vector<uint64_t>& keys() const { return keys_; }
  const std::vector<uint32_t>& flags() const { return flags_; }

  // Rebuilds a gazetteer from a saved table. Fails with kDataLoss when the capacity is not a
  // power of two, the arrays differ in size or the table has no empty slot.
  static Expected<Gazetteer> FromTable(std::vector<uint64_t> keys, std::vector<uint32_t> flags);

 private:
  void Insert(uint64_t key, uint32_t flags);

  std::vector<uint64_t> keys_;  // 0 = empty slot
  std::vector<uint32_t> flags_;
  size_t count_ = 0;
};

// The key of tokens [first, first + n) of `text`: their lower-cased text joined by spaces,
// with Latin diacritics removed when `fold` is set (FoldLatin).
uint64_t PhraseKey(std::string_view text, const Token* first, size_t n, bool fold = false);

}  // namespace ptmo::privacy::ner
