#include "privacy/validators/crypto.h"

#include <openssl/sha.h>

#include "privacy/validators/keccak.h"

namespace ptmo::privacy::validators {
namespace {

constexpr std::string_view kBase58Alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kBech32Const = 1;
constexpr uint32_t kBech32mConst = 0x2bc830a3;

int Base58Value(char c) {
  const size_t pos = kBase58Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The BCH checksum polynomial of BIP-173 over 5-bit values.
uint32_t Bech32Polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    const uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

// Regroups 5-bit values into bytes; fails on non-zero padding or more than 4 padding bits.
std::optional<std::vector<uint8_t>> FiveBitsToBytes(const uint8_t* in, size_t n) {
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 5) | in[i];
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> Base58CheckDecode(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  // Big-endian base-256 accumulator, multiplied by 58 per input character.
  std::vector<uint8_t> num;
  for (char c : s) {
    int carry = Base58Value(c);
    if (carry < 0) return std::nullopt;
    for (size_t i = num.size(); i-- > 0;) {
      carry += 58 * num[i];
      num[i] = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      num.insert(num.begin(), static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  // Each leading '1' encodes a leading zero byte.
  size_t zeros = 0;
  while (zeros < s.size() && s[zeros] == '1') ++zeros;
  std::string bytes(zeros, '\0');
  bytes.append(num.begin(), num.end());
  if (bytes.size() < 5) return std::nullopt;
  const std::string_view payload(bytes.data(), bytes.size() - 4);
  unsigned char h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), h1);
  SHA256(h1, sizeof(h1), h2);
  for (int i = 0; i < 4; ++i) {
    if (static_cast<unsigned char>(bytes[payload.size() + i]) != h2[i]) return std::nullopt;
  }
  return std::string(payload);
}

bool IsValidBitcoinBase58Address(std::string_view s) {
  if (s.size() < 25 || s.size() > 35) return false;
  auto payload = Base58CheckDecode(s);
  if (!payload || payload->size() != 21) return false;
  const auto version = static_cast<unsigned char>((*payload)[0]);
  return version == 0x00 || version == 0x05;
}

std::optional<Bech32Decoded> Bech32Decode(std::string_view s) {
  if (s.size() < 8 || s.size() > 90) return std::nullopt;
  bool lower = false, upper = false;
  for (char c : s) {
    if (c < 33 || c > 126) return std::nullopt;
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return std::nullopt;
  const size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > s.size()) return std::nullopt;

  Bech32Decoded out;
  out.hrp.reserve(sep);
  for (size_t i = 0; i < sep; ++i) {
    char c = s[i];
    out.hrp.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  // Checksum input: HRP high bits, a zero, HRP low bits, then the data values.
  std::vector<uint8_t> values;
  values.reserve(out.hrp.size() * 2 + 1 + s.size() - sep);
  for (char c : out.hrp) values.push_back(static_cast<uint8_t>(c) >> 5);
  values.push_back(0);
  for (char c : out.hrp) values.push_back(static_cast<uint8_t>(c) & 31);
  for (size_t i = sep + 1; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const size_t v = kBech32Charset.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    values.push_back(static_cast<uint8_t>(v));
  }
  const uint32_t residue = Bech32Polymod(values);
  if (residue == kBech32Const) {
    out.encoding = Bech32Encoding::kBech32;
  } else if (residue == kBech32mConst) {
    out.encoding = Bech32Encoding::kBech32m;
  } else {
    return std::nullopt;
  }
  const size_t data_len = s.size() - sep - 1 - 6;
  out.data.assign(values.end() - static_cast<long>(data_len + 6), values.end() - 6);
  return out;
}

bool IsValidBitcoinSegwitAddress(std::string_view s) {
  auto decoded = Bech32Decode(s);
  if (!decoded || decoded->hrp != "bc" || decoded->data.empty()) return false;
  const int version = decoded->data[0];
  if (version > 16) return false;
  const Bech32Encoding expected = version == 0 ? Bech32Encoding::kBech32 : Bech32Encoding::kBech32m;
  if (decoded->encoding != expected) return false;
  auto program = FiveBitsToBytes(decoded->data.data() + 1, decoded->data.size() - 1);
  if (!program || program->size() < 2 || program->size() > 40) return false;
  if (version == 0 && program->size() != 20 && program->size() != 32) return false;
  return true;
}

EthAddressCheck CheckEthereumAddress(std::string_view s) {
  if (s.size() != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
    return EthAddressCheck::kInvalid;
  }
  const std::string_view hex = s.substr(2);
  bool lower = false, upper = false;
  for (char c : hex) {
    if (HexValue(c) < 0) return EthAddressCheck::kInvalid;
    if (c >= 'a' && c <= 'f') lower = true;
    if (c >= 'A' && c <= 'F') upper = true;
  }
  if (!(lower && upper)) return EthAddressCheck::kNoChecksum;
  // EIP-55: hash the lower-case hex; a letter must be upper case exactly when the matching
  // nibble of the hash is 8 or more.
  std::string lowered(hex);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto hash = Keccak256(lowered);
  for (size_t i = 0; i < 40; ++i) {
    const char c = hex[i];
    if (c >= '0' && c <= '9') continue;
    const int nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
    const bool should_upper = nibble >= 8;
    const bool is_upper = c >= 'A' && c <= 'F';
    if (should_upper != is_upper) return EthAddressCheck::kInvalid;
  }
  return EthAddressCheck::kChecksumValid;
}

}  // namespace ptmo::privacy::validators
