#include "privacy/vault/surrogate.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "util/utf8.h"

namespace ptmo::privacy::vault_internal {
namespace {

// Built-in fake names. Common enough to read naturally; combinations are what make them
// unlikely to be a real person in the conversation (and the vault checks that anyway).
constexpr std::array<std::string_view, 40> kFirstNames = {
    "Alex",   "Jordan", "Taylor",  "Morgan", "Casey",   "Riley",  "Jamie",  "Avery",
    "Quinn",  "Drew",   "Robin",   "Sam",    "Charlie", "Dana",   "Elliot", "Frankie",
    "Harper", "Jesse",  "Kendall", "Logan",  "Parker",  "Reese",  "Rowan",  "Skyler",
    "Sydney", "Blake",  "Cameron", "Devon",  "Emerson", "Finley", "Hayden", "Kai",
    "Lane",   "Marley", "Noel",    "Peyton", "Remy",    "Sage",   "Tatum",  "Wren",
};
constexpr std::array<std::string_view, 40> kLastNames = {
    "Abbott",  "Barlow",    "Calloway", "Dempsey",  "Ellison",   "Fairchild", "Garrison", "Hollis",
    "Ingram",  "Jennings",  "Kendrick", "Lockhart", "Merritt",   "Norwood",   "Osborne",  "Pendle",
    "Quimby",  "Radcliffe", "Sterling", "Thornton", "Underwood", "Vance",     "Whitaker", "Yardley",
    "Ashby",   "Brennan",   "Crowley",  "Darrow",   "Everly",    "Fenwick",   "Granger",  "Hartley",
    "Kessler", "Langford",  "Mercer",   "Nash",     "Prescott",  "Rowe",      "Sutton",   "Winslow",
};
constexpr std::array<std::string_view, 20> kKoreanSurnames = {
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",
    "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍",
};
constexpr std::array<std::string_view, 20> kKoreanGivenNames = {
    "민준", "서연", "지후", "하은", "도윤", "수아", "예준", "지민", "시우", "서윤",
    "주원", "하린", "지호", "유나", "건우", "채원", "현우", "지유", "준서", "은서",
};
constexpr std::array<std::string_view, 30> kPlaceNames = {
    "Springfield", "Riverton",   "Fairview",    "Lakewood",    "Maplewood",  "Oakridge",
    "Brookside",   "Ashford",    "Millbrook",   "Westbury",    "Eastvale",   "Northfield",
    "Southport",   "Greenville", "Clearwater",  "Stonebridge", "Hillcrest",  "Pinehurst",
    "Briarwood",   "Glenmore",   "Kingsbridge", "Lindenhurst", "Marston",    "Redfield",
    "Silverton",   "Thornbury",  "Woodhaven",   "Elmstead",    "Harborview", "Rosedale",
};
// Fictional companies commonly used in documentation and samples.
constexpr std::array<std::string_view, 20> kOrganizationNames = {
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Globex",
    "Initech",
    "Tailspin Toys",
    "Wingtip Systems",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Lucerne Publishing",
    "Woodgrove Bank",
    "Coho Winery",
    "Alpine Ski House",
    "Blue Yonder Airlines",
    "Trey Research",
    "Southridge Video",
    "Wide World Importers",
    "Fourth Coffee",
    "Humongous Insurance",
};
constexpr std::array<std::string_view, 14> kCompanySuffixes = {
    "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Ltd", "Ltd.",
    "LLC", "GmbH", "AG",   "SA",    "PLC",         "Co.", "Company",
};
constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsAlpha(char c) {
  return IsUpper(c) || IsLower(c);
}
bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char ToUpper(char c) {
  return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}
char ToLower(char c) {
  return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

char RandomDigit(RandomSource& rng) {
  return static_cast<char>('0' + rng.Uniform(10));
}
char RandomUpper(RandomSource& rng) {
  return static_cast<char>('A' + rng.Uniform(26));
}
char RandomLower(RandomSource& rng) {
  return static_cast<char>('a' + rng.Uniform(26));
}

template <size_t N>
std::string_view Pick(const std::array<std::string_view, N>& list, RandomSource& rng) {
  return list[rng.Uniform(static_cast<uint32_t>(N))];
}

// Like Pick, but not `avoid` (case-insensitive for ASCII), so a fake name never keeps a part
// of the real one by chance.
template <size_t N>
std::string_view PickOther(const std::array<std::string_view, N>& list, std::string_view avoid,
                           RandomSource& rng) {
  auto same = [&](std::string_view a) {
    if (a.size() != avoid.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if ((a[i] | 0x20) != (avoid[i] | 0x20)) return false;
    }
    return true;
  };
  std::string_view pick = Pick(list, rng);
  while (same(pick)) pick = Pick(list, rng);
  return pick;
}

bool IsHangulSyllable(char32_t cp) {
  return cp >= 0xAC00 && cp <= 0xD7A3;
}

bool ContainsHangul(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    char32_t cp = utf8::Decode(s, i, &len);
    if (IsHangulSyllable(cp)) return true;
    i += len;
  }
  return false;
}

// digits->digits, letters->letters with the same case, Hangul syllables->Hangul syllables,
// other letters->ASCII lower-case letters; punctuation and spaces kept.
std::string FormatKeep(std::string_view s, RandomSource& rng) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      char ch = static_cast<char>(c);
      if (IsDigit(ch))
        out += RandomDigit(rng);
      else if (IsUpper(ch))
        out += RandomUpper(rng);
      else if (IsLower(ch))
        out += RandomLower(rng);
      else
        out += ch;
      ++i;
      continue;
    }
    size_t len = 1;
    char32_t cp = utf8::Decode(s, i, &len);
    if (IsHangulSyllable(cp)) {
      utf8::Append(0xAC00 + rng.Uniform(0xD7A3 - 0xAC00 + 1), out);
    } else if (utf8::IsWordChar(cp)) {
      out += RandomLower(rng);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

// Hex characters -> random hex characters (upper-case output when the input has no
// lower-case hex letters); everything else kept.
std::string HexKeep(std::string_view s, RandomSource& rng) {
  bool lower = false;
  for (char c : s) lower |= (c >= 'a' && c <= 'f');
  const char* alphabet = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out(s);
  for (char& c : out) {
    if (IsHex(c)) c = alphabet[rng.Uniform(16)];
  }
  return out;
}

// Writes `digits` into the digit positions of `layout`, keeping every other character.
std::string FillDigits(std::string_view layout, std::string_view digits) {
  std::string out(layout);
  size_t k = 0;
  for (char& c : out) {
    if (IsDigit(c) && k < digits.size()) c = digits[k++];
  }
  return out;
}

std::string OnlyDigits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (IsDigit(c)) d += c;
  }
  return d;
}

std::string CreditCard(std::string_view original, RandomSource& rng) {
  std::string digits = OnlyDigits(original);
  const size_t n = digits.size();
  if (n < 12 || n > 19) return FormatKeep(original, rng);
  // Keep the first digit (the card network) so the fake reads like the same kind of card.
  std::string fake(1, digits[0]);
  if (n == 15 && digits[0] == '3') fake += (rng.Uniform(2) == 0 ? '4' : '7');  // Amex 34/37
  while (fake.size() < n - 1) fake += RandomDigit(rng);
  fake += LuhnCheckDigit(fake);
  return FillDigits(original, fake);
}

std::string Iban(std::string_view original, RandomSource& rng) {
  std::string compact;
  for (char c : original) {
    if (IsAlnum(c)) compact += ToUpper(c);
  }
  if (compact.size() < 5 || !IsAlpha(compact[0]) || !IsAlpha(compact[1])) {
    return FormatKeep(original, rng);
  }
  std::string bban;
  for (size_t i = 4; i < compact.size(); ++i) {
    bban += IsDigit(compact[i]) ? RandomDigit(rng) : RandomUpper(rng);
  }
  const std::string country = compact.substr(0, 2);
  int check = 98 - Mod97(bban + country + "00");
  std::string fake = country;
  fake += static_cast<char>('0' + check / 10);
  fake += static_cast<char>('0' + check % 10);
  fake += bban;
  // Re-insert into the original layout (spaces, case).
  std::string out(original);
  size_t k = 0;
  for (char& c : out) {
    if (!IsAlnum(c)) continue;
    char f = fake[k++];
    c = IsLower(c) ? ToLower(f) : f;
  }
  return out;
}

std::string ThreeTwoFour(int a, int b, int c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03d%02d%04d", a, b, c);
  return buf;
}

std::string UsSsn(std::string_view original, RandomSource& rng) {
  if (OnlyDigits(original).size() != 9) return FormatKeep(original, rng);
  // Areas 773-899 were never issued under the pre-2011 geographic scheme: the number passes
  // the structural rules (not 000/666/9XX, group and serial non-zero) yet looks unassigned.
  int area = static_cast<int>(rng.Between(773, 899));
  int group = static_cast<int>(rng.Between(1, 99));
  int serial = static_cast<int>(rng.Between(1, 9999));
  return FillDigits(original, ThreeTwoFour(area, group, serial));
}

std::string UsItin(std::string_view original, RandomSource& rng) {
  if (OnlyDigits(original).size() != 9) return FormatKeep(original, rng);
  int area = static_cast<int>(rng.Between(900, 999));
  int group = static_cast<int>(rng.Between(70, 88));
  int serial = static_cast<int>(rng.Between(0, 9999));
  return FillDigits(original, ThreeTwoFour(area, group, serial));
}

std::string Phone(std::string_view original, RandomSource& rng) {
  std::string digits = OnlyDigits(original);
  const size_t n = digits.size();
  if (n < 4) return FormatKeep(original, rng);
  // How many leading digits are a country code worth keeping.
  size_t keep = 0;
  size_t plus = original.find('+');
  if (plus != std::string_view::npos) {
    size_t i = plus + 1;
    while (i < original.size() && IsDigit(original[i])) ++i;
    size_t run = i - plus - 1;
    if (run >= 1 && run <= 3 && i < original.size()) {
      keep = run;  // "+44 20 ..." : the group after '+' is the country code
    } else if (run > 0) {
      keep = (digits[0] == '1' || digits[0] == '7') ? 1 : 2;  // "+4420...": best guess
    }
  }
  std::string fake = digits.substr(0, keep);
  std::string_view national = std::string_view(digits).substr(keep);
  const bool nanp = (keep == 1 && digits[0] == '1' && national.size() == 10) ||
                    (keep == 0 && n == 10 && digits[0] >= '2') ||
                    (keep == 0 && n == 11 && digits[0] == '1');
  if (nanp) {
    if (keep == 0 && n == 11) fake += '1';
    // 555-0100..0199 is reserved for fiction in the North American Numbering Plan.
    fake += static_cast<char>('0' + rng.Between(2, 9));
    fake += RandomDigit(rng);
    fake += RandomDigit(rng);
    fake += "55501";
    fake += RandomDigit(rng);
    fake += RandomDigit(rng);
  } else {
    size_t i = 0;
    if (!national.empty() && national[0] == '0') {
      fake += '0';  // trunk prefix
      ++i;
    }
    if (i < national.size()) {
      fake += static_cast<char>('0' + rng.Between(1, 9));
      ++i;
    }
    for (; i < national.size(); ++i) fake += RandomDigit(rng);
  }
  return FillDigits(original, fake);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

std::string Email(std::string_view original, int attempt, RandomSource& rng) {
  if (original.rfind('@') == std::string_view::npos) return FormatKeep(original, rng);
  std::string local = Lower(Pick(kFirstNames, rng)) + "." + Lower(Pick(kLastNames, rng));
  if (attempt >= 4) local += std::to_string(rng.Between(10, 9999));
  static constexpr std::array<std::string_view, 3> kDomains = {"example.com", "example.org",
                                                               "example.net"};
  return local + "@" + std::string(Pick(kDomains, rng));
}

// Applies the case style of `model` (ALL CAPS, all lower) to `name`.
std::string MatchCase(std::string_view model, std::string_view name) {
  bool any_lower = false, any_upper = false;
  for (char c : model) {
    any_lower |= IsLower(c);
    any_upper |= IsUpper(c);
  }
  std::string out(name);
  if (any_upper && !any_lower && model.size() > 1) {
    for (char& c : out) c = ToUpper(c);
  } else if (any_lower && !any_upper) {
    for (char& c : out) c = ToLower(c);
  }
  return out;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) parts.push_back(s.substr(i, j - i));
    i = j;
  }
  return parts;
}

std::string KoreanName(std::string_view original, int attempt, RandomSource& rng) {
  std::string given(Pick(kKoreanGivenNames, rng));
  if (attempt >= 16) {
    // Widen: a random second syllable from another given name.
    std::string_view other = Pick(kKoreanGivenNames, rng);
    given = given.substr(0, 3) + std::string(other.substr(3));
  }
  if (attempt >= 64) return FormatKeep(original, rng);
  const bool spaced = original.find(' ') != std::string_view::npos;
  return std::string(PickOther(kKoreanSurnames, original.substr(0, 3), rng)) + (spaced ? " " : "") +
         given;
}

std::string Person(std::string_view original, int attempt, RandomSource& rng) {
  if (ContainsHangul(original)) return KoreanName(original, attempt, rng);
  std::vector<std::string_view> tokens = SplitSpaces(original);
  if (tokens.empty() || attempt >= 96) return FormatKeep(original, rng);
  std::vector<std::string> out;
  if (tokens.size() == 1) {
    if (attempt >= 64) return FormatKeep(original, rng);
    // Forty first names run out quickly; then use surnames as single names too.
    out.emplace_back(attempt < 24 || rng.Uniform(2) == 0 ? PickOther(kFirstNames, tokens[0], rng)
                                                         : PickOther(kLastNames, tokens[0], rng));
  } else {
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      out.emplace_back(PickOther(kFirstNames, tokens[i], rng));
    }
    if (tokens.size() == 2 && attempt >= 32) {
      out.push_back(std::string(1, RandomUpper(rng)) + ".");  // middle initial
    }
    out.emplace_back(PickOther(kLastNames, tokens.back(), rng));
  }
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += ' ';
    result += MatchCase(tokens[std::min(i, tokens.size() - 1)], out[i]);
  }
  return result;
}

std::string IpAddress(std::string_view original, int attempt, RandomSource& rng) {
  const size_t dot = original.find('.');
  const size_t colon = original.find(':');
  if (colon != std::string_view::npos && (dot == std::string_view::npos || colon < dot)) {
    // IPv6: the documentation prefix 2001:db8::/32 (RFC 3849).
    bool upper = false;
    for (char c : original) upper |= (c >= 'A' && c <= 'F');
    const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out = upper ? "2001:DB8::" : "2001:db8::";
    for (int group = 0; group < 2; ++group) {
      if (group > 0) out += ':';
      out += hex[rng.Between(1, 15)];
      for (int k = 0; k < 3; ++k) out += hex[rng.Uniform(16)];
    }
    return out;
  }
  if (dot == std::string_view::npos) return FormatKeep(original, rng);
  // Keep whatever follows the dotted quad (":8080", "/24").
  size_t end = 0;
  int dots = 0;
  while (end < original.size() && (IsDigit(original[end]) || original[end] == '.')) {
    if (original[end] == '.' && ++dots > 3) break;
    ++end;
  }
  std::string suffix(original.substr(end));
  std::string ip;
  if (attempt < 24) {
    // TEST-NET-1/2/3 (RFC 5737): never routed, meant for documentation.
    static constexpr std::array<std::string_view, 3> kNets = {"192.0.2.", "198.51.100.",
                                                              "203.0.113."};
    ip = std::string(Pick(kNets, rng)) + std::to_string(rng.Between(1, 254));
  } else {
    // 198.18.0.0/15 (RFC 2544 benchmarking) when the TEST-NETs are used up.
    ip = "198." + std::to_string(rng.Between(18, 19)) + "." + std::to_string(rng.Uniform(256)) +
         "." + std::to_string(rng.Between(1, 254));
  }
  return ip + suffix;
}

std::string MacAddress(std::string_view original, RandomSource& rng) {
  std::string out = HexKeep(original, rng);
  // Second hex digit of the first octet: 2, 6, A or E marks a locally administered unicast
  // address, which no vendor ships.
  int seen = 0;
  for (char& c : out) {
    if (!IsHex(c)) continue;
    if (++seen == 2) {
      static constexpr char kUpper[] = "26AE";
      static constexpr char kLower[] = "26ae";
      bool lower = false;
      for (char o : out) lower |= (o >= 'a' && o <= 'f');
      c = (lower ? kLower : kUpper)[rng.Uniform(4)];
      break;
    }
  }
  return out;
}

std::string Url(std::string_view original, RandomSource& rng) {
  std::string out;
  size_t scheme_end = original.find("://");
  if (scheme_end != std::string_view::npos && scheme_end > 0 && scheme_end <= 10) {
    out = std::string(original.substr(0, scheme_end + 3));
  } else if (original.substr(0, 4) == "www." || original.substr(0, 4) == "WWW.") {
    out = "www.";
  }
  out += "example.com/";
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 8; ++i) out += kAlphabet[rng.Uniform(36)];
  return out;
}

// Replaces each number in a date with a plausible one of the same width and each month
// name with another month name written the same way.
std::string Date(std::string_view original, RandomSource& rng) {
  std::string out;
  size_t i = 0;
  while (i < original.size()) {
    char c = original[i];
    size_t j = i;
    if (IsDigit(c)) {
      while (j < original.size() && IsDigit(original[j])) ++j;
      std::string_view run = original.substr(i, j - i);
      int value = std::atoi(std::string(run).c_str());
      if (run.size() == 4 && (run[0] == '1' || run[0] == '2')) {
        out += std::to_string(rng.Between(1950, 2005));
      } else if (run.size() <= 2) {
        int v = value >= 1 && value <= 12 ? static_cast<int>(rng.Between(1, 12))
                                          : static_cast<int>(rng.Between(13, 28));
        if (run.size() == 2 && v < 10) out += '0';
        out += std::to_string(v);
      } else {
        out += FormatKeep(run, rng);
      }
    } else if (IsAlpha(c)) {
      while (j < original.size() && IsAlpha(original[j])) ++j;
      std::string_view word = original.substr(i, j - i);
      std::string lower = Lower(word);
      bool is_month = false;
      bool abbreviated = false;
      for (std::string_view m : kMonthNames) {
        std::string ml = Lower(m);
        if (lower == ml) is_month = true;
        if (lower.size() == 3 && ml.compare(0, 3, lower) == 0) is_month = abbreviated = true;
      }
      if (is_month) {
        std::string_view m = Pick(kMonthNames, rng);
        out += MatchCase(word, abbreviated ? m.substr(0, 3) : m);
      } else {
        out += FormatKeep(word, rng);
      }
    } else {
      j = i + 1;
      out += c;
    }
    i = j;
  }
  return out;
}

std::string Place(std::string_view original, int attempt, RandomSource& rng) {
  if (ContainsHangul(original) || attempt >= 40) return FormatKeep(original, rng);
  return MatchCase(original, PickOther(kPlaceNames, original, rng));
}

// A fictional company, keeping a legal-form suffix ("Inc.", "GmbH") when the original has one.
std::string Organization(std::string_view original, int attempt, RandomSource& rng) {
  if (ContainsHangul(original) || attempt >= 40) return FormatKeep(original, rng);
  std::string out(PickOther(kOrganizationNames, original, rng));
  std::vector<std::string_view> tokens = SplitSpaces(original);
  if (tokens.size() > 1) {
    for (std::string_view suffix : kCompanySuffixes) {
      if (tokens.back() == suffix) {
        out += tokens[tokens.size() - 2].back() == ',' ? ", " : " ";
        out += suffix;
        break;
      }
    }
  }
  return MatchCase(original, out);
}

// Keeps a short vendor prefix ("ghp_", "sk-") so the fake still reads as that kind of secret.
std::string Secret(std::string_view original, RandomSource& rng) {
  size_t cut = original.find_first_of("_-");
  std::string prefix;
  std::string_view rest = original;
  if (cut != std::string_view::npos && cut > 0 && cut <= 8 && original.size() - cut > 8) {
    prefix = std::string(original.substr(0, cut + 1));
    rest = original.substr(cut + 1);
  }
  if (rest.substr(0, 2) == "0x") {
    prefix += "0x";
    rest.remove_prefix(2);
  }
  bool all_hex = rest.size() >= 8;
  bool any_digit = false;
  for (char c : rest) {
    all_hex &= IsHex(c);
    any_digit |= IsDigit(c);
  }
  return prefix + (all_hex && any_digit ? HexKeep(rest, rng) : FormatKeep(rest, rng));
}

}  // namespace

char LuhnCheckDigit(std::string_view payload) {
  int sum = 0;
  bool twice = true;  // the rightmost payload digit is doubled once the check digit follows
  for (size_t i = payload.size(); i-- > 0;) {
    int d = payload[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

int Mod97(std::string_view s) {
  int r = 0;
  for (char c : s) {
    if (IsDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else if (IsUpper(c)) {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    } else {
      return -1;
    }
  }
  return r;
}

std::string MakeSurrogate(EntityType type, std::string_view original, int attempt,
                          RandomSource& rng) {
  switch (type) {
    case EntityType::kCreditCard: return CreditCard(original, rng);
    case EntityType::kIban: return Iban(original, rng);
    case EntityType::kUsSsn: return UsSsn(original, rng);
    case EntityType::kUsItin: return UsItin(original, rng);
    case EntityType::kPhone: return Phone(original, rng);
    case EntityType::kEmail: return Email(original, attempt, rng);
    case EntityType::kPerson: return Person(original, attempt, rng);
    case EntityType::kIpAddress: return IpAddress(original, attempt, rng);
    case EntityType::kMacAddress: return MacAddress(original, rng);
    case EntityType::kUrl: return Url(original, rng);
    case EntityType::kDate:
    case EntityType::kDateOfBirth: return Date(original, rng);
    case EntityType::kLocation: return Place(original, attempt, rng);
    case EntityType::kOrganization: return Organization(original, attempt, rng);
    case EntityType::kSecret:
    case EntityType::kPassword:
    case EntityType::kCryptoWallet: return Secret(original, rng);
    default: return FormatKeep(original, rng);
  }
}

}  // namespace ptmo::privacy::vault_internal
