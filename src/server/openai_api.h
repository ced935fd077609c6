// OpenAI's wire format: request parsing with the checks OpenAI makes, response and stream
// chunk bodies, and error bodies, so the official SDKs work against `ptmo serve` unchanged.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "offload/service.h"
#include "util/status.h"

namespace ptmo::server {

// An error in OpenAI's shape: {"error":{"message","type","param","code"}} with an HTTP status.
struct ApiError {
  int http_status = 400;
  std::string type = "invalid_request_error";
  std::string message;
  std::string param;  // the offending field ("messages[1].content"), or empty
  std::string code;   // machine-readable ("model_not_found"), or empty
  nlohmann::json ToJson() const;
};

// The HTTP status and OpenAI error type for a Status coming out of a backend or gateway.
ApiError ApiErrorFromStatus(const Status& status);

struct RequestLimits {
  int max_tokens = 4096;         // largest max_tokens a caller may ask for
  int default_max_tokens = 256;  // when the caller gives none
  size_t max_messages = 256;
  size_t max_images = 8;
};

struct ParsedRequest {
  offload::ServiceRequest service;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// Parses a /v1/chat/completions body (`chat` true) or a /v1/completions body. `models` are
// the ids this server serves (an unknown model is a 404 model_not_found, as with OpenAI).
// On failure fills *error and returns nullopt.
std::optional<ParsedRequest> ParseChatRequest(const std::string& body,
                                              const std::vector<std::string>& models,
                                              const RequestLimits& limits, ApiError* error);
std::optional<ParsedRequest> ParseCompletionRequest(const std::string& body,
                                                    const std::vector<std::string>& models,
                                                    const RequestLimits& limits, ApiError* error);

// Ids and timestamps shared by a response and its chunks.
struct ResponseMeta {
  std::string id;  // "chatcmpl-..." / "cmpl-..."
  int64_t created = 0;
  std::string model;
};

nlohmann::json PrivacyToJson(const offload::PrivacyReport& report);

// Whole (non-streamed) bodies.
nlohmann::json ChatCompletionBody(const ResponseMeta& meta, const offload::ServiceResponse& r);
nlohmann::json CompletionBody(const ResponseMeta& meta, const offload::ServiceResponse& r);

// Stream chunks. The first chat chunk carries the role; the last one finish_reason (and the
// privacy object); a usage chunk (empty choices) follows when include_usage was asked for.
nlohmann::json ChatChunk(const ResponseMeta& meta, const std::string* role,
                         const std::string* content, const std::string* finish_reason);
nlohmann::json CompletionChunk(const ResponseMeta& meta, const std::string& text,
                               const std::string* finish_reason);
nlohmann::json UsageJson(const backend::Usage& usage);

// "data: <json>\n\n"
std::string SseEvent(const nlohmann::json& body);

}  // namespace ptmo::server
