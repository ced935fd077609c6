#include "privacy/analysis_json.h"

#include <cmath>
#include <string>

#include "util/utf8.h"

namespace ptmo::privacy {

nlohmann::json SpansToJson(std::string_view text, const std::vector<Span>& spans) {
  utf8::OffsetMap map(text);
  nlohmann::json arr = nlohmann::json::array();
  for (const Span& s : spans) {
    arr.push_back({{"type", EntityTypeName(s.type)},
                   {"start", map.ToCodePoint(s.begin)},
                   {"end", map.ToCodePoint(s.end)},
                   {"text", std::string(text.substr(s.begin, s.end - s.begin))},
                   {"score", std::round(s.score * 1000) / 1000},
                   {"recognizer", s.recognizer},
                   {"reasons", s.reasons}});
  }
  return arr;
}

nlohmann::json AnalysisToJson(std::string_view text, const Analysis& a) {
  nlohmann::json topics = nlohmann::json::array();
  for (const TopicHit& t : a.topics) {
    topics.push_back({{"topic", t.topic},
                      {"score", std::round(t.score * 1000) / 1000},
                      {"evidence", t.evidence}});
  }
  return {{"level", LevelName(a.level)},
          {"score", std::round(a.score * 1000) / 1000},
          {"reasons", a.reasons},
          {"spans", SpansToJson(text, a.spans)},
          {"topics", topics}};
}

}  // namespace ptmo::privacy
