#include "eval/pii_eval_run.h"

#include <algorithm>
#include <string>

#include "util/utf8.h"

namespace ptmo::eval {
namespace {

constexpr size_t kContextCodePoints = 40;

std::string Slice(std::string_view text, const utf8::OffsetMap& map, size_t start, size_t end) {
  size_t b = map.ToByte(std::min(start, map.code_points()));
  size_t e = map.ToByte(std::min(end, map.code_points()));
  return std::string(text.substr(b, e - b));
}

}  // namespace

nlohmann::json ErrorToJson(const EvalExample& ex, const SpanError& error,
                           const std::vector<privacy::Span>& predicted) {
  utf8::OffsetMap map(ex.text);
  const CpSpan& s = error.span;
  bool fp = error.kind == SpanError::Kind::kFalsePositive;
  size_t ctx_start = s.start > kContextCodePoints ? s.start - kContextCodePoints : 0;
  nlohmann::json j = {
      {"line", ex.line},
      {"kind", fp ? "false_positive" : "false_negative"},
      {"type", privacy::EntityTypeName(s.type)},
      {"start", s.start},
      {"end", s.end},
      {"text", Slice(ex.text, map, s.start, s.end)},
      {"context", Slice(ex.text, map, ctx_start, s.end + kContextCodePoints)},
  };
  if (fp && error.index < predicted.size()) j["recognizer"] = predicted[error.index].recognizer;
  if (error.nearest) {
    const CpSpan& n = *error.nearest;
    j["nearest"] = {{"type", privacy::EntityTypeName(n.type)},
                    {"start", n.start},
                    {"end", n.end},
                    {"text", Slice(ex.text, map, n.start, n.end)},
                    {"iou", error.nearest_iou}};
  }
  return j;
}

Expected<PiiReport> RunPiiEval(const privacy::Analyzer& analyzer,
                               const std::vector<EvalExample>& examples,
                               const ScorerOptions& options, const PiiEvalHooks& hooks) {
  PiiScorer scorer(options);
  for (size_t i = 0; i < examples.size(); ++i) {
    const EvalExample& ex = examples[i];
    auto analysis = analyzer.Analyze(ex.text);
    if (!analysis.ok()) {
      return Status(analysis.status().code(),
                    "line " + std::to_string(ex.line) + ": " + analysis.status().message());
    }
    std::vector<CpSpan> predicted = ToCodePointSpans(ex.text, analysis->spans);
    std::vector<SpanError> errors = scorer.AddExample(ex.spans, predicted);
    if (ex.level) scorer.AddLevel(*ex.level, analysis->level);
    if (hooks.on_error) {
      for (const SpanError& e : errors) hooks.on_error(ErrorToJson(ex, e, analysis->spans));
    }
    if (hooks.progress) hooks.progress(i + 1, examples.size());
  }
  return scorer.Report();
}

}  // namespace ptmo::eval
