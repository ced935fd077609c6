#include "privacy/validators/kr_rrn.h"

#include "privacy/validators/date.h"

namespace ptmo::privacy::validators {

KrRrnResult ValidateKrRrn(std::string_view digits) {
  KrRrnResult r;
  if (digits.size() != 13) return r;
  int d[13];
  for (int i = 0; i < 13; ++i) {
    if (digits[i] < '0' || digits[i] > '9') return r;
    d[i] = digits[i] - '0';
  }
  int century;
  switch (d[6]) {
    case 9:
    case 0: century = 1800; break;
    case 1:
    case 2:
    case 5:
    case 6: century = 1900; break;
    case 3:
    case 4:
    case 7:
    case 8: century = 2000; break;
    default: return r;
  }
  const int year = century + d[0] * 10 + d[1];
  const int month = d[2] * 10 + d[3];
  const int day = d[4] * 10 + d[5];
  if (!IsValidDate(year, month, day)) return r;

  static constexpr int kWeights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += d[i] * kWeights[i];
  const int citizen_check = (11 - sum % 11) % 10;

  r.foreigner = d[6] >= 5 && d[6] <= 8;
  r.birth_year = year;
  r.birth_month = month;
  r.birth_day = day;
  if (r.foreigner) {
    const bool office_even = (d[7] * 10 + d[8]) % 2 == 0;
    const bool type_ok = d[11] >= 6;
    const bool check_ok = (citizen_check + 2) % 10 == d[12];
    r.check =
        office_even && type_ok && check_ok ? RrnCheck::kChecksumValid : RrnCheck::kUnverifiable;
    return r;
  }
  if (citizen_check == d[12]) {
    r.check = RrnCheck::kChecksumValid;
  } else if (year > 2020 || (year == 2020 && month >= 10)) {
    r.check = RrnCheck::kUnverifiable;
  }
  return r;
}

}  // namespace ptmo::privacy::validators
