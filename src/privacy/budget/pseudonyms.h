// Recognizes the Vault's pseudonym tokens in text, so that what the Vault wrote in place of
// sensitive data is never counted as sensitive data itself:
//   placeholder  "<PERSON_1>", "<US_SSN_12>"    ("<" TYPE "_" digits ">")
//   hash tag     "<EMAIL:3fa2c1d9>"             ("<" TYPE ":" 8 or more lower-case hex ">")
//   redaction    "[REDACTED_EMAIL]"             ("[REDACTED_" TYPE "]")
// TYPE must be an EntityType name (EntityTypeName), so "<div_1>" or "<FOO_1>" are not tokens.
// Surrogates (fake but real-looking values) cannot be told apart by syntax; callers that
// know where the Vault put them (MaskResult::replacements) pass those ranges explicitly.
//
// Header-only so that ptmo_privacy_audit (which does not link ptmo_privacy_budget) shares it.
// Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy {

// A byte range [begin, end) of a text.
struct ByteRange {
  size_t begin = 0;
  size_t end = 0;
};

namespace pseudonym_internal {

inline bool IsTypeChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool IsLowerHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f');
}

// Length of the token starting with '<' at text[i], or 0.
inline size_t AngleTokenAt(std::string_view text, size_t i) {
  size_t j = i + 1;
  while (j < text.size() && IsTypeChar(text[j])) ++j;
  if (j >= text.size() || j == i + 1) return 0;
  std::string_view body = text.substr(i + 1, j - i - 1);
  if (text[j] == '>') {  // placeholder: TYPE_digits
    size_t us = body.rfind('_');
    if (us == std::string_view::npos || us + 1 == body.size()) return 0;
    for (size_t k = us + 1; k < body.size(); ++k) {
      if (!IsDigit(body[k])) return 0;
    }
    return ParseEntityType(body.substr(0, us)) ? j + 1 - i : 0;
  }
  if (text[j] == ':') {  // hash tag: TYPE:hex
    if (!ParseEntityType(body)) return 0;
    size_t k = j + 1;
    while (k < text.size() && IsLowerHex(text[k])) ++k;
    if (k - (j + 1) < 8 || k >= text.size() || text[k] != '>') return 0;
    return k + 1 - i;
  }
  return 0;
}

// Length of the "[REDACTED_TYPE]" token starting at text[i], or 0.
inline size_t RedactionAt(std::string_view text, size_t i) {
  constexpr std::string_view kPrefix = "[REDACTED_";
  if (text.substr(i, kPrefix.size()) != kPrefix) return 0;
  size_t j = i + kPrefix.size();
  size_t type_begin = j;
  while (j < text.size() && IsTypeChar(text[j])) ++j;
  if (j >= text.size() || text[j] != ']') return 0;
  return ParseEntityType(text.substr(type_begin, j - type_begin)) ? j + 1 - i : 0;
}

}  // namespace pseudonym_internal

// Every pseudonym token in `text`, in order, non-overlapping. Linear in the text's length.
inline std::vector<ByteRange> FindPseudonymTokens(std::string_view text) {
  std::vector<ByteRange> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t next = text.find_first_of("<[", i);
    if (next == std::string_view::npos) break;
    size_t len = text[next] == '<' ? pseudonym_internal::AngleTokenAt(text, next)
                                   : pseudonym_internal::RedactionAt(text, next);
    if (len > 0) {
      out.push_back({next, next + len});
      i = next + len;
    } else {
      i = next + 1;
    }
  }
  return out;
}

// True when `span` of `text` says nothing real: it overlaps `covered` (sorted by begin; may
// overlap each other), and every byte of it outside `covered` is ASCII whitespace or
// punctuation that commonly sits around a pseudonym (,.;:!?'"()), so "<PERSON_1>, " says
// nothing but "Dr <PERSON_1>" or "<PERSON_1>Smith" do.
inline bool SpanIsOnlyPseudonyms(std::string_view text, const Span& span,
                                 const std::vector<ByteRange>& covered) {
  constexpr std::string_view kFiller = " \t\r\n\f\v,.;:!?'\"()";
  size_t end = std::min(span.end, text.size());
  auto it = covered.begin();  // the ranges before it end at or before the current byte
  bool touched = false;
  for (size_t i = span.begin; i < end; ++i) {
    while (it != covered.end() && it->end <= i) ++it;
    bool inside = false;
    for (auto r = it; r != covered.end() && r->begin <= i; ++r) {
      if (i < r->end) {
        inside = true;
        break;
      }
    }
    if (inside) {
      touched = true;
    } else if (kFiller.find(text[i]) == std::string_view::npos) {
      return false;
    }
  }
  return touched;
}

// The spans of `spans` (found in `text`) that disclose something real: drops every span made
// only of pseudonym tokens (FindPseudonymTokens) or of the caller's `extra` ranges (where the
// Vault put surrogates). Keeps the order of `spans`.
inline std::vector<Span> RealSpans(std::string_view text, const std::vector<Span>& spans,
                                   const std::vector<ByteRange>& extra = {}) {
  std::vector<ByteRange> covered = FindPseudonymTokens(text);
  covered.insert(covered.end(), extra.begin(), extra.end());
  std::sort(covered.begin(), covered.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.begin < b.begin; });
  std::vector<Span> out;
  out.reserve(spans.size());
  for (const Span& s : spans) {
    if (!SpanIsOnlyPseudonyms(text, s, covered)) out.push_back(s);
  }
  return out;
}

}  // namespace ptmo::privacy
