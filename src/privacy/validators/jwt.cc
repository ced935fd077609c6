#include "privacy/validators/jwt.h"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace ptmo::privacy::validators {
namespace {

constexpr uint8_t kInvalid = 0xFF;

// Reverse lookup table: byte -> 6-bit value, kInvalid for bytes outside the alphabet.
constexpr std::array<uint8_t, 256> MakeDecodeTable(char c62, char c63) {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<uint8_t>(i);
    t['a' + i] = static_cast<uint8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(52 + i);
  t[static_cast<unsigned char>(c62)] = 62;
  t[static_cast<unsigned char>(c63)] = 63;
  return t;
}

constexpr std::array<uint8_t, 256> kUrlTable = MakeDecodeTable('-', '_');
constexpr std::array<uint8_t, 256> kStdTable = MakeDecodeTable('+', '/');

std::optional<std::string> Decode(std::string_view in, const std::array<uint8_t, 256>& table) {
  // Strip padding, then check it was the right amount for the data before it.
  size_t data_len = in.size();
  while (data_len > 0 && in[data_len - 1] == '=') --data_len;
  const size_t padding = in.size() - data_len;
  if (padding > 2) return std::nullopt;
  if (data_len % 4 == 1) return std::nullopt;  // 6 bits cannot end a byte
  if (padding > 0 && (data_len + padding) % 4 != 0) return std::nullopt;

  std::string out;
  out.reserve(data_len * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; ++i) {
    const uint8_t v = table[static_cast<unsigned char>(in[i])];
    if (v == kInvalid) return std::nullopt;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> Base64UrlDecode(std::string_view in) {
  return Decode(in, kUrlTable);
}

std::optional<std::string> Base64StdDecode(std::string_view in) {
  return Decode(in, kStdTable);
}

std::optional<std::string> JwtAlgorithm(std::string_view token) {
  const size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return std::nullopt;
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return std::nullopt;
  if (token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;  // JWE has 5

  const std::string_view header = token.substr(0, dot1);
  const std::string_view payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature = token.substr(dot2 + 1);
  if (header.empty() || payload.empty()) return std::nullopt;
  if (!Base64UrlDecode(payload) || !Base64UrlDecode(signature)) return std::nullopt;

  const std::optional<std::string> header_json = Base64UrlDecode(header);
  if (!header_json) return std::nullopt;
  // allow_exceptions = false: malformed JSON yields a "discarded" value instead of throwing.
  const nlohmann::json parsed = nlohmann::json::parse(*header_json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  const auto alg = parsed.find("alg");
  if (alg == parsed.end() || !alg->is_string()) return std::nullopt;
  std::string value = alg->get<std::string>();
  if (value.empty()) return std::nullopt;
  if (signature.empty() && value != "none") return std::nullopt;
  return value;
}

}  // namespace ptmo::privacy::validators
