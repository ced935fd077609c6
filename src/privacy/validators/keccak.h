// Keccak-256 as Ethereum uses it, for EIP-55 address checksums only.
//
// Ethereum hashes with the original Keccak submission's padding (0x01), which differs from
// FIPS 202 SHA3-256 (0x06), so SHA3-256 cannot stand in for it. OpenSSL 3.0, the version
// Debian 12 ships, has no "KECCAK-256" digest (EVP_MD_fetch returns null; it arrived in
// OpenSSL 3.2), so a small implementation of the Keccak-f[1600] sponge lives here. It
// checks address checksums, which are not a security function: it is not constant-time
// and must not be used for anything secret. Pure; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ptmo::privacy::validators {

// Keccak-256 (rate 136 bytes, padding byte 0x01) of `data`.
std::array<uint8_t, 32> Keccak256(std::string_view data);

// FIPS 202 SHA3-256 (same sponge, padding byte 0x06). Exists so tests can check the shared
// permutation against OpenSSL's SHA3-256; use OpenSSL for real SHA3 work.
std::array<uint8_t, 32> Sha3_256(std::string_view data);

}  // namespace ptmo::privacy::validators
