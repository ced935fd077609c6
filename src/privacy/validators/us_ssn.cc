#include "privacy/validators/us_ssn.h"

namespace ptmo::privacy::validators {

bool IsValidUsSsn(std::string_view digits) {
  if (digits.size() != 9) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (digits[i] - '0');
    return v;
  };
  const int area = num(0, 3), group = num(3, 2), serial = num(5, 4);
  if (area == 0 || area == 666 || area >= 900) return false;
  if (group == 0 || serial == 0) return false;
  static constexpr std::string_view kVoid[] = {"078051120", "219099999", "123456789"};
  for (std::string_view v : kVoid) {
    if (digits == v) return false;
  }
  if (digits.find_first_not_of(digits[0]) == std::string_view::npos) return false;
  return true;
}

}  // namespace ptmo::privacy::validators
