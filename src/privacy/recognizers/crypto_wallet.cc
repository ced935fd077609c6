// CRYPTO_WALLET: Bitcoin (legacy base58check and segwit bech32/bech32m) and Ethereum
// addresses.
#include <re2/re2.h>

#include <string>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/validators/crypto.h"

namespace ptmo::privacy {
namespace {

class CryptoWalletRecognizer : public Recognizer {
 public:
  // Group 1: base58 legacy address; group 2: bech32 segwit; group 3: Ethereum.
  CryptoWalletRecognizer()
      : re_(R"(([13][1-9A-HJ-NP-Za-km-z]{24,33})|)"
            R"(((?i:bc1[02-9ac-hj-np-z]{8,87}))|)"
            R"((0[xX][0-9a-fA-F]{40}))") {}
  std::string_view name() const override { return "crypto_wallet"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // Every address has a digit within its first 3 bytes ("1", "3", "bc1", "0x") and is at
    // most 90 bytes long.
    const auto windows = scan::DigitWindows(text, 2, 90);
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece* g) {
          if (!scan::StandsAlone(text, b, e)) return;
          const std::string_view m = text.substr(b, e - b);
          if (!g[1].empty()) {
            if (!validators::IsValidBitcoinBase58Address(m)) return;
            out.push_back(scan::MakeSpan(EntityType::kCryptoWallet, b, e, 0.95, "crypto_wallet",
                                         {"Bitcoin address, base58check checksum valid"}));
          } else if (!g[2].empty()) {
            if (!validators::IsValidBitcoinSegwitAddress(m)) return;
            out.push_back(scan::MakeSpan(EntityType::kCryptoWallet, b, e, 0.95, "crypto_wallet",
                                         {"Bitcoin segwit address, bech32 checksum valid"}));
          } else {
            switch (validators::CheckEthereumAddress(m)) {
              case validators::EthAddressCheck::kChecksumValid:
                out.push_back(scan::MakeSpan(EntityType::kCryptoWallet, b, e, 0.95, "crypto_wallet",
                                             {"Ethereum address, EIP-55 checksum valid"}));
                break;
              case validators::EthAddressCheck::kNoChecksum:
                // 40 hex digits could also be a SHA-1 or another hash; context helps.
                out.push_back(scan::MakeSpan(EntityType::kCryptoWallet, b, e, 0.75, "crypto_wallet",
                                             {"Ethereum address format (no checksum case)"}));
                break;
              case validators::EthAddressCheck::kInvalid:
                break;  // mixed case that fails EIP-55: a typo or not an address
            }
          }
        });
  }

 private:
  RE2 re_;
};

}  // namespace

std::unique_ptr<Recognizer> MakeCryptoWalletRecognizer() {
  return std::make_unique<CryptoWalletRecognizer>();
}

}  // namespace ptmo::privacy
