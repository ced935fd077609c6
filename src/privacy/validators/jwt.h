// Base64 decoding and JSON Web Token (RFC 7519 / RFC 7515 compact form) validation.
//
// A string that merely looks like "xxx.yyy.zzz" is common (version numbers, file names,
// domain names); a real JWT's first part decodes to a JSON object naming its signing
// algorithm. Checking that is cheap and removes nearly all false positives.
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ptmo::privacy::validators {

// Decodes base64url (RFC 4648 section 5: '-' and '_' instead of '+' and '/'). Padding '=' is
// optional but, when present, must complete the last 4-character group. Returns nullopt on
// any other character (including whitespace), misplaced padding, or a length that leaves a
// single character in the last group.
std::optional<std::string> Base64UrlDecode(std::string_view in);

// Same as Base64UrlDecode for the standard alphabet (RFC 4648 section 4: '+' and '/').
std::optional<std::string> Base64StdDecode(std::string_view in);

// The "alg" header value of a compact JWS/JWT `token` ("HS256", "RS256", "none"...), or nullopt
// when `token` is not a valid JWT: it must have exactly three dot-separated parts; the header
// and payload must be non-empty base64url; the signature must be base64url and may be empty
// only for "alg":"none"; the header must decode to a JSON object with a non-empty string
// "alg". The payload is not required to be JSON (RFC 7515 allows any payload).
std::optional<std::string> JwtAlgorithm(std::string_view token);

// True when JwtAlgorithm(token) has a value.
inline bool IsValidJwt(std::string_view token) {
  return JwtAlgorithm(token).has_value();
}

}  // namespace ptmo::privacy::validators
