#include "privacy/vision/mrz.h"

#include <cctype>

namespace ptmo::privacy::vision {
namespace {

int CharValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '<') return 0;
  return -1;
}

// In fields that must be numeric, OCR's letter look-alikes are read as the digit.
std::string AsDigits(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    switch (c) {
      case 'O':
      case 'Q':
      case 'D': c = '0'; break;
      case 'I':
      case 'L': c = '1'; break;
      case 'Z': c = '2'; break;
      case 'S': c = '5'; break;
      case 'G': c = '6'; break;
      case 'B': c = '8'; break;
      default: break;
    }
  }
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && s.back() == '<') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c == '<') c = ' ';
  }
  return out;
}

void SplitNames(std::string_view field, MrzResult* r) {
  size_t sep = field.find("<<");
  r->surname = Trim(field.substr(0, sep));
  r->given_names = sep == std::string_view::npos ? "" : Trim(field.substr(sep + 2));
}

// Checks `field` against the digit at `check`; an all-filler optional field may have '<'.
void Check(MrzResult* r, const char* name, std::string_view field, char check,
           bool filler_ok = false) {
  ++r->checks_total;
  if (filler_ok && check == '<' && field.find_first_not_of('<') == std::string_view::npos) {
    ++r->checks_passed;
    return;
  }
  int want = MrzCheckDigit(field);
  std::string c = AsDigits(std::string(1, check));
  if (want >= 0 && c[0] == char('0' + want)) {
    ++r->checks_passed;
  } else {
    r->failed_checks.push_back(name);
  }
}

std::string Pad(std::string_view s, size_t n) {
  std::string out;
  for (char c : s) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(CharValue(u) >= 0 ? u : '<');
  }
  out.resize(n, '<');
  return out;
}

// The document number may hold letters, so OCR's letter-for-digit confusions ("MQ0123991"
// for "M00123991") cannot be mapped wholesale as in date fields. When the field fails its
// check digit, each single look-alike letter is tried as its digit; the first version that
// passes is taken (the composite check digit, which covers the field too, must still pass).
std::string RepairDocumentNumber(const std::string& field, char check) {
  auto passes = [check](const std::string& f) {
    int want = MrzCheckDigit(f);
    return want >= 0 && AsDigits(std::string(1, check))[0] == char('0' + want);
  };
  if (passes(field)) return field;
  for (size_t i = 1; i < field.size(); ++i) {  // the first character is usually a real letter
    std::string v = field;
    v[i] = AsDigits(field.substr(i, 1))[0];
    if (v[i] != field[i] && passes(v)) return v;
  }
  return field;
}

}  // namespace

int MrzCheckDigit(std::string_view field) {
  static constexpr int kWeights[3] = {7, 3, 1};
  int sum = 0;
  for (size_t i = 0; i < field.size(); ++i) {
    int v = CharValue(field[i]);
    if (v < 0) return -1;
    sum += v * kWeights[i % 3];
  }
  return sum % 10;
}

std::optional<MrzResult> ParseMrz(const std::vector<std::string>& lines) {
  MrzResult r;
  r.lines = lines;
  if (lines.size() == 2 && lines[0].size() == lines[1].size() &&
      (lines[0].size() == 44 || lines[0].size() == 36)) {
    const std::string& a = lines[0];
    std::string b = lines[1];
    bool td3 = a.size() == 44;
    r.format = td3 ? "TD3" : "TD2";
    r.document_code = Trim(a.substr(0, 2));
    r.issuing_state = Trim(a.substr(2, 3));
    SplitNames(std::string_view(a).substr(5), &r);
    // Numeric fields of line 2 get the digit look-alike correction before checking.
    std::string dob = AsDigits(b.substr(13, 6)), exp = AsDigits(b.substr(21, 6));
    b.replace(13, 6, dob);
    b.replace(21, 6, exp);
    // Check digits too, so that the composite (which covers them) sees the digits.
    for (size_t pos : {size_t(9), size_t(19), size_t(27), b.size() - 1}) {
      b[pos] = AsDigits(b.substr(pos, 1))[0];
    }
    if (td3 && b[42] != '<') b[42] = AsDigits(b.substr(42, 1))[0];
    b.replace(0, 9, RepairDocumentNumber(b.substr(0, 9), b[9]));
    r.lines[1] = b;
    r.document_number = Trim(b.substr(0, 9));
    r.nationality = Trim(b.substr(10, 3));
    r.birth_date = dob;
    r.sex = b.substr(20, 1);
    r.expiry_date = exp;
    Check(&r, "document number", b.substr(0, 9), b[9]);
    Check(&r, "birth date", dob, b[19]);
    Check(&r, "expiry date", exp, b[27]);
    if (td3) {
      Check(&r, "personal number", b.substr(28, 14), b[42], /*filler_ok=*/true);
      Check(&r, "composite", b.substr(0, 10) + b.substr(13, 7) + b.substr(21, 22), b[43]);
    } else {
      Check(&r, "composite", b.substr(0, 10) + b.substr(13, 7) + b.substr(21, 14), b[35]);
    }
    return r;
  }
  if (lines.size() == 3 && lines[0].size() == 30 && lines[1].size() == 30 &&
      lines[2].size() == 30) {
    const std::string& a = lines[0];
    std::string b = lines[1];
    r.format = "TD1";
    std::string dob = AsDigits(b.substr(0, 6)), exp = AsDigits(b.substr(8, 6));
    b.replace(0, 6, dob);
    b.replace(8, 6, exp);
    r.document_code = Trim(a.substr(0, 2));
    r.issuing_state = Trim(a.substr(2, 3));
    r.document_number = Trim(a.substr(5, 9));
    r.birth_date = dob;
    r.sex = b.substr(7, 1);
    r.expiry_date = exp;
    r.nationality = Trim(b.substr(15, 3));
    SplitNames(lines[2], &r);
    Check(&r, "document number", a.substr(5, 9), a[14]);
    Check(&r, "birth date", dob, b[6]);
    Check(&r, "expiry date", exp, b[14]);
    Check(&r, "composite", a.substr(5, 25) + b.substr(0, 7) + b.substr(8, 7) + b.substr(18, 11),
          b[29]);
    return r;
  }
  return std::nullopt;
}

std::string NormalizeMrzLine(std::string_view line) {
  std::string out;
  size_t mrz_chars = 0, other = 0, lower = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == ' ' || c == '\t' || c == '\r') continue;
    // U+00AB '«' (C2 AB) is how OCR often reads "<<"; U+2039 '‹' (E2 80 B9) a single '<'.
    if (c == 0xC2 && i + 1 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0xAB) {
      out += "<<";
      mrz_chars += 2;
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0x80 &&
        static_cast<unsigned char>(line[i + 2]) == 0xB9) {
      out += '<';
      ++mrz_chars;
      i += 2;
      continue;
    }
    // An MRZ has no lower-case letters: OCR's lower-case letters there are misread fillers
    // ("<<<<" comes out as "cececc").
    if (c >= 'a' && c <= 'z') {
      ++lower;
      out.push_back('<');
      ++mrz_chars;
      continue;
    }
    char u = static_cast<char>(c);
    if (CharValue(u) >= 0) {
      out.push_back(u);
      ++mrz_chars;
    } else if (u == '(' || u == '{' || u == '[') {
      out.push_back('<');
      ++mrz_chars;
    } else {
      ++other;
    }
  }
  if (out.size() < 28 || out.find("<<") == std::string::npos || other * 10 > mrz_chars ||
      lower * 2 > out.size()) {
    return "";
  }
  return out;
}

namespace {

// Characters OCR confuses with each character of the MRZ alphabet (monospaced sans and
// OCR-B glyphs: round digits and letters, vertical strokes, the filler and narrow letters).
std::string_view Confusions(char c) {
  switch (c) {
    case '0': return "98ODQ6";
    case '1': return "7IL";
    case '2': return "Z7";
    case '3': return "8B";
    case '4': return "A";
    case '5': return "S6";
    case '6': return "G850";
    case '7': return "12";
    case '8': return "B3609";
    case '9': return "08";
    case 'O': return "0DQ";
    case 'D': return "0O";
    case 'Q': return "0O";
    case 'I': return "1L";
    case 'L': return "1I<";
    case 'Z': return "2";
    case 'S': return "5";
    case 'G': return "6";
    case 'B': return "83";
    case 'A': return "4";
    case 'K': return "<";
    case 'C': return "<";
    case 'E': return "<";
    case '<': return "KCLE";
    default: return "";
  }
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Whether `c` may stand at `pos` of a TD3 (n = 44) or TD2 (36) second line: check digits and
// dates are digits, the optional-data check digit may be a filler, other fields any MRZ
// character.
bool AllowedAt(size_t pos, size_t n, char c) {
  const bool td3 = n == 44;
  if (pos == 9 || (pos >= 13 && pos <= 19) || (pos >= 21 && pos <= 27) || pos == n - 1) {
    return IsDigit(c);
  }
  if (td3 && pos == 42) return IsDigit(c) || c == '<';
  return CharValue(c) >= 0;
}

// The positions of the second line a check named `name` covers, [first, last].
std::pair<size_t, size_t> CheckedRange(const std::string& name, size_t n) {
  if (name == "document number") return {0, 9};
  if (name == "birth date") return {13, 19};
  if (name == "expiry date") return {21, 27};
  if (name == "personal number") return {28, 42};
  return {n - 1, n - 1};  // composite
}

}  // namespace

std::optional<std::string> RepairMrzConfusion(const std::string& first, const std::string& second) {
  auto parsed = ParseMrz({first, second});
  if (!parsed || parsed->format == "TD1") return std::nullopt;
  if (parsed->valid()) return second;
  const size_t n = second.size();
  // Only characters of the fields whose checks failed are swapped (a composite failing alone
  // means its own digit was misread: every other composite field passed its check), so a
  // swap must fix its field's check and the composite at once.
  std::vector<bool> suspect(n, false);
  const bool composite_only =
      parsed->failed_checks.size() == 1 && parsed->failed_checks[0] == "composite";
  for (const std::string& name : parsed->failed_checks) {
    if (name == "composite" && !composite_only) continue;
    auto [lo, hi] = CheckedRange(name, n);
    for (size_t i = lo; i <= hi && i < n; ++i) suspect[i] = true;
  }
  // The document and personal numbers sit in the composite with the same weights as in
  // their own checks, so the composite cannot catch a wrong swap inside them: there only
  // their check digits are tried (ParseMrz already maps look-alike letters in the document
  // number). Dates sit in the composite with other weights, so both checks must agree.
  auto aligned_field = [n](size_t i) { return i < 9 || (n == 44 && i >= 28 && i < 42); };
  for (size_t i = 0; i < n; ++i) {
    if (!suspect[i] || aligned_field(i)) continue;
    for (char alt : Confusions(second[i])) {
      if (!AllowedAt(i, n, alt)) continue;
      std::string v = second;
      v[i] = alt;
      auto r = ParseMrz({first, v});
      if (r && r->valid()) return r->lines[1];
    }
  }
  return std::nullopt;
}

std::vector<std::string> MrzLengthRepairs(std::string_view line, size_t n) {
  std::vector<std::string> out;
  if (line.size() == n) return {std::string(line)};
  const long diff = long(n) - long(line.size());
  if (diff > 12 || diff < -12) return out;
  size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '<') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < line.size() && line[j] == '<') ++j;
    long run = long(j - i);
    // A run keeps at least one filler: the separators "<" and "<<" carry meaning.
    if (run + diff >= 1) {
      std::string c(line.substr(0, i));
      c.append(size_t(run + diff), '<');
      c.append(line.substr(j));
      out.push_back(std::move(c));
    }
    i = j;
  }
  return out;
}

namespace {

// The first line of TD3/TD2 holds the document code, the issuing state and the names, then
// fillers, and no check digit: OCR's miscounted trailing fillers are cut or padded.
std::string FitNameLine(const std::string& line, size_t n) {
  if (line.size() <= n) return Pad(line, n);
  return line.substr(0, n);
}

// Versions of `line` of `n` characters that ParseMrz can check: the line itself when its
// length is right (or its one-character confusion repair when that validates), else its
// '<'-run repairs whose check digits (with `first`) all pass, confusion-repaired if needed.
std::vector<std::string> SecondLineCandidates(const std::string& first, const std::string& line,
                                              size_t n) {
  const std::string name_line = FitNameLine(first, n);
  if (line.size() == n) {
    if (auto fixed = RepairMrzConfusion(name_line, line)) return {*fixed};
    return {line};
  }
  std::vector<std::string> out;
  for (std::string& c : MrzLengthRepairs(line, n)) {
    if (auto fixed = RepairMrzConfusion(name_line, c)) out.push_back(std::move(*fixed));
  }
  return out;
}

}  // namespace

std::vector<FoundMrz> FindMrz(std::string_view text) {
  std::vector<std::string> norm;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    norm.push_back(NormalizeMrzLine(text.substr(start, nl - start)));
    start = nl + 1;
  }
  std::vector<FoundMrz> found;
  for (size_t i = 0; i < norm.size(); ++i) {
    if (norm[i].empty()) continue;
    // Three 30-character lines (TD1), else two lines of 44 or 36 (TD3/TD2). The first line
    // of TD3/TD2 holds only names, whose trailing fillers OCR tends to drop: pad them.
    if (i + 2 < norm.size() && norm[i].size() == 30 && norm[i + 1].size() == 30 &&
        !norm[i + 2].empty() && norm[i + 2].size() <= 30) {
      auto r = ParseMrz({norm[i], norm[i + 1], Pad(norm[i + 2], 30)});
      if (r) {
        found.push_back({std::move(*r), {i, i + 1, i + 2}});
        i += 2;
        continue;
      }
    }
    bool paired = false;
    if (i + 1 < norm.size() && !norm[i + 1].empty()) {
      for (size_t n : {size_t(44), size_t(36)}) {
        if (norm[i].size() > n + 12) continue;
        auto cands = SecondLineCandidates(norm[i], norm[i + 1], n);
        if (cands.empty()) continue;
        auto r = ParseMrz({FitNameLine(norm[i], n), cands[0]});
        if (r) {
          found.push_back({std::move(*r), {i, i + 1}});
          paired = true;
          break;
        }
      }
    }
    if (paired) {
      ++i;
      continue;
    }
    // Every check digit of TD3/TD2 is on the second line: when OCR lost the first line (the
    // names, mostly fillers), the second alone still validates the document.
    for (size_t n : {size_t(44), size_t(36)}) {
      std::string first = n == 44 ? Pad("P<", n) : Pad("I<", n);
      bool done = false;
      for (const std::string& c : MrzLengthRepairs(norm[i], n)) {
        auto fixed = RepairMrzConfusion(first, c);
        auto r = fixed ? ParseMrz({first, *fixed}) : std::nullopt;
        if (r && r->valid()) {
          found.push_back({std::move(*r), {i}});
          done = true;
          break;
        }
      }
      if (done) break;
    }
  }
  return found;
}

std::vector<std::string> BuildTd3(std::string_view issuing_state, std::string_view surname,
                                  std::string_view given_names, std::string_view document_number,
                                  std::string_view nationality, std::string_view birth_yymmdd,
                                  char sex, std::string_view expiry_yymmdd,
                                  std::string_view personal_number) {
  std::string names = Pad(surname, surname.size()) + "<<" + Pad(given_names, given_names.size());
  std::string a = "P<" + Pad(issuing_state, 3) + Pad(names, 39);
  std::string num = Pad(document_number, 9), dob = Pad(birth_yymmdd, 6),
              exp = Pad(expiry_yymmdd, 6), pn = Pad(personal_number, 14);
  auto digit = [](std::string_view f) { return char('0' + MrzCheckDigit(f)); };
  std::string b = num + digit(num) + Pad(nationality, 3) + dob + digit(dob) + std::string(1, sex) +
                  exp + digit(exp) + pn + digit(pn);
  b += digit(b.substr(0, 10) + b.substr(13, 7) + b.substr(21, 22));
  return {a, b};
}

}  // namespace ptmo::privacy::vision
