#include "privacy/validators/aba.h"

namespace ptmo::privacy::validators {

bool IsValidAbaRoutingNumber(std::string_view digits) {
  if (digits.size() != 9) return false;
  int d[9];
  bool all_zero = true;
  for (int i = 0; i < 9; ++i) {
    if (digits[i] < '0' || digits[i] > '9') return false;
    d[i] = digits[i] - '0';
    all_zero = all_zero && d[i] == 0;
  }
  if (all_zero) return false;
  const int prefix = d[0] * 10 + d[1];
  const bool prefix_ok = prefix <= 12 || (prefix >= 21 && prefix <= 32) ||
                         (prefix >= 61 && prefix <= 72) || prefix == 80;
  if (!prefix_ok) return false;
  const int sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return sum % 10 == 0;
}

}  // namespace ptmo::privacy::validators
