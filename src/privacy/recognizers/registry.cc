// MakeStructuredRecognizers: every pattern-plus-validator recognizer of personal data.
// (MakeSecretRecognizers lives with the secret recognizers.)
#include "privacy/recognizers/registry.h"

#include "privacy/recognizers/structured.h"

namespace ptmo::privacy {

std::vector<std::unique_ptr<Recognizer>> MakeStructuredRecognizers(const RuleOptions& options) {
  std::vector<std::unique_ptr<Recognizer>> r;
  r.push_back(MakeEmailRecognizer());
  r.push_back(MakeUrlRecognizer());
  r.push_back(MakeIpAddressRecognizer());
  r.push_back(MakeMacAddressRecognizer());
  r.push_back(MakePhoneRecognizer(options.phone_regions));
  r.push_back(MakeCreditCardRecognizer());
  r.push_back(MakeIbanRecognizer());
  r.push_back(MakeBankAccountRecognizer());
  r.push_back(MakeUsTaxIdRecognizer());
  r.push_back(MakeKrRrnRecognizer());
  r.push_back(MakePassportRecognizer());
  r.push_back(MakeDriverLicenseRecognizer());
  r.push_back(MakeCryptoWalletRecognizer());
  r.push_back(MakeDateRecognizer());
  return r;
}

}  // namespace ptmo::privacy
