#include "eval/pii_eval.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "util/utf8.h"

namespace ptmo::eval {

using privacy::EntityType;
using privacy::Level;

size_t Overlap(const CpSpan& a, const CpSpan& b) {
  size_t lo = std::max(a.start, b.start);
  size_t hi = std::min(a.end, b.end);
  return hi > lo ? hi - lo : 0;
}

namespace {

// |a ∪ b| for two ranges (the union of two overlapping or disjoint ranges as a set).
size_t UnionSize(const CpSpan& a, const CpSpan& b) {
  return a.length() + b.length() - Overlap(a, b);
}

}  // namespace

double CharIoU(const CpSpan& a, const CpSpan& b) {
  size_t uni = UnionSize(a, b);
  return uni == 0 ? 0.0 : double(Overlap(a, b)) / double(uni);
}

bool IouAtLeast(const CpSpan& a, const CpSpan& b, double min_iou) {
  size_t uni = UnionSize(a, b);
  if (uni == 0) return false;
  // inter / uni >= t  <=>  inter >= t * uni; exact for t = 0.5 (a power of two).
  return double(Overlap(a, b)) >= min_iou * double(uni);
}

std::vector<CpSpan> ToCodePointSpans(std::string_view text,
                                     const std::vector<privacy::Span>& spans) {
  std::vector<CpSpan> out;
  out.reserve(spans.size());
  if (spans.empty()) return out;
  utf8::OffsetMap map(text);
  for (const privacy::Span& s : spans) {
    out.push_back(CpSpan{s.type, map.ToCodePoint(s.begin), map.ToCodePoint(s.end)});
  }
  return out;
}

MatchResult MatchSpans(const std::vector<CpSpan>& gold, const std::vector<CpSpan>& pred,
                       double min_iou) {
  struct Candidate {
    double iou;
    size_t gold;
    size_t pred;
  };
  std::vector<Candidate> candidates;
  for (size_t g = 0; g < gold.size(); ++g) {
    for (size_t p = 0; p < pred.size(); ++p) {
      if (gold[g].type != pred[p].type) continue;
      if (!IouAtLeast(gold[g], pred[p], min_iou)) continue;
      candidates.push_back({CharIoU(gold[g], pred[p]), g, p});
    }
  }
  // Best IoU first; ties go to the earlier gold span, then the earlier prediction, so the
  // result does not depend on the sort's stability.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(b.iou, a.gold, a.pred) < std::tie(a.iou, b.gold, b.pred);
  });
  std::vector<bool> gold_used(gold.size(), false);
  std::vector<bool> pred_used(pred.size(), false);
  MatchResult result;
  for (const Candidate& c : candidates) {
    if (gold_used[c.gold] || pred_used[c.pred]) continue;
    gold_used[c.gold] = true;
    pred_used[c.pred] = true;
    result.matches.push_back({c.gold, c.pred, c.iou});
  }
  std::sort(result.matches.begin(), result.matches.end(),
            [](const SpanMatch& a, const SpanMatch& b) { return a.gold < b.gold; });
  for (size_t g = 0; g < gold.size(); ++g) {
    if (!gold_used[g]) result.unmatched_gold.push_back(g);
  }
  for (size_t p = 0; p < pred.size(); ++p) {
    if (!pred_used[p]) result.unmatched_pred.push_back(p);
  }
  return result;
}

double FBeta(double precision, double recall, double beta) {
  double b2 = beta * beta;
  double denom = b2 * precision + recall;
  return denom <= 0.0 ? 0.0 : (1.0 + b2) * precision * recall / denom;
}

double Metrics::precision() const {
  return predicted() == 0 ? 0.0 : double(true_positives) / double(predicted());
}

double Metrics::recall() const {
  return support() == 0 ? 0.0 : double(true_positives) / double(support());
}

PiiScorer::PiiScorer(ScorerOptions options) : options_(std::move(options)) {
  if (options_.types.empty()) {
    scored_.fill(true);
  } else {
    for (EntityType t : options_.types) scored_[static_cast<size_t>(t)] = true;
  }
}

bool PiiScorer::Scored(EntityType type) const {
  return scored_[static_cast<size_t>(type)];
}

namespace {

// The span of `others` overlapping `span` most (by IoU), if any overlaps at all.
void FindNearest(const CpSpan& span, const std::vector<CpSpan>& others, SpanError& error) {
  for (const CpSpan& o : others) {
    if (Overlap(span, o) == 0) continue;
    double iou = CharIoU(span, o);
    if (!error.nearest || iou > error.nearest_iou) {
      error.nearest = o;
      error.nearest_iou = iou;
    }
  }
}

}  // namespace

std::vector<SpanError> PiiScorer::AddExample(const std::vector<CpSpan>& gold,
                                             const std::vector<CpSpan>& predicted) {
  ++examples_;
  // Keep only the scored types, remembering where each span came from.
  std::vector<CpSpan> g, p;
  std::vector<size_t> g_index, p_index;
  for (size_t i = 0; i < gold.size(); ++i) {
    if (!Scored(gold[i].type)) continue;
    g.push_back(gold[i]);
    g_index.push_back(i);
  }
  for (size_t i = 0; i < predicted.size(); ++i) {
    if (!Scored(predicted[i].type)) continue;
    p.push_back(predicted[i]);
    p_index.push_back(i);
  }

  MatchResult m = MatchSpans(g, p, options_.min_iou);
  std::vector<SpanError> errors;
  for (const SpanMatch& match : m.matches) {
    ++counts_[static_cast<size_t>(g[match.gold].type)].true_positives;
  }
  for (size_t i : m.unmatched_pred) {
    ++counts_[static_cast<size_t>(p[i].type)].false_positives;
    SpanError e;
    e.kind = SpanError::Kind::kFalsePositive;
    e.span = p[i];
    e.index = p_index[i];
    FindNearest(p[i], gold, e);
    errors.push_back(std::move(e));
  }
  for (size_t i : m.unmatched_gold) {
    ++counts_[static_cast<size_t>(g[i].type)].false_negatives;
    SpanError e;
    e.kind = SpanError::Kind::kFalseNegative;
    e.span = g[i];
    e.index = g_index[i];
    FindNearest(g[i], predicted, e);
    errors.push_back(std::move(e));
  }
  return errors;
}

void PiiScorer::AddLevel(Level gold, Level predicted) {
  has_level_ = true;
  ++level_.total;
  if (gold == predicted) ++level_.correct;
  ++level_.confusion[static_cast<size_t>(gold)][static_cast<size_t>(predicted)];
}

void PiiScorer::Merge(const PiiScorer& other) {
  examples_ += other.examples_;
  for (size_t t = 0; t < counts_.size(); ++t) {
    counts_[t].true_positives += other.counts_[t].true_positives;
    counts_[t].false_positives += other.counts_[t].false_positives;
    counts_[t].false_negatives += other.counts_[t].false_negatives;
  }
  if (other.has_level_) {
    has_level_ = true;
    level_.total += other.level_.total;
    level_.correct += other.level_.correct;
    for (size_t a = 0; a < 3; ++a) {
      for (size_t b = 0; b < 3; ++b) level_.confusion[a][b] += other.level_.confusion[a][b];
    }
  }
}

PiiReport PiiScorer::Report() const {
  PiiReport r;
  r.examples = examples_;
  r.min_iou = options_.min_iou;
  for (EntityType t : privacy::AllEntityTypes()) {
    const Metrics& c = counts_[static_cast<size_t>(t)];
    bool listed = options_.types.empty() ? (c.support() > 0 || c.predicted() > 0) : Scored(t);
    if (!listed) continue;
    r.per_type.emplace_back(t, c);
    r.micro.true_positives += c.true_positives;
    r.micro.false_positives += c.false_positives;
    r.micro.false_negatives += c.false_negatives;
  }
  if (has_level_) r.level = level_;
  return r;
}

namespace {

constexpr Level kLevels[] = {Level::kPublic, Level::kSemiSensitive, Level::kPrivate};

nlohmann::json MetricsToJson(const Metrics& m) {
  return {{"precision", m.precision()},
          {"recall", m.recall()},
          {"f1", m.f1()},
          {"f2", m.f2()},
          {"support", m.support()},
          {"predicted", m.predicted()},
          {"true_positives", m.true_positives}};
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Appends `cells` as one row, each cell padded to its column's width; the first column is
// left-aligned (a name), the others right-aligned (numbers).
void AppendRow(std::string& out, const std::vector<std::string>& cells,
               const std::vector<size_t>& widths) {
  for (size_t i = 0; i < cells.size(); ++i) {
    size_t pad = widths[i] > cells[i].size() ? widths[i] - cells[i].size() : 0;
    if (i == 0) {
      out += cells[i];
      out.append(pad, ' ');
    } else {
      out += "  ";
      out.append(pad, ' ');
      out += cells[i];
    }
  }
  out += '\n';
}

std::string RenderTable(const std::vector<std::vector<std::string>>& rows, size_t rule_after) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  size_t total = 0;
  for (size_t w : widths) total += w + 2;
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    AppendRow(out, rows[r], widths);
    if (r == 0 || r + 1 == rule_after) out += std::string(total - 2, '-') + '\n';
  }
  return out;
}

std::vector<std::string> MetricsRow(std::string name, const Metrics& m) {
  return {std::move(name),
          Fixed(m.precision()),
          Fixed(m.recall()),
          Fixed(m.f1()),
          Fixed(m.f2()),
          std::to_string(m.support()),
          std::to_string(m.predicted()),
          std::to_string(m.true_positives)};
}

}  // namespace

nlohmann::json ReportToJson(const PiiReport& report) {
  nlohmann::json per_type = nlohmann::json::object();
  for (const auto& [type, m] : report.per_type) {
    per_type[std::string(privacy::EntityTypeName(type))] = MetricsToJson(m);
  }
  nlohmann::json j = {{"examples", report.examples},
                      {"per_type", per_type},
                      {"micro", MetricsToJson(report.micro)}};
  if (report.level) {
    nlohmann::json confusion = nlohmann::json::object();
    for (Level g : kLevels) {
      nlohmann::json row = nlohmann::json::object();
      for (Level p : kLevels) {
        row[std::string(privacy::LevelName(p))] =
            report.level->confusion[static_cast<size_t>(g)][static_cast<size_t>(p)];
      }
      confusion[std::string(privacy::LevelName(g))] = row;
    }
    j["level"] = {{"total", report.level->total},
                  {"accuracy", report.level->accuracy()},
                  {"confusion", confusion}};
  }
  return j;
}

std::string ReportToTable(const PiiReport& report) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"type", "precision", "recall", "f1", "f2", "support", "predicted", "tp"});
  for (const auto& [type, m] : report.per_type) {
    rows.push_back(MetricsRow(std::string(privacy::EntityTypeName(type)), m));
  }
  rows.push_back(MetricsRow("micro", report.micro));
  char iou[16];
  std::snprintf(iou, sizeof iou, "%g", report.min_iou);
  std::string out = "PII spans (" + std::to_string(report.examples) +
                    " texts, match = same type and character IoU >= " + iou + ")\n";
  out += RenderTable(rows, rows.size() - 1);
  if (report.level) {
    const LevelReport& l = *report.level;
    out += "\nlevel accuracy " + Fixed(l.accuracy()) + " (" + std::to_string(l.correct) + "/" +
           std::to_string(l.total) + "); rows = gold, columns = predicted\n";
    std::vector<std::vector<std::string>> lrows;
    lrows.push_back({"gold \\ predicted"});
    for (Level p : kLevels) lrows[0].emplace_back(privacy::LevelName(p));
    for (Level g : kLevels) {
      std::vector<std::string> row = {std::string(privacy::LevelName(g))};
      for (Level p : kLevels) {
        row.push_back(std::to_string(l.confusion[static_cast<size_t>(g)][static_cast<size_t>(p)]));
      }
      lrows.push_back(std::move(row));
    }
    out += RenderTable(lrows, 0);
  }
  return out;
}

}  // namespace ptmo::eval
