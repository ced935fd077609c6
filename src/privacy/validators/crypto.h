// Cryptocurrency address checks: Bitcoin base58check (P2PKH, P2SH), Bitcoin segwit
// bech32/bech32m (BIP-173, BIP-350) and Ethereum hex addresses with EIP-55 checksums.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::privacy::validators {

// Decodes base58 (Bitcoin alphabet, no 0 O I l) and verifies the trailing 4-byte checksum,
// the first 4 bytes of SHA-256(SHA-256(payload)) (OpenSSL). Returns the payload without the
// checksum (version byte first), or nullopt on a bad character, a too short input or a
// checksum mismatch.
std::optional<std::string> Base58CheckDecode(std::string_view s);

// True for a mainnet legacy address: 25 to 35 characters that base58check-decode to 21
// bytes whose version byte is 0x00 (P2PKH, "1...") or 0x05 (P2SH, "3...").
bool IsValidBitcoinBase58Address(std::string_view s);

enum class Bech32Encoding { kBech32, kBech32m };

struct Bech32Decoded {
  Bech32Encoding encoding = Bech32Encoding::kBech32;
  std::string hrp;            // human-readable part, lower case
  std::vector<uint8_t> data;  // 5-bit values after the separator, checksum removed
};

// Decodes a bech32 or bech32m string per BIP-173/BIP-350: at most 90 characters, printable
// ASCII, not mixed case, a '1' separator (the last one) with a non-empty HRP before it and
// at least 6 data characters after it from the charset "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
// and a checksum whose residue is 1 (bech32) or 0x2bc830a3 (bech32m). nullopt otherwise.
std::optional<Bech32Decoded> Bech32Decode(std::string_view s);

// True for a mainnet segwit address ("bc1..." in one case): witness version 0 encoded with
// bech32 and a 20- or 32-byte program, or version 1-16 encoded with bech32m and a 2-40
// byte program, with zero padding bits.
bool IsValidBitcoinSegwitAddress(std::string_view s);

enum class EthAddressCheck {
  kInvalid,        // not "0x" + 40 hex digits, or mixed case that fails EIP-55
  kNoChecksum,     // all lower or all upper case hex: valid, but nothing to verify
  kChecksumValid,  // mixed case matching the EIP-55 checksum (Keccak-256 of the address)
};

// Checks an Ethereum address "0x" + 40 hex digits (the "0x" may be "0X").
EthAddressCheck CheckEthereumAddress(std::string_view s);

}  // namespace ptmo::privacy::validators
