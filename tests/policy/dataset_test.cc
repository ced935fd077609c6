// Loader (M4A1 schema, privacy fields, errors naming episode and field), refusal scoring and
// the synthetic generator.
#include "policy/dataset.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "policy/dataset_gen.h"

namespace ptmo::policy {
namespace {

// Two episodes in M4A1's shape; the second interaction of episode 0 is a refusal.
const char* kTwoEpisodes = R"([
 {"id": 7, "image_paths": ["a.jpg", "b.jpg"],
  "interactions": [
   {"question": "q", "task_cat": "Query", "action": 1, "image_index": [1, 0],
    "answer": "The dishes are by the sink.", "score": 1.5, "interaction_time": 2.0},
   {"task_cat": "Assistive System", "action": 0, "image_index": null,
    "answer": "I'm sorry, I can't see your kitchen.", "score": 0.9}],
  "association_score": [[0.2, 0.3], [0.1, 0.25]]},
 {"interactions": [
   {"task_cat": "Query", "action": 0, "image_index": null, "answer": "ok", "score": 0.5,
    "text_level": "SEMI", "text_score": 0.4, "image_sensitivity": [0.1, 0.9]}],
  "association_score": [[0.2, 0.2]]}
])";

TEST(DatasetLoader, ReadsM4A1SchemaWithDefaultsForPrivacyFields) {
  auto ds = ParseDataset(kTwoEpisodes, "two.json");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->num_modalities, 2);
  ASSERT_EQ(ds->tasks, (std::vector<std::string>{"Assistive System", "Query"}));  // sorted
  ASSERT_EQ(ds->episodes.size(), 2u);
  const Episode& e0 = ds->episodes[0];
  EXPECT_EQ(e0.id, 7);
  EXPECT_EQ(e0.turns[0].task_id, 1);
  EXPECT_EQ(e0.turns[0].uploaded, 3u);
  EXPECT_FLOAT_EQ(e0.turns[0].score, 1.5f);
  EXPECT_EQ(e0.turns[0].text_level, 0);  // absent: PUBLIC
  EXPECT_FLOAT_EQ(e0.turns[0].text_score, 0.f);
  EXPECT_FLOAT_EQ(e0.turns[0].image_sensitivity[1], 0.2f);  // absent: documented default
  const Interaction& semi = ds->episodes[1].turns[0];
  EXPECT_EQ(semi.text_level, 1);
  EXPECT_FLOAT_EQ(semi.text_score, 0.4f);
  EXPECT_FLOAT_EQ(semi.image_sensitivity[1], 0.9f);
  EXPECT_EQ(ds->episodes[1].id, 1);  // no "id": position
}

TEST(DatasetLoader, RefusalAnswersScoreZero) {
  auto ds = ParseDataset(kTwoEpisodes, "two.json");
  ASSERT_TRUE(ds.ok());
  const Interaction& refused = ds->episodes[0].turns[1];
  EXPECT_TRUE(refused.refusal);
  EXPECT_FLOAT_EQ(refused.score, 0.f);
}

TEST(Refusal, MatchesTmoMarkersOnly) {
  EXPECT_TRUE(IsRefusal("I'm sorry, but that is not possible."));
  EXPECT_TRUE(IsRefusal("As an AI, I don't have eyes."));
  EXPECT_TRUE(IsRefusal("I can't do that."));
  EXPECT_FALSE(IsRefusal("Sorry for the wait, here it is."));  // case-sensitive, as TMO
  EXPECT_FALSE(IsRefusal("I do not have a camera, but here is a recipe."));
  EXPECT_FALSE(IsRefusal("The cabinet can open."));
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

void ExpectError(const std::string& text, const std::vector<std::string>& parts,
                 const DatasetOptions& options = {}) {
  auto ds = ParseDataset(text, "bad.json", options);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), StatusCode::kInvalidArgument);
  for (const auto& p : parts) {
    EXPECT_NE(ds.status().message().find(p), std::string::npos)
        << "'" << p << "' not in: " << ds.status().message();
  }
}

TEST(DatasetLoader, MissingFieldNamesEpisodeInteractionAndField) {
  ExpectError(Replace(kTwoEpisodes, R"("answer": "ok", "score": 0.5,)", R"("answer": "ok",)"),
              {"bad.json", "episode 1 (id 1)", "interaction 0", "'score'"});
  ExpectError(Replace(kTwoEpisodes, R"("task_cat": "Assistive System", )", ""),
              {"episode 0 (id 7)", "interaction 1", "missing field 'task_cat'"});
}

TEST(DatasetLoader, UnknownTaskWithFixedVocabularyIsAnError) {
  DatasetOptions o;
  o.tasks = {"Query"};
  ExpectError(
      kTwoEpisodes,
      {"episode 0 (id 7)", "interaction 1", "'task_cat'", "unknown task 'Assistive System'"}, o);
}

TEST(DatasetLoader, WrongAssociationTableSizeIsAnError) {
  ExpectError(Replace(kTwoEpisodes, "[[0.2, 0.3], [0.1, 0.25]]", "[[0.2, 0.3]]"),
              {"episode 0 (id 7)", "'association_score'", "one row per interaction (2)"});
  ExpectError(Replace(kTwoEpisodes, "[[0.2, 0.2]]", "[[0.2, 0.2, 0.2]]"),
              {"episode 1 (id 1)", "'association_score' row 0", "2 values"});
}

TEST(DatasetLoader, OutOfRangeValuesAreErrors) {
  ExpectError(Replace(kTwoEpisodes, "\"image_index\": [1, 0]", "\"image_index\": [2]"),
              {"episode 0", "'image_index'"});
  ExpectError(Replace(kTwoEpisodes, "\"text_score\": 0.4", "\"text_score\": 1.4"),
              {"episode 1", "'text_score'"});
  ExpectError(Replace(kTwoEpisodes, "\"SEMI\"", "\"SECRET\""), {"episode 1", "'text_level'"});
  ExpectError(Replace(kTwoEpisodes, "\"action\": 1,", "\"action\": 2,"), {"episode 0", "'action'"});
  ExpectError("[]", {"no episodes"});
  ExpectError("{", {"not valid JSON"});
}

TEST(DatasetGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  GenConfig c;
  c.episodes = 30;
  auto a = GenerateDataset(c), b = GenerateDataset(c);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  c.seed = 2;
  auto d = GenerateDataset(c);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(*a, *d);
}

TEST(DatasetGenerator, OutputLoadsWithConfiguredShape) {
  GenConfig c;
  c.episodes = 40;
  c.modalities = 2;
  c.tasks = {"a", "b", "c"};
  c.min_turns = 3;
  c.max_turns = 3;
  c.share_public = 0;
  c.share_semi = 0;
  c.share_private = 1;
  auto text = GenerateDataset(c);
  ASSERT_TRUE(text.ok());
  auto ds = ParseDataset(*text, "gen");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->num_modalities, 2);
  EXPECT_EQ(ds->tasks.size(), 3u);
  int refusals = 0;
  for (const auto& e : ds->episodes) {
    ASSERT_EQ(e.turns.size(), 3u);
    for (const auto& t : e.turns) {
      EXPECT_EQ(t.text_level, 2);
      EXPECT_GE(t.text_score, 0.7f);
      refusals += t.refusal;
      if (t.refusal) {
        EXPECT_EQ(t.score, 0.f);
      }
    }
  }
  EXPECT_GT(refusals, 0);  // the generator writes refusals; the loader zeroes them
}

TEST(DatasetGenerator, RejectsBadSettingsNamingTheFlag) {
  GenConfig c;
  c.modalities = 9;
  EXPECT_NE(GenerateDataset(c).status().message().find("--modalities"), std::string::npos);
  c = GenConfig();
  c.min_turns = 4;
  c.max_turns = 2;
  EXPECT_NE(GenerateDataset(c).status().message().find("--turns"), std::string::npos);
}

TEST(DatasetGenerator, MeasuredImagePoolReplacesSimulatedSensitivities) {
  GenConfig c;
  c.episodes = 60;
  c.modalities = 3;
  c.image_pool = {{"card.png", 1.0}, {"face.png", 0.55}, {"plain.png", 0.0}};
  auto text = GenerateDataset(c);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto ds = ParseDataset(*text, "gen");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  std::set<float> seen;
  for (const Episode& e : ds->episodes) {
    for (size_t t = 0; t < e.turns.size(); ++t) {
      ASSERT_EQ(e.turns[t].image_sensitivity.size(), 3u);
      for (size_t i = 0; i < 3; ++i) {
        seen.insert(e.turns[t].image_sensitivity[i]);
        // The same images stay attached for the whole dialogue.
        EXPECT_EQ(e.turns[t].image_sensitivity[i], e.turns[0].image_sensitivity[i]);
      }
    }
  }
  EXPECT_EQ(seen, (std::set<float>{0.0f, 0.55f, 1.0f}));
  EXPECT_NE(text->find("\"images\""), std::string::npos);  // names are recorded per episode
  EXPECT_NE(text->find("card.png"), std::string::npos);
}

TEST(DatasetGenerator, PoolLeavesEverythingButImageSensitivityUnchanged) {
  GenConfig c;
  c.episodes = 20;
  auto simulated = ParseDataset(*GenerateDataset(c), "sim");
  c.image_pool = {{"x.png", 0.4}};
  auto measured = ParseDataset(*GenerateDataset(c), "pool");
  ASSERT_TRUE(simulated.ok() && measured.ok());
  ASSERT_EQ(simulated->episodes.size(), measured->episodes.size());
  for (size_t e = 0; e < simulated->episodes.size(); ++e) {
    const Episode& a = simulated->episodes[e];
    const Episode& b = measured->episodes[e];
    ASSERT_EQ(a.turns.size(), b.turns.size());
    for (size_t t = 0; t < a.turns.size(); ++t) {
      EXPECT_EQ(a.turns[t].action, b.turns[t].action);
      EXPECT_EQ(a.turns[t].score, b.turns[t].score);
      EXPECT_EQ(a.turns[t].text_score, b.turns[t].text_score);
      EXPECT_EQ(b.turns[t].image_sensitivity[0], 0.4f);
    }
  }
}

TEST(DatasetGenerator, RejectsPoolImagesWithBadScoresOrNoName) {
  GenConfig c;
  c.image_pool = {{"a.png", 1.5}};
  Status st = GenerateDataset(c).status();
  EXPECT_NE(st.message().find("a.png"), std::string::npos) << st.ToString();
  c.image_pool = {{"", 0.2}};
  EXPECT_NE(GenerateDataset(c).status().message().find("no name"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::policy
