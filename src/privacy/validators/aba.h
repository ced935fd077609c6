// US ABA bank routing numbers. Pure; thread-safe.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// True when `digits` is 9 ASCII digits whose first two digits are a Federal Reserve
// routing symbol (00-12, 21-32, 61-72, or 80 for traveler's cheques) and whose weighted
// sum 3-7-1 (3*d1 + 7*d2 + d3 + 3*d4 + ...) is a multiple of 10, and which is not all zeros.
bool IsValidAbaRoutingNumber(std::string_view digits);

}  // namespace ptmo::privacy::validators
