// IP address text forms. Pure; thread-safe.
#pragma once

#include <string_view>

namespace ptmo::privacy::validators {

// True for dotted-quad IPv4 "a.b.c.d": exactly four decimal octets 0-255 separated by single
// dots. Octets with a leading zero ("01", "010") are rejected: some parsers read them as
// octal, so such strings are ambiguous and are rarely real addresses.
bool IsValidIpv4(std::string_view s);

// True for the RFC 4291 section 2.2 text forms of IPv6: eight groups of 1-4 hex digits
// separated by ':'; or fewer groups with exactly one "::" standing for one or more zero
// groups; optionally ending in a dotted-quad IPv4 address (valid per IsValidIpv4) that
// takes the place of the last two groups ("::ffff:192.0.2.1"). Zone ids ("%eth0"),
// brackets and prefix lengths ("/64") are not part of the address and are rejected.
bool IsValidIpv6(std::string_view s);

}  // namespace ptmo::privacy::validators
