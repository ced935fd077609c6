// Small helpers shared by the structured-PII recognizers (internal to this folder).
#pragma once

#include <re2/re2.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy::scan {

inline bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}
// True when `c` is one of the bytes of `set` (a NUL byte in the text is never in a set,
// unlike with std::strchr).
inline bool IsOneOf(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}
inline bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Index of the first ASCII digit at or after `pos`, or text.size() when there is none.
// Examines eight bytes per step: prose has few digits, and every number-shaped recognizer
// starts by looking for them.
size_t NextDigit(std::string_view text, size_t pos);

// True when the byte before `begin` and the byte at `end` (where they exist) are not ASCII
// letters or digits, i.e. the match is not part of a longer alphanumeric run. Non-ASCII
// neighbours do not block a match: Korean attaches particles straight to numbers
// ("010-1234-5678입니다", "카드번호는4111..."), and \b would get that wrong.
bool StandsAlone(std::string_view text, size_t begin, size_t end);

// True when the match is a piece of a longer number: a digit followed by one of `seps` ends
// right before `begin`, or one of `seps` followed by a digit starts at `end`. Catches
// "1.2.3.4" inside "1.2.3.4.5" and "123-45-6789" inside "1-123-45-6789".
bool ExtendsNumber(std::string_view text, size_t begin, size_t end, std::string_view seps);

// The ASCII digits of `s`, in order.
std::string KeepDigits(std::string_view s);

// True when one of `words` (lower case) occurs among the `window` words before `begin`
// (context.h's word rules; words after the match are not looked at).
bool HasWordBefore(std::string_view text, size_t begin, const std::vector<std::string>& words,
                   int window);

// Words that mark a number as a reference (order, invoice, tracking, ISBN...) rather than
// personal data. Recognizers of bare digit runs skip numbers right after them.
const std::vector<std::string>& ReferenceNumberWords();

Span MakeSpan(EntityType type, size_t begin, size_t end, double score, std::string_view recognizer,
              std::vector<std::string> reasons);

// A byte range of the text that a recognizer searches; see DigitWindows.
struct Window {
  size_t begin, end;
};

// Merged windows [d - before, d + after + 1) around every ASCII digit d of `text`, clamped
// to the text and widened to code point boundaries. Ordinary prose has few digits, so a
// pattern searched only inside these windows costs almost nothing there. Any pattern
// whose matches all contain a digit, start at most `before` bytes before their first digit
// and end at most `after` bytes after their last digit finds exactly the same matches
// inside the windows as in the whole text (windows are merged, so no match straddles two).
std::vector<Window> DigitWindows(std::string_view text, size_t before, size_t after);

// Same as DigitWindows, for every occurrence of the byte `trigger`.
std::vector<Window> ByteWindows(std::string_view text, char trigger, size_t before, size_t after);

// Maximal runs of printable ASCII (0x21-0x7E: no spaces, no non-ASCII) that contain a
// position i with is_trigger(text, i). For patterns made only of such characters (URLs,
// e-mail addresses) the matches inside these windows are exactly those of the whole text.
template <typename Pred>
std::vector<Window> TokenWindows(std::string_view text, Pred&& is_trigger) {
  auto printable = [](char c) { return c >= 0x21 && c <= 0x7E; };
  std::vector<Window> windows;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_trigger(text, i)) {
      ++i;
      continue;
    }
    size_t b = i, e = i;
    while (b > 0 && printable(text[b - 1])) --b;
    while (e < text.size() && printable(text[e])) ++e;
    if (e == b) e = b + 1;  // the trigger itself is not printable ASCII
    if (!windows.empty() && b <= windows.back().end) {
      windows.back().end = std::max(windows.back().end, e);
    } else {
      windows.push_back({b, e});
    }
    i = e;
  }
  return windows;
}

// Calls fn(begin, end, groups) for each non-overlapping match of `re` in text[from, to),
// left to right; groups[0] is the whole match and groups[i] the i-th capture (empty data()
// when the capture did not participate). Offsets are into `text`, and the text outside
// [from, to) stays visible to the caller's boundary checks. `re` must have at most 15
// capture groups. The search resumes at the end of the match, or, when fn returns a
// size_t, at that position (at least begin + 1): recognizers that keep only a prefix of a
// greedy match use it to rescan the rest.
template <typename Fn>
void ForEachMatchIn(const RE2& re, std::string_view text, size_t from, size_t to, Fn&& fn) {
  constexpr int kMaxGroups = 16;
  re2::StringPiece groups[kMaxGroups];
  const int n = 1 + re.NumberOfCapturingGroups();
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = from;
  while (pos <= to && re.Match(input, pos, to, RE2::UNANCHORED, groups, n)) {
    const size_t b = static_cast<size_t>(groups[0].data() - text.data());
    const size_t e = b + groups[0].size();
    using Result = std::invoke_result_t<Fn&, size_t, size_t, const re2::StringPiece*>;
    if constexpr (std::is_void_v<Result>) {
      fn(b, e, static_cast<const re2::StringPiece*>(groups));
      pos = e > b ? e : e + 1;
    } else {
      const size_t next = fn(b, e, static_cast<const re2::StringPiece*>(groups));
      pos = std::max(next, b + 1);
    }
  }
}

// ForEachMatchIn over the whole text.
template <typename Fn>
void ForEachMatch(const RE2& re, std::string_view text, Fn&& fn) {
  ForEachMatchIn(re, text, 0, text.size(), fn);
}

// ForEachMatchIn over each window in turn.
template <typename Fn>
void ForEachMatchInWindows(const RE2& re, std::string_view text, const std::vector<Window>& windows,
                           Fn&& fn) {
  for (const Window& w : windows) ForEachMatchIn(re, text, w.begin, w.end, fn);
}

}  // namespace ptmo::privacy::scan
