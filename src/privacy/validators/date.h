// Calendar checks (proleptic Gregorian) and numeric date shapes. Pure; thread-safe.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// Gregorian leap year: divisible by 4, except centuries not divisible by 400.
bool IsLeapYear(int year);

// Days in `month` (1-12) of `year`; 0 when month is out of range.
int DaysInMonth(int year, int month);

// True when year >= 1, month is 1-12 and day is 1..DaysInMonth(year, month).
bool IsValidDate(int year, int month, int day);

// True when `s` is an all-numeric date with one separator used twice ('-', '/' or '.'):
// YYYY-MM-DD, or DD-MM-YYYY / MM-DD-YYYY (either reading may be the valid one), with
// one- or two-digit day and month, a four-digit year in 1800-2199, and a valid calendar
// day. Recognizers use it to keep dates out of number-shaped types (phones, accounts, IDs).
bool IsNumericDate(std::string_view s);

}  // namespace ptmo::privacy::validators
