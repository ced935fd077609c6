// Unmask(Mask(text)) == text for a fresh vault, for any text, in every restorable mode: the
// regressions the scan fuzzer found (surrogates glued to a neighbouring letter or digit) and a
// randomized sweep over texts and span positions that no analyzer would produce.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"

namespace ptmo::privacy {
namespace {

using testing::MakeSpan;
using testing::SpanOf;

constexpr MaskMode kRestorableModes[] = {MaskMode::kPlaceholder, MaskMode::kSurrogate,
                                         MaskMode::kHash};

bool IsPlaceholder(std::string_view p) {
  return p.size() > 2 && p.front() == '<' && p.back() == '>' && p.find(':') == p.npos;
}

// Masks `text` in a fresh seeded vault and expects Unmask to give it back.
void ExpectRoundTrip(const std::string& text, const std::vector<Span>& spans, uint64_t seed = 1) {
  for (MaskMode mode : kRestorableModes) {
    Vault vault({.deterministic_seed = seed});
    auto m = vault.Mask(text, spans, mode);
    ASSERT_TRUE(m.ok()) << MaskModeName(mode) << ": " << m.status().ToString();
    EXPECT_EQ(vault.Unmask(m->text), text) << MaskModeName(mode) << "\nmasked: " << m->text;
  }
}

TEST(RoundTrip, RestoresASurrogateSpanFollowedByADigit) {
  // Fuzzer input: a URL span "e.do" right before "8". Its surrogate ended in a letter, was
  // glued to the "8", and the word-boundary rule refused to restore it.
  ExpectRoundTrip("e.do8", {MakeSpan(EntityType::kUrl, 0, 4)});
}

TEST(RoundTrip, RestoresASurrogateSpanFollowedByALetter) {
  // Fuzzer input: a PERSON span "e m." right before "pt".
  ExpectRoundTrip("e m.pt", {MakeSpan(EntityType::kPerson, 0, 4)});
}

TEST(RoundTrip, RestoresSurrogateSpansInsideWordsOnBothSides) {
  const std::string text = "xAlice Bob7 9Carol_ 한Dave한";
  ExpectRoundTrip(
      text,
      {SpanOf(text, "Alice", EntityType::kPerson), SpanOf(text, "Bob", EntityType::kPerson),
       SpanOf(text, "Carol", EntityType::kPerson), SpanOf(text, "Dave", EntityType::kPerson)});
}

TEST(RoundTrip, RestoresAdjacentSpansWhoseSurrogatesWouldTouch) {
  const std::string text = "AliceBob 4111111111111111Alice";
  ExpectRoundTrip(text, {MakeSpan(EntityType::kPerson, 0, 5), MakeSpan(EntityType::kPerson, 5, 8),
                         SpanOf(text, "4111111111111111", EntityType::kCreditCard),
                         SpanOf(text, "Alice", EntityType::kPerson, 9)});
}

TEST(RoundTrip, NeverHandsOutAPlaceholderTheUserTyped) {
  // More typed placeholders than Mask has rounds to re-draw colliding ones.
  std::string text;
  for (int n = 1; n <= 40; ++n) text += "<PERSON_" + std::to_string(n) + "> ";
  text += "Alice";
  Vault vault;
  auto m = vault.Mask(text, {SpanOf(text, "Alice", EntityType::kPerson)}, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->replacements[0].pseudonym, "<PERSON_41>");
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(GluedSurrogate, IsShownAsThePlaceholderOfTheSameValue) {
  const std::string text = "Alice met Alice2 and xAlice.";
  Vault vault({.deterministic_seed = 3});
  auto m = vault.Mask(
      text,
      {SpanOf(text, "Alice", EntityType::kPerson), SpanOf(text, "Alice", EntityType::kPerson, 1),
       SpanOf(text, "Alice", EntityType::kPerson, 18)},
      MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->replacements.size(), 3u);
  const std::string surrogate = m->replacements[0].pseudonym;
  EXPECT_FALSE(IsPlaceholder(surrogate)) << surrogate;    // free-standing: the surrogate
  EXPECT_EQ(m->replacements[1].pseudonym, "<PERSON_1>");  // glued to "2"
  EXPECT_EQ(m->replacements[2].pseudonym, "<PERSON_1>");  // glued to "x"
  EXPECT_EQ(vault.size(), 1u);
  EXPECT_EQ(vault.OriginalOf(surrogate), "Alice");
  EXPECT_EQ(vault.OriginalOf("<PERSON_1>"), "Alice");
  EXPECT_EQ(vault.Unmask(m->text), text);

  // Later messages keep both names: the surrogate where it stands free, the placeholder in
  // placeholder mode and wherever the surrogate would be glued.
  auto again = vault.Mask("Alice", {MakeSpan(EntityType::kPerson, 0, 5)}, MaskMode::kSurrogate);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->text, surrogate);
  auto glued = vault.Mask("Alice9", {MakeSpan(EntityType::kPerson, 0, 5)}, MaskMode::kSurrogate);
  ASSERT_TRUE(glued.ok());
  EXPECT_EQ(glued->text, "<PERSON_1>9");
  auto placeholder =
      vault.Mask("Alice", {MakeSpan(EntityType::kPerson, 0, 5)}, MaskMode::kPlaceholder);
  ASSERT_TRUE(placeholder.ok());
  EXPECT_EQ(placeholder->text, "<PERSON_1>");
  EXPECT_EQ(vault.size(), 1u);
}

TEST(GluedSurrogate, OnlyTheSecondOfTwoTouchingSurrogatesTurnsIntoAPlaceholder) {
  const std::string text = "AliceBob";
  Vault vault({.deterministic_seed = 4});
  auto m =
      vault.Mask(text, {MakeSpan(EntityType::kPerson, 0, 5), MakeSpan(EntityType::kPerson, 5, 8)},
                 MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(IsPlaceholder(m->replacements[0].pseudonym)) << m->text;
  EXPECT_TRUE(IsPlaceholder(m->replacements[1].pseudonym)) << m->text;
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(GluedSurrogate, SurrogateNextToPunctuationOrHangulStaysASurrogate) {
  const std::string text = "(Alice), Alice's, Alice님";
  Vault vault({.deterministic_seed = 5});
  auto m = vault.Mask(
      text,
      {SpanOf(text, "Alice", EntityType::kPerson), SpanOf(text, "Alice", EntityType::kPerson, 2),
       SpanOf(text, "Alice", EntityType::kPerson, 12)},
      MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  for (const Replacement& r : m->replacements) {
    EXPECT_FALSE(IsPlaceholder(r.pseudonym)) << m->text;
  }
  EXPECT_EQ(vault.Unmask(m->text), text);
}

TEST(GluedSurrogate, FreeStandingSurrogateIsStillNotRestoredInsideAWord) {
  Vault vault({.deterministic_seed = 6});
  auto m = vault.Mask("Alice", {MakeSpan(EntityType::kPerson, 0, 5)}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  const std::string fake = m->text;
  ASSERT_FALSE(IsPlaceholder(fake));
  EXPECT_EQ(vault.Unmask(fake + "x"), fake + "x");
  EXPECT_EQ(vault.Unmask("7" + fake), "7" + fake);
  EXPECT_EQ(vault.Unmask(fake + "'s"), "Alice's");
}

// Random text from letters, digits, punctuation, spaces and Hangul; spans at random code point
// positions, so they start and end inside words, next to each other and at the text's ends.
TEST(RoundTrip, RandomTextsAndSpansRestoreExactlyInEveryRestorableMode) {
  static const char* kPieces[] = {
      "a", "e", "m", "x", "Z", "Q", "0",  "7",  "9",  ".",  "-",  "@", ":",          "/",       "'",
      "<", ">", "_", "#", " ", " ", "\n", "홍", "길", "동", "님", "é", "<PERSON_1>", "<URL_1>",
  };
  std::mt19937 rng(20240611);
  const std::vector<EntityType>& types = AllEntityTypes();
  for (int trial = 0; trial < 2000; ++trial) {
    // Code point boundaries of the text, for span ends.
    std::string text;
    std::vector<size_t> cuts = {0};
    const int pieces = 1 + static_cast<int>(rng() % 24);
    for (int i = 0; i < pieces; ++i) {
      std::string_view piece = kPieces[rng() % std::size(kPieces)];
      for (size_t b = 0; b < piece.size(); ++b) {
        text += piece[b];
        if (b + 1 == piece.size() || (static_cast<unsigned char>(piece[b + 1]) & 0xC0) != 0x80) {
          cuts.push_back(text.size());
        }
      }
    }
    // Non-overlapping spans between random boundaries, some of them adjacent.
    std::vector<Span> spans;
    size_t c = 0;
    while (c + 1 < cuts.size()) {
      c += rng() % 3;  // a gap of 0, 1 or 2 code points
      if (c + 1 >= cuts.size()) break;
      size_t end = c + 1 + rng() % 4;
      if (end >= cuts.size()) end = cuts.size() - 1;
      spans.push_back(MakeSpan(types[rng() % types.size()], cuts[c], cuts[end]));
      c = end;
    }
    std::shuffle(spans.begin(), spans.end(), rng);  // Mask takes spans in any order
    for (MaskMode mode : kRestorableModes) {
      Vault vault({.deterministic_seed = static_cast<uint64_t>(trial)});
      auto m = vault.Mask(text, spans, mode);
      ASSERT_TRUE(m.ok()) << MaskModeName(mode) << " trial " << trial << ": "
                          << m.status().ToString();
      ASSERT_EQ(vault.Unmask(m->text), text)
          << MaskModeName(mode) << " trial " << trial << "\nmasked: " << m->text;
    }
  }
}

}  // namespace
}  // namespace ptmo::privacy
