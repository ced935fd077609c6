#include "server/openai_api.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace ptmo::server {
namespace {

using nlohmann::json;

ApiError BadRequest(std::string message, std::string param) {
  return ApiError{400, "invalid_request_error", std::move(message), std::move(param), ""};
}

const char* TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "value";
  }
}

ApiError WrongType(const std::string& param, const char* expected, const json& got) {
  return BadRequest(
      "Invalid type for '" + param + "': expected " + expected + ", but got " + TypeName(got) + ".",
      param);
}

// Parses the body into an object; the caller's error when it is not JSON or not an object.
std::optional<json> ParseBody(const std::string& body, ApiError* error) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // nlohmann rejects invalid UTF-8 inside strings as well as bad syntax.
    *error = BadRequest(
        "We could not parse the JSON body of your request: it is not valid JSON (or holds "
        "invalid UTF-8).",
        "");
    return std::nullopt;
  }
  if (!doc.is_object()) {
    *error = BadRequest("The request body must be a JSON object.", "");
    return std::nullopt;
  }
  return doc;
}

bool ParseModel(const json& doc, const std::vector<std::string>& models, std::string* model,
                ApiError* error) {
  auto it = doc.find("model");
  if (it == doc.end()) {
    *error = BadRequest("Missing required parameter: 'model'.", "model");
    return false;
  }
  if (!it->is_string()) {
    *error = WrongType("model", "a string", *it);
    return false;
  }
  *model = it->get<std::string>();
  if (std::find(models.begin(), models.end(), *model) == models.end()) {
    *error = ApiError{404, "invalid_request_error",
                      "The model '" + *model + "' does not exist or you do not have access to it.",
                      "model", "model_not_found"};
    return false;
  }
  return true;
}

// Sampling parameters shared by both endpoints.
bool ParseParams(const json& doc, const RequestLimits& limits, backend::GenerationParams* p,
                 json* passthrough, ApiError* error) {
  p->max_tokens = limits.default_max_tokens;
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_number_integer()) {
      *error = WrongType(key, "an integer", *it);
      return false;
    }
    int64_t v = it->get<int64_t>();
    if (v < 1 || v > limits.max_tokens) {
      *error = BadRequest("Invalid '" + std::string(key) + "': " + std::to_string(v) +
                              " is out of range; it must be between 1 and " +
                              std::to_string(limits.max_tokens) + ".",
                          key);
      return false;
    }
    p->max_tokens = static_cast<int>(v);
  }
  struct Range {
    const char* key;
    double lo, hi;
    float* out;
  };
  for (const Range& r :
       {Range{"temperature", 0.0, 2.0, &p->temperature}, Range{"top_p", 0.0, 1.0, &p->top_p}}) {
    auto it = doc.find(r.key);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_number()) {
      *error = WrongType(r.key, "a number", *it);
      return false;
    }
    double v = it->get<double>();
    if (!(v >= r.lo && v <= r.hi)) {
      *error = BadRequest("Invalid '" + std::string(r.key) + "': it must be between " +
                              std::to_string(r.lo).substr(0, 3) + " and " +
                              std::to_string(r.hi).substr(0, 3) + ".",
                          r.key);
      return false;
    }
    *r.out = static_cast<float>(v);
  }
  if (auto it = doc.find("seed"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer()) {
      *error = WrongType("seed", "an integer", *it);
      return false;
    }
    p->seed = static_cast<uint64_t>(it->get<int64_t>());
  }
  if (auto it = doc.find("stop"); it != doc.end() && !it->is_null()) {
    if (it->is_string()) {
      p->stop.push_back(it->get<std::string>());
    } else if (it->is_array()) {
      if (it->size() > 4) {
        *error = BadRequest("Invalid 'stop': at most 4 stop sequences are allowed.", "stop");
        return false;
      }
      for (const json& s : *it) {
        if (!s.is_string()) {
          *error = WrongType("stop", "a string or an array of strings", *it);
          return false;
        }
        p->stop.push_back(s.get<std::string>());
      }
    } else {
      *error = WrongType("stop", "a string or an array of strings", *it);
      return false;
    }
    for (const std::string& s : p->stop) {
      if (s.empty()) {
        *error = BadRequest("Invalid 'stop': stop sequences must not be empty.", "stop");
        return false;
      }
    }
  }
  if (auto it = doc.find("n"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() != 1) {
      *error = BadRequest("Invalid 'n': this server returns exactly one choice (n = 1).", "n");
      return false;
    }
  }
  // Fields passed on to OpenAI-compatible cloud backends as they are.
  for (const char* key : {"tools", "tool_choice", "parallel_tool_calls", "response_format",
                          "frequency_penalty", "presence_penalty", "logit_bias"}) {
    if (auto it = doc.find(key); it != doc.end()) (*passthrough)[key] = *it;
  }
  return true;
}

bool ParseStream(const json& doc, ParsedRequest* out, ApiError* error) {
  if (auto it = doc.find("stream"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      *error = WrongType("stream", "a boolean", *it);
      return false;
    }
    out->stream = it->get<bool>();
  }
  if (auto it = doc.find("stream_options"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) {
      *error = WrongType("stream_options", "an object", *it);
      return false;
    }
    if (auto u = it->find("include_usage"); u != it->end()) {
      if (!u->is_boolean()) {
        *error = WrongType("stream_options.include_usage", "a boolean", *u);
        return false;
      }
      out->include_usage = u->get<bool>();
    }
  }
  if (auto it = doc.find("user"); it != doc.end() && !it->is_null() && !it->is_string()) {
    *error = WrongType("user", "a string", *it);
    return false;
  }
  if (auto it = doc.find("conversation_id"); it != doc.end() && !it->is_null()) {
    if (!it->is_string()) {
      *error = WrongType("conversation_id", "a string", *it);
      return false;
    }
    out->service.conversation_id = it->get<std::string>();
  }
  return true;
}

// Message content: a string, null (assistant messages with tool calls), or an array of
// parts ({"type":"text","text"} and {"type":"image_url","image_url":{"url"}}).
// `images_so_far` counts the request's images across messages (for limits.max_images).
bool ParseContent(const json& content, const std::string& param, const RequestLimits& limits,
                  std::string* text, std::vector<backend::ImagePart>* images, size_t* images_so_far,
                  ApiError* error) {
  if (content.is_null()) return true;
  if (content.is_string()) {
    *text = content.get<std::string>();
    return true;
  }
  if (!content.is_array()) {
    *error = WrongType(param, "a string or an array of content parts", content);
    return false;
  }
  for (size_t i = 0; i < content.size(); ++i) {
    const json& part = content[i];
    std::string pp = param + "[" + std::to_string(i) + "]";
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string()) {
      *error = BadRequest("Invalid '" + pp + "': a content part needs a string 'type'.", pp);
      return false;
    }
    std::string type = part["type"].get<std::string>();
    if (type == "text") {
      if (!part.contains("text") || !part["text"].is_string()) {
        *error = BadRequest("Invalid '" + pp + ".text': expected a string.", pp + ".text");
        return false;
      }
      if (!text->empty()) *text += "\n";
      *text += part["text"].get<std::string>();
    } else if (type == "image_url") {
      const json* url = nullptr;
      if (part.contains("image_url") && part["image_url"].is_object() &&
          part["image_url"].contains("url") && part["image_url"]["url"].is_string()) {
        url = &part["image_url"]["url"];
      }
      if (url == nullptr) {
        *error = BadRequest("Invalid '" + pp + ".image_url': expected {\"url\": string}.",
                            pp + ".image_url");
        return false;
      }
      if (*images_so_far >= limits.max_images) {
        *error = BadRequest(
            "Too many images: at most " + std::to_string(limits.max_images) + " per request.", pp);
        return false;
      }
      ++*images_so_far;
      // Only the gateway's image check decides what an image is (data: URL, size, format).
      images->push_back({url->get<std::string>(), pp});
    } else {
      *error = BadRequest("Invalid '" + pp + ".type': unsupported content part type '" + type +
                              "' (expected 'text' or 'image_url').",
                          pp + ".type");
      return false;
    }
  }
  return true;
}

}  // namespace

json ApiError::ToJson() const {
  return {{"error",
           {{"message", message},
            {"type", type},
            {"param", param.empty() ? json(nullptr) : json(param)},
            {"code", code.empty() ? json(nullptr) : json(code)}}}};
}

ApiError ApiErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: {
      // "Invalid 'messages[1].content[2]': ..." names the offending field: it becomes `param`.
      std::string param;
      const std::string& m = status.message();
      constexpr std::string_view kPrefix = "Invalid '";
      if (m.compare(0, kPrefix.size(), kPrefix) == 0) {
        size_t end = m.find('\'', kPrefix.size());
        if (end != std::string::npos) param = m.substr(kPrefix.size(), end - kPrefix.size());
      }
      return {400, "invalid_request_error", m, param, ""};
    }
    case StatusCode::kNotFound:
      return {404, "invalid_request_error", status.message(), "", "not_found"};
    case StatusCode::kPermissionDenied: return {403, "permission_error", status.message(), "", ""};
    case StatusCode::kResourceExhausted:
      return {429, "rate_limit_error", status.message(), "", "resource_exhausted"};
    case StatusCode::kUnavailable:
      return {503, "server_error", status.message(), "", "upstream_unavailable"};
    case StatusCode::kFailedPrecondition:
      return {409, "invalid_request_error", status.message(), "", ""};
    default: return {500, "server_error", status.message(), "", ""};
  }
}

std::optional<ParsedRequest> ParseChatRequest(const std::string& body,
                                              const std::vector<std::string>& models,
                                              const RequestLimits& limits, ApiError* error) {
  std::optional<json> doc = ParseBody(body, error);
  if (!doc) return std::nullopt;
  ParsedRequest out;
  backend::Request& req = out.service.request;
  if (!ParseModel(*doc, models, &req.model, error)) return std::nullopt;
  auto it = doc->find("messages");
  if (it == doc->end()) {
    *error = BadRequest("Missing required parameter: 'messages'.", "messages");
    return std::nullopt;
  }
  if (!it->is_array()) {
    *error = WrongType("messages", "an array", *it);
    return std::nullopt;
  }
  if (it->empty() || it->size() > limits.max_messages) {
    *error = BadRequest("Invalid 'messages': expected between 1 and " +
                            std::to_string(limits.max_messages) + " messages, got " +
                            std::to_string(it->size()) + ".",
                        "messages");
    return std::nullopt;
  }
  size_t images = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& m = (*it)[i];
    std::string param = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) {
      *error = WrongType(param, "an object", m);
      return std::nullopt;
    }
    auto role = m.find("role");
    if (role == m.end() || !role->is_string()) {
      *error = BadRequest("Invalid '" + param +
                              ".role': expected one of 'system', "
                              "'developer', 'user', 'assistant', 'tool'.",
                          param + ".role");
      return std::nullopt;
    }
    backend::Message msg;
    msg.role = role->get<std::string>();
    static const char* kRoles[] = {"system", "developer", "user", "assistant", "tool"};
    if (std::none_of(std::begin(kRoles), std::end(kRoles),
                     [&](const char* r) { return msg.role == r; })) {
      *error = BadRequest("Invalid '" + param + ".role': '" + msg.role +
                              "' is not one of 'system', 'developer', 'user', 'assistant', "
                              "'tool'.",
                          param + ".role");
      return std::nullopt;
    }
    auto content = m.find("content");
    bool may_omit = msg.role == "assistant" && m.contains("tool_calls");
    if (content == m.end() && !may_omit) {
      *error =
          BadRequest("Missing required parameter: '" + param + ".content'.", param + ".content");
      return std::nullopt;
    }
    if (content != m.end() && !ParseContent(*content, param + ".content", limits, &msg.content,
                                            &msg.images, &images, error)) {
      return std::nullopt;
    }
    for (const char* key : {"tool_calls", "tool_call_id", "name"}) {
      if (auto e = m.find(key); e != m.end()) msg.extra[key] = *e;
    }
    req.messages.push_back(std::move(msg));
  }
  if (!ParseParams(*doc, limits, &req.params, &req.passthrough, error)) return std::nullopt;
  if (!ParseStream(*doc, &out, error)) return std::nullopt;
  return out;
}

std::optional<ParsedRequest> ParseCompletionRequest(const std::string& body,
                                                    const std::vector<std::string>& models,
                                                    const RequestLimits& limits, ApiError* error) {
  std::optional<json> doc = ParseBody(body, error);
  if (!doc) return std::nullopt;
  ParsedRequest out;
  backend::Request& req = out.service.request;
  if (!ParseModel(*doc, models, &req.model, error)) return std::nullopt;
  auto it = doc->find("prompt");
  if (it == doc->end()) {
    *error = BadRequest("Missing required parameter: 'prompt'.", "prompt");
    return std::nullopt;
  }
  if (it->is_string()) {
    req.prompt = it->get<std::string>();
  } else if (it->is_array() && it->size() == 1 && (*it)[0].is_string()) {
    req.prompt = (*it)[0].get<std::string>();
  } else {
    *error =
        BadRequest("Invalid 'prompt': expected a string (or an array of one string).", "prompt");
    return std::nullopt;
  }
  if (!ParseParams(*doc, limits, &req.params, &req.passthrough, error)) return std::nullopt;
  if (!ParseStream(*doc, &out, error)) return std::nullopt;
  return out;
}

json PrivacyToJson(const offload::PrivacyReport& r) {
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  json j = {{"level", r.level},
            {"score", round3(r.score)},
            {"route", r.route},
            {"policy", r.policy},
            {"reasons", r.reasons},
            {"masked_spans", r.masked_spans},
            {"privacy_cost", round3(r.privacy_cost)},
            {"budget_remaining", round3(r.budget_remaining)}};
  if (!r.cloud_backend.empty()) j["cloud_backend"] = r.cloud_backend;
  if (!r.fallback.empty()) j["fallback"] = r.fallback;
  if (!r.images.empty()) {
    json images = json::array();
    for (const offload::ImageReport& image : r.images) {
      images.push_back({{"index", image.index},
                        {"param", image.param},
                        {"level", image.level},
                        {"action", image.action}});
    }
    j["images"] = std::move(images);
  }
  return j;
}

json UsageJson(const backend::Usage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.prompt_tokens + u.completion_tokens}};
}

json ChatCompletionBody(const ResponseMeta& meta, const offload::ServiceResponse& r) {
  json message = r.result.message.is_object() && !r.result.message.empty()
                     ? r.result.message
                     : json{{"role", "assistant"}, {"content", r.result.text}};
  message["role"] = "assistant";
  if (!message.contains("content")) message["content"] = r.result.text;
  json body = {{"id", meta.id},
               {"object", "chat.completion"},
               {"created", meta.created},
               {"model", meta.model},
               {"choices", json::array({{{"index", 0},
                                         {"message", message},
                                         {"logprobs", nullptr},
                                         {"finish_reason", r.result.finish_reason}}})},
               {"usage", UsageJson(r.result.usage)}};
  if (r.privacy) body["privacy"] = PrivacyToJson(*r.privacy);
  return body;
}

json CompletionBody(const ResponseMeta& meta, const offload::ServiceResponse& r) {
  json body = {{"id", meta.id},
               {"object", "text_completion"},
               {"created", meta.created},
               {"model", meta.model},
               {"choices", json::array({{{"index", 0},
                                         {"text", r.result.text},
                                         {"logprobs", nullptr},
                                         {"finish_reason", r.result.finish_reason}}})},
               {"usage", UsageJson(r.result.usage)}};
  if (r.privacy) body["privacy"] = PrivacyToJson(*r.privacy);
  return body;
}

json ChatChunk(const ResponseMeta& meta, const std::string* role, const std::string* content,
               const std::string* finish_reason) {
  json delta = json::object();
  if (role) delta["role"] = *role;
  if (content) delta["content"] = *content;
  return {
      {"id", meta.id},
      {"object", "chat.completion.chunk"},
      {"created", meta.created},
      {"model", meta.model},
      {"choices",
       json::array({{{"index", 0},
                     {"delta", delta},
                     {"logprobs", nullptr},
                     {"finish_reason", finish_reason ? json(*finish_reason) : json(nullptr)}}})}};
}

json CompletionChunk(const ResponseMeta& meta, const std::string& text,
                     const std::string* finish_reason) {
  return {
      {"id", meta.id},
      {"object", "text_completion"},
      {"created", meta.created},
      {"model", meta.model},
      {"choices",
       json::array({{{"index", 0},
                     {"text", text},
                     {"logprobs", nullptr},
                     {"finish_reason", finish_reason ? json(*finish_reason) : json(nullptr)}}})}};
}

std::string SseEvent(const json& body) {
  // error_handler_t::replace: a reply cut inside a UTF-8 sequence must not throw here.
  return "data: " + body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

}  // namespace ptmo::server
