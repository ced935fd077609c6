// Factories for the rule-based recognizers (patterns + validators), grouped by family.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "privacy/core/recognizer.h"

namespace ptmo::privacy {

struct RuleOptions {
  // Regions whose national phone formats are recognized (ISO 3166 alpha-2), besides any
  // number written in international +CC form.
  std::vector<std::string> phone_regions = {"US", "KR", "GB", "DE", "FR", "JP", "CN", "IN"};
};

// EMAIL, PHONE, URL, IP_ADDRESS, MAC_ADDRESS, CREDIT_CARD, IBAN, US_SSN, US_ITIN, KR_RRN,
// PASSPORT, DRIVER_LICENSE, BANK_ACCOUNT, CRYPTO_WALLET, DATE_OF_BIRTH, DATE.
std::vector<std::unique_ptr<Recognizer>> MakeStructuredRecognizers(const RuleOptions& options);

// SECRET (credential formats, high-entropy tokens near key words) and PASSWORD.
std::vector<std::unique_ptr<Recognizer>> MakeSecretRecognizers();

}  // namespace ptmo::privacy
