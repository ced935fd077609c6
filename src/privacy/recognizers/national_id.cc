// National and travel identifiers: US_SSN, US_ITIN, KR_RRN, PASSPORT, DRIVER_LICENSE.
#include <re2/re2.h>

#include <string>

#include "privacy/core/context.h"
#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/validators/date.h"
#include "privacy/validators/kr_rrn.h"
#include "privacy/validators/us_itin.h"
#include "privacy/validators/us_ssn.h"

namespace ptmo::privacy {
namespace {

using scan::IsAlnum;
using scan::IsAlpha;
using scan::IsDigit;

// True when `text` contains `needle` (lower-case ASCII letters only) in any letter case.
bool ContainsIgnoreCase(std::string_view text, std::string_view needle) {
  if (needle.empty() || text.size() < needle.size()) return needle.empty();
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && (text[i + k] | 0x20) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// US_SSN and US_ITIN share the AAA-GG-SSSS shape; the first digit tells them apart (SSNs
// never start with 9, ITINs always do).

class UsTaxIdRecognizer : public Recognizer {
 public:
  UsTaxIdRecognizer()
      : re_(R"([0-9]{3}([\- ]?)[0-9]{2}([\- ]?)[0-9]{4})"),
        ssn_words_(DefaultBoostWords(EntityType::kUsSsn)),
        itin_words_(DefaultBoostWords(EntityType::kUsItin)) {}
  std::string_view name() const override { return "us_tax_id"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    const auto windows = scan::DigitWindows(text, 0, 1);  // 1: the separator
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece* g) {
          if (g[1] != g[2]) return;  // "123-45 6789": mixed separators
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "-. /")) return;
          const std::string digits = scan::KeepDigits(text.substr(b, e - b));
          const bool itin = digits[0] == '9';
          const bool valid =
              itin ? validators::IsValidUsItin(digits) : validators::IsValidUsSsn(digits);
          if (!valid) return;
          const EntityType type = itin ? EntityType::kUsItin : EntityType::kUsSsn;
          const std::string_view rec = itin ? "us_itin" : "us_ssn";
          const std::string_view what = itin ? "ITIN" : "SSN";
          if (g[1].empty()) {
            // Nine bare digits are only an SSN/ITIN when the text says so.
            std::string word;
            if (!HasContextWord(text, b, e, itin ? itin_words_ : ssn_words_, 5, &word)) return;
            out.push_back(scan::MakeSpan(
                type, b, e, 0.4, rec,
                {std::string(what) + " digits valid", "bare 9 digits next to '" + word + "'"}));
            return;
          }
          const bool dashed = g[1] == "-";
          out.push_back(scan::MakeSpan(type, b, e, dashed ? 0.6 : 0.5, rec,
                                       {std::string(what) + " area/group/serial valid",
                                        dashed ? "AAA-GG-SSSS format" : "AAA GG SSSS format"}));
        });
  }

 private:
  RE2 re_;
  std::vector<std::string> ssn_words_;
  std::vector<std::string> itin_words_;
};

// ---------------------------------------------------------------------------------------
// KR_RRN

class KrRrnRecognizer : public Recognizer {
 public:
  KrRrnRecognizer()
      : re_(R"([0-9]{6}(-?)[0-9]{7})"), words_(DefaultBoostWords(EntityType::kKrRrn)) {}
  std::string_view name() const override { return "kr_rrn"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    const auto windows = scan::DigitWindows(text, 0, 1);  // 1: the separator
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece* g) {
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "-./")) return;
          const std::string digits = scan::KeepDigits(text.substr(b, e - b));
          const validators::KrRrnResult r = validators::ValidateKrRrn(digits);
          if (r.check == validators::RrnCheck::kInvalid) return;
          const bool dashed = !g[1].empty();
          const bool checked = r.check == validators::RrnCheck::kChecksumValid;
          std::vector<std::string> reasons = {
              checked ? (r.foreigner ? "foreigner registration check digit valid"
                                     : "RRN check digit valid")
                      : "valid birth date; post-2020 number without check digit"};
          double score;
          if (checked) {
            score = dashed ? 0.95 : 0.85;
          } else if (dashed) {
            score = 0.5;
          } else {
            // Thirteen bare digits with a plausible date and no checksum: context only.
            std::string word;
            if (!HasContextWord(text, b, e, words_, 5, &word)) return;
            reasons.push_back("next to '" + word + "'");
            score = 0.4;
          }
          out.push_back(scan::MakeSpan(EntityType::kKrRrn, b, e, score, "kr_rrn", reasons));
        });
  }

 private:
  RE2 re_;
  std::vector<std::string> words_;
};

// ---------------------------------------------------------------------------------------
// PASSPORT (context required)

class PassportRecognizer : public Recognizer {
 public:
  // Upper-case alphanumeric tokens of 6-9 characters; the shapes are sorted out in code.
  PassportRecognizer()
      : re_(R"([A-Z0-9]{6,9})"), words_(DefaultBoostWords(EntityType::kPassport)) {}
  std::string_view name() const override { return "passport"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // The context word must be somewhere; checking first keeps this off most texts.
    if (!ContainsIgnoreCase(text, "passport") && text.find("여권") == std::string_view::npos) {
      return;
    }
    // Tokens are at most 9 characters, so a digit is never more than 8 bytes from an end.
    const auto windows = scan::DigitWindows(text, 8, 8);
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "-./")) return;
          const std::string_view m = text.substr(b, e - b);
          int digits = 0;
          for (char c : m) digits += IsDigit(c) ? 1 : 0;
          if (digits < 2) return;  // words and acronyms
          const char* format = Format(m, digits);
          std::string word;
          if (!HasContextWord(text, b, e, words_, 5, &word)) return;
          const double score = format != nullptr ? 0.5 : 0.4;
          out.push_back(
              scan::MakeSpan(EntityType::kPassport, b, e, score, "passport",
                             {format != nullptr ? format : "generic passport number shape",
                              "next to '" + word + "'"}));
        });
  }

 private:
  // The specific national format `m` has, or nullptr for the generic shape.
  static const char* Format(std::string_view m, int digits) {
    const int n = static_cast<int>(m.size());
    if (n == 9 && digits == 9) return "US passport format (9 digits)";
    if (n == 9 && digits == 8 && IsAlpha(m[0])) {
      if (scan::IsOneOf(m[0], "MSROD")) return "KR passport format (letter + 8 digits)";
      return "US passport format (letter + 8 digits)";
    }
    if (n == 9 && IsAlpha(m[0]) && IsAlpha(m[4]) && digits == 7) {
      return "KR passport format (letter, 3 digits, letter, 4 digits)";
    }
    return nullptr;
  }

  RE2 re_;
  std::vector<std::string> words_;
};

// ---------------------------------------------------------------------------------------
// DRIVER_LICENSE (context required)

class DriverLicenseRecognizer : public Recognizer {
 public:
  // One or two letters then 4-14 digits (dashes allowed between digits), or 7-13 digits
  // in dash-separated groups (which covers the Korean NN-NN-NNNNNN-NN form).
  DriverLicenseRecognizer()
      : re_(R"([A-Za-z]{1,2}-?[0-9](?:-?[0-9]){3,13}|[0-9]+(?:-[0-9]+){0,4})"),
        words_(DefaultBoostWords(EntityType::kDriverLicense)),
        phone_words_({"phone", "tel", "telephone", "mobile", "cell", "call", "fax", "전화",
                      "휴대폰", "연락처"}),
        kr_re_(R"([0-9]{2}-[0-9]{2}-[0-9]{6}-[0-9]{2})") {}
  std::string_view name() const override { return "driver_license"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    const auto windows = scan::DigitWindows(text, 3, 1);  // "AB-123...": 3 bytes of prefix; dashes
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          if (e - b < 5) return;  // too short for any format; skip the common case fast
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, "./")) return;
          const std::string_view m = text.substr(b, e - b);
          const std::string digits = scan::KeepDigits(m);
          const bool lettered = IsAlpha(m[0]);
          const char* format = nullptr;
          double score = 0.45;
          if (lettered) {
            if (digits.size() < 4 || digits.size() > 14) return;
            format = "US state format (letters + digits)";
          } else if (RE2::FullMatch(re2::StringPiece(m.data(), m.size()), kr_re_)) {
            const int region = (digits[0] - '0') * 10 + (digits[1] - '0');
            if (region < 11 || region > 28) return;
            format = "KR license format NN-NN-NNNNNN-NN";
            score = 0.55;
          } else {
            if (digits.size() < 7 || digits.size() > 13) return;
            if (validators::IsNumericDate(m)) return;
            format = "US state format (7-13 digits)";
          }
          std::string word;
          if (!HasContextWord(text, b, e, words_, 5, &word)) return;
          // "bus driver. Phone: 201-948-1927": the nearer phone word wins.
          if (scan::HasWordBefore(text, b, phone_words_, 3)) return;
          out.push_back(scan::MakeSpan(EntityType::kDriverLicense, b, e, score, "driver_license",
                                       {format, "next to '" + word + "'"}));
        });
  }

 private:
  RE2 re_;
  std::vector<std::string> words_;
  std::vector<std::string> phone_words_;
  RE2 kr_re_;
};

}  // namespace

std::unique_ptr<Recognizer> MakeUsTaxIdRecognizer() {
  return std::make_unique<UsTaxIdRecognizer>();
}
std::unique_ptr<Recognizer> MakeKrRrnRecognizer() {
  return std::make_unique<KrRrnRecognizer>();
}
std::unique_ptr<Recognizer> MakePassportRecognizer() {
  return std::make_unique<PassportRecognizer>();
}
std::unique_ptr<Recognizer> MakeDriverLicenseRecognizer() {
  return std::make_unique<DriverLicenseRecognizer>();
}

}  // namespace ptmo::privacy
