// Scoring of PII detection against labelled data: span matching by character IoU,
// per-type and micro precision / recall / F1 / F2, and a confusion matrix of levels.
//
// Scoring works on plain data (gold and predicted spans in code point offsets), so it can be
// tested without an Analyzer; pii_eval_run.h connects it to one.
//
// Matching rule: a prediction is a true positive when its type equals a gold span's type and
// their character IoU (|intersection| / |union| of the code point ranges) is >= min_iou
// (0.5 by default, boundary included). Each gold span and each prediction is used at most
// once; pairs are taken greedily, best IoU first. Unmatched predictions are false positives
// of their type, unmatched gold spans false negatives of theirs.
//
// Metrics with an empty denominator are 0: precision is 0 when nothing was predicted,
// recall is 0 when there is no support; the counts (support, predicted) are reported beside
// them so a reader can tell "0 because wrong" from "0 because empty".
#pragma once

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::eval {

// A labelled or predicted span in Unicode code point offsets, end exclusive.
struct CpSpan {
  privacy::EntityType type{};
  size_t start = 0;
  size_t end = 0;

  size_t length() const { return end > start ? end - start : 0; }
  friend bool operator==(const CpSpan&, const CpSpan&) = default;
};

// Number of code points two spans share (their types are ignored).
size_t Overlap(const CpSpan& a, const CpSpan& b);

// Character intersection-over-union of two spans' ranges in [0,1] (types ignored); 0 when
// both are empty.
double CharIoU(const CpSpan& a, const CpSpan& b);

// True when CharIoU(a, b) >= min_iou, computed without rounding for min_iou = 0.5.
bool IouAtLeast(const CpSpan& a, const CpSpan& b, double min_iou);

// Converts the Analyzer's byte-offset spans of `text` (valid UTF-8) to code point spans.
std::vector<CpSpan> ToCodePointSpans(std::string_view text,
                                     const std::vector<privacy::Span>& spans);

// One matched pair: indices into the gold and predicted vectors given to MatchSpans.
struct SpanMatch {
  size_t gold = 0;
  size_t pred = 0;
  double iou = 0.0;
};

struct MatchResult {
  std::vector<SpanMatch> matches;      // true positives, sorted by gold index
  std::vector<size_t> unmatched_gold;  // false negatives, ascending indices into gold
  std::vector<size_t> unmatched_pred;  // false positives, ascending indices into pred
};

// Matches predictions to gold spans of the same type by the rule above. Pure function.
MatchResult MatchSpans(const std::vector<CpSpan>& gold, const std::vector<CpSpan>& pred,
                       double min_iou = 0.5);

// F-beta score: (1 + b^2) P R / (b^2 P + R); 0 when P and R are both 0. beta = 2 weighs
// recall twice as much as precision (as presidio-research reports it).
double FBeta(double precision, double recall, double beta);

// Counts of one type (or of all types together) and the metrics derived from them.
struct Metrics {
  size_t true_positives = 0;
  size_t false_positives = 0;
  size_t false_negatives = 0;

  size_t support() const { return true_positives + false_negatives; }    // gold spans
  size_t predicted() const { return true_positives + false_positives; }  // predictions
  double precision() const;                                              // 0 when predicted() == 0
  double recall() const;                                                 // 0 when support() == 0
  double f1() const { return FBeta(precision(), recall(), 1.0); }
  double f2() const { return FBeta(precision(), recall(), 2.0); }
};

// Accuracy and confusion matrix of the gold level against the predicted one.
struct LevelReport {
  size_t total = 0;
  size_t correct = 0;
  // confusion[gold][predicted], indexed by static_cast<int>(privacy::Level).
  std::array<std::array<size_t, 3>, 3> confusion{};
  double accuracy() const { return total == 0 ? 0.0 : double(correct) / double(total); }
};

struct PiiReport {
  size_t examples = 0;
  double min_iou = 0.5;
  // In EntityType order: every type in the --types filter, or (without a filter) every type
  // with support or predictions.
  std::vector<std::pair<privacy::EntityType, Metrics>> per_type;
  Metrics micro;
  std::optional<LevelReport> level;  // present once any example carried a gold level
};

// One false positive or false negative, for error analysis.
struct SpanError {
  enum class Kind { kFalsePositive, kFalseNegative };
  Kind kind = Kind::kFalsePositive;
  CpSpan span;
  size_t index = 0;  // into the predicted (FP) or gold (FN) vector given to AddExample
  // The span on the other side (gold for a FP, predicted for a FN), of any type and
  // whether or not it was matched, that overlaps this one most; shows type confusions and
  // boundary errors.
  std::optional<CpSpan> nearest;
  double nearest_iou = 0.0;
};

struct ScorerOptions {
  double min_iou = 0.5;
  // When non-empty, only these types are scored: gold and predicted spans of other types
  // are ignored.
  std::vector<privacy::EntityType> types;
};

// Accumulates counts over many texts. Not thread-safe; use one per thread and Merge.
class PiiScorer {
 public:
  explicit PiiScorer(ScorerOptions options = {});

  // Scores one text's spans; returns its false positives and false negatives.
  std::vector<SpanError> AddExample(const std::vector<CpSpan>& gold,
                                    const std::vector<CpSpan>& predicted);

  // Records one text's gold level against the predicted level.
  void AddLevel(privacy::Level gold, privacy::Level predicted);

  // Adds another scorer's counts (same options expected).
  void Merge(const PiiScorer& other);

  PiiReport Report() const;
  const ScorerOptions& options() const { return options_; }

 private:
  bool Scored(privacy::EntityType type) const;

  ScorerOptions options_;
  std::array<bool, privacy::kEntityTypeCount> scored_{};
  std::array<Metrics, privacy::kEntityTypeCount> counts_{};
  size_t examples_ = 0;
  bool has_level_ = false;
  LevelReport level_;
};

// {"examples": n, "per_type": {"EMAIL": {"precision", "recall", "f1", "f2", "support",
//  "predicted", "true_positives"}, ...}, "micro": {...same...},
//  "level": {"total", "accuracy", "confusion": {"PUBLIC": {"PUBLIC": n, ...}, ...}}}
// ("level" only when the report has one).
nlohmann::json ReportToJson(const PiiReport& report);

// The report as aligned text tables (per type, micro, then levels), ending in a newline.
std::string ReportToTable(const PiiReport& report);

}  // namespace ptmo::eval
