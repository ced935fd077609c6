#include "privacy/ner/trainer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "privacy/ner/corpus.h"
#include "privacy/ner/labels.h"
#include "privacy/ner/ner_tagger.h"

namespace ptmo::privacy::ner {
namespace {

// "<name> lives in <city>." and "<name> works at <org>." with the entity offsets.
LabeledSentence Sentence(const std::string& a, EntityType ta, const std::string& mid,
                         const std::string& b, EntityType tb) {
  LabeledSentence s;
  s.text = a + mid + b + ".";
  s.spans.push_back({0, a.size(), ta});
  s.spans.push_back({a.size() + mid.size(), a.size() + mid.size() + b.size(), tb});
  return s;
}

std::vector<LabeledSentence> TinyCorpus() {
  const std::vector<std::string> names = {"Alice Smith", "Bob Jones",  "Carol White",
                                          "Dan Brown",   "Erin Green", "Frank Black"};
  const std::vector<std::string> cities = {"Paris", "Berlin", "Oslo", "Lima", "Cairo", "Quito"};
  const std::vector<std::string> orgs = {"Acme Corp", "Globex Inc", "Initech LLC", "Umbrella Ltd"};
  std::vector<LabeledSentence> out;
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = 0; j < cities.size(); ++j) {
      if ((i + j) % 2 == 0) {
        out.push_back(Sentence(names[i], EntityType::kPerson, " lives in ", cities[j],
                               EntityType::kLocation));
      } else {
        out.push_back(Sentence(names[i], EntityType::kPerson, " works at ", orgs[j % orgs.size()],
                               EntityType::kOrganization));
      }
    }
  }
  LabeledSentence none;
  none.text = "The weather is nice today.";
  out.push_back(none);
  return out;
}

TrainOptions SmallOptions() {
  TrainOptions o;
  o.epochs = 6;
  o.bucket_bits = 14;
  o.seed = 3;
  return o;
}

TEST(NerTrainer, LearnsToTagATinyCorpus) {
  auto corpus = TinyCorpus();
  auto model = TrainNer(corpus, {}, Gazetteer(), SmallOptions());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  NerTagger tagger(std::move(model).value());
  EvalReport r = EvaluateNer(tagger, corpus);
  EXPECT_EQ(r.micro.false_positives, 0u);
  EXPECT_EQ(r.micro.false_negatives, 0u);
  // And a new combination of the same words.
  std::vector<Span> spans;
  tagger.Find("Frank Black lives in Oslo.", spans);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].type, EntityType::kPerson);
  EXPECT_EQ(spans[0].end, 11u);
  EXPECT_EQ(spans[1].type, EntityType::kLocation);
}

TEST(NerTrainer, IsReproducibleByteForByte) {
  auto corpus = TinyCorpus();
  auto a = TrainNer(corpus, corpus, Gazetteer(), SmallOptions());
  auto b = TrainNer(corpus, corpus, Gazetteer(), SmallOptions());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->Serialize(), b->Serialize());
  TrainOptions other = SmallOptions();
  other.seed = 4;
  auto c = TrainNer(corpus, corpus, Gazetteer(), other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->Serialize(), c->Serialize());
}

TEST(NerTrainer, ReportsProgressOncePerEpoch) {
  auto corpus = TinyCorpus();
  TrainOptions o = SmallOptions();
  std::vector<EpochReport> reports;
  o.on_epoch = [&](const EpochReport& r) { reports.push_back(r); };
  ASSERT_TRUE(TrainNer(corpus, {}, Gazetteer(), o).ok());
  ASSERT_EQ(reports.size(), 6u);
  EXPECT_EQ(reports[0].epoch, 1);
  EXPECT_EQ(reports[5].epochs, 6);
  EXPECT_EQ(reports[0].sentences, corpus.size());
  EXPECT_GE(reports[5].token_accuracy, reports[0].token_accuracy);
  EXPECT_GT(reports[5].token_accuracy, 0.95);
}

TEST(NerTrainer, RejectsBadOptionsAndAnEmptyCorpus) {
  auto corpus = TinyCorpus();
  EXPECT_EQ(TrainNer({}, {}, Gazetteer(), SmallOptions()).status().code(),
            StatusCode::kInvalidArgument);
  TrainOptions o = SmallOptions();
  o.epochs = 0;
  EXPECT_EQ(TrainNer(corpus, {}, Gazetteer(), o).status().code(), StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.bucket_bits = 3;
  EXPECT_EQ(TrainNer(corpus, {}, Gazetteer(), o).status().code(), StatusCode::kInvalidArgument);
}

TEST(NerTrainer, GoldTagsMarkBeginInsideAndLineBreaksInsideAnAddress) {
  std::string text = "Ship to 12 Main St\nSpringfield now";
  auto tokens = Tokenize(text);
  size_t b = text.find("12"), e = text.find(" now");
  auto tags = GoldTags(tokens, {{b, e, EntityType::kLocation}});
  EXPECT_EQ(tags, (std::vector<uint8_t>{kTagO, kTagO, kTagBLoc, kTagILoc, kTagILoc, kTagILoc,
                                        kTagILoc, kTagO}));
}

TEST(NerTrainer, EvaluationCountsExactMatchesPerType) {
  auto corpus = TinyCorpus();
  auto model = TrainNer(corpus, {}, Gazetteer(), SmallOptions());
  ASSERT_TRUE(model.ok());
  NerTagger tagger(std::move(model).value());
  LabeledSentence s;
  s.text = "Alice Smith lives in Paris.";
  s.spans = {{0, 5, EntityType::kPerson}, {21, 26, EntityType::kLocation}};  // wrong PERSON end
  EvalReport r = EvaluateNer(tagger, {s});
  EXPECT_EQ(r.per_type[0].true_positives, 0u);
  EXPECT_EQ(r.per_type[0].false_positives, 1u);
  EXPECT_EQ(r.per_type[0].false_negatives, 1u);
  EXPECT_EQ(r.per_type[1].true_positives, 1u);
  EXPECT_DOUBLE_EQ(r.per_type[1].f1(), 1.0);
  EXPECT_DOUBLE_EQ(r.micro.precision(), 0.5);
  // Nothing found above a score of 2.
  EXPECT_EQ(EvaluateNer(tagger, {s}, 2.0).micro.true_positives, 0u);
}

}  // namespace
}  // namespace ptmo::privacy::ner
