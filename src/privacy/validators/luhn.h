// The Luhn (mod 10) check digit of ISO/IEC 7812, used by payment card numbers.
// Pure functions; safe to call from any thread.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// True when `digits` consists only of ASCII digits (at least two) and passes the Luhn check:
// doubling every second digit from the right (subtracting 9 from results above 9) and adding
// all digits gives a multiple of 10. False for empty input or any non-digit byte.
bool LuhnValid(std::string_view digits);

}  // namespace ptmo::privacy::validators
