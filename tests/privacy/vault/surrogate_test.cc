// Surrogate mode: fake values that look valid, stay consistent and restore exactly.
#include "privacy/vault/surrogate.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"

namespace ptmo::privacy {
namespace {

using testing::Digits;
using testing::IbanOk;
using testing::LuhnOk;
using testing::SpanOf;

// Masks `value` alone as `type` in a seeded vault and returns its surrogate.
std::string SurrogateOf(Vault& vault, const std::string& value, EntityType type) {
  auto m = vault.Mask(value, {SpanOf(value, value, type)}, MaskMode::kSurrogate);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? m->text : "";
}

// Characters other than letters and digits, in order: the value's "grouping".
std::string Punctuation(std::string_view s) {
  std::string p;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) p += c;
  }
  return p;
}

TEST(SurrogateHelpers, LuhnCheckDigitMatchesKnownNumbers) {
  EXPECT_EQ(vault_internal::LuhnCheckDigit("7992739871"), '3');
  EXPECT_EQ(vault_internal::LuhnCheckDigit("411111111111111"), '1');
  EXPECT_EQ(vault_internal::LuhnCheckDigit("0"), '0');
}

TEST(SurrogateHelpers, Mod97OfAValidRearrangedIbanIsOne) {
  // GB82 WEST 1234 5698 7654 32 rearranged: BBAN + country + check digits.
  EXPECT_EQ(vault_internal::Mod97("WEST12345698765432GB82"), 1);
  EXPECT_EQ(vault_internal::Mod97("WEST12345698765432GB83"), 2);
  EXPECT_EQ(vault_internal::Mod97("ab"), -1);
}

TEST(Surrogate, CreditCardKeepsLengthGroupingAndPassesLuhn) {
  Vault vault({.deterministic_seed = 1});
  for (std::string card : {"4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005",
                           "6011000990139424", "4222222222222"}) {
    for (int i = 0; i < 20; ++i) {
      // A different real number each round, so that each gets a new surrogate.
      std::string real = card;
      real[real.size() - 2] = static_cast<char>('0' + i % 10);
      real[real.size() - 3] = static_cast<char>('0' + i / 10);
      std::string fake = SurrogateOf(vault, real, EntityType::kCreditCard);
      EXPECT_EQ(fake.size(), real.size()) << fake;
      EXPECT_EQ(Punctuation(fake), Punctuation(real)) << fake;
      EXPECT_TRUE(LuhnOk(Digits(fake))) << fake;
      EXPECT_EQ(fake[0], real[0]) << "same card network";
      EXPECT_NE(fake, real);
      if (Digits(real).size() == 15) {
        EXPECT_TRUE(fake[1] == '4' || fake[1] == '7') << fake;
      }
    }
  }
}

TEST(Surrogate, IbanKeepsCountryAndLayoutWithValidCheckDigits) {
  Vault vault({.deterministic_seed = 2});
  for (std::string iban : {"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000",
                           "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300"}) {
    std::string fake = SurrogateOf(vault, iban, EntityType::kIban);
    EXPECT_EQ(fake.size(), iban.size()) << fake;
    EXPECT_EQ(fake.substr(0, 2), iban.substr(0, 2));
    EXPECT_EQ(Punctuation(fake), Punctuation(iban));
    EXPECT_TRUE(IbanOk(fake)) << fake;
    EXPECT_NE(fake, iban);
  }
}

TEST(Surrogate, SsnIsStructurallyValidButFromAnUnissuedArea) {
  Vault vault({.deterministic_seed = 3});
  for (int i = 0; i < 50; ++i) {
    std::string real = "123-45-" + std::to_string(1000 + i);
    std::string fake = SurrogateOf(vault, real, EntityType::kUsSsn);
    ASSERT_EQ(fake.size(), 11u) << fake;
    EXPECT_EQ(fake[3], '-');
    EXPECT_EQ(fake[6], '-');
    int area = std::stoi(fake.substr(0, 3));
    int group = std::stoi(fake.substr(4, 2));
    int serial = std::stoi(fake.substr(7, 4));
    EXPECT_GE(area, 773);
    EXPECT_LE(area, 899);
    EXPECT_NE(area, 666);
    EXPECT_GT(group, 0);
    EXPECT_GT(serial, 0);
  }
  EXPECT_EQ(SurrogateOf(vault, "123456789", EntityType::kUsSsn).size(), 9u);
}

TEST(Surrogate, IpAddressesComeFromDocumentationRanges) {
  Vault vault({.deterministic_seed = 4});
  std::set<std::string> seen;
  for (int i = 1; i <= 300; ++i) {
    std::string real = "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200);
    std::string fake = SurrogateOf(vault, real, EntityType::kIpAddress);
    bool doc = fake.rfind("192.0.2.", 0) == 0 || fake.rfind("198.51.100.", 0) == 0 ||
               fake.rfind("203.0.113.", 0) == 0 || fake.rfind("198.18.", 0) == 0 ||
               fake.rfind("198.19.", 0) == 0;
    EXPECT_TRUE(doc) << fake;
    EXPECT_TRUE(seen.insert(fake).second) << "duplicate surrogate " << fake;
  }
  std::string v6 = SurrogateOf(vault, "fe80::1ff:fe23:4567:890a", EntityType::kIpAddress);
  EXPECT_EQ(v6.rfind("2001:db8::", 0), 0u) << v6;
  std::string with_port = SurrogateOf(vault, "10.0.0.1:8080", EntityType::kIpAddress);
  ASSERT_NE(with_port.find(':'), std::string::npos) << with_port;
  EXPECT_EQ(with_port.substr(with_port.find(':')), ":8080");
}

TEST(Surrogate, PhoneKeepsShapeAndCountryCode) {
  Vault vault({.deterministic_seed = 5});
  std::string us = SurrogateOf(vault, "(415) 867-5309", EntityType::kPhone);
  EXPECT_EQ(Punctuation(us), "() -");
  EXPECT_EQ(us.size(), 14u);
  EXPECT_EQ(us.substr(6), "555-01" + us.substr(12)) << "NANP fiction range: " << us;
  std::string kr = SurrogateOf(vault, "+82 10-1234-5678", EntityType::kPhone);
  EXPECT_EQ(kr.substr(0, 4), "+82 ");
  EXPECT_EQ(Punctuation(kr), "+ --");
  EXPECT_EQ(kr.size(), 16u);
  std::string local = SurrogateOf(vault, "010-9876-5432", EntityType::kPhone);
  EXPECT_EQ(local[0], '0') << "trunk prefix kept";
  EXPECT_EQ(Punctuation(local), "--");
}

TEST(Surrogate, EmailIsAnExampleDomainAddress) {
  Vault vault({.deterministic_seed = 6});
  for (int i = 0; i < 30; ++i) {
    std::string fake =
        SurrogateOf(vault, "user" + std::to_string(i) + "@corp.com", EntityType::kEmail);
    size_t at = fake.find('@');
    ASSERT_NE(at, std::string::npos) << fake;
    std::string domain = fake.substr(at + 1);
    EXPECT_TRUE(domain == "example.com" || domain == "example.org" || domain == "example.net")
        << fake;
    EXPECT_GT(at, 0u);
  }
}

TEST(Surrogate, PersonNamesKeepTokenCountAndCase) {
  Vault vault({.deterministic_seed = 7});
  std::string two = SurrogateOf(vault, "John Smith", EntityType::kPerson);
  EXPECT_EQ(std::count(two.begin(), two.end(), ' '), 1) << two;
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(two[0])));
  std::string one = SurrogateOf(vault, "Alice", EntityType::kPerson);
  EXPECT_EQ(one.find(' '), std::string::npos) << one;
  std::string caps = SurrogateOf(vault, "MARY JONES", EntityType::kPerson);
  for (char c : caps) EXPECT_FALSE(std::islower(static_cast<unsigned char>(c))) << caps;
  std::string korean = SurrogateOf(vault, "홍길동", EntityType::kPerson);
  EXPECT_EQ(korean.size(), 9u) << "three Hangul syllables: " << korean;
  EXPECT_NE(korean, "홍길동");
}

TEST(Surrogate, FakeNameSharesNoPartWithTheRealName) {
  Vault vault({.deterministic_seed = 17});
  // Real names made of the surrogate lists' own words: the fake must still differ in each part.
  for (std::string first : {"Alex", "Jordan", "Taylor", "Morgan", "Casey"}) {
    for (std::string last : {"Abbott", "Vance", "Nash", "Rowe"}) {
      std::string fake = SurrogateOf(vault, first + " " + last, EntityType::kPerson);
      size_t space = fake.find(' ');
      ASSERT_NE(space, std::string::npos) << fake;
      EXPECT_NE(fake.substr(0, space), first) << fake;
      EXPECT_NE(fake.substr(fake.rfind(' ') + 1), last) << fake;
    }
  }
  for (std::string real : {"김민준", "이서연", "박지후", "최하은"}) {
    std::string fake = SurrogateOf(vault, real, EntityType::kPerson);
    EXPECT_NE(fake.substr(0, 3), real.substr(0, 3)) << "surname kept: " << fake;
  }
}

TEST(Surrogate, LocationsAndOrganizationsComeFromBuiltInLists) {
  Vault vault({.deterministic_seed = 18});
  std::string place = SurrogateOf(vault, "Seattle", EntityType::kLocation);
  EXPECT_NE(place, "Seattle");
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(place[0]))) << place;
  for (char c : place.substr(1)) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c))) << place;
  std::string org = SurrogateOf(vault, "Acme Corp", EntityType::kOrganization);
  EXPECT_EQ(org.substr(org.size() - 5), " Corp") << org;
  std::string org2 = SurrogateOf(vault, "Widgets, Inc.", EntityType::kOrganization);
  EXPECT_EQ(org2.substr(org2.size() - 6), ", Inc.") << org2;
  // Many more places than the list holds: still unique.
  std::set<std::string> fakes;
  for (int i = 0; i < 100; ++i) {
    fakes.insert(SurrogateOf(vault, "Town" + std::to_string(i), EntityType::kLocation));
  }
  EXPECT_EQ(fakes.size(), 100u);
}

TEST(Surrogate, MacAddressIsLocallyAdministeredWithSameSeparators) {
  Vault vault({.deterministic_seed = 8});
  std::string fake = SurrogateOf(vault, "00:1A:2B:3C:4D:5E", EntityType::kMacAddress);
  ASSERT_EQ(fake.size(), 17u);
  EXPECT_EQ(Punctuation(fake), ":::::");
  EXPECT_NE(std::string("26AE").find(fake[1]), std::string::npos) << fake;
}

TEST(Surrogate, OtherTypesKeepTheFormat) {
  Vault vault({.deterministic_seed = 9});
  std::string real = "AB12-cd34_Ef";
  std::string fake = SurrogateOf(vault, real, EntityType::kPassport);
  ASSERT_EQ(fake.size(), real.size());
  for (size_t i = 0; i < real.size(); ++i) {
    unsigned char r = real[i], f = fake[i];
    EXPECT_EQ(!!std::isdigit(r), !!std::isdigit(f)) << fake;
    EXPECT_EQ(!!std::isupper(r), !!std::isupper(f)) << fake;
    EXPECT_EQ(!!std::islower(r), !!std::islower(f)) << fake;
    if (!std::isalnum(r)) {
      EXPECT_EQ(r, f);
    }
  }
  EXPECT_NE(fake, real);
}

TEST(Surrogate, SecretKeepsVendorPrefix) {
  Vault vault({.deterministic_seed = 10});
  std::string fake = SurrogateOf(vault, "ghp_abcdEFGH1234ijklMNOP5678qrst", EntityType::kSecret);
  EXPECT_EQ(fake.substr(0, 4), "ghp_");
  EXPECT_EQ(fake.size(), 32u);
}

TEST(Surrogate, SameRealValueAlwaysGetsSameSurrogate) {
  Vault vault({.deterministic_seed = 11});
  std::string text = "John Smith paid with 4111 1111 1111 1111; John Smith again.";
  std::vector<Span> spans = {SpanOf(text, "John Smith", EntityType::kPerson),
                             SpanOf(text, "4111 1111 1111 1111", EntityType::kCreditCard),
                             SpanOf(text, "John Smith", EntityType::kPerson, 20)};
  auto m1 = vault.Mask(text, spans, MaskMode::kSurrogate);
  auto m2 = vault.Mask(text, spans, MaskMode::kSurrogate);
  ASSERT_TRUE(m1.ok() && m2.ok());
  EXPECT_EQ(m1->replacements[0].pseudonym, m1->replacements[2].pseudonym);
  EXPECT_EQ(m1->text, m2->text);
  EXPECT_EQ(vault.Unmask(m1->text), text);
}

TEST(Surrogate, SeededVaultsAreReproducible) {
  std::string text = "Jane Roe, 4111 1111 1111 1111";
  std::vector<Span> spans = {SpanOf(text, "Jane Roe", EntityType::kPerson),
                             SpanOf(text, "4111 1111 1111 1111", EntityType::kCreditCard)};
  Vault a({.deterministic_seed = 42}), b({.deterministic_seed = 42});
  auto ma = a.Mask(text, spans, MaskMode::kSurrogate);
  auto mb = b.Mask(text, spans, MaskMode::kSurrogate);
  ASSERT_TRUE(ma.ok() && mb.ok());
  EXPECT_EQ(ma->text, mb->text);
}

TEST(Surrogate, NeverEqualsARealValueSeenInTheVault) {
  // Every one-digit value is a real value here, so the generator has to step out of the
  // digit space (a random suffix) to find a fake that is not real.
  Vault vault({.deterministic_seed = 12});
  std::vector<std::string> reals;
  std::string text;
  std::vector<Span> spans;
  for (int i = 0; i < 10; ++i) {
    std::string v = std::to_string(i);
    spans.push_back(testing::MakeSpan(EntityType::kPassport, text.size(), text.size() + 1));
    text += v + " ";
    reals.push_back(v);
  }
  auto m = vault.Mask(text, spans, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::set<std::string> fakes;
  for (const auto& r : m->replacements) {
    EXPECT_EQ(std::find(reals.begin(), reals.end(), r.pseudonym), reals.end()) << r.pseudonym;
    EXPECT_TRUE(fakes.insert(r.pseudonym).second) << "duplicate " << r.pseudonym;
  }
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Surrogate, ManyPersonsStayUniqueAndRestorable) {
  Vault vault({.deterministic_seed = 13});
  std::string text;
  std::vector<Span> spans;
  for (int i = 0; i < 2000; ++i) {
    std::string name = "Person" + std::to_string(i) + " Lastname" + std::to_string(i % 37);
    spans.push_back(testing::MakeSpan(EntityType::kPerson, text.size(), text.size() + name.size()));
    text += name + ". ";
  }
  auto m = vault.Mask(text, spans, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::set<std::string> fakes;
  for (const auto& r : m->replacements) fakes.insert(r.pseudonym);
  EXPECT_EQ(fakes.size(), 2000u);
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Surrogate, ValueWithoutLettersOrDigitsStillGetsARestorableSurrogate) {
  Vault vault({.deterministic_seed = 14});
  std::string text = "pw: %%%!";
  auto m = vault.Mask(text, {SpanOf(text, "%%%!", EntityType::kPassword)}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NE(m->text, text);
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Surrogate, KoreanNameRestoresNextToHangulParticles) {
  Vault vault({.deterministic_seed = 15});
  std::string text = "홍길동님께 연락하세요";
  auto m = vault.Mask(text, {SpanOf(text, "홍길동", EntityType::kPerson)}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text.find("홍길동"), std::string::npos);
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Surrogate, IsNotRestoredInsideALongerWord) {
  Vault vault({.deterministic_seed = 16});
  std::string text = "Alice";
  auto m = vault.Mask(text, {SpanOf(text, "Alice", EntityType::kPerson)}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  const std::string fake = m->text;
  EXPECT_EQ(vault.Unmask(fake + "'s book"), "Alice's book");
  EXPECT_EQ(vault.Unmask(fake + "son"), fake + "son");
  EXPECT_EQ(vault.Unmask("x" + fake), "x" + fake);
}

}  // namespace
}  // namespace ptmo::privacy
