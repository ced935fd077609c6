#include "eval/pii_dataset.h"

#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/utf8.h"

namespace ptmo::eval {
namespace {

using nlohmann::json;

Status LineError(size_t line_number, const std::string& what) {
  return InvalidArgument("line " + std::to_string(line_number) + ": " + what);
}

// Reads a non-negative integer offset field `key` of span `where` ("spans[2]").
Expected<size_t> ReadOffset(const json& span, const char* key, const std::string& where,
                            size_t line_number) {
  auto it = span.find(key);
  if (it == span.end()) {
    return LineError(line_number, where + ": missing field \"" + key + "\"");
  }
  if (!it->is_number_integer()) {
    return LineError(line_number, where + "." + key + ": expected an integer, got " + it->dump());
  }
  if (it->is_number_unsigned()) return it->get<size_t>();
  int64_t v = it->get<int64_t>();
  if (v < 0) {
    return LineError(line_number, where + "." + key + ": " + std::to_string(v) + " is negative");
  }
  return static_cast<size_t>(v);
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

Expected<EvalExample> ParseEvalLine(std::string_view line, size_t line_number) {
  // Parse without exceptions; invalid UTF-8 inside strings is a parse error here too.
  json doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return LineError(line_number, "not valid JSON");
  if (!doc.is_object()) return LineError(line_number, "expected a JSON object");

  EvalExample ex;
  ex.line = line_number;

  auto text = doc.find("text");
  if (text == doc.end()) return LineError(line_number, "missing field \"text\"");
  if (!text->is_string()) return LineError(line_number, "field \"text\": expected a string");
  ex.text = text->get<std::string>();
  if (auto bad = utf8::FindInvalid(ex.text)) {
    return LineError(line_number, "field \"text\": invalid UTF-8 at byte " + std::to_string(*bad));
  }
  size_t length = utf8::OffsetMap(ex.text).code_points();

  auto spans = doc.find("spans");
  if (spans == doc.end()) return LineError(line_number, "missing field \"spans\"");
  if (!spans->is_array()) return LineError(line_number, "field \"spans\": expected an array");
  for (size_t i = 0; i < spans->size(); ++i) {
    const json& s = (*spans)[i];
    std::string where = "spans[" + std::to_string(i) + "]";
    if (!s.is_object()) return LineError(line_number, where + ": expected an object");
    PTMO_ASSIGN_OR_RETURN(size_t start, ReadOffset(s, "start", where, line_number));
    PTMO_ASSIGN_OR_RETURN(size_t end, ReadOffset(s, "end", where, line_number));
    if (start >= end) {
      return LineError(line_number, where + ": start " + std::to_string(start) +
                                        " is not before end " + std::to_string(end));
    }
    if (end > length) {
      return LineError(line_number, where + ".end: " + std::to_string(end) +
                                        " is beyond the text's " + std::to_string(length) +
                                        " code points");
    }
    auto type = s.find("type");
    if (type == s.end()) return LineError(line_number, where + ": missing field \"type\"");
    if (!type->is_string()) {
      return LineError(line_number, where + ".type: expected a string, got " + type->dump());
    }
    auto parsed = privacy::ParseEntityType(type->get<std::string>());
    if (!parsed) {
      return LineError(line_number, where + ".type: unknown entity type " + type->dump());
    }
    ex.spans.push_back(CpSpan{*parsed, start, end});
  }

  auto level = doc.find("level");
  if (level != doc.end()) {
    if (!level->is_string()) return LineError(line_number, "field \"level\": expected a string");
    auto parsed = privacy::ParseLevel(level->get<std::string>());
    if (!parsed) {
      return LineError(line_number, "field \"level\": unknown level " + level->dump() +
                                        " (expected PUBLIC, SEMI_SENSITIVE or PRIVATE)");
    }
    ex.level = *parsed;
  }
  return ex;
}

Expected<std::vector<EvalExample>> ParseEvalJsonl(std::string_view contents,
                                                  std::string_view source) {
  std::vector<EvalExample> out;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < contents.size()) {
    size_t nl = contents.find('\n', pos);
    size_t stop = nl == std::string_view::npos ? contents.size() : nl;
    std::string_view line = contents.substr(pos, stop - pos);
    pos = stop + 1;
    ++line_number;
    if (IsBlank(line)) continue;
    auto ex = ParseEvalLine(line, line_number);
    if (!ex.ok()) {
      return InvalidArgument("data file '" + std::string(source) + "' " + ex.status().message());
    }
    out.push_back(std::move(ex).value());
  }
  return out;
}

Expected<std::vector<EvalExample>> ReadEvalFile(const std::string& path, size_t max_bytes) {
  PTMO_ASSIGN_OR_RETURN(std::string contents, ReadFile(path, max_bytes));
  return ParseEvalJsonl(contents, path);
}

}  // namespace ptmo::eval
