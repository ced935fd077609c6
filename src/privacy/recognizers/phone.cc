// PHONE: phone numbers found by libphonenumber's PhoneNumberMatcher.
//
// The matcher is thorough but slow: Debian builds it on ICU regular expressions, which scan
// about a megabyte a second, and it runs once per region. So it never sees the whole text:
//   1. A byte scan collects digit runs of 7-17 digits joined by phone punctuation
//      (space - . ( ) /), each widened by a leading "+", "(" or space, a trailing ")" and
//      extension ("x123", "ext. 123"), and one more code point on each side (the matcher
//      rejects numbers glued to letters or currency signs, so it must see the neighbours).
//      Longer runs are lists of numbers joined by spaces and are cut at the spaces.
//   2. Runs written with "+" go to an international pass (region "ZZ", which only parses
//      +CC numbers): leniency VALID, then POSSIBLE for the rest, since a number written in
//      +CC form is a phone number even when libphonenumber's metadata lacks its range.
//   3. Other runs go to each configured region in turn whose valid-number lengths (with or
//      without the national trunk prefix) include the run's digit count, or to every
//      region when the run starts with an international dialling prefix (00, 011); a run
//      that one region matched in full is not offered to the next.
//   4. Each pass concatenates its windows, separated by blank lines, in chunks of about 2 KB
//      (the matcher copies the rest of its input at each candidate), and matches are mapped
//      back to text offsets and de-duplicated (longest span wins).
//   5. Context fallback, for numbers of regions not configured and short local numbers
//      ("Phone: 451 5986", "call me on 9472 7916", "416 60 039 office"): digit groups joined
//      by single spaces, dots, dashes or parentheses (a leading +CC and a trailing
//      extension allowed), 7-15 digits in all, are reported at kContextScore when a phone
//      word ("phone", "mobile", "call", "fax", "desk", "answering", "연락처"...) is among the
//      kContextWindow words before them or is the word right after them ("... office").
//      Such runs are not otherwise distinguishable from counts, codes and amounts, hence
//      the context requirement; numbers the matcher already found are not reported twice.
// Digit runs (before matching, to spare the matcher) and matches (after) are dropped when
// they are really another type: a dotted-quad IPv4 address, a numeric date or time stamp,
// a US ZIP+4 code, the AAA-GG-SSSS shape of a valid SSN, a bare block of more than 12
// digits (card and account numbers), a bare block after a reference word ("order",
// "invoice"), or a number right after another identifier's word ("card", "license",
// "passport", "account"...) with no phone word closer. The context fallback also drops runs
// after a reference or version word whatever their punctuation, lists of years
// ("2019 2020"), decimals ("1234.5678"), money amounts (a currency sign or word next to
// them), thousands groupings ("3 400 000"), and runs of single digits ("1 2 3 4 5 6 7").
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "privacy/core/context.h"
#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/validators/date.h"
#include "privacy/validators/ip.h"
#include "privacy/validators/us_ssn.h"
#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

namespace pn = i18n::phonenumbers;

constexpr int kMinDigits = 7;
constexpr int kMaxDigits = 17;  // 15 (E.164) plus an international or trunk prefix
constexpr size_t kChunkBytes = 2048;
// The matcher may read at most this many bytes per byte of text, plus kBudgetBase, in one
// Find call. Ordinary text uses a small fraction; hostile runs of digits hit the cap, and
// the passes left then are skipped, which bounds the time at a few seconds per megabyte.
constexpr size_t kBudgetPerByte = 2;
constexpr size_t kBudgetBase = 64 * 1024;

// One candidate digit run and the bytes around it that the matcher gets to see.
struct NumberWindow {
  size_t begin, end;          // byte range the matcher sees
  size_t run_begin, run_end;  // the digit run itself
  uint32_t counts;            // bit L: the run holds L digits
  char lead[4];               // the run's first three digits, NUL-terminated
  bool plus;                  // written with a leading '+'
  bool idd;                   // starts with an international dialling prefix (00, 011)
  bool done = false;          // a valid match covers the run: skip later passes
};

size_t PrevCodePoint(std::string_view text, size_t i) {
  if (i == 0) return 0;
  --i;
  while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
  return i;
}

size_t NextCodePoint(std::string_view text, size_t i) {
  if (i >= text.size()) return text.size();
  ++i;
  while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// True when `m` has exactly the AAA-GG-SSSS shape of a US SSN and is a valid one.
bool IsSsnShaped(std::string_view m) {
  if (m.size() != 11 || m[3] != '-' || m[6] != '-') return false;
  const std::string digits = scan::KeepDigits(m);
  return digits.size() == 9 && validators::IsValidUsSsn(digits);
}

// True for a US ZIP+4 code "02110-1301".
bool IsZipPlusFour(std::string_view m) {
  if (m.size() != 10 || m[5] != '-') return false;
  return scan::KeepDigits(m).size() == 9;
}

// Length of an extension ("x123", " ext. 123", "#123") starting at `i`, or 0.
size_t ExtensionLength(std::string_view text, size_t i) {
  size_t j = i;
  if (j < text.size() && text[j] == ' ') ++j;
  const std::string_view rest = text.substr(j);
  size_t k = 0;
  if (rest.substr(0, 3) == "ext") {
    k = 3;
    if (k < rest.size() && rest[k] == '.') ++k;
    if (k < rest.size() && rest[k] == ' ') ++k;
  } else if (!rest.empty() && (rest[0] == 'x' || rest[0] == '#')) {
    k = 1;
  } else {
    return 0;
  }
  size_t digits = 0;
  while (k + digits < rest.size() && scan::IsDigit(rest[k + digits])) ++digits;
  return digits == 0 ? 0 : (j - i) + k + digits;
}

// Adds the window of the digit run text[start, end). `piece` marks a run cut out of a
// longer one at a space: its neighbours are other numbers, so the window only takes the
// spaces around it.
void AddWindow(std::string_view text, size_t start, size_t end, uint32_t counts, bool piece,
               std::vector<NumberWindow>& windows) {
  NumberWindow w{start, end, start, end, counts, {}, false, false, false};
  const std::string lead = scan::KeepDigits(text.substr(start, 6)).substr(0, 3);
  std::memcpy(w.lead, lead.data(), lead.size());
  w.idd = text.substr(start, 2) == "00" || text.substr(start, 3) == "011";
  if (piece) {
    if (w.begin > 0) --w.begin;
    if (w.end < text.size()) ++w.end;
    windows.push_back(w);
    return;
  }
  for (int k = 0; k < 3 && w.begin > 0 && scan::IsOneOf(text[w.begin - 1], "+( "); ++k) {
    --w.begin;
    w.plus = w.plus || text[w.begin] == '+';
  }
  if (w.end < text.size() && text[w.end] == ')') ++w.end;
  w.end += ExtensionLength(text, w.end);
  w.begin = PrevCodePoint(text, w.begin);
  w.end = NextCodePoint(text, w.end);
  windows.push_back(w);
}

// Step 1 of the file comment. Runs break at two spaces in a row (table columns). A run with
// more than kMaxDigits digits is several numbers joined by single spaces ("(650) 253-0000
// 4111 1111 ..."), and the matcher does not pick a number out of such a run, so it gets
// one window per stretch of whole space-separated groups whose digit count some region's
// numbers can have (`any_counts`, bit L for L digits).
std::vector<NumberWindow> NumberWindows(std::string_view text, uint32_t any_counts) {
  std::vector<NumberWindow> windows;
  struct Group {
    size_t begin, end;
    int digits;
  };
  std::vector<Group> groups;  // space-separated groups of the current run
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    i = scan::NextDigit(text, i);
    if (i >= n) break;
    const size_t start = i;
    size_t last_digit_end = i;
    int digits = 0, seps = 0;
    groups.clear();
    groups.push_back({start, start, 0});
    size_t after_space = 0;  // 0, or where the separators after the last space end
    while (i < n) {
      const char c = text[i];
      if (scan::IsDigit(c)) {
        // A space between digits starts a new group, with the '(' that may follow it.
        if (after_space != 0) groups.push_back({after_space, i, 0});
        after_space = 0;
        ++digits;
        ++groups.back().digits;
        seps = 0;
        last_digit_end = ++i;
        groups.back().end = last_digit_end;
      } else if (seps < 2 && scan::IsOneOf(c, " -.()/") && !(c == ' ' && text[i - 1] == ' ')) {
        ++seps;
        ++i;
        if (c == ' ') after_space = i;
      } else {
        break;
      }
    }
    i = last_digit_end;
    if (digits < kMinDigits) continue;
    if (digits <= kMaxDigits) {
      AddWindow(text, start, last_digit_end, uint32_t{1} << digits, false, windows);
      continue;
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      int sum = 0;
      for (size_t k = g; k < groups.size() && sum + groups[k].digits <= kMaxDigits; ++k) {
        sum += groups[k].digits;
        if (sum >= kMinDigits && ((any_counts >> sum) & 1)) {
          AddWindow(text, groups[g].begin, groups[k].end, uint32_t{1} << sum, true, windows);
        }
      }
    }
  }
  return windows;
}

// ---------------------------------------------------------------------------------------------
// Context fallback (step 5 of the file comment).

constexpr int kContextMinDigits = 7;
constexpr int kContextMaxDigits = 15;  // E.164
// Passes the Analyzer's 0.4 threshold by itself (the phone word is already required here),
// reaches 0.8 when that word is also one of the Analyzer's PHONE boost words, and falls
// below the threshold next to "example" or "test".
constexpr double kContextScore = 0.45;
constexpr int kContextWindow = 4;        // words looked at before the number
constexpr size_t kContextLookback = 96;  // bytes looked at before the number

// Separator kinds seen in a run of digit groups.
enum : unsigned { kSepSpace = 1, kSepDot = 2, kSepDash = 4, kSepParen = 8 };

// A run of digit groups as the context fallback reads it (see ReadDigitGroups).
struct DigitGroups {
  size_t begin = 0, end = 0;  // from the leading '+' or '(' to the last digit
  size_t second = 0;          // where the second group starts (its '(' included)
  int digits = 0;
  int groups = 0;
  int first_digits = 0;  // digits in the first group
  int single_digit_groups = 0;
  bool plus = false;
  bool all_years = true;  // every group is a four-digit year 1800-2199
  bool threes = true;     // every group after the first has exactly three digits
  bool round = false;     // the last group is "000"
  bool valid = true;      // false: an unbalanced '(' inside the run
  unsigned seps = 0;      // kSep* bits
};

// Length of the separator between two digit groups at text[i], or 0 when the run of groups
// ends there: one space, dot or dash, or a parenthesis alone or next to one of them (") ",
// " (", ")-"). `open` tracks an unclosed '('; `kinds` gets the kSep* bits seen.
size_t GroupSeparator(std::string_view text, size_t i, bool& open, unsigned& kinds) {
  auto plain = [](char c) { return c == ' ' || c == '.' || c == '-'; };
  auto kind = [](char c) -> unsigned {
    return c == ' ' ? kSepSpace : c == '.' ? kSepDot : c == '-' ? kSepDash : kSepParen;
  };
  const size_t n = text.size();
  size_t len = 0;
  bool paren = false, other = false, next_open = open;
  while (i + len < n && len < 2) {
    const char c = text[i + len];
    if (plain(c) && !other) {
      other = true;
    } else if (c == '(' && !paren && !next_open) {
      paren = next_open = true;
    } else if (c == ')' && !paren && next_open) {
      paren = true;
      next_open = false;
    } else {
      break;
    }
    ++len;
  }
  if (len == 0 || i + len >= n || !scan::IsDigit(text[i + len])) return 0;
  open = next_open;
  for (size_t k = 0; k < len; ++k) kinds |= kind(text[i + k]);
  return len;
}

// Reads the run of digit groups whose first digit is text[start]: groups joined by
// GroupSeparator, with a '(' or "+" right before the first digit ("(37) 788-063",
// "+41 (0)85 806 98 67"). Leaves g.end after the last digit.
void ReadDigitGroups(std::string_view text, size_t start, DigitGroups& g) {
  g = DigitGroups{};
  g.begin = start;
  bool open = false;
  bool leading_paren = false;
  if (start > 0 && text[start - 1] == '(') {
    g.begin = start - 1;
    open = leading_paren = true;
  }
  if (g.begin > 0 && text[g.begin - 1] == '+') {
    --g.begin;
    g.plus = true;
  }
  size_t i = start;
  size_t group_begin = g.begin;  // the first group takes the leading '(' or '+'
  while (true) {
    int digits = 0, value = 0;
    while (i < text.size() && scan::IsDigit(text[i])) {
      if (digits < 4) value = value * 10 + (text[i] - '0');
      ++digits;
      ++i;
    }
    ++g.groups;
    g.digits += digits;
    if (g.groups == 1) g.first_digits = digits;
    if (g.groups == 2) g.second = group_begin;
    if (digits == 1) ++g.single_digit_groups;
    if (g.groups > 1 && digits != 3) g.threes = false;
    g.round = digits == 3 && value == 0;
    g.all_years = g.all_years && digits == 4 && value >= 1800 && value <= 2199;
    g.end = i;
    const size_t sep = GroupSeparator(text, i, open, g.seps);
    if (sep == 0) break;
    // A '(' in the separator belongs to the group after it.
    group_begin = text[i + sep - 1] == '(' ? i + sep - 1 : i + sep;
    i += sep;
  }
  if (open) {
    if (!leading_paren) {
      g.valid = false;
    } else {  // "(555 1234": the '(' is punctuation of the sentence, not of the number
      g.begin = start;
      g.plus = false;
    }
  }
}

// A word of the text as a byte range; empty when there is none.
struct WordAt {
  size_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
};

// The nearest word ending at or before `pos`, not looking before `lo`.
WordAt WordBefore(std::string_view text, size_t pos, size_t lo) {
  size_t len = 0;
  size_t e = pos;
  while (e > lo) {
    const size_t s = PrevCodePoint(text, e);
    if (utf8::IsWordChar(utf8::Decode(text, s, &len))) break;
    e = s;
  }
  size_t b = e;
  while (b > lo) {
    const size_t s = PrevCodePoint(text, b);
    if (!utf8::IsWordChar(utf8::Decode(text, s, &len))) break;
    b = s;
  }
  if (b == lo && lo > 0) return {};  // possibly cut by the lookback limit
  return {b, e};
}

// The word right after `pos` when only a little punctuation separates them ("416 60 039
// office", "788-063-Office", "555 1234 (home)"); not across a comma or a sentence end.
WordAt WordRightAfter(std::string_view text, size_t pos) {
  size_t b = pos;
  while (b < text.size() && b < pos + 3 && scan::IsOneOf(text[b], " -(\\/:|")) ++b;
  size_t e = b, len = 0;
  while (e < text.size() && utf8::IsWordChar(utf8::Decode(text, e, &len))) e += len;
  return {b, e};
}

// True when `word` is `lower`: ASCII case-insensitively for an ASCII `lower`, as a prefix
// for a Korean one (particles attach: "연락처는").
bool WordIs(std::string_view word, std::string_view lower) {
  if (static_cast<unsigned char>(lower.front()) >= 0x80) return word.starts_with(lower);
  if (word.size() != lower.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// The entry of `words` that `word` is, or nullptr.
const std::string* FindWord(std::string_view word, const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    if (WordIs(word, w)) return &w;
  }
  return nullptr;
}

// True when the run text[begin, end) is a money amount: a currency sign right before it
// ("$1 234 567", "€ 1.234.567"), or a percent sign or currency word right after it.
bool IsMoney(std::string_view text, size_t begin, size_t end) {
  size_t b = begin;
  if (b > 0 && text[b - 1] == ' ') --b;
  const std::string_view before = text.substr(0, b);
  for (std::string_view sign : {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5", "\xE2\x82\xA9"}) {
    if (before.ends_with(sign)) return true;  // $ EUR GBP JPY KRW
  }
  size_t e = end;
  if (e < text.size() && text[e] == ' ') ++e;
  if (e < text.size() && text[e] == '%') return true;
  const std::string_view after = text.substr(e, 16);
  for (std::string_view korean : {"원", "달러", "유로", "엔"}) {
    if (after.starts_with(korean)) return true;
  }
  size_t w = e;
  while (w < text.size() && w < e + 8 && scan::IsAlpha(text[w])) ++w;
  const std::string_view word = text.substr(e, w - e);
  for (std::string_view currency : {"usd", "eur", "gbp", "krw", "jpy", "cny", "dollars", "dollar",
                                    "euros", "euro", "pounds", "won", "yen", "bucks"}) {
    if (WordIs(word, currency)) return true;
  }
  return false;
}

class PhoneRecognizer : public Recognizer {
 public:
  explicit PhoneRecognizer(const std::vector<std::string>& regions)
      : util_(*pn::PhoneNumberUtil::GetInstance()),
        // Phone words that outrank an identifier word; "number" is left out because every
        // identifier has one ("card number").
        phone_words_({"phone", "tel", "telephone", "mobile", "cell", "call", "fax", "전화",
                      "전화번호", "휴대폰", "핸드폰", "연락처"}),
        other_id_words_({"card",   "cc",     "license", "licence", "dl",          "passport",
                         "ssn",    "itin",   "account", "acct",    "iban",        "routing",
                         "member", "policy", "patient", "student", "employee",    "tax",
                         "카드",   "계좌",   "여권",    "면허",    "주민등록번호"}),
        context_before_({"phone",   "phones",    "phoned",   "telephone", "tel",       "mobile",
                         "cell",    "cellphone", "call",     "calls",     "called",    "calling",
                         "dial",    "reach",     "reached",  "text",      "texting",   "sms",
                         "message", "messages",  "whatsapp", "fax",       "answering", "registered",
                         "contact", "전화",      "전화번호", "휴대폰",    "핸드폰",    "연락처",
                         "hotline", "landline"}),
        context_labels_({"desk", "office", "home", "work", "line"}),
        context_after_({"phone", "tel", "mobile", "cell", "fax", "office", "desk", "home", "work",
                        "whatsapp", "전화", "휴대폰", "핸드폰"}),
        number_owners_({"the", "a", "this", "that", "new", "same", "direct", "main", "best", "at",
                        "on", "to", "personal", "private"}),
        possessives_({"my", "your", "his", "her", "our", "their", "whose"}),
        version_words_({"version", "ver", "v", "release", "build", "firmware", "patch"}) {
    std::set<std::string> supported;
    util_.GetSupportedRegions(&supported);
    for (const std::string& r : regions) {
      if (supported.count(r) == 0) continue;
      bool seen = false;
      for (const Region& x : regions_) seen = seen || x.code == r;
      if (!seen) regions_.push_back(MakeRegion(r));
    }
    for (const Region& region : regions_) any_counts_ |= region.plain | region.prefixed;
  }
  std::string_view name() const override { return "phone"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    const size_t first = out.size();
    FindWithMatcher(text, out);
    FindByContext(text, first, out);
  }

 private:
  // Steps 1-4 of the file comment. Appends the matches sorted by begin.
  void FindWithMatcher(std::string_view text, std::vector<Span>& out) const {
    std::vector<NumberWindow> windows = NumberWindows(text, any_counts_);
    // Runs that are certainly something else never reach the (slow) matcher.
    std::erase_if(windows, [&](const NumberWindow& w) {
      const std::string_view run = text.substr(w.run_begin, w.run_end - w.run_begin);
      const bool bare = run.find_first_not_of("0123456789") == std::string_view::npos;
      return IsAnotherType(text, w.run_begin, w.run_end, run, bare, w.plus);
    });
    if (windows.empty()) return;
    std::vector<Found> found;
    std::vector<NumberWindow*> pass;
    size_t budget = kBudgetBase + kBudgetPerByte * text.size();  // matcher bytes left
    // International passes: VALID, then POSSIBLE for what VALID left.
    for (NumberWindow& w : windows) {
      if (w.plus) pass.push_back(&w);
    }
    if (!pass.empty()) {
      RunPass(text, pass, "ZZ", pn::PhoneNumberMatcher::VALID, budget, found);
      std::erase_if(pass, [](const NumberWindow* w) { return w->done; });
      if (!pass.empty()) {
        RunPass(text, pass, "ZZ", pn::PhoneNumberMatcher::POSSIBLE, budget, found);
      }
    }
    // National passes, in the configured order; a run one region fully matched is not
    // offered to the next (each matcher pass costs tens of microseconds per candidate).
    for (const Region& region : regions_) {
      pass.clear();
      for (NumberWindow& w : windows) {
        if (!w.plus && !w.done && (w.idd || region.MayMatch(w))) pass.push_back(&w);
      }
      if (!pass.empty()) {
        RunPass(text, pass, region.code, pn::PhoneNumberMatcher::VALID, budget, found);
      }
    }
    if (found.empty()) return;

    // De-duplicate: longest first (so "+41 (0)85 806 98 67" beats the "(0)85 806 98 67" a
    // national pass finds inside it), valid before possible on ties; a match overlapping one
    // already kept is dropped.
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
      if (a.end - a.begin != b.end - b.begin) return a.end - a.begin > b.end - b.begin;
      if (a.valid != b.valid) return a.valid;
      return a.begin < b.begin;
    });
    std::map<size_t, const Found*> taken;  // kept spans by begin
    for (const Found& f : found) {
      auto next = taken.lower_bound(f.begin);
      if (next != taken.end() && next->first < f.end) continue;
      if (next != taken.begin() && std::prev(next)->second->end > f.begin) continue;
      taken.emplace(f.begin, &f);
    }
    for (const auto& [begin, found_span] : taken) {
      const Found& f = *found_span;
      const std::string_view m = text.substr(f.begin, f.end - f.begin);
      const bool bare = m.find_first_not_of("0123456789") == std::string_view::npos;
      if (IsAnotherType(text, f.begin, f.end, m, bare, m.front() == '+')) continue;
      double score;
      std::string why;
      if (!f.valid) {
        score = 0.55;
        why = "possible phone number in international format for region " + f.region +
              " (libphonenumber)";
      } else {
        why = "valid phone number for region " + f.region + " (libphonenumber)";
        if (f.international) {
          score = 0.8;
          why += ", international format";
        } else {
          score = bare ? 0.5 : 0.7;  // an unpunctuated digit block is often another number
        }
      }
      out.push_back(scan::MakeSpan(EntityType::kPhone, f.begin, f.end, score, "phone", {why}));
    }
  }

  // Step 5 of the file comment. out[first, out.size()) are the matcher's spans, sorted by
  // begin; runs overlapping them are skipped.
  void FindByContext(std::string_view text, size_t first, std::vector<Span>& out) const {
    const size_t matched_end = out.size();
    size_t next_match = first;  // first matcher span that may overlap the current run
    DigitGroups g;
    for (size_t i = scan::NextDigit(text, 0); i < text.size(); i = scan::NextDigit(text, g.end)) {
      ReadDigitGroups(text, i, g);
      // A leading block of five or more digits before a whole number is another number
      // (a postal code before the phone: "61487 416 60 039"), not an area code.
      while (!g.plus && g.first_digits >= 5 && g.digits - g.first_digits >= kContextMinDigits) {
        size_t second = g.second;
        while (!scan::IsDigit(text[second])) ++second;
        ReadDigitGroups(text, second, g);
      }
      if (!g.valid || g.digits < kContextMinDigits || g.digits > kContextMaxDigits) continue;
      const size_t end = g.end + ExtensionLength(text, g.end);
      std::string word;
      if (!LooksLikeContextPhone(text, g, end, &word)) continue;
      while (next_match < matched_end && out[next_match].end <= g.begin) ++next_match;
      if (next_match < matched_end && out[next_match].begin < end) continue;
      out.push_back(scan::MakeSpan(EntityType::kPhone, g.begin, end, kContextScore, "phone",
                                   {"phone-shaped digits near '" + word + "'"}));
    }
  }

  // The checks of step 5 on the run `g` (ending at `end` with its extension); sets *word to
  // the phone word found.
  bool LooksLikeContextPhone(std::string_view text, const DigitGroups& g, size_t end,
                             std::string* word) const {
    if (!scan::StandsAlone(text, g.begin, end) ||
        scan::ExtendsNumber(text, g.begin, g.end, ",:/")) {
      return false;
    }
    // Years ("2019 2020"), decimals ("1234.5678"), counted digits ("1 2 3 4 5 6 7"): a phone
    // number has at most one one-digit group (a trunk or country code) besides "(0)".
    if (g.all_years || (g.groups == 2 && g.seps == kSepDot)) return false;
    if (g.single_digit_groups > (g.plus ? 2 : 1)) return false;
    // Grouped like thousands with a one-digit head or a round tail ("1 234 567",
    // "3.400.000", "12 500 000"): a count or amount unless a phone word labels it ("Phone:
    // 1 234 567"). Other 2-3-3 and 3-3-3 groupings are how several countries write phone
    // numbers ("78 651 450", "723 813 266").
    const bool thousands = g.threes && g.groups >= 3 && (g.first_digits == 1 || g.round) &&
                           !g.plus && (g.seps == kSepSpace || g.seps == kSepDot);
    if (IsMoney(text, g.begin, end)) return false;
    const std::string_view m = text.substr(g.begin, g.end - g.begin);
    if (IsAnotherType(text, g.begin, g.end, m, g.groups == 1, g.plus)) return false;
    if (scan::HasWordBefore(text, g.begin, scan::ReferenceNumberWords(), 3) ||
        scan::HasWordBefore(text, g.begin, version_words_, 2)) {
      return false;
    }
    bool label = false;
    if (!HasPhoneContext(text, g.begin, end, g.groups == 1, word, &label)) return false;
    return label || !thousands;
  }

  // A phone word among the kContextWindow words before text[begin, end) or right after it.
  // Place words ("office", "home") only count as labels, right before the number or before
  // "number": further away they name a place ("the office is at 17031 2202 Main St").
  // "number" counts only on its own or after a possessive or article ("my number", "the
  // number"); after another noun ("case number", "model number") it names another kind of
  // number, and the run is not a phone number. A bare digit block needs more than "the
  // number" ("the number 12345678" is any number): "my number", or a phone word.
  // Sets *label when the phone word is the word right before the number.
  bool HasPhoneContext(std::string_view text, size_t begin, size_t end, bool bare,
                       std::string* word, bool* label) const {
    const size_t lo = begin > kContextLookback ? begin - kContextLookback : 0;
    size_t pos = begin;
    bool after_number = false;  // the word looked at before was "number"
    for (int k = 0; k < kContextWindow; ++k) {
      const WordAt w = WordBefore(text, pos, lo);
      if (w.empty()) break;
      const std::string_view s = text.substr(w.begin, w.end - w.begin);
      const std::string* found = FindWord(s, context_before_);
      if (found == nullptr && (k == 0 || after_number)) found = FindWord(s, context_labels_);
      if (found != nullptr) {
        *word = *found;
        *label = k == 0;
        return true;
      }
      after_number = WordIs(s, "number");
      if (after_number) {
        const WordAt owner = WordBefore(text, w.begin, lo);
        const std::string_view o = text.substr(owner.begin, owner.end - owner.begin);
        if (!owner.empty() && FindWord(o, possessives_) != nullptr) {
          *word = "number";
          return true;
        }
        if (owner.empty() || FindWord(o, number_owners_) != nullptr ||
            static_cast<unsigned char>(o.front()) >= 0x80 || scan::IsDigit(o.front())) {
          if (bare) return false;
          *word = "number";
          return true;
        }
        if (FindWord(o, context_before_) == nullptr && FindWord(o, context_labels_) == nullptr) {
          return false;
        }
        // "phone number": the next word is the phone word.
      }
      pos = w.begin;
    }
    const WordAt after = WordRightAfter(text, end);
    if (after.empty()) return false;
    const std::string* found =
        FindWord(text.substr(after.begin, after.end - after.begin), context_after_);
    if (found == nullptr) return false;
    *word = *found;
    *label = true;  // right after the number
    return true;
  }

  // A configured region and the digit counts its valid numbers can have (bit L: L digits).
  struct Region {
    std::string code;
    std::string ndd;    // national trunk prefix ("0" in KR, "1" in US), may be empty
    uint32_t plain;     // counts of national numbers written without the trunk prefix
    uint32_t prefixed;  // counts of national numbers written with it

    bool MayMatch(const NumberWindow& w) const {
      if ((plain & w.counts) != 0) return true;
      return !ndd.empty() && std::string_view(w.lead).substr(0, ndd.size()) == ndd &&
             (prefixed & w.counts) != 0;
    }
  };

  struct Found {
    size_t begin, end;
    std::string region;
    bool international;
    bool valid;  // leniency VALID; false: POSSIBLE only
  };

  // The digit counts of valid numbers of `code`: the possible lengths of its national
  // numbers, and the same plus the trunk prefix when one is written.
  Region MakeRegion(const std::string& code) const {
    Region region{code, "", 0, 0};
    util_.GetNddPrefixForRegion(code, true, &region.ndd);
    for (int len = 2; len <= kMaxDigits; ++len) {
      pn::PhoneNumber number;
      if (util_.Parse(std::string(static_cast<size_t>(len), '5'), code, &number) !=
          pn::PhoneNumberUtil::NO_PARSING_ERROR) {
        continue;
      }
      if (util_.IsPossibleNumberWithReason(number) != pn::PhoneNumberUtil::IS_POSSIBLE) continue;
      region.plain |= uint32_t{1} << len;
      const size_t with_prefix = static_cast<size_t>(len) + region.ndd.size();
      if (with_prefix < 32) region.prefixed |= uint32_t{1} << with_prefix;
    }
    return region;
  }

  // Runs the matcher for one region and leniency over `windows`, in chunks (step 4),
  // spending `budget` (bytes the matcher may still read); stops when it runs out.
  void RunPass(std::string_view text, const std::vector<NumberWindow*>& windows,
               const std::string& region, pn::PhoneNumberMatcher::Leniency leniency, size_t& budget,
               std::vector<Found>& found) const {
    std::string joined;
    std::vector<size_t> joined_at;  // where each window of the chunk starts in `joined`
    size_t first = 0;
    while (first < windows.size()) {
      joined.clear();
      joined_at.clear();
      size_t last = first;
      while (last < windows.size() && (last == first || joined.size() < kChunkBytes)) {
        const NumberWindow& w = *windows[last++];
        joined_at.push_back(joined.size());
        joined.append(text.substr(w.begin, w.end - w.begin));
        joined.append("\n\n");
      }
      if (joined.size() > budget) {
        budget = 0;
        return;
      }
      budget -= joined.size();
      const int max_tries = static_cast<int>(last - first) * 4 + 16;
      pn::PhoneNumberMatcher matcher(util_, joined, region, leniency, max_tries);
      pn::PhoneNumberMatch match;
      while (matcher.HasNext() && matcher.Next(&match)) {
        const size_t jb = static_cast<size_t>(match.start());
        const size_t je = jb + static_cast<size_t>(match.length());
        const size_t k = static_cast<size_t>(
            std::upper_bound(joined_at.begin(), joined_at.end(), jb) - joined_at.begin() - 1);
        NumberWindow& w = *windows[first + k];
        if (je > joined_at[k] + (w.end - w.begin)) continue;  // cannot cross windows
        std::string number_region;
        util_.GetRegionCodeForNumber(match.number(), &number_region);
        const std::string_view raw(match.raw_string());
        const size_t begin = w.begin + (jb - joined_at[k]);
        const size_t end = w.begin + (je - joined_at[k]);
        const bool valid = leniency == pn::PhoneNumberMatcher::VALID;
        if (valid && begin <= w.run_begin && end >= w.run_end) w.done = true;
        found.push_back({begin, end, number_region.empty() ? "?" : number_region,
                         !raw.empty() && raw.front() == '+', valid});
      }
      first = last;
    }
  }

  // The filters listed in the file comment.
  // Applied to digit runs before matching and to matches after.
  bool IsAnotherType(std::string_view text, size_t begin, size_t end, std::string_view m, bool bare,
                     bool international) const {
    if (validators::IsValidIpv4(m) || validators::IsNumericDate(m) || IsSsnShaped(m) ||
        IsZipPlusFour(m)) {
      return true;
    }
    // "2015-12-22 04" of "2015-12-22 04:34:22", or a run of a time "12:30".
    if (m.size() > 11 && m[10] == ' ' && validators::IsNumericDate(m.substr(0, 10))) return true;
    if (end + 1 < text.size() && text[end] == ':' && scan::IsDigit(text[end + 1])) return true;
    if (bare && m.size() > 12) return true;
    if (bare && scan::HasWordBefore(text, begin, scan::ReferenceNumberWords(), 3)) return true;
    if (!international && scan::HasWordBefore(text, begin, other_id_words_, 3) &&
        !scan::HasWordBefore(text, begin, phone_words_, 3)) {
      return true;
    }
    return false;
  }

  const pn::PhoneNumberUtil& util_;
  std::vector<std::string> phone_words_;
  std::vector<std::string> other_id_words_;
  std::vector<std::string> context_before_;  // step 5: phone words before a number
  std::vector<std::string> context_labels_;  // step 5: right before one ("Office: ...")
  std::vector<std::string> context_after_;   // step 5: phone words right after one
  std::vector<std::string> number_owners_;   // words that leave "number" a phone word...
  std::vector<std::string> possessives_;     // ...and those that make a bare block one too
  std::vector<std::string> version_words_;
  std::vector<Region> regions_;
  uint32_t any_counts_ = 0;  // union of the regions' digit counts
};

}  // namespace

std::unique_ptr<Recognizer> MakePhoneRecognizer(const std::vector<std::string>& regions) {
  return std::make_unique<PhoneRecognizer>(regions);
}

}  // namespace ptmo::privacy
