#include "privacy/ner/gazetteer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "privacy/ner/hash.h"
#include "privacy/ner/tokenizer.h"

namespace ptmo::privacy::ner {
namespace {

uint64_t Key(const std::string& phrase) {
  auto tokens = Tokenize(phrase);
  return PhraseKey(phrase, tokens.data(), tokens.size());
}

TEST(NerGazetteer, LooksUpWordsAndPhrasesIgnoringCaseAndSpacing) {
  Gazetteer g;
  g.Add("Boston", kGazCity);
  g.Add("New York", kGazCity | kGazRegion);
  EXPECT_EQ(g.Lookup(Key("boston")), static_cast<uint32_t>(kGazCity));
  EXPECT_EQ(g.Lookup(Key("NEW   york")), static_cast<uint32_t>(kGazCity | kGazRegion));
  EXPECT_EQ(g.Lookup(Key("Chicago")), 0u);
  // The first word of a phrase says a longer match may start there.
  EXPECT_EQ(g.Lookup(Key("new")), static_cast<uint32_t>(kGazMultiStart));
}

TEST(NerGazetteer, MatchesWithOrWithoutDiacritics) {
  Gazetteer g;
  g.Add("Kraków", kGazCity);
  g.Add("Lucia", kGazFirstName);
  EXPECT_EQ(g.Lookup(Key("KRAKÓW")), static_cast<uint32_t>(kGazCity));
  // The folded key is stored for entries with diacritics...
  auto krakow = Tokenize("Krakow");
  EXPECT_EQ(g.Lookup(PhraseKey("Krakow", krakow.data(), 1)), static_cast<uint32_t>(kGazCity));
  // ...and looked up for text with diacritics (decomposed marks included).
  auto lucia = Tokenize("Lucía");
  EXPECT_EQ(g.Lookup(PhraseKey("Lucía", lucia.data(), 1, true)),
            static_cast<uint32_t>(kGazFirstName));
  std::string decomposed =
      "Luci\xCC\x81"
      "a";
  auto dt = Tokenize(decomposed);
  EXPECT_EQ(g.Lookup(PhraseKey(decomposed, dt.data(), dt.size(), true)),
            static_cast<uint32_t>(kGazFirstName));
  EXPECT_EQ(FoldLatin(U'ł'), U'l');
  EXPECT_EQ(FoldLatin(U'ő'), U'o');
  EXPECT_EQ(FoldLatin(U'ș'), U's');
  EXPECT_EQ(FoldLatin(U'ß'), U'ß');
  EXPECT_EQ(FoldLatin(U'한'), U'한');
}

TEST(NerGazetteer, MergesTheFlagsOfRepeatedEntries) {
  Gazetteer g;
  g.Add("Jordan", kGazFirstName);
  g.Add("jordan", kGazCountry);
  EXPECT_EQ(g.Lookup(HashLower("Jordan")), static_cast<uint32_t>(kGazFirstName | kGazCountry));
  EXPECT_EQ(g.size(), 1u);
}

TEST(NerGazetteer, IgnoresEmptyAndOverlongPhrases) {
  Gazetteer g;
  g.Add("   ", kGazCity);
  g.Add("one two three four five six seven", kGazCity);
  EXPECT_EQ(g.size(), 0u);
}

TEST(NerGazetteer, GrowsAndKeepsEveryEntry) {
  Gazetteer g;
  for (int i = 0; i < 5000; ++i) g.Add("word" + std::to_string(i), kGazCommonWord);
  EXPECT_EQ(g.size(), 5000u);
  EXPECT_GT(g.capacity(), 5000u);
  for (int i = 0; i < 5000; i += 37) {
    EXPECT_EQ(g.Lookup(HashLower("word" + std::to_string(i))),
              static_cast<uint32_t>(kGazCommonWord));
  }
}

TEST(NerGazetteer, RebuildsFromItsSavedTable) {
  Gazetteer g;
  g.Add("Paris", kGazCity);
  auto copy = Gazetteer::FromTable(g.keys(), g.flags());
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->Lookup(HashLower("PARIS")), static_cast<uint32_t>(kGazCity));
  EXPECT_EQ(copy->size(), 1u);
}

TEST(NerGazetteer, RejectsABrokenSavedTable) {
  EXPECT_EQ(Gazetteer::FromTable({1, 2, 0}, {0, 0, 0}).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Gazetteer::FromTable({1, 0}, {0}).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Gazetteer::FromTable({1, 2}, {0, 0}).status().code(), StatusCode::kDataLoss);
}

TEST(NerGazetteer, NamesEveryCategoryFlag) {
  for (int bit = 0; bit < kGazFlagBits; ++bit) EXPECT_NE(GazetteerFlagName(bit), "unknown");
  EXPECT_EQ(GazetteerFlagName(kGazFlagBits), "unknown");
}

}  // namespace
}  // namespace ptmo::privacy::ner
