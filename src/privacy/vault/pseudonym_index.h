// Finds a vault's pseudonyms in text (the cloud's reply) and puts the originals back.
//
// Matching is exact and leftmost-longest over a byte trie of every pseudonym, so
// "<PERSON_10>" is never read as "<PERSON_1>" and a longer surrogate wins over a shorter one
// that starts at the same place. A pseudonym whose first (last) character is an ASCII letter
// or digit only matches where the text has no letter or digit just before (after) it: a fake
// first name "Sam" is not restored inside "Sample".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ptmo::privacy::vault_internal {

class PseudonymIndex {
 public:
  PseudonymIndex();

  // Adds `pseudonym` (non-empty, not already present) as the name of entry `id`.
  void Add(std::string_view pseudonym, uint32_t id);
  // Removes `pseudonym`; a no-op when it is absent.
  void Remove(std::string_view pseudonym);

  // True when the boundary rule lets `pseudonym` (non-empty) be restored with the byte
  // `before` just before it and `after` just after it ('\0' at the start or end of the text):
  // an ASCII letter or digit at either end of the pseudonym must not touch another one.
  static bool RestorableBetween(char before, std::string_view pseudonym, char after);

  // Gives the original text for an entry id.
  using OriginalOf = std::function<std::string_view(uint32_t id)>;

  // Appends `text` to *out with every pseudonym replaced by its original (JSON-escaped when
  // `json_escape`, for text that sits inside a JSON string). `prev` is the byte just before
  // `text` ('\0' at the start of a stream), for the word-boundary rule.
  //
  // When `final` is false the text may continue in a later call: the function stops before a
  // place where a pseudonym may start but the text ends too soon to decide (and before an
  // incomplete UTF-8 sequence at the end), and returns how many bytes it consumed; the caller
  // keeps the rest and passes it again with the next piece. When `final` is true everything
  // is consumed.
  size_t Restore(std::string_view text, char prev, bool final, bool json_escape,
                 const OriginalOf& original_of, std::string* out) const;

  // One pseudonym occurrence: text[begin, end) names entry `id`.
  struct Found {
    size_t begin = 0;
    size_t end = 0;
    uint32_t id = 0;
  };
  // Appends, in text order, every occurrence that Restore(text, '\0', final=true, ...) would
  // replace.
  void FindAll(std::string_view text, std::vector<Found>* out) const;

  // Restores pseudonyms inside the string literals of JSON text (keys and values), decoding
  // JSON escapes first and JSON-escaping the restored values; text outside strings is copied
  // unchanged. Works on truncated or invalid JSON too (best effort, never fails).
  void RestoreJson(std::string_view json, const OriginalOf& original_of, std::string* out) const;

 private:
  enum class Match { kNone, kFound, kNeedMore };
  static constexpr uint32_t kNoNode = 0;  // node 0 is the root, never a child

  struct Node {
    int64_t id = -1;        // entry id when a pseudonym ends here
    uint32_t children = 0;  // number of outgoing edges
  };

  Match MatchAt(std::string_view text, size_t i, char prev, bool final, size_t* len,
                uint32_t* id) const;
  uint32_t Child(uint32_t node, unsigned char c) const;
  static uint64_t EdgeKey(uint32_t node, unsigned char c) { return (uint64_t{node} << 8) | c; }

  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, uint32_t> edges_;
  std::array<uint32_t, 256> root_{};  // the root's children, for a fast first-byte test
};

// Appends `s` to *out escaped for the inside of a JSON string literal.
void AppendJsonEscaped(std::string_view s, std::string* out);

}  // namespace ptmo::privacy::vault_internal
