// Korean resident registration numbers (주민등록번호, YYMMDD-GNNNNNC) and foreigner
// registration numbers (외국인등록번호, same shape with G in 5-8). Pure; thread-safe.
//
// What is accepted, and why:
//   - The first six digits must be a real calendar date. The century comes from the gender
//     digit G: 9/0 -> 1800s, 1/2 -> 1900s, 3/4 -> 2000s for citizens; 5/6 -> 1900s and
//     7/8 -> 2000s for foreigners.
//   - Citizens (G in 0-4, 9): the last digit is a check digit: with weights
//     2,3,4,5,6,7,8,9,2,3,4,5 on the first 12 digits, C = (11 - sum % 11) % 10. Since
//     October 2020 newly issued numbers replace the six digits after G with random digits
//     and carry no check digit, so a citizen number that fails the check is still accepted
//     as kUnverifiable when the birth date is 2020-10-01 or later, and rejected otherwise.
//   - Foreigners (G in 5-8): numbers issued before 2020 follow the old foreigner rule: the
//     registration office (8th-9th digits) is even, the registrant type (12th digit) is
//     6-9, and C = ((11 - sum % 11) % 10 + 2) % 10 with the same weights. Numbers issued
//     since 2020 carry no check digit whatever the birth date, so a foreigner number with
//     a valid date that fails the old rule is accepted as kUnverifiable.
// Callers should give kUnverifiable numbers a lower confidence and want context for them.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

enum class RrnCheck {
  kInvalid,        // wrong length, bad date, or a pre-2020 citizen number failing its check
  kChecksumValid,  // the check digit (citizen or old foreigner rule) matches
  kUnverifiable,   // a valid date with a post-2020 style number that has no check digit
};

struct KrRrnResult {
  RrnCheck check = RrnCheck::kInvalid;
  bool foreigner = false;  // gender digit 5-8
  int birth_year = 0, birth_month = 0, birth_day = 0;
};

// Validates `digits` (exactly 13 ASCII digits, the dash removed) as described above.
KrRrnResult ValidateKrRrn(std::string_view digits);

}  // namespace ptmo::privacy::validators
