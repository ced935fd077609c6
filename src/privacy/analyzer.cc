#include "privacy/analyzer.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "privacy/ner/ner_tagger.h"
#include "privacy/recognizers/topics.h"
#include "util/file.h"
#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

// Pattern-and-validator spans beat statistical NER guesses wherever they overlap: a
// validated MAC address or URL is never cut up by a name the tagger imagined inside it.
int TypePriority(const Span& s) {
  return s.recognizer == "ner" ? 0 : 1;
}

// True when `a` should be kept over `b` where they overlap.
bool Better(const Span& a, const Span& b) {
  if (TypePriority(a) != TypePriority(b)) return TypePriority(a) > TypePriority(b);
  if (a.score != b.score) return a.score > b.score;
  if (a.length() != b.length()) return a.length() > b.length();
  return a.begin < b.begin;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A span that cuts an ASCII word or number in two ("e.do" inside "e.do8", "4111" inside
// "x4111") is a partial match, not an entity. Non-ASCII neighbours are allowed: Korean
// attaches particles directly to nouns ("서울에서" holds the LOCATION "서울").
bool CutsAsciiWord(std::string_view text, const Span& s) {
  if (s.begin > 0 && IsAsciiAlnum(text[s.begin - 1]) && IsAsciiAlnum(text[s.begin])) return true;
  if (s.end < text.size() && IsAsciiAlnum(text[s.end - 1]) && IsAsciiAlnum(text[s.end])) {
    return true;
  }
  return false;
}

}  // namespace

std::vector<Span> ResolveOverlaps(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), Better);
  // Selected spans keyed by begin; they never overlap, so a new span [b,e) overlaps a
  // selected one iff the nearest selected span starting before e ends after b.
  std::map<size_t, Span> kept;
  for (Span& s : spans) {
    if (s.end <= s.begin) continue;
    auto it = kept.lower_bound(s.end);
    if (it != kept.begin()) {
      auto prev = std::prev(it);
      if (prev->second.end > s.begin) continue;
    }
    size_t begin = s.begin;
    kept.emplace(begin, std::move(s));
  }
  std::vector<Span> out;
  out.reserve(kept.size());
  for (auto& [begin, s] : kept) out.push_back(std::move(s));
  return out;
}

Analyzer::Analyzer(AnalyzerOptions options)
    : options_(std::move(options)), classifier_(options_.classifier) {}

Analyzer::~Analyzer() = default;

Expected<std::unique_ptr<Analyzer>> Analyzer::Create(const AnalyzerOptions& options) {
  if (options.classifier.semi_sensitive_at < 0 || options.classifier.private_at > 1 ||
      options.classifier.semi_sensitive_at >= options.classifier.private_at) {
    return InvalidArgument("sensitivity thresholds must satisfy 0 <= semi_sensitive_at < " +
                           std::string("private_at <= 1"));
  }
  std::unique_ptr<Analyzer> a(new Analyzer(options));
  a->recognizers_ = MakeStructuredRecognizers(options.rules);
  auto secrets = MakeSecretRecognizers();
  std::move(secrets.begin(), secrets.end(), std::back_inserter(a->recognizers_));
  if (options.enable_ner) {
    std::string path =
        options.ner_model_path.empty() ? DataDir() + "/ner/ner_model.bin" : options.ner_model_path;
    PTMO_ASSIGN_OR_RETURN(auto ner, ner::NerTagger::Load(path));
    a->recognizers_.push_back(std::move(ner));
  }
  a->topics_ = std::make_unique<TopicDetector>();
  return a;
}

Expected<std::vector<Span>> Analyzer::FindSpans(std::string_view text) const {
  if (text.size() > options_.max_input_bytes) {
    return ResourceExhausted("input is " + std::to_string(text.size()) +
                             " bytes, above the limit of " +
                             std::to_string(options_.max_input_bytes) + " bytes");
  }
  if (auto bad = utf8::FindInvalid(text)) {
    return InvalidArgument("input is not valid UTF-8 (invalid byte sequence at byte offset " +
                           std::to_string(*bad) + ")");
  }
  std::vector<Span> spans;
  for (const auto& r : recognizers_) r->Find(text, spans);
  EnhanceWithContext(text, spans, options_.context);
  std::erase_if(spans, [&](const Span& s) {
    return s.score < options_.min_span_score || s.end <= s.begin || s.end > text.size() ||
           CutsAsciiWord(text, s);
  });
  return ResolveOverlaps(std::move(spans));
}

Expected<Analysis> Analyzer::Analyze(std::string_view text) const {
  PTMO_ASSIGN_OR_RETURN(std::vector<Span> spans, FindSpans(text));
  Analysis a;
  a.spans = std::move(spans);
  a.topics = topics_->Detect(text);
  Classification c = classifier_.Classify(a.spans, a.topics);
  a.level = c.level;
  a.score = c.score;
  a.reasons = std::move(c.reasons);
  return a;
}

}  // namespace ptmo::privacy
