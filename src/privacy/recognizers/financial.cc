// Financial identifiers: CREDIT_CARD, IBAN, BANK_ACCOUNT.
#include <re2/re2.h>

#include <string>

#include "privacy/core/context.h"
#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/validators/aba.h"
#include "privacy/validators/card.h"
#include "privacy/validators/date.h"
#include "privacy/validators/iban.h"
#include "privacy/validators/luhn.h"

namespace ptmo::privacy {
namespace {

using scan::IsAlnum;
using scan::IsDigit;

// ---------------------------------------------------------------------------------------
// CREDIT_CARD

class CreditCardRecognizer : public Recognizer {
 public:
  // Bare 12-19 digits, or groups as cards are printed: 4-4-4[-4[-3]] (and shorter last
  // groups for 13-19 digit cards), 4-6-5 (Amex), 4-6-4 (Diners). Longest match, so a
  // grouped number is taken whole; the code then tries group-aligned prefixes.
  CreditCardRecognizer() : re_(Pattern(), Options()) {}
  std::string_view name() const override { return "credit_card"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // Window margins: one byte after each digit covers the group separators.
    const auto windows = scan::DigitWindows(text, 0, 1);
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          if (b > 0 && IsAlnum(text[b - 1])) return;
          if (ContinuesDigitGroup(text, b)) return;
          const std::string_view m = text.substr(b, e - b);
          const char sep = m.find(' ') != std::string_view::npos   ? ' '
                           : m.find('-') != std::string_view::npos ? '-'
                                                                   : '\0';
          if (sep != '\0' && m.find(sep == ' ' ? '-' : ' ') != std::string_view::npos) return;
          // Candidate ends: the whole match, then each group boundary, longest first. A number
          // followed by more digits ("4111 1111 1111 1111 2025") is tried without them.
          for (size_t len = m.size(); len >= 12; --len) {
            if (len < m.size() && m[len] != sep) continue;
            const size_t end = b + len;
            if (end < text.size() && IsAlnum(text[end])) continue;
            if (sep == '\0' && len != m.size()) break;  // bare runs are taken whole only
            if (TryEmit(text, b, end, sep != '\0', out)) return;
          }
        });
  }

 private:
  static std::string Pattern() {
    return R"([0-9]{12,19}|)"
           R"([0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}(?:[ \-][0-9]{1,4}(?:[ \-][0-9]{1,3})?)?|)"
           R"([0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5})";
  }
  static RE2::Options Options() {
    RE2::Options o;
    o.set_longest_match(true);
    return o;
  }

  // True when the match starts in the middle of card-style grouping ("1234 4111 1111 ..."):
  // a separator right before it follows a stand-alone group of four digits. Other numbers
  // before a card ("exp 12/25 4111 ...", "Visa19 4111 ...") do not count.
  static bool ContinuesDigitGroup(std::string_view text, size_t b) {
    if (b < 5 || (text[b - 1] != ' ' && text[b - 1] != '-')) return false;
    for (size_t k = b - 5; k < b - 1; ++k) {
      if (!IsDigit(text[k])) return false;
    }
    return b == 5 || !IsAlnum(text[b - 6]);
  }

  bool TryEmit(std::string_view text, size_t b, size_t e, bool grouped,
               std::vector<Span>& out) const {
    const std::string digits = scan::KeepDigits(text.substr(b, e - b));
    auto issuer = validators::IdentifyCardIssuer(digits);
    if (!issuer || !validators::LuhnValid(digits)) return false;
    // A bare number right after "order", "invoice", "tracking"... is a reference number
    // that happens to pass Luhn (one in ten does).
    if (!grouped && scan::HasWordBefore(text, b, scan::ReferenceNumberWords(), 3)) return false;
    out.push_back(scan::MakeSpan(
        EntityType::kCreditCard, b, e, 0.9, "credit_card",
        {"Luhn checksum valid", "issuer " + std::string(validators::CardIssuerName(*issuer))}));
    return true;
  }

  RE2 re_;
};

// ---------------------------------------------------------------------------------------
// IBAN

class IbanRecognizer : public Recognizer {
 public:
  // Country code, check digits, then 11-30 BBAN characters optionally split by single
  // spaces. The match may run into the next word; the registry length decides the end.
  IbanRecognizer() : re_(R"((?i)[a-z]{2}[0-9]{2}(?: ?[a-z0-9]){11,30})") {}
  std::string_view name() const override { return "iban"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // The check digits are 2 bytes into a match; BBANs end at most a few letters after
    // their last digit, and 32 bytes covers the longest letter run any country allows.
    const auto windows = scan::DigitWindows(text, 2, 32);
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) -> size_t {
          // The greedy match may run on into the next word or the next IBAN; after a rejection
          // the search resumes past the country code and check digits, after a hit at its end.
          const size_t retry = b + 4;
          if (b > 0 && IsAlnum(text[b - 1])) return retry;
          const std::string_view m = text.substr(b, e - b);
          const char cc[2] = {static_cast<char>(m[0] & ~0x20), static_cast<char>(m[1] & ~0x20)};
          const int want = validators::IbanLength(std::string_view(cc, 2));
          if (want == 0) return retry;
          // Take exactly `want` alphanumerics; the cut must fall on a group boundary.
          std::string compact;
          size_t i = 0;
          for (; i < m.size() && static_cast<int>(compact.size()) < want; ++i) {
            if (m[i] != ' ') compact.push_back(m[i]);
          }
          if (static_cast<int>(compact.size()) != want) return retry;
          const size_t end = b + i;
          if (end < text.size() && IsAlnum(text[end])) return retry;
          if (!validators::IsValidIban(compact)) return retry;
          out.push_back(scan::MakeSpan(
              EntityType::kIban, b, end, 0.95, "iban",
              {"IBAN mod-97 checksum valid", "length matches country " + std::string(cc, 2)}));
          return end;
        });
  }

 private:
  RE2 re_;
};

// ---------------------------------------------------------------------------------------
// BANK_ACCOUNT

class BankAccountRecognizer : public Recognizer {
 public:
  // 6-17 digits, possibly in dash-separated groups (Korean banks print "110-123-456789").
  BankAccountRecognizer()
      : re_(R"([0-9]+(?:-[0-9]+){0,4})"),
        words_(DefaultBoostWords(EntityType::kBankAccount)),
        routing_words_({"routing", "aba", "rtn"}) {}
  std::string_view name() const override { return "bank_account"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    const auto windows = scan::DigitWindows(text, 0, 1);  // 1: the '-' between groups
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          if (e - b < 6) return;  // most digit runs in prose are short; skip them fast
          const std::string_view m = text.substr(b, e - b);
          const std::string digits = scan::KeepDigits(m);
          if (digits.size() < 6 || digits.size() > 17) return;
          if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, ".,")) return;
          if (validators::IsNumericDate(m)) return;
          // Money, not an account: "$1000000", "1000000원", "1,000,000" (the last is cut at the
          // comma and rejected by ExtendsNumber).
          if (PrecededByCurrency(text, b) || FollowedByCurrency(text, e)) return;
          if (digits.find_first_not_of(digits[0]) == std::string::npos) return;  // 000000, 111111
          std::string word;
          if (!HasContextWord(text, b, e, words_, 5, &word)) return;
          std::vector<std::string> reasons = {"digits next to banking word '" + word + "'"};
          double score = 0.45;
          if (digits.size() == 9 && validators::IsValidAbaRoutingNumber(digits) &&
              HasContextWord(text, b, e, routing_words_, 5)) {
            score = 0.6;
            reasons.push_back("ABA routing checksum valid");
          }
          out.push_back(
              scan::MakeSpan(EntityType::kBankAccount, b, e, score, "bank_account", reasons));
        });
  }

 private:
  // Multi-byte currency signs (€, £, ¥, ₩) end right before the number.
  static bool PrecededByCurrency(std::string_view text, size_t b) {
    for (std::string_view sign : {"€", "£", "¥", "₩", "$"}) {
      if (b >= sign.size() && text.substr(b - sign.size(), sign.size()) == sign) return true;
    }
    return false;
  }
  static bool FollowedByCurrency(std::string_view text, size_t e) {
    std::string_view rest = text.substr(e, 8);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    for (std::string_view unit : {"원", "won", "usd", "dollars", "eur", "%"}) {
      if (rest.size() >= unit.size() && rest.substr(0, unit.size()) == unit) return true;
    }
    return false;
  }

  RE2 re_;
  std::vector<std::string> words_;
  std::vector<std::string> routing_words_;
};

}  // namespace

std::unique_ptr<Recognizer> MakeCreditCardRecognizer() {
  return std::make_unique<CreditCardRecognizer>();
}
std::unique_ptr<Recognizer> MakeIbanRecognizer() {
  return std::make_unique<IbanRecognizer>();
}
std::unique_ptr<Recognizer> MakeBankAccountRecognizer() {
  return std::make_unique<BankAccountRecognizer>();
}

}  // namespace ptmo::privacy
