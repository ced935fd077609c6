#include "privacy/decomposer.h"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>

#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

size_t WordCount(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool w = !IsSpace(c);
    if (w && !in) ++n;
    in = w;
  }
  return n;
}

// Clause cues: a split happens before the cue. English conjunctions only count after a
// comma, or standing alone when both sides are long enough to be clauses; Korean connectives
// are whole words or sentence-internal endings followed by a space.
struct Cue {
  std::string_view text;
  bool needs_comma;  // English conjunction: split only at ", but" etc.
  bool split_after;  // Korean ending: split after the cue ("...했지만 | ...")
};
constexpr Cue kCues[] = {
    {"; ", false, true},        {": ", false, true},          {", but ", true, false},
    {", and ", true, false},    {", so ", true, false},       {", because ", true, false},
    {", while ", true, false},  {", although ", true, false}, {", which ", true, false},
    {" but ", false, false},    {" because ", false, false},  {" and also ", false, false},
    {" 그리고 ", false, false}, {" 하지만 ", false, false},   {" 그런데 ", false, false},
    {" 그래서 ", false, false}, {"지만 ", false, true},       {"는데 ", false, true},
    {"니까 ", false, true},
};

}  // namespace

std::optional<DecomposeStrategy> ParseDecomposeStrategy(std::string_view name) {
  if (name == "sentence") return DecomposeStrategy::kSentence;
  if (name == "clause") return DecomposeStrategy::kClause;
  if (name == "entity") return DecomposeStrategy::kEntity;
  return std::nullopt;
}

std::vector<size_t> SentenceBoundaries(std::string_view text) {
  std::vector<size_t> out;
  UErrorCode err = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &err);
  std::unique_ptr<icu::BreakIterator> it(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), err));
  if (U_FAILURE(err) || !it) {
    utext_close(ut);
    return out;  // no ICU data: the whole text is one sentence
  }
  it->setText(ut, err);
  // With a UTF-8 UText, ICU reports native indexes, i.e. byte offsets.
  for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next()) {
    auto pos = static_cast<size_t>(b);
    if (pos > 0 && pos < text.size()) out.push_back(pos);
  }
  utext_close(ut);
  return out;
}

std::vector<size_t> ClauseBoundaries(std::string_view text) {
  std::vector<size_t> out = SentenceBoundaries(text);
  std::vector<size_t> starts = {0};
  starts.insert(starts.end(), out.begin(), out.end());
  starts.push_back(text.size());
  for (size_t k = 0; k + 1 < starts.size(); ++k) {
    size_t sb = starts[k], se = starts[k + 1];
    std::string lower = utf8::AsciiLower(text.substr(sb, se - sb));
    size_t last = 0;  // relative start of the current clause
    for (size_t i = 0; i < lower.size(); ++i) {
      for (const Cue& cue : kCues) {
        if (lower.compare(i, cue.text.size(), cue.text) != 0) continue;
        size_t cut = cue.split_after ? i + cue.text.size()
                                     : (cue.needs_comma ? i + 2 : i + 1);  // after ", " or " "
        // A clause needs at least three words on each side to stand alone.
        if (WordCount(lower.substr(last, cut - last)) >= 3 && WordCount(lower.substr(cut)) >= 3) {
          out.push_back(sb + cut);
          last = cut;
        }
        i += cue.text.size() - 1;
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Expected<std::vector<Part>> Decompose(const Analyzer& analyzer, std::string_view text,
                                      DecomposeStrategy strategy) {
  if (text.size() > analyzer.options().max_input_bytes) {
    return ResourceExhausted("input is " + std::to_string(text.size()) +
                             " bytes, above the limit of " +
                             std::to_string(analyzer.options().max_input_bytes) + " bytes");
  }
  if (auto bad = utf8::FindInvalid(text)) {
    return InvalidArgument("input is not valid UTF-8 (invalid byte sequence at byte offset " +
                           std::to_string(*bad) + ")");
  }
  std::vector<size_t> cuts =
      strategy == DecomposeStrategy::kSentence ? SentenceBoundaries(text) : ClauseBoundaries(text);
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(text.size());
  std::vector<Part> parts;
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    std::string_view raw = text.substr(cuts[k], cuts[k + 1] - cuts[k]);
    std::string_view trimmed = Trim(raw);
    if (trimmed.empty()) {
      if (!parts.empty()) parts.back().end = cuts[k + 1];  // keep the tiling
      continue;
    }
    Part p;
    p.begin = parts.empty() ? 0 : cuts[k];
    p.end = cuts[k + 1];
    p.text = std::string(trimmed);
    PTMO_ASSIGN_OR_RETURN(p.analysis, analyzer.Analyze(p.text));
    parts.push_back(std::move(p));
  }
  if (strategy != DecomposeStrategy::kEntity || parts.size() < 2) return parts;
  // Merge neighbours of the same level, then re-analyze merged parts as a whole (a name and
  // a diagnosis in two public-looking halves can be PRIVATE together).
  std::vector<Part> merged;
  for (Part& p : parts) {
    if (!merged.empty() && merged.back().analysis.level == p.analysis.level) {
      Part& m = merged.back();
      m.end = p.end;
      m.text = std::string(Trim(text.substr(m.begin, m.end - m.begin)));
      PTMO_ASSIGN_OR_RETURN(m.analysis, analyzer.Analyze(m.text));
    } else {
      merged.push_back(std::move(p));
    }
  }
  return merged;
}

}  // namespace ptmo::privacy
