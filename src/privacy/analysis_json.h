// JSON views of the privacy guard's results, shared by the CLI and the HTTP server.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "privacy/analyzer.h"

namespace ptmo::privacy {

// Spans with code point offsets into `text`:
// [{"type","start","end","text","score","recognizer","reasons"}, ...].
nlohmann::json SpansToJson(std::string_view text, const std::vector<Span>& spans);

// {"level","score","reasons","spans","topics"} for an analysis of `text`.
nlohmann::json AnalysisToJson(std::string_view text, const Analysis& analysis);

}  // namespace ptmo::privacy
