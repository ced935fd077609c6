// The list of real top-level domains used by the URL and e-mail recognizers, so that
// "example.com" counts as a domain and "file.txt" or "e.g" do not.
#pragma once

#include <cstddef>
#include <string_view>

namespace ptmo::privacy {

// True when `tld_lower` (lower-case ASCII, no dot) is a delegated top-level domain in the
// ICANN section of the Public Suffix List, or a punycode IDN TLD ("xn--..."). Thread-safe.
bool IsKnownTld(std::string_view tld_lower);

// Number of entries in the compiled-in list (for tests).
size_t KnownTldCount();

}  // namespace ptmo::privacy
