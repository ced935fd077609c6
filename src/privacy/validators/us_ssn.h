// US Social Security Numbers (AAA-GG-SSSS). Pure functions; safe to call from any thread.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// True when `digits` (exactly 9 ASCII digits, separators removed) could be an SSN issued by
// the Social Security Administration:
//   - area (first 3) not 000, not 666 and not 900-999 (900-999 are ITINs, see us_itin.h);
//   - group (middle 2) not 00; serial (last 4) not 0000;
//   - not a number known to be void: 078-05-1120 (printed on a wallet insert in 1938 and
//     used by thousands), 219-09-9999 (an SSA advertisement), 123-45-6789 (the standard
//     placeholder), and numbers made of one repeated digit (111-11-1111), which are
//     placeholders in practice.
bool IsValidUsSsn(std::string_view digits);

}  // namespace ptmo::privacy::validators
