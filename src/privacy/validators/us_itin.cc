#include "privacy/validators/us_itin.h"

namespace ptmo::privacy::validators {

bool IsValidUsItin(std::string_view digits) {
  if (digits.size() != 9) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  if (digits[0] != '9') return false;
  const int group = (digits[3] - '0') * 10 + (digits[4] - '0');
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) ||
         (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
}

}  // namespace ptmo::privacy::validators
