#include "privacy/ner/features.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "privacy/ner/gazetteer.h"
#include "privacy/ner/hash.h"
#include "privacy/ner/tokenizer.h"

namespace ptmo::privacy::ner {
namespace {

Gazetteer SmallGazetteer() {
  Gazetteer g;
  g.Add("Sarah", kGazFirstName);
  g.Add("Connor", kGazLastName);
  g.Add("Boston", kGazCity);
  g.Add("New York", kGazCity);
  g.Add("Mr", kGazTitle);
  g.Add("김", kGazKoSurname);
  g.Add("민수", kGazKoGiven);
  g.Add("python", kGazCommonWord | kGazProduct);
  return g;
}

struct Featurized {
  std::vector<Token> tokens;
  std::vector<TokenInfo> infos;
};

Featurized Featurize(const std::string& text, const Gazetteer& g) {
  Featurized f;
  Tokenize(text, f.tokens);
  ComputeTokenInfo(text, f.tokens, g, f.infos);
  return f;
}

std::vector<std::vector<uint32_t>> AllFeatures(const Featurized& f, int bits) {
  std::vector<std::vector<uint32_t>> out;
  uint32_t buf[kMaxFeatures];
  for (size_t i = 0; i < f.infos.size(); ++i) {
    size_t k = ExtractFeatures(f.infos.data(), f.infos.size(), i, bits, buf);
    out.emplace_back(buf, buf + k);
  }
  return out;
}

TEST(NerFeatures, AreDeterministicAndWithinTheBucketRange) {
  Gazetteer g = SmallGazetteer();
  std::string text = "I met Sarah Connor in New York last week.";
  auto a = AllFeatures(Featurize(text, g), 16);
  auto b = AllFeatures(Featurize(text, g), 16);
  EXPECT_EQ(a, b);
  for (const auto& token : a) {
    EXPECT_GT(token.size(), 20u);
    EXPECT_LE(token.size(), kMaxFeatures);
    for (uint32_t f : token) EXPECT_LT(f, 1u << 16);
  }
}

TEST(NerFeatures, DependOnTheNeighbouringWords) {
  Gazetteer g = SmallGazetteer();
  auto a = AllFeatures(Featurize("I met Sarah today", g), 18);
  auto b = AllFeatures(Featurize("I saw Sarah today", g), 18);
  EXPECT_NE(a[2], b[2]);  // same token, different left context
}

TEST(NerFeatures, LeaveOutContextWordsWhenAsked) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("I met Sarah today", g);
  uint32_t with[kMaxFeatures], without[kMaxFeatures];
  size_t n_with = ExtractFeatures(f.infos.data(), f.infos.size(), 2, 18, with);
  size_t n_without = ExtractFeatures(f.infos.data(), f.infos.size(), 2, 18, without, true);
  EXPECT_EQ(n_with, n_without + 10);
  Featurized other = Featurize("I saw Sarah yesterday", g);
  uint32_t other_without[kMaxFeatures];
  size_t n_other =
      ExtractFeatures(other.infos.data(), other.infos.size(), 2, 18, other_without, true);
  // Without context words only shapes and positions of neighbours remain; those agree here.
  EXPECT_EQ(std::vector<uint32_t>(without, without + n_without),
            std::vector<uint32_t>(other_without, other_without + n_other));
}

TEST(NerFeatures, MarkGazetteerEntriesCaseInsensitively) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("SARAH connor BOSTON Python", g);
  EXPECT_TRUE(f.infos[0].gaz & kGazFirstName);
  EXPECT_TRUE(f.infos[1].gaz & kGazLastName);
  EXPECT_TRUE(f.infos[2].gaz & kGazCity);
  EXPECT_TRUE(f.infos[3].gaz & kGazProduct);
  EXPECT_FALSE(f.infos[3].gaz & kGazFirstName);
}

TEST(NerFeatures, MatchGazetteerEntriesIgnoringDiacritics) {
  Gazetteer g;
  g.Add("Lucia", kGazFirstName);
  g.Add("São Paulo", kGazCity);
  Featurized f = Featurize("Lucía moved to Sao Paulo", g);
  EXPECT_TRUE(f.infos[0].gaz & kGazFirstName);
  EXPECT_NE(f.infos[0].folded, f.infos[0].lower);
  EXPECT_TRUE(f.infos[3].gaz_begin & kGazCity);
  EXPECT_TRUE(f.infos[4].gaz_inside & kGazCity);
  EXPECT_EQ(f.infos[1].folded, f.infos[1].lower);
}

TEST(NerFeatures, MatchMultiTokenGazetteerPhrases) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("flights to new  York today", g);
  EXPECT_TRUE(f.infos[2].gaz_begin & kGazCity);
  EXPECT_TRUE(f.infos[3].gaz_inside & kGazCity);
  EXPECT_FALSE(f.infos[4].gaz_inside & kGazCity);
  // A phrase never matches across a line break.
  Featurized broken = Featurize("new\nyork", g);
  EXPECT_EQ(broken.infos[0].gaz_begin, 0u);
}

TEST(NerFeatures, DescribeCaseScriptAndPosition) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("Hello IBM and iPhone 42\nseoul 서울 Москва", g);
  EXPECT_TRUE(f.infos[0].bits & kBitCap);
  EXPECT_TRUE(f.infos[0].bits & kBitSentenceStart);
  EXPECT_TRUE(f.infos[1].bits & kBitAllCaps);
  EXPECT_TRUE(f.infos[2].bits & kBitLower);
  EXPECT_TRUE(f.infos[3].bits & kBitMixedCase);
  EXPECT_TRUE(f.infos[4].bits & kBitAllDigits);
  EXPECT_TRUE(f.infos[4].bits & kBitLineEnd);
  EXPECT_TRUE(f.infos[5].bits & kBitNewline);
  EXPECT_TRUE(f.infos[6].bits & kBitLineStart);
  EXPECT_TRUE(f.infos[7].bits & kBitHangul);
  EXPECT_TRUE(f.infos[8].bits & kBitOtherScript);
  EXPECT_TRUE(f.infos[8].bits & kBitCap);
}

TEST(NerFeatures, DoNotStartASentenceAfterATitleOrAnInitial) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("Mr. Spears and J. Smith left. Then Anna came.", g);
  EXPECT_FALSE(f.infos[2].bits & kBitSentenceStart);  // Spears
  EXPECT_FALSE(f.infos[6].bits & kBitSentenceStart);  // Smith
  EXPECT_TRUE(f.infos[9].bits & kBitSentenceStart);   // Then
}

TEST(NerFeatures, RecognizeKoreanSurnamePlusGivenName) {
  Gazetteer g = SmallGazetteer();
  Featurized f = Featurize("김민수 김철수 민수", g);
  EXPECT_TRUE(f.infos[0].bits & kBitKoSurnameStart);
  EXPECT_TRUE(f.infos[0].bits & kBitKoGivenRest);
  EXPECT_TRUE(f.infos[1].bits & kBitKoSurnameStart);
  EXPECT_FALSE(f.infos[1].bits & kBitKoGivenRest);
  EXPECT_FALSE(f.infos[2].bits & kBitKoSurnameStart);
}

TEST(NerFeatures, HashLowerMatchesAcrossCase) {
  EXPECT_EQ(HashLower("ÉCOLE Zürich"), HashLower("école zürich"));
  EXPECT_NE(HashLower("Anna"), HashLower("Anne"));
}

}  // namespace
}  // namespace ptmo::privacy::ner

namespace ptmo::privacy::ner {
namespace {

TEST(NerFeatures, MarkBareAcronymsButNotListedNames) {
  Gazetteer g = SmallGazetteer();
  g.Add("IBM", kGazOrgName);
  Featurized f = Featurize("TCP and IBM and HTTPS2X", g);
  EXPECT_NE(f.infos[0].bits & kBitBareAcronym, 0u);  // TCP
  EXPECT_EQ(f.infos[2].bits & kBitBareAcronym, 0u);  // IBM is a known organization
  EXPECT_EQ(f.infos[4].bits & kBitBareAcronym, 0u);  // too long
}

TEST(NerFeatures, MarkKoreanVerbEndingsButNotKnownNames) {
  Featurized f = Featurize("맛있게 끓이려면 김민수 고양이", SmallGazetteer());
  EXPECT_NE(f.infos[0].bits & kBitKoVerbEnding, 0u);
  EXPECT_NE(f.infos[1].bits & kBitKoVerbEnding, 0u);
  EXPECT_EQ(f.infos[2].bits & kBitKoVerbEnding, 0u);  // surname + given name
  EXPECT_EQ(f.infos[3].bits & kBitKoVerbEnding, 0u);  // a noun
}

TEST(NerFeatures, MarkNumbersWithUnits) {
  Featurized f = Featurize("350F 5GB 1Z Boston", SmallGazetteer());
  EXPECT_NE(f.infos[0].bits & kBitNumberUnit, 0u);
  EXPECT_NE(f.infos[1].bits & kBitNumberUnit, 0u);
  EXPECT_NE(f.infos[2].bits & kBitNumberUnit, 0u);
  EXPECT_EQ(f.infos[3].bits & kBitNumberUnit, 0u);
}

}  // namespace
}  // namespace ptmo::privacy::ner
