// Feature extraction for the NER tagger.
//
// Each token is first summarized once in a TokenInfo (hashes of its lower-cased text, word
// shape, prefixes and suffixes, gazetteer flags, case/script/position bits). The features of
// token i are then hashed combinations of the TokenInfos of tokens i-2..i+2 (see
// ExtractFeatures for the list); each feature id is reduced to a bucket of the model's weight
// table. No strings are built: every hash is computed incrementally over the text's bytes.
//
// Changing anything here that alters a feature's bucket requires bumping kFeatureVersion
// (the model file records it and refuses a mismatch) and retraining.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "privacy/ner/gazetteer.h"
#include "privacy/ner/tokenizer.h"

namespace ptmo::privacy::ner {

inline constexpr uint32_t kFeatureVersion = 4;
// Upper bound on the features of one token (ExtractFeatures never writes more).
inline constexpr size_t kMaxFeatures = 128;

// Bits of TokenInfo::bits.
enum TokenBit : uint32_t {
  kBitCap = 1u << 0,        // first letter upper-case, some lower-case letter after it
  kBitAllCaps = 1u << 1,    // at least two letters, all upper-case
  kBitLower = 1u << 2,      // first letter lower-case
  kBitMixedCase = 1u << 3,  // upper-case after a lower-case letter ("iPhone", "McDonald")
  kBitHasDigit = 1u << 4,
  kBitAllDigits = 1u << 5,
  kBitHangul = 1u << 6,
  kBitLatin = 1u << 7,
  kBitOtherScript = 1u << 8,      // letters of another script (Cyrillic, Greek, CJK, ...)
  kBitSentenceStart = 1u << 9,    // first token, or after . ! ? : or a line break
  kBitLineStart = 1u << 10,       // first token of a line
  kBitLineEnd = 1u << 11,         // last token of a line
  kBitGlued = 1u << 12,           // no white space before the token
  kBitParticle = 1u << 13,        // a Korean particle split off its word
  kBitKoSurnameStart = 1u << 14,  // 2-4 Hangul syllables starting with a common surname
  kBitKoGivenRest = 1u << 15,     // ... and the rest is a known given name
  kBitPunct = 1u << 16,
  kBitNewline = 1u << 17,
  kBitSingleLetter = 1u << 18,  // one letter ("A" in "Juliusz A Kwiatkowski")
  kBitCompound = 1u << 19,      // an unknown capitalized word made of two dictionary words
                                // ("Dropbox", "Flightplan"): a typical brand name
  kBitBareAcronym = 1u << 20,   // 2-5 upper-case letters (digits allowed) that no entity list
                                // knows ("TCP", "JWT", "IPV6"): usually a technical term
  kBitKoVerbEnding = 1u << 21,  // a Hangul word of 2+ syllables ending like a verb or adverb
                                // form ("맛있게", "하려면", "알려줘", "좋은데"), not a name
  kBitNumberUnit = 1u << 22,  // digits glued to a few unit letters ("350F", "5GB", "1Z")
};

struct TokenInfo {
  uint64_t lower = 0;        // hash of the lower-cased text (also its gazetteer key)
  uint64_t folded = 0;       // the same with Latin diacritics removed (== lower if none)
  uint64_t shape = 0;        // "Xxxx", "dddd", "XX.": runs longer than 3 cut to 3
  uint64_t short_shape = 0;  // "Xx", "d", "X.": runs cut to 1
  uint64_t prefix[3] = {};   // lower-cased first 1..3 code points (0 unless the word is longer)
  uint64_t suffix[4] = {};   // lower-cased last 1..4 code points (0 unless the word is longer)
  uint32_t gaz = 0;          // gazetteer flags of the token alone
  uint32_t gaz_begin = 0;    // categories of a multi-token phrase that starts here
  uint32_t gaz_inside = 0;   // categories of a multi-token phrase that continues here
  uint32_t bits = 0;         // TokenBit
  uint32_t length = 0;       // code points
};

// Fills `infos` (resized to tokens.size()) for `tokens` of `text`. Thread-safe.
void ComputeTokenInfo(std::string_view text, const std::vector<Token>& tokens,
                      const Gazetteer& gazetteer, std::vector<TokenInfo>& infos);

// Writes the weight-table buckets (each < 2^bucket_bits) of the features of token `i` to
// `out` (room for kMaxFeatures) and returns how many were written. Deterministic: the same
// infos always give the same buckets in the same order. `without_context_words` leaves out
// the features built from neighbouring words (training uses it now and then, so that a
// token's own features learn to carry weight too). Thread-safe.
size_t ExtractFeatures(const TokenInfo* infos, size_t n, size_t i, int bucket_bits, uint32_t* out,
                       bool without_context_words = false);

}  // namespace ptmo::privacy::ner
