// Placeholder, hash and redact modes; span validation.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"

namespace ptmo::privacy {
namespace {

using testing::SpanOf;

TEST(Placeholder, SameValueGetsSamePlaceholder) {
  Vault vault;
  std::string text = "Alice met Bob. Later Alice wrote to alice@example.org.";
  std::vector<Span> spans = {SpanOf(text, "Alice", EntityType::kPerson),
                             SpanOf(text, "Bob", EntityType::kPerson),
                             SpanOf(text, "Alice", EntityType::kPerson, 10),
                             SpanOf(text, "alice@example.org", EntityType::kEmail)};
  auto m = vault.Mask(text, spans, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->text, "<PERSON_1> met <PERSON_2>. Later <PERSON_1> wrote to <EMAIL_1>.");
  EXPECT_EQ(vault.size(), 3u);
}

TEST(Placeholder, NumbersPerTypeInOrderOfFirstAppearanceAcrossCalls) {
  Vault vault;
  std::string first = "Call Dana or Eve";
  auto m1 = vault.Mask(
      first,
      {SpanOf(first, "Dana", EntityType::kPerson), SpanOf(first, "Eve", EntityType::kPerson)},
      MaskMode::kPlaceholder);
  ASSERT_TRUE(m1.ok());
  std::string second = "Eve, Frank and 010-1234-5678";
  auto m2 = vault.Mask(
      second,
      {SpanOf(second, "Eve", EntityType::kPerson), SpanOf(second, "Frank", EntityType::kPerson),
       SpanOf(second, "010-1234-5678", EntityType::kPhone)},
      MaskMode::kPlaceholder);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m1->text, "Call <PERSON_1> or <PERSON_2>");
  EXPECT_EQ(m2->text, "<PERSON_2>, <PERSON_3> and <PHONE_1>");
}

TEST(Placeholder, SameTextOfDifferentTypesGetsDifferentPlaceholders) {
  Vault vault;
  std::string text = "Jordan in Jordan";
  auto m = vault.Mask(text,
                      {SpanOf(text, "Jordan", EntityType::kPerson),
                       SpanOf(text, "Jordan", EntityType::kLocation, 5)},
                      MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "<PERSON_1> in <LOCATION_1>");
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Placeholder, NoPlaceholderIsAPrefixOfAnother) {
  Vault vault;
  std::string text;
  std::vector<Span> spans;
  for (int i = 0; i < 120; ++i) {
    std::string name = "person" + std::to_string(i);
    spans.push_back(testing::MakeSpan(EntityType::kPerson, text.size(), text.size() + name.size()));
    text += name + " ";
  }
  auto m = vault.Mask(text, spans, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  std::vector<std::string> all;
  for (const auto& r : m->replacements) all.push_back(r.pseudonym);
  std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 120u);
  for (const auto& a : unique) {
    for (const auto& b : unique) {
      if (a != b) {
        EXPECT_NE(b.rfind(a, 0), 0u) << a << " is a prefix of " << b;
      }
    }
  }
  // <PERSON_1> and <PERSON_10>..<PERSON_19> and <PERSON_100>.. all restore exactly.
  EXPECT_EQ(vault.Unmask(m->text), text);
  EXPECT_EQ(vault.Unmask("<PERSON_1><PERSON_10><PERSON_100>"), "person0person9person99");
}

TEST(Placeholder, ReplacementsRecordOffsetsInBothTexts) {
  Vault vault;
  std::string text = "mail bob@corp.io now";
  auto m =
      vault.Mask(text, {SpanOf(text, "bob@corp.io", EntityType::kEmail)}, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->replacements.size(), 1u);
  const Replacement& r = m->replacements[0];
  EXPECT_EQ(r.original.type, EntityType::kEmail);
  EXPECT_EQ(text.substr(r.original.begin, r.original.length()), "bob@corp.io");
  EXPECT_EQ(r.pseudonym, "<EMAIL_1>");
  EXPECT_EQ(m->text.substr(r.masked_begin, r.masked_end - r.masked_begin), "<EMAIL_1>");
}

TEST(Placeholder, AvoidsPlaceholdersThatAlreadyAppearInTheText) {
  Vault vault;
  std::string text = "literal <PERSON_1> and Carol";
  auto m = vault.Mask(text, {SpanOf(text, "Carol", EntityType::kPerson)}, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "literal <PERSON_1> and <PERSON_2>");
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Placeholder, SpansMayComeInAnyOrder) {
  Vault vault;
  std::string text = "Ann and Ben";
  auto m = vault.Mask(
      text, {SpanOf(text, "Ben", EntityType::kPerson), SpanOf(text, "Ann", EntityType::kPerson)},
      MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "<PERSON_1> and <PERSON_2>");
}

TEST(Placeholder, UnknownTagsAreLeftAlone) {
  Vault vault;
  std::string text = "Ann";
  ASSERT_TRUE(
      vault.Mask(text, {SpanOf(text, "Ann", EntityType::kPerson)}, MaskMode::kPlaceholder).ok());
  EXPECT_EQ(vault.Unmask("<PERSON_2> <PERSON_1 <PERSON_1>> PERSON_1"),
            "<PERSON_2> <PERSON_1 Ann> PERSON_1");
}

TEST(Hash, TagIsKeyedHmacAndStablePerValue) {
  Vault vault;
  std::string text = "a@x.io b@x.io a@x.io";
  auto m = vault.Mask(
      text,
      {SpanOf(text, "a@x.io", EntityType::kEmail), SpanOf(text, "b@x.io", EntityType::kEmail),
       SpanOf(text, "a@x.io", EntityType::kEmail, 8)},
      MaskMode::kHash);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->replacements.size(), 3u);
  const std::string& tag = m->replacements[0].pseudonym;
  ASSERT_EQ(tag.size(), std::string("<EMAIL:12345678>").size()) << tag;
  EXPECT_EQ(tag.substr(0, 7), "<EMAIL:");
  EXPECT_EQ(tag.find_first_not_of("0123456789abcdef", 7), tag.size() - 1);
  EXPECT_EQ(m->replacements[2].pseudonym, tag);
  EXPECT_NE(m->replacements[1].pseudonym, tag);
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(Hash, DifferentVaultsUseDifferentKeys) {
  std::string text = "secret-value";
  Vault a, b;
  auto ma = a.Mask(text, {SpanOf(text, text, EntityType::kSecret)}, MaskMode::kHash);
  auto mb = b.Mask(text, {SpanOf(text, text, EntityType::kSecret)}, MaskMode::kHash);
  ASSERT_TRUE(ma.ok() && mb.ok());
  EXPECT_NE(ma->text, mb->text);
  EXPECT_EQ(b.Unmask(ma->text), ma->text) << "one vault must not restore another's tags";
}

TEST(Redact, ReplacesWithTypeTagAndRemembersNothing) {
  Vault vault;
  std::string text = "ssn 123-45-6789, mail x@y.io";
  auto m = vault.Mask(
      text,
      {SpanOf(text, "123-45-6789", EntityType::kUsSsn), SpanOf(text, "x@y.io", EntityType::kEmail)},
      MaskMode::kRedact);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "ssn [REDACTED_US_SSN], mail [REDACTED_EMAIL]");
  EXPECT_EQ(vault.size(), 0u);
  EXPECT_EQ(vault.Unmask(m->text), m->text);
}

TEST(Modes, OneValueKeepsOnePseudonymPerMode) {
  Vault vault;
  std::string text = "Ann";
  std::vector<Span> spans = {SpanOf(text, "Ann", EntityType::kPerson)};
  auto p = vault.Mask(text, spans, MaskMode::kPlaceholder);
  auto h = vault.Mask(text, spans, MaskMode::kHash);
  auto p2 = vault.Mask(text, spans, MaskMode::kPlaceholder);
  ASSERT_TRUE(p.ok() && h.ok() && p2.ok());
  EXPECT_EQ(p->text, p2->text);
  EXPECT_NE(p->text, h->text);
  EXPECT_EQ(vault.Unmask(p->text + " " + h->text), "Ann Ann");
  EXPECT_EQ(vault.OriginalOf(p->text), "Ann");
  EXPECT_EQ(vault.OriginalOf("<PERSON_7>"), std::nullopt);
}

TEST(ModeNames, RoundTrip) {
  for (MaskMode m :
       {MaskMode::kPlaceholder, MaskMode::kSurrogate, MaskMode::kHash, MaskMode::kRedact}) {
    EXPECT_EQ(ParseMaskMode(MaskModeName(m)), m);
  }
  EXPECT_EQ(ParseMaskMode("Placeholder"), std::nullopt);
}

TEST(SpanChecks, RejectsOverlappingSpans) {
  Vault vault;
  std::string text = "abcdefgh";
  auto m = vault.Mask(
      text,
      {testing::MakeSpan(EntityType::kPerson, 0, 4), testing::MakeSpan(EntityType::kEmail, 3, 6)},
      MaskMode::kPlaceholder);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("overlap"), std::string::npos) << m.status().message();
}

TEST(SpanChecks, RejectsSpanPastTheEnd) {
  Vault vault;
  auto m =
      vault.Mask("abc", {testing::MakeSpan(EntityType::kPerson, 1, 9)}, MaskMode::kPlaceholder);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("span 0 (PERSON [1, 9)) ends past the text"),
            std::string::npos)
      << m.status().message();
}

TEST(SpanChecks, RejectsEmptySpan) {
  Vault vault;
  auto m =
      vault.Mask("abc", {testing::MakeSpan(EntityType::kPerson, 1, 1)}, MaskMode::kPlaceholder);
  EXPECT_FALSE(m.ok());
}

TEST(SpanChecks, RejectsSpanInsideAUtf8Character) {
  Vault vault;
  std::string text = "홍길동";  // 3 bytes per syllable
  auto m = vault.Mask(text, {testing::MakeSpan(EntityType::kPerson, 1, 6)}, MaskMode::kPlaceholder);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("UTF-8"), std::string::npos);
}

TEST(SpanChecks, RejectsInvalidUtf8Text) {
  Vault vault;
  std::string text = "ok \xff bad";
  auto m = vault.Mask(text, {testing::MakeSpan(EntityType::kPerson, 0, 2)}, MaskMode::kPlaceholder);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("byte 3"), std::string::npos) << m.status().message();
}

TEST(SpanChecks, NoSpansLeavesTextUnchanged) {
  Vault vault;
  auto m = vault.Mask("nothing here", {}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "nothing here");
  EXPECT_TRUE(m->replacements.empty());
}

}  // namespace
}  // namespace ptmo::privacy
