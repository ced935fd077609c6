// One factory per structured-PII recognizer. MakeStructuredRecognizers (registry.h) returns
// all of them; they are exposed one by one so tests, benchmarks and tools can run a single
// family. Every recognizer returned is immutable after construction and safe to share
// between threads; Find runs in time linear in the text (RE2 patterns plus bounded checks).
//
// Scores are base confidences before context enhancement (context.h adds 0.35 for a
// nearby boost word, subtracts 0.30 for "example"/"test" words, and the Analyzer drops
// spans under 0.4). Formats proven by a checksum score 0.9 or more and pass on their own;
// pattern-only formats score lower; types that are just "some number" (bank accounts,
// passports, driver's licenses, bare 9-digit SSNs) are only emitted when a context word
// of their type is within 5 words.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "privacy/core/recognizer.h"

namespace ptmo::privacy {

// EMAIL: local@domain with a real TLD (see tld_list.h).
std::unique_ptr<Recognizer> MakeEmailRecognizer();
// URL: scheme URLs (http, https, ftp), "www." hosts and bare domains such as "example.com".
std::unique_ptr<Recognizer> MakeUrlRecognizer();
// IP_ADDRESS: validated IPv4 dotted quads and IPv6 (compressed and embedded-IPv4 forms).
std::unique_ptr<Recognizer> MakeIpAddressRecognizer();
// MAC_ADDRESS: six hex pairs joined by ':' or '-', or Cisco "xxxx.xxxx.xxxx".
std::unique_ptr<Recognizer> MakeMacAddressRecognizer();
// PHONE: libphonenumber's PhoneNumberMatcher (leniency VALID) for each of `regions`
// (ISO 3166 alpha-2; codes libphonenumber does not know are ignored); numbers in +CC
// international form are found whatever the regions. Other phone-shaped digit groups (7-15
// digits: local numbers, other countries' formats) are reported at 0.45 only next to a
// phone word ("Mobile: 723 813 266", "416 60 039 office").
std::unique_ptr<Recognizer> MakePhoneRecognizer(const std::vector<std::string>& regions);
// CREDIT_CARD: 12-19 digits, bare or grouped by spaces/dashes, issuer prefix + Luhn.
std::unique_ptr<Recognizer> MakeCreditCardRecognizer();
// IBAN: compact or space-grouped, registry length and mod 97.
std::unique_ptr<Recognizer> MakeIbanRecognizer();
// BANK_ACCOUNT: 6-17 digit numbers (dash-grouped allowed) only next to a banking word.
std::unique_ptr<Recognizer> MakeBankAccountRecognizer();
// US_SSN and US_ITIN: AAA-GG-SSSS with dashes or spaces; bare 9 digits only with context.
std::unique_ptr<Recognizer> MakeUsTaxIdRecognizer();
// KR_RRN: YYMMDD-GNNNNNC resident and foreigner registration numbers (see kr_rrn.h).
std::unique_ptr<Recognizer> MakeKrRrnRecognizer();
// PASSPORT: US, KR and generic 6-9 character passport numbers, only with context.
std::unique_ptr<Recognizer> MakePassportRecognizer();
// DRIVER_LICENSE: US state formats and the KR NN-NN-NNNNNN-NN format, only with context.
std::unique_ptr<Recognizer> MakeDriverLicenseRecognizer();
// CRYPTO_WALLET: Bitcoin base58check and bech32/bech32m addresses, Ethereum addresses.
std::unique_ptr<Recognizer> MakeCryptoWalletRecognizer();
// DATE_OF_BIRTH near birth words, DATE otherwise, for valid calendar dates in common forms,
// and month-day dates without a year when the month is named ("June 2", "3월 14일").
std::unique_ptr<Recognizer> MakeDateRecognizer();

}  // namespace ptmo::privacy
