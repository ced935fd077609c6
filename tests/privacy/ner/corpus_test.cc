#include "privacy/ner/corpus.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "privacy/ner/hash.h"
#include "privacy/ner/labels.h"
#include "privacy/ner/tokenizer.h"
#include "util/utf8.h"

namespace ptmo::privacy::ner {
namespace {

std::string NerDataDir() {
  return std::string(PTMO_SOURCE_DIR) + "/data/ner";
}

const CorpusData& Shipped() {
  static const CorpusData* data = [] {
    auto d = LoadCorpusData(NerDataDir());
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return new CorpusData(d.ok() ? std::move(d).value() : CorpusData{});
  }();
  return *data;
}

TEST(NerCorpus, LoadsTheShippedListsAndTemplates) {
  const CorpusData& d = Shipped();
  EXPECT_GT(d.List("first_names").size(), 1000u);
  EXPECT_GT(d.List("last_names").size(), 1000u);
  EXPECT_GT(d.List("cities").size(), 1000u);
  EXPECT_GT(d.List("ko_surnames").size(), 50u);
  EXPECT_GT(d.templates_en.size(), 300u);
  EXPECT_GT(d.templates_ko.size(), 100u);
  EXPECT_FALSE(d.address_en.empty());
  EXPECT_FALSE(d.address_ko.empty());
  EXPECT_TRUE(d.List("no_such_list").empty());
}

TEST(NerCorpus, GeneratesTheSameSentencesFromTheSameSeed) {
  CorpusOptions o;
  o.seed = 11;
  auto a = GenerateCorpus(Shipped(), o, 300);
  auto b = GenerateCorpus(Shipped(), o, 300);
  ASSERT_EQ(a.size(), 300u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text);
    ASSERT_EQ(a[i].spans.size(), b[i].spans.size());
  }
  o.seed = 12;
  auto c = GenerateCorpus(Shipped(), o, 300);
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i].text == c[i].text;
  EXPECT_LT(same, 30u);
}

TEST(NerCorpus, LabelsValidNonOverlappingSpansOnTokenBoundaries) {
  CorpusOptions o;
  o.seed = 5;
  size_t per = 0, loc = 0, org = 0, korean = 0, multiline = 0, empty = 0;
  for (const LabeledSentence& s : GenerateCorpus(Shipped(), o, 3000)) {
    ASSERT_TRUE(utf8::IsValid(s.text)) << s.text;
    auto tokens = Tokenize(s.text);
    size_t prev_end = 0;
    for (const LabeledSpan& sp : s.spans) {
      ASSERT_LT(sp.begin, sp.end) << s.text;
      ASSERT_LE(sp.end, s.text.size());
      ASSERT_GE(sp.begin, prev_end) << s.text;
      prev_end = sp.end;
      ASSERT_GE(TypeClass(sp.type), 0);
      // A span starts on a token boundary and ends on one, or inside a token that starts
      // within it (a vocative glued to a name, "민수야").
      bool starts = false, ends = false;
      for (const Token& t : tokens) {
        starts |= t.begin == sp.begin;
        ends |= t.end == sp.end || (t.begin >= sp.begin && t.begin < sp.end && t.end > sp.end);
      }
      EXPECT_TRUE(starts && ends) << "span [" << s.text.substr(sp.begin, sp.end - sp.begin)
                                  << "] of: " << s.text;
      per += sp.type == EntityType::kPerson;
      loc += sp.type == EntityType::kLocation;
      org += sp.type == EntityType::kOrganization;
      multiline += s.text.substr(sp.begin, sp.end - sp.begin).find('\n') != std::string::npos;
    }
    korean += s.text.find("\xEC") != std::string::npos || s.text.find("\xEB") != std::string::npos;
    empty += s.spans.empty();
  }
  EXPECT_GT(per, 500u);
  EXPECT_GT(loc, 300u);
  EXPECT_GT(org, 300u);
  EXPECT_GT(korean, 400u);
  EXPECT_GT(multiline, 20u);
  EXPECT_GT(empty, 300u);  // many sentences have no entity at all
}

TEST(NerCorpus, PicksKoreanParticlesThatFitTheValue) {
  CorpusOptions o;
  o.seed = 9;
  o.korean_fraction = 1.0;
  size_t checked = 0;
  for (const LabeledSentence& s : GenerateCorpus(Shipped(), o, 2000)) {
    for (const LabeledSpan& sp : s.spans) {
      std::string_view rest = std::string_view(s.text).substr(sp.end);
      std::string_view value = std::string_view(s.text).substr(sp.begin, sp.end - sp.begin);
      if (value.size() < 3) continue;
      size_t len;
      char32_t last = utf8::Decode(value, value.size() - 3, &len);
      if (last < 0xAC00 || last > 0xD7A3 || len != 3) continue;
      bool batchim = (last - 0xAC00) % 28 != 0;
      if (rest.substr(0, 3) == "는") {
        EXPECT_FALSE(batchim) << s.text;
        ++checked;
      } else if (rest.substr(0, 3) == "은" && rest.substr(0, 6) != "은행") {
        EXPECT_TRUE(batchim) << s.text;
        ++checked;
      } else if (rest.substr(0, 3) == "를") {
        EXPECT_FALSE(batchim) << s.text;
        ++checked;
      } else if (rest.substr(0, 3) == "을") {
        EXPECT_TRUE(batchim) << s.text;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST(NerCorpus, BuildsAGazetteerFromTheLists) {
  Gazetteer g = BuildGazetteer(Shipped());
  EXPECT_GT(g.size(), 50000u);
  EXPECT_TRUE(g.Lookup(HashLower("Sarah")) & kGazFirstName);
  EXPECT_TRUE(g.Lookup(HashLower("Kowalski")) & kGazLastName);
  EXPECT_TRUE(g.Lookup(HashLower("Boston")) & kGazCity);
  EXPECT_TRUE(g.Lookup(HashLower("Inc")) & kGazOrgSuffix);
  EXPECT_TRUE(g.Lookup(HashLower("University")) & kGazOrgWord);
  EXPECT_TRUE(g.Lookup(HashLower("서울")) & kGazCity);
  EXPECT_TRUE(g.Lookup(HashLower("강남구")) & kGazDistrict);
  EXPECT_TRUE(g.Lookup(HashLower("삼성전자")) & kGazOrgName);
  EXPECT_TRUE(g.Lookup(HashLower("김")) & kGazKoSurname);
  EXPECT_TRUE(g.Lookup(HashLower("table")) & kGazCommonWord);
  EXPECT_TRUE(g.Lookup(HashLower("Street")) & kGazStreetType);
  EXPECT_TRUE(g.Lookup(HashLower("Rue")) & kGazStreetType);
}

class BadDataDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "ner_corpus_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(NerDataDir(), dir_, std::filesystem::copy_options::recursive);
    std::filesystem::remove(dir_ + "/ner_model.bin");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& file, const std::string& text) {
    std::ofstream(dir_ + "/" + file, std::ios::binary | std::ios::trunc) << text;
  }
  std::string dir_;
};

TEST_F(BadDataDir, ReportsAnUnknownSlotWithFileAndLine) {
  Write("templates_en.txt", "# comment\nHello {PERSON}.\nBye {NOBODY}.\n");
  auto r = LoadCorpusData(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("templates_en.txt' line 3"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("{NOBODY}"), std::string::npos);
}

TEST_F(BadDataDir, ReportsUnclosedAndNestedBrackets) {
  Write("templates_en.txt", "Hello {PERSON.\n");
  EXPECT_NE(LoadCorpusData(dir_).status().message().find("unclosed '{'"), std::string::npos);
  Write("templates_en.txt", "Hello [a|[b|c]].\n");
  EXPECT_NE(LoadCorpusData(dir_).status().message().find("nested"), std::string::npos);
}

TEST_F(BadDataDir, ReportsAMissingOrEmptyList) {
  std::filesystem::remove(dir_ + "/gazetteers/cities.txt");
  auto r = LoadCorpusData(dir_);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("cities.txt"), std::string::npos);
  Write("gazetteers/cities.txt", "# only a comment\n\n");
  EXPECT_EQ(LoadCorpusData(dir_).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(BadDataDir, RejectsInvalidUtf8) {
  Write("gazetteers/countries.txt", "France\n\xC3(\n");
  auto r = LoadCorpusData(dir_);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::privacy::ner
