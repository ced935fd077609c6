// CRYPTO_WALLET recognizer.
#include <gtest/gtest.h>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_test_util.h"

namespace ptmo::privacy {
namespace {

using ::ptmo::privacy::structured_testing::Covered;
using ::ptmo::privacy::structured_testing::Kept;
using ::ptmo::privacy::structured_testing::Scan;
using ::ptmo::privacy::structured_testing::SpanFor;
using Strings = std::vector<std::string>;

TEST(CryptoWallet, FindsBitcoinLegacyAndSegwitAddresses) {
  auto r = MakeCryptoWalletRecognizer();
  const std::string text =
      "Send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy or "
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 or "
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0.";
  const auto spans = Scan(*r, text);
  EXPECT_EQ(Covered(text, spans),
            (Strings{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
                     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                     "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"}));
  for (const Span& s : spans) {
    EXPECT_EQ(s.type, EntityType::kCryptoWallet);
    EXPECT_GE(s.score, 0.95);
  }
}

TEST(CryptoWallet, FindsEthereumAddressesAndScoresChecksummedOnesHigher) {
  auto r = MakeCryptoWalletRecognizer();
  const std::string text =
      "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed and "
      "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";
  const auto spans = Scan(*r, text);
  ASSERT_EQ(spans.size(), 2u);
  const Span* checked = SpanFor(text, spans, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  const Span* lower = SpanFor(text, spans, "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
  ASSERT_NE(checked, nullptr);
  ASSERT_NE(lower, nullptr);
  EXPECT_GE(checked->score, 0.95);
  EXPECT_EQ(checked->reasons[0], "Ethereum address, EIP-55 checksum valid");
  EXPECT_LT(lower->score, checked->score);
  EXPECT_GE(lower->score, 0.7);
}

TEST(CryptoWallet, RejectsChecksumFailures) {
  auto r = MakeCryptoWalletRecognizer();
  for (const char* text :
       {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx"}) {
    EXPECT_TRUE(Scan(*r, text).empty()) << text;
  }
}

TEST(CryptoWallet, RejectsLongerHexAndEmbeddedStrings) {
  auto r = MakeCryptoWalletRecognizer();
  EXPECT_TRUE(Scan(*r, "sha 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").empty());
  EXPECT_TRUE(Scan(*r, "x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").empty());
}

TEST(CryptoWallet, WalletWordRaisesThePatternOnlyScore) {
  auto r = MakeCryptoWalletRecognizer();
  const auto kept = Kept(*r, "my ethereum wallet 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_GE(kept[0].score, 0.95);
}

}  // namespace
}  // namespace ptmo::privacy
