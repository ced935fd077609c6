// Hashing used by the NER tagger: lower-cased token text, gazetteer keys and feature ids.
//
// The hashes are part of the model file format: changing them (or the lower-casing) changes
// which weight bucket a feature lands in, so it requires a new kFeatureVersion and
// retraining. They are our own (FNV-1a + the murmur3 finalizer), not std::hash, so a model
// trained on one platform works on every other.
#pragma once

#include <cstdint>
#include <string_view>

namespace ptmo::privacy::ner {

inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
inline constexpr uint64_t kFnvPrime = 0x100000001b3ull;

// The murmur3 64-bit finalizer: a bijective mix with good avalanche.
inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// Incremental FNV-1a over bytes.
struct Fnv {
  uint64_t h = kFnvOffset;
  void Byte(uint8_t b) {
    h ^= b;
    h *= kFnvPrime;
  }
  void Bytes(std::string_view s) {
    for (char c : s) Byte(static_cast<uint8_t>(c));
  }
  // Feeds the UTF-8 encoding of `cp`.
  void CodePoint(char32_t cp);
  // A final value that is never 0 (0 marks an empty gazetteer slot).
  uint64_t Final() const {
    uint64_t v = Mix64(h);
    return v == 0 ? 1 : v;
  }
};

// Lower-cases one code point (ICU simple case mapping; ASCII fast path).
char32_t LowerCodePoint(char32_t cp);

// Folds a lower-case Latin letter with a diacritic to its base letter (á -> a, ł -> l,
// ș -> s); other code points are returned unchanged. Used for accent-insensitive gazetteer
// matching ("Lucía" finds "Lucia", "Krakow" finds "Kraków").
char32_t FoldLatin(char32_t lower_cp);

// Hash of the lower-cased text, e.g. the gazetteer key of a one-token phrase.
uint64_t HashLower(std::string_view text);

// Combines a feature template id and a value hash into a feature id.
inline uint64_t FeatureId(uint32_t template_id, uint64_t value) {
  return Mix64(value ^ (uint64_t{template_id} * 0x9e3779b97f4a7c15ull));
}

}  // namespace ptmo::privacy::ner
