#include "eval/pii_eval.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace ptmo::eval {
namespace {

using privacy::EntityType;
using privacy::Level;

CpSpan S(EntityType t, size_t start, size_t end) {
  return CpSpan{t, start, end};
}

const Metrics& TypeMetrics(const PiiReport& r, EntityType t) {
  for (const auto& [type, m] : r.per_type) {
    if (type == t) return m;
  }
  ADD_FAILURE() << "type " << privacy::EntityTypeName(t) << " not in report";
  static Metrics none;
  return none;
}

bool Listed(const PiiReport& r, EntityType t) {
  for (const auto& [type, m] : r.per_type) {
    if (type == t) return true;
  }
  return false;
}

TEST(CharIoU, IsIntersectionOverUnionOfCodePointRanges) {
  EXPECT_DOUBLE_EQ(CharIoU(S(EntityType::kEmail, 0, 10), S(EntityType::kEmail, 0, 10)), 1.0);
  EXPECT_DOUBLE_EQ(CharIoU(S(EntityType::kEmail, 0, 10), S(EntityType::kEmail, 5, 15)), 5.0 / 15);
  EXPECT_DOUBLE_EQ(CharIoU(S(EntityType::kEmail, 0, 4), S(EntityType::kEmail, 4, 8)), 0.0);
  EXPECT_DOUBLE_EQ(CharIoU(S(EntityType::kEmail, 2, 4), S(EntityType::kEmail, 0, 10)), 0.2);
}

TEST(CharIoU, IgnoresTypes) {
  EXPECT_DOUBLE_EQ(CharIoU(S(EntityType::kEmail, 0, 10), S(EntityType::kUrl, 0, 10)), 1.0);
}

TEST(IouAtLeast, IncludesTheBoundaryExactlyAtOneHalf) {
  // 5 shared of 10: exactly 0.5.
  EXPECT_TRUE(IouAtLeast(S(EntityType::kPhone, 0, 10), S(EntityType::kPhone, 0, 5), 0.5));
  // 4 shared of 8 with the prediction sticking out on the right: exactly 0.5 again.
  EXPECT_TRUE(IouAtLeast(S(EntityType::kPhone, 0, 6), S(EntityType::kPhone, 2, 8), 0.5));
  // 4 of 10: below.
  EXPECT_FALSE(IouAtLeast(S(EntityType::kPhone, 0, 10), S(EntityType::kPhone, 0, 4), 0.5));
  // 7 of 15 (0.4667): just below.
  EXPECT_FALSE(IouAtLeast(S(EntityType::kPhone, 0, 11), S(EntityType::kPhone, 4, 15), 0.5));
}

TEST(MatchSpans, CountsAPredictionAtIouOneHalfAsTruePositive) {
  MatchResult m = MatchSpans({S(EntityType::kPhone, 0, 10)}, {S(EntityType::kPhone, 5, 10)});
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(m.matches[0].iou, 0.5);
  EXPECT_TRUE(m.unmatched_gold.empty());
  EXPECT_TRUE(m.unmatched_pred.empty());
}

TEST(MatchSpans, RejectsAPredictionJustBelowOneHalf) {
  MatchResult m = MatchSpans({S(EntityType::kPhone, 0, 10)}, {S(EntityType::kPhone, 6, 10)});
  EXPECT_TRUE(m.matches.empty());
  EXPECT_EQ(m.unmatched_gold, std::vector<size_t>{0});
  EXPECT_EQ(m.unmatched_pred, std::vector<size_t>{0});
}

TEST(MatchSpans, RequiresTheSameType) {
  MatchResult m = MatchSpans({S(EntityType::kPerson, 0, 10)}, {S(EntityType::kLocation, 0, 10)});
  EXPECT_TRUE(m.matches.empty());
  EXPECT_EQ(m.unmatched_gold.size(), 1u);
  EXPECT_EQ(m.unmatched_pred.size(), 1u);
}

TEST(MatchSpans, MatchesEachGoldSpanAtMostOnce) {
  MatchResult m = MatchSpans({S(EntityType::kEmail, 0, 10)},
                             {S(EntityType::kEmail, 0, 10), S(EntityType::kEmail, 0, 9)});
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].pred, 0u);  // the exact one wins
  EXPECT_EQ(m.unmatched_pred, std::vector<size_t>{1});
}

TEST(MatchSpans, PairsGreedilyByBestIouNotByOrder) {
  // Gold A = [0,10), B = [2,12). P0 = [1,12) overlaps B best (10/11) but P1 = B exactly, so
  // the greedy order is P1-B (1.0), then P0-A (9/12); P0 does not take B first.
  std::vector<CpSpan> gold = {S(EntityType::kPerson, 0, 10), S(EntityType::kPerson, 2, 12)};
  std::vector<CpSpan> pred = {S(EntityType::kPerson, 1, 12), S(EntityType::kPerson, 2, 12)};
  MatchResult m = MatchSpans(gold, pred);
  ASSERT_EQ(m.matches.size(), 2u);
  EXPECT_EQ(m.matches[0].gold, 0u);
  EXPECT_EQ(m.matches[0].pred, 0u);
  EXPECT_DOUBLE_EQ(m.matches[0].iou, 0.75);
  EXPECT_EQ(m.matches[1].gold, 1u);
  EXPECT_EQ(m.matches[1].pred, 1u);
}

TEST(MatchSpans, LeavesTheWorseGoldUnmatchedWhenOnePredictionCoversTwo) {
  std::vector<CpSpan> gold = {S(EntityType::kPerson, 0, 10), S(EntityType::kPerson, 2, 12)};
  MatchResult m = MatchSpans(gold, {S(EntityType::kPerson, 2, 12)});
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].gold, 1u);
  EXPECT_EQ(m.unmatched_gold, std::vector<size_t>{0});
}

TEST(FBeta, WeighsRecallTwiceWithBetaTwo) {
  EXPECT_DOUBLE_EQ(FBeta(1.0, 1.0, 2.0), 1.0);
  EXPECT_DOUBLE_EQ(FBeta(0.0, 0.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(FBeta(0.5, 1.0, 1.0), 2.0 / 3.0);
  // 5 * 0.5 * 1 / (4 * 0.5 + 1) = 2.5 / 3
  EXPECT_DOUBLE_EQ(FBeta(0.5, 1.0, 2.0), 2.5 / 3.0);
  // Recall counts more: (P, R) = (1, 0.5) scores lower than (0.5, 1).
  EXPECT_LT(FBeta(1.0, 0.5, 2.0), FBeta(0.5, 1.0, 2.0));
}

TEST(Metrics, DefinesEmptyDenominatorsAsZero) {
  Metrics none;
  EXPECT_EQ(none.precision(), 0.0);
  EXPECT_EQ(none.recall(), 0.0);
  EXPECT_EQ(none.f2(), 0.0);
  Metrics only_fp;
  only_fp.false_positives = 3;
  EXPECT_EQ(only_fp.predicted(), 3u);
  EXPECT_EQ(only_fp.support(), 0u);
  EXPECT_EQ(only_fp.recall(), 0.0);
}

// gold: EMAIL [0,10), PERSON [20,30), PERSON [40,45)
// pred: EMAIL [0,10) tp, PERSON [20,28) tp (IoU 0.8), PHONE [50,60) fp, PERSON [100,105) fp
// PERSON: tp 1, fp 1, fn 1 -> P = R = F1 = F2 = 0.5
// micro: tp 2, fp 2, fn 1 -> P = 1/2, R = 2/3, F1 = 4/7, F2 = 5PR/(4P+R) = 5/8
TEST(PiiScorer, ComputesPerTypeAndMicroMetricsOfAHandCountedCase) {
  PiiScorer scorer;
  auto errors =
      scorer.AddExample({S(EntityType::kEmail, 0, 10), S(EntityType::kPerson, 20, 30),
                         S(EntityType::kPerson, 40, 45)},
                        {S(EntityType::kEmail, 0, 10), S(EntityType::kPerson, 20, 28),
                         S(EntityType::kPhone, 50, 60), S(EntityType::kPerson, 100, 105)});
  EXPECT_EQ(errors.size(), 3u);
  PiiReport r = scorer.Report();
  EXPECT_EQ(r.examples, 1u);

  const Metrics& email = TypeMetrics(r, EntityType::kEmail);
  EXPECT_DOUBLE_EQ(email.precision(), 1.0);
  EXPECT_DOUBLE_EQ(email.recall(), 1.0);
  EXPECT_EQ(email.support(), 1u);

  const Metrics& person = TypeMetrics(r, EntityType::kPerson);
  EXPECT_DOUBLE_EQ(person.precision(), 0.5);
  EXPECT_DOUBLE_EQ(person.recall(), 0.5);
  EXPECT_DOUBLE_EQ(person.f1(), 0.5);
  EXPECT_DOUBLE_EQ(person.f2(), 0.5);
  EXPECT_EQ(person.support(), 2u);
  EXPECT_EQ(person.predicted(), 2u);

  const Metrics& phone = TypeMetrics(r, EntityType::kPhone);
  EXPECT_EQ(phone.support(), 0u);
  EXPECT_EQ(phone.predicted(), 1u);
  EXPECT_EQ(phone.precision(), 0.0);

  EXPECT_FALSE(Listed(r, EntityType::kIban));  // no support, no predictions, no filter
  EXPECT_DOUBLE_EQ(r.micro.precision(), 0.5);
  EXPECT_DOUBLE_EQ(r.micro.recall(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.micro.f1(), 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(r.micro.f2(), 5.0 / 8.0);
}

TEST(PiiScorer, ReportsErrorsWithTheNearestSpanOfTheOtherSide) {
  PiiScorer scorer;
  // Same range, wrong type: one FP (LOCATION) and one FN (PERSON), each the other's nearest.
  auto errors = scorer.AddExample({S(EntityType::kPerson, 3, 9)}, {S(EntityType::kLocation, 3, 9)});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].kind, SpanError::Kind::kFalsePositive);
  EXPECT_EQ(errors[0].span, S(EntityType::kLocation, 3, 9));
  ASSERT_TRUE(errors[0].nearest.has_value());
  EXPECT_EQ(errors[0].nearest->type, EntityType::kPerson);
  EXPECT_DOUBLE_EQ(errors[0].nearest_iou, 1.0);
  EXPECT_EQ(errors[1].kind, SpanError::Kind::kFalseNegative);
  EXPECT_EQ(errors[1].nearest->type, EntityType::kLocation);
}

TEST(PiiScorer, ErrorIndicesPointIntoTheUnfilteredInput) {
  PiiScorer scorer(ScorerOptions{0.5, {EntityType::kEmail}});
  auto errors = scorer.AddExample({S(EntityType::kPerson, 0, 3), S(EntityType::kEmail, 10, 20)},
                                  {S(EntityType::kPhone, 30, 40), S(EntityType::kEmail, 50, 60)});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].kind, SpanError::Kind::kFalsePositive);
  EXPECT_EQ(errors[0].index, 1u);
  EXPECT_EQ(errors[1].kind, SpanError::Kind::kFalseNegative);
  EXPECT_EQ(errors[1].index, 1u);
}

TEST(PiiScorer, TypesFilterIgnoresGoldAndPredictionsOfOtherTypes) {
  PiiScorer scorer(ScorerOptions{0.5, {EntityType::kEmail, EntityType::kIban}});
  scorer.AddExample({S(EntityType::kEmail, 0, 10), S(EntityType::kPerson, 20, 30)},
                    {S(EntityType::kEmail, 0, 10), S(EntityType::kPhone, 40, 50)});
  PiiReport r = scorer.Report();
  ASSERT_EQ(r.per_type.size(), 2u);  // exactly the filter, in enum order
  EXPECT_EQ(r.per_type[0].first, EntityType::kEmail);
  EXPECT_EQ(r.per_type[1].first, EntityType::kIban);
  EXPECT_EQ(TypeMetrics(r, EntityType::kIban).support(), 0u);
  // The PERSON miss and the PHONE false alarm do not count.
  EXPECT_EQ(r.micro.true_positives, 1u);
  EXPECT_EQ(r.micro.false_positives, 0u);
  EXPECT_EQ(r.micro.false_negatives, 0u);
  EXPECT_DOUBLE_EQ(r.micro.f2(), 1.0);
}

TEST(PiiScorer, BuildsTheLevelConfusionMatrixRowsGoldColumnsPredicted) {
  PiiScorer scorer;
  EXPECT_FALSE(scorer.Report().level.has_value());
  scorer.AddLevel(Level::kPrivate, Level::kPrivate);
  scorer.AddLevel(Level::kPrivate, Level::kSemiSensitive);
  scorer.AddLevel(Level::kPublic, Level::kPublic);
  scorer.AddLevel(Level::kSemiSensitive, Level::kPublic);
  PiiReport r = scorer.Report();
  ASSERT_TRUE(r.level.has_value());
  EXPECT_EQ(r.level->total, 4u);
  EXPECT_DOUBLE_EQ(r.level->accuracy(), 0.5);
  EXPECT_EQ(r.level->confusion[2][2], 1u);
  EXPECT_EQ(r.level->confusion[2][1], 1u);
  EXPECT_EQ(r.level->confusion[1][2], 0u);
  EXPECT_EQ(r.level->confusion[1][0], 1u);

  nlohmann::json j = ReportToJson(r);
  EXPECT_DOUBLE_EQ(j["level"]["accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["level"]["confusion"]["PRIVATE"]["SEMI_SENSITIVE"].get<int>(), 1);
  EXPECT_EQ(j["level"]["confusion"]["SEMI_SENSITIVE"]["PUBLIC"].get<int>(), 1);
  EXPECT_EQ(j["level"]["confusion"]["PUBLIC"]["PRIVATE"].get<int>(), 0);
}

TEST(PiiScorer, MergeAddsCounts) {
  PiiScorer a, b;
  a.AddExample({S(EntityType::kEmail, 0, 5)}, {S(EntityType::kEmail, 0, 5)});
  b.AddExample({S(EntityType::kEmail, 0, 5)}, {});
  b.AddLevel(Level::kPublic, Level::kPrivate);
  a.Merge(b);
  PiiReport r = a.Report();
  EXPECT_EQ(r.examples, 2u);
  EXPECT_DOUBLE_EQ(r.micro.recall(), 0.5);
  ASSERT_TRUE(r.level.has_value());
  EXPECT_EQ(r.level->confusion[0][2], 1u);
}

TEST(ReportToJson, HasPerTypeAndMicroMetricsAndNoLevelWithoutGoldLevels) {
  PiiScorer scorer;
  scorer.AddExample({S(EntityType::kEmail, 0, 10)},
                    {S(EntityType::kEmail, 0, 10), S(EntityType::kUrl, 20, 30)});
  nlohmann::json j = ReportToJson(scorer.Report());
  EXPECT_EQ(j["examples"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(j["per_type"]["EMAIL"]["f2"].get<double>(), 1.0);
  EXPECT_EQ(j["per_type"]["EMAIL"]["support"].get<int>(), 1);
  EXPECT_EQ(j["per_type"]["URL"]["support"].get<int>(), 0);
  EXPECT_EQ(j["per_type"]["URL"]["predicted"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(j["micro"]["precision"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["micro"]["recall"].get<double>(), 1.0);
  for (const char* key : {"precision", "recall", "f1", "f2", "support"}) {
    EXPECT_TRUE(j["micro"].contains(key)) << key;
  }
  EXPECT_FALSE(j.contains("level"));
}

TEST(ReportToTable, AlignsEveryRowToTheSameWidth) {
  PiiScorer scorer;
  scorer.AddExample({S(EntityType::kEmail, 0, 10), S(EntityType::kOrganization, 12, 20)},
                    {S(EntityType::kEmail, 0, 10)});
  scorer.AddLevel(Level::kSemiSensitive, Level::kPublic);
  std::string table = ReportToTable(scorer.Report());
  EXPECT_NE(table.find("EMAIL"), std::string::npos);
  EXPECT_NE(table.find("ORGANIZATION"), std::string::npos);
  EXPECT_NE(table.find("micro"), std::string::npos);
  EXPECT_NE(table.find("level accuracy 0.000 (0/1)"), std::string::npos);
  // The span table is the lines between the title and the blank line before the levels.
  std::istringstream in(table);
  std::string line;
  std::getline(in, line);  // title
  size_t width = 0;
  int rows = 0;
  while (std::getline(in, line) && !line.empty()) {
    if (width == 0) width = line.size();
    EXPECT_EQ(line.size(), width) << "'" << line << "'";
    ++rows;
  }
  EXPECT_EQ(rows, 6);  // header, rule, EMAIL, ORGANIZATION, rule, micro
}

TEST(ToCodePointSpans, ConvertsByteOffsetsOfKoreanText) {
  std::string text = "메일은 a@b.co 입니다";  // 3 Hangul syllables of 3 bytes each, then a space
  privacy::Span span;
  span.type = EntityType::kEmail;
  span.begin = 10;  // byte offset of 'a'
  span.end = 16;
  auto cps = ToCodePointSpans(text, {span});
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0], S(EntityType::kEmail, 4, 10));
}

}  // namespace
}  // namespace ptmo::eval
