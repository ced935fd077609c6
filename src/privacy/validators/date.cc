#include "privacy/validators/date.h"

#include <optional>

namespace ptmo::privacy::validators {

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && day >= 1 && day <= DaysInMonth(year, month);
}

namespace {

// Parses a run of 1..max_len digits; nullopt for anything else.
std::optional<int> Number(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

bool IsNumericDate(std::string_view s) {
  const size_t a = s.find_first_of("-/.");
  if (a == std::string_view::npos) return false;
  const char sep = s[a];
  const size_t b = s.find(sep, a + 1);
  if (b == std::string_view::npos || s.find(sep, b + 1) != std::string_view::npos) return false;
  const std::string_view p1 = s.substr(0, a), p2 = s.substr(a + 1, b - a - 1), p3 = s.substr(b + 1);
  auto year_ok = [](int y) { return y >= 1800 && y <= 2199; };
  if (p1.size() == 4) {  // YYYY-MM-DD
    auto y = Number(p1, 4), m = Number(p2, 2), d = Number(p3, 2);
    return y && m && d && year_ok(*y) && IsValidDate(*y, *m, *d);
  }
  if (p3.size() == 4) {  // DD-MM-YYYY or MM-DD-YYYY
    auto x = Number(p1, 2), z = Number(p2, 2), y = Number(p3, 4);
    if (!x || !z || !y || !year_ok(*y)) return false;
    return IsValidDate(*y, *z, *x) || IsValidDate(*y, *x, *z);
  }
  return false;
}

}  // namespace ptmo::privacy::validators
