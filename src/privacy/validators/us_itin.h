// US Individual Taxpayer Identification Numbers (9XX-GG-SSSS). Pure; thread-safe.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// True when `digits` (exactly 9 ASCII digits, separators removed) has the ITIN shape the IRS
// issues: first digit 9, and a group (4th and 5th digits) in 50-65, 70-88, 90-92 or 94-99.
// The serial is not constrained.
bool IsValidUsItin(std::string_view digits);

}  // namespace ptmo::privacy::validators
