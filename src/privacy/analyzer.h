// The privacy guard's entry point: finds sensitive spans and topics in a text and classifies
// the text as PUBLIC / SEMI_SENSITIVE / PRIVATE with a score and reasons.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/classifier.h"
#include "privacy/core/context.h"
#include "privacy/core/entity.h"
#include "privacy/core/recognizer.h"
#include "privacy/recognizers/registry.h"
#include "util/status.h"

namespace ptmo::privacy {

class TopicDetector;

struct AnalyzerOptions {
  RuleOptions rules;
  ContextOptions context;
  ClassifierOptions classifier;
  bool enable_ner = true;
  // NER model file; empty means DataDir() + "/ner/ner_model.bin".
  std::string ner_model_path;
  // Inputs above this many bytes are refused with kResourceExhausted.
  size_t max_input_bytes = size_t(1) << 20;
  // Spans scoring below this after context enhancement are dropped.
  double min_span_score = 0.4;
};

// Everything the guard knows about one text.
struct Analysis {
  std::vector<Span> spans;  // sorted by begin, non-overlapping
  std::vector<TopicHit> topics;
  Level level = Level::kPublic;
  double score = 0.0;
  std::vector<std::string> reasons;
};

class Analyzer {
 public:
  // Builds the recognizers and loads the NER model. Fails (naming the file) when the NER
  // model is enabled but missing or corrupt.
  static Expected<std::unique_ptr<Analyzer>> Create(const AnalyzerOptions& options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Analyzes `text`. Fails with kInvalidArgument on invalid UTF-8 (naming the byte offset)
  // and kResourceExhausted above max_input_bytes. Empty text is PUBLIC with no spans.
  // Thread-safe: one Analyzer may serve many threads at once.
  Expected<Analysis> Analyze(std::string_view text) const;

  // Only the spans (no topics, no classification); same errors as Analyze.
  Expected<std::vector<Span>> FindSpans(std::string_view text) const;

  const AnalyzerOptions& options() const { return options_; }

 private:
  explicit Analyzer(AnalyzerOptions options);

  AnalyzerOptions options_;
  std::vector<std::unique_ptr<Recognizer>> recognizers_;
  std::unique_ptr<TopicDetector> topics_;
  SensitivityClassifier classifier_;
};

// Resolves overlapping spans: rule-based spans win over NER spans, then the higher score,
// then the longer span. Input in any order; output sorted by begin.
std::vector<Span> ResolveOverlaps(std::vector<Span> spans);

}  // namespace ptmo::privacy
