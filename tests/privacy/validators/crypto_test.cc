#include "privacy/validators/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "privacy/validators/keccak.h"

namespace ptmo::privacy::validators {
namespace {

std::string Hex(const std::array<uint8_t, 32>& h) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : h) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

TEST(Keccak, MatchesPublishedKeccak256Digests) {
  EXPECT_EQ(Hex(Keccak256("")), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(Hex(Keccak256("abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak, SharedPermutationAgreesWithOpenSslSha3) {
  // Lengths around the 136-byte rate exercise multi-block absorption and padding edges.
  for (size_t n : {0u, 1u, 135u, 136u, 137u, 272u, 1000u}) {
    std::string data(n, '\0');
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<char>(i * 31 + 7);
    std::array<uint8_t, 32> expected{};
    unsigned int len = 0;
    ASSERT_EQ(EVP_Digest(data.data(), data.size(), expected.data(), &len, EVP_sha3_256(), nullptr),
              1);
    EXPECT_EQ(Hex(Sha3_256(data)), Hex(expected)) << "length " << n;
  }
}

TEST(Base58Check, AcceptsLegacyBitcoinAddresses) {
  EXPECT_TRUE(IsValidBitcoinBase58Address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));  // P2PKH
  EXPECT_TRUE(IsValidBitcoinBase58Address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));  // P2SH
  EXPECT_TRUE(IsValidBitcoinBase58Address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
}

TEST(Base58Check, RejectsChecksumErrorsAndForeignCharacters) {
  EXPECT_FALSE(IsValidBitcoinBase58Address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
  EXPECT_FALSE(IsValidBitcoinBase58Address("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"));
  EXPECT_FALSE(IsValidBitcoinBase58Address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0"));  // '0'
  EXPECT_FALSE(IsValidBitcoinBase58Address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNl"));  // 'l'
  EXPECT_FALSE(IsValidBitcoinBase58Address(""));
}

TEST(Base58Check, DecodesVersionByteAndPayload) {
  auto payload = Base58CheckDecode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(payload->size(), 21u);
  EXPECT_EQ((*payload)[0], '\0');
  auto p2sh = Base58CheckDecode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
  ASSERT_TRUE(p2sh.has_value());
  EXPECT_EQ((*p2sh)[0], '\x05');
}

TEST(Bech32, ValidatesBip173AndBip350ChecksumVectors) {
  for (const char* s : {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
    auto d = Bech32Decode(s);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(d->encoding, Bech32Encoding::kBech32) << s;
  }
  for (const char* s : {"A1LQFN3A", "a1lqfn3a", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                        "split1checkupstagehandshakeupstreamerranterredcaperredlc445v"}) {
    auto d = Bech32Decode(s);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(d->encoding, Bech32Encoding::kBech32m) << s;
  }
}

TEST(Bech32, RejectsMalformedStrings) {
  EXPECT_FALSE(Bech32Decode("pzry9x0s0muk").has_value());   // no separator
  EXPECT_FALSE(Bech32Decode("1pzry9x0s0muk").has_value());  // empty HRP
  EXPECT_FALSE(Bech32Decode("x1b4n0q5v").has_value());      // 'b' is not in the charset
  EXPECT_FALSE(Bech32Decode("li1dgmt3").has_value());       // checksum too short
  EXPECT_FALSE(Bech32Decode("A12uEL5L").has_value());       // mixed case
  EXPECT_FALSE(Bech32Decode("a12uel5m").has_value());       // checksum
}

TEST(SegwitAddress, AcceptsVersionZeroAndTaproot) {
  EXPECT_TRUE(IsValidBitcoinSegwitAddress("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
  EXPECT_TRUE(IsValidBitcoinSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
  EXPECT_TRUE(IsValidBitcoinSegwitAddress(
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"));
}

TEST(SegwitAddress, RejectsWrongNetworkEncodingAndCase) {
  // Testnet HRP.
  EXPECT_FALSE(IsValidBitcoinSegwitAddress(
      "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"));
  // Version 1 written with the old bech32 checksum (valid under BIP-173, not BIP-350).
  EXPECT_FALSE(IsValidBitcoinSegwitAddress(
      "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx"));
  EXPECT_FALSE(IsValidBitcoinSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
  EXPECT_FALSE(IsValidBitcoinSegwitAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7KV8F3T4"));
}

TEST(Ethereum, VerifiesEip55Checksums) {
  for (const char* s :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    EXPECT_EQ(CheckEthereumAddress(s), EthAddressCheck::kChecksumValid) << s;
  }
}

TEST(Ethereum, RejectsMixedCaseThatFailsTheChecksum) {
  EXPECT_EQ(CheckEthereumAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
            EthAddressCheck::kInvalid);
  EXPECT_EQ(CheckEthereumAddress("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            EthAddressCheck::kInvalid);
}

TEST(Ethereum, SingleCaseAddressesHaveNoChecksum) {
  EXPECT_EQ(CheckEthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
            EthAddressCheck::kNoChecksum);
  EXPECT_EQ(CheckEthereumAddress("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"),
            EthAddressCheck::kNoChecksum);
}

TEST(Ethereum, RejectsWrongShape) {
  EXPECT_EQ(CheckEthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"),
            EthAddressCheck::kInvalid);
  EXPECT_EQ(CheckEthereumAddress("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00"),
            EthAddressCheck::kInvalid);
  EXPECT_EQ(CheckEthereumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg"),
            EthAddressCheck::kInvalid);
}

}  // namespace
}  // namespace ptmo::privacy::validators
