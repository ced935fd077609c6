// Format-preserving fake values ("surrogates") that replace real sensitive values in
// kSurrogate mode. Each function returns one candidate; the Vault checks it is unused and
// asks again (with a higher `attempt`) when it is not, so the generators only need to make
// plausible values, not unique ones.
#pragma once

#include <string>
#include <string_view>

#include "privacy/core/entity.h"
#include "privacy/vault/random_source.h"

namespace ptmo::privacy::vault_internal {

// One candidate surrogate for `original` of `type`. `attempt` counts the candidates already
// rejected as taken; later attempts draw from wider value spaces (a middle initial for names,
// digits in e-mail addresses, a larger documentation address range for IPs).
//
// The shapes, by type:
//   CREDIT_CARD   same length and grouping, same first digit, Luhn-valid
//   IBAN          same country and layout, random BBAN, valid ISO 7064 mod-97 check digits
//   US_SSN        area 773-899 (never issued before 2011), so it validates yet looks unassigned
//   US_ITIN       9XX-7X-XXXX
//   PHONE         same punctuation; +country code and trunk 0 kept; NANP numbers use 555-01XX
//   EMAIL         first.last@example.{com,org,net} from the built-in name lists
//   PERSON        names from built-in lists (Hangul names for Hangul input), same token count
//   IP_ADDRESS    192.0.2.x / 198.51.100.x / 203.0.113.x (then 198.18.0.0/15); 2001:db8::/32
//   MAC_ADDRESS   random hex, same separators, locally administered unicast
//   URL           same scheme, host example.com, random path
//   LOCATION      a town name from a built-in list (Hangul input: random Hangul syllables)
//   ORGANIZATION  a fictional company ("Contoso"), keeping a suffix such as "Inc." or "GmbH"
//   DATE(_OF_BIRTH) same layout, plausible day/month/year numbers, month names kept as names
//   anything else digits->digits, letters->letters (case kept), punctuation kept
std::string MakeSurrogate(EntityType type, std::string_view original, int attempt,
                          RandomSource& rng);

// The Luhn check digit ('0'..'9') that makes `payload` + digit valid. `payload` holds only
// ASCII digits.
char LuhnCheckDigit(std::string_view payload);

// The ISO 7064 mod-97 remainder of an IBAN-style string of digits and upper-case letters
// (letters count as two digits, A=10 ... Z=35). Returns -1 on any other character.
int Mod97(std::string_view s);

}  // namespace ptmo::privacy::vault_internal
