// DATE_OF_BIRTH and DATE: calendar dates in common written forms.
//
// Forms: 2024-03-05 (also / and .), 03/05/2024 and 05.03.2024 (day or month first; valid
// if either reading is), "5 March 1990" / "5th of March, 1990", "March 5, 1990" / "Mar 5
// 1990", and Korean "1990년 3월 5일". Every match must be a real calendar day with a year
// in 1800-2199. A date with a birth word near it (born, birth, birthday, DOB, 생년월일,
// 생일, 출생) is a DATE_OF_BIRTH; two-digit years ("03/05/90") are only taken then.
//
// Dates without a year are taken when the month is named: "June 2", "Jan 27th", "2 June",
// "the 9th of October", and Korean "3월 14일" (a particle may follow: "12월 25일에"). The
// day must exist in some year ("February 29" does, "June 31" does not). "May" and
// "March" are also an English verb and modal ("we march 5 miles"), so these two only count
// capitalized. A bare number, or a month word without a day ("May I ask"), is never a date.
#include <re2/re2.h>

#include <string>

#include "privacy/core/context.h"
#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/validators/date.h"

namespace ptmo::privacy {
namespace {

constexpr const char* kMonth =
    "(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

// Month number of an English month name or abbreviation (already matched by kMonth).
int MonthNumber(std::string_view name) {
  static constexpr std::string_view kPrefixes[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  char p[3];
  for (int i = 0; i < 3; ++i) p[i] = static_cast<char>(name[i] | 0x20);
  for (int m = 0; m < 12; ++m) {
    if (std::string_view(p, 3) == kPrefixes[m]) return m + 1;
  }
  return 0;
}

int ToInt(re2::StringPiece s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string Pattern() {
  const std::string month = kMonth;
  return
      // 1-3: YYYY-MM-DD
      R"(([0-9]{4})[\-/.]([0-9]{1,2})[\-/.]([0-9]{1,2})|)"
      // 4-6: DD/MM/YYYY or MM/DD/YYYY (or a two-digit year)
      R"(([0-9]{1,2})[\-/.]([0-9]{1,2})[\-/.]([0-9]{4}|[0-9]{2})|)"
      // 7-9: 5 March 1990, 5th of March, 1990
      R"(([0-9]{1,2})(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?()" +
      month +
      R"()\.?,?\s{1,3}([0-9]{4})|)"
      // 10-12: March 5, 1990
      R"(()" +
      month +
      R"()\.?\s{1,3}([0-9]{1,2})(?:st|nd|rd|th)?,?\s{1,3}([0-9]{4})|)"
      // 13-15: 1990년 3월 5일
      R"(([0-9]{4})\s{0,2}년\s{0,2}([0-9]{1,2})\s{0,2}월\s{0,2}([0-9]{1,2})\s{0,2}일)";
}

// Month-day dates without a year (see the file comment); a second pattern because the first
// has the 15 capture groups ForEachMatchIn allows.
std::string YearlessPattern() {
  const std::string month = kMonth;
  return
      // 1-2: June 2, Jan. 27th
      R"(()" + month +
      R"()\.?\s{1,3}([0-9]{1,2})(?:st|nd|rd|th)?|)"
      // 3-4: 2 June, 9th of October
      R"(([0-9]{1,2})(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?()" +
      month +
      R"()|)"
      // 5-6: 3월 14일
      R"(([0-9]{1,2})\s{0,2}월\s{0,2}([0-9]{1,2})\s{0,2}일)";
}

// True for "may" and "march" written in lower case: the modal and the verb.
bool IsLowerCaseMonthWord(re2::StringPiece name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return name.size() == 3 ? (name[1] | 0x20) == 'a' && (name[2] | 0x20) == 'y'
                          : name.size() == 5 && MonthNumber(name) == 3;
}

// The separators of a numeric date must agree ("2024-03/05" is not a date).
bool SeparatorsAgree(std::string_view m) {
  const size_t a = m.find_first_of("-/.");
  const size_t b = m.find_first_of("-/.", a + 1);
  return a != std::string_view::npos && b != std::string_view::npos && m[a] == m[b];
}

class DateRecognizer : public Recognizer {
 public:
  DateRecognizer()
      : re_(Pattern()),
        yearless_re_(YearlessPattern()),
        birth_words_(DefaultBoostWords(EntityType::kDateOfBirth)) {}
  std::string_view name() const override { return "date"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // Whitespace runs in the patterns are bounded so that a match starts at most 15 bytes
    // before its first digit ("September.,   5") and ends at most 19 bytes after its last
    // ("5th   of   September").
    const auto windows = scan::DigitWindows(text, 16, 24);
    std::vector<scan::Window> dated;  // matches of the first pattern, valid or not
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece* g) {
          dated.push_back({b, e});
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "-./:")) return;
          const std::string_view m = text.substr(b, e - b);
          int year = 0, month = 0, day = 0;
          bool two_digit_year = false;
          if (!g[1].empty()) {
            if (!SeparatorsAgree(m)) return;
            year = ToInt(g[1]);
            month = ToInt(g[2]);
            day = ToInt(g[3]);
          } else if (!g[4].empty()) {
            if (!SeparatorsAgree(m)) return;
            year = ToInt(g[6]);
            if (g[6].size() == 2) {
              if (m.find('.') != std::string_view::npos) return;  // "1.2.24" reads as a version
              two_digit_year = true;
              year += year <= 30 ? 2000 : 1900;  // birth dates: "05/03/90" is 1990
            }
            // Month first if that reading is valid, else day first.
            const int x = ToInt(g[4]), z = ToInt(g[5]);
            if (validators::IsValidDate(year, x, z)) {
              month = x;
              day = z;
            } else {
              month = z;
              day = x;
            }
          } else if (!g[7].empty()) {
            day = ToInt(g[7]);
            month = MonthNumber(g[8]);
            year = ToInt(g[9]);
          } else if (!g[10].empty()) {
            month = MonthNumber(g[10]);
            day = ToInt(g[11]);
            year = ToInt(g[12]);
          } else {
            year = ToInt(g[13]);
            month = ToInt(g[14]);
            day = ToInt(g[15]);
          }
          if (year < 1800 || year > 2199 || !validators::IsValidDate(year, month, day)) return;
          Emit(text, b, e, two_digit_year, "valid calendar date", out);
        });
    // Dates without a year, except inside a match of the first pattern ("June 2, 2024", or
    // "February 30, 2024" that was rejected whole).
    size_t next_dated = 0;
    scan::ForEachMatchInWindows(
        yearless_re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece* g) {
          while (next_dated < dated.size() && dated[next_dated].end <= b) ++next_dated;
          if (next_dated < dated.size() && dated[next_dated].begin < e) return;
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "-./:")) return;
          int month = 0, day = 0;
          if (!g[1].empty()) {
            if (IsLowerCaseMonthWord(g[1])) return;
            month = MonthNumber(g[1]);
            day = ToInt(g[2]);
          } else if (!g[3].empty()) {
            if (IsLowerCaseMonthWord(g[4])) return;
            day = ToInt(g[3]);
            month = MonthNumber(g[4]);
          } else {
            month = ToInt(g[5]);
            day = ToInt(g[6]);
          }
          // 2000 is a leap year: any day that exists in some year.
          if (!validators::IsValidDate(2000, month, day)) return;
          Emit(text, b, e, false, "valid month and day (no year)", out);
        });
  }

 private:
  // Emits text[b, e) as a DATE_OF_BIRTH near a birth word, else as a DATE unless
  // `needs_birth_word`.
  void Emit(std::string_view text, size_t b, size_t e, bool needs_birth_word, const char* why,
            std::vector<Span>& out) const {
    std::string word;
    const bool birth = HasContextWord(text, b, e, birth_words_, 5, &word);
    if (needs_birth_word && !birth) return;
    if (birth) {
      out.push_back(scan::MakeSpan(EntityType::kDateOfBirth, b, e, 0.85, "date",
                                   {why, "birth word '" + word + "'"}));
    } else {
      out.push_back(scan::MakeSpan(EntityType::kDate, b, e, 0.5, "date", {why}));
    }
  }

  RE2 re_;
  RE2 yearless_re_;
  std::vector<std::string> birth_words_;
};

}  // namespace

std::unique_ptr<Recognizer> MakeDateRecognizer() {
  return std::make_unique<DateRecognizer>();
}

}  // namespace ptmo::privacy
