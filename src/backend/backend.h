// The Backend interface: something that answers chat or completion requests, locally (the
// engine) or remotely (any OpenAI-compatible server). The gateway talks only to this interface.
//
//   auto result = backend->Generate(request, [&](std::string_view delta) {
//     std::cout << delta;  // streamed text, in order
//     return true;         // false cancels the request
//   }, &cancel);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace ptmo::backend {

// An image attached to a chat message: an OpenAI `image_url` content part.
struct ImagePart {
  std::string url;    // a data: URL ("data:image/png;base64,..."); what a backend would send
  std::string param;  // where the caller's request carried it ("messages[1].content[2]")
};

// One chat message. `content` is the text (a message's text parts joined by '\n'); `images`
// are its image parts in order; `extra` carries the other OpenAI message fields verbatim
// (tool_calls, tool_call_id, name) so tool use passes through a gateway unchanged. Remote
// backends send a message with images as content parts (the text part first, then the
// images); local backends are text-only and ignore `images`.
struct Message {
  std::string role;  // "system", "user", "assistant", "tool"
  std::string content;
  nlohmann::json extra = nlohmann::json::object();
  std::vector<ImagePart> images = {};
};

struct GenerationParams {
  int max_tokens = 256;
  float temperature = 0.7f;
  float top_p = 1.0f;
  std::optional<uint64_t> seed;
  std::vector<std::string> stop;
};

// A chat request (messages) or, when `prompt` is set, a raw completion request.
struct Request {
  std::string model;  // empty: the backend's default model
  std::vector<Message> messages;
  std::optional<std::string> prompt;  // /v1/completions: text used as is, no chat template
  GenerationParams params;
  // Other request fields passed through to OpenAI-compatible servers (tools, tool_choice,
  // response_format, ...). Local backends ignore the ones they do not understand.
  nlohmann::json passthrough = nlohmann::json::object();
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

struct Result {
  std::string text;                    // the whole generated text
  std::string finish_reason = "stop";  // "stop", "length", "tool_calls", "cancelled"
  std::string model;                   // the model that answered
  Usage usage;
  // The assistant message exactly as the server returned it (with tool_calls when present);
  // for local backends {"role":"assistant","content":text}.
  nlohmann::json message = nlohmann::json::object();
};

// Receives text deltas in order while a request streams. Returning false cancels it.
using DeltaCallback = std::function<bool(std::string_view delta)>;

// Set from any thread to ask a running request to stop; the backend returns kFailedPrecondition
// "cancelled" (or a partial Result with finish_reason "cancelled") soon after.
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

class Backend {
 public:
  virtual ~Backend() = default;

  // A short name for logs, metrics and the audit log ("local", "cloud:groq").
  virtual std::string name() const = 0;
  // True when requests leave this device (everything sent is audited and budget-charged).
  virtual bool remote() const = 0;
  // Model ids this backend serves; the first is its default.
  virtual std::vector<std::string> models() const = 0;

  // Runs `request`. When `on_delta` is non-empty the text streams through it as it is produced
  // (and is also returned whole in Result::text). Thread-safe: concurrent calls are allowed.
  // Errors: kInvalidArgument (the request is malformed for this backend), kUnavailable
  // (network, connection refused, 5xx after retries), kResourceExhausted (429 after retries,
  // prompt longer than the context), kPermissionDenied (401/403), kFailedPrecondition
  // (cancelled). Messages name the backend and the problem.
  virtual Expected<Result> Generate(const Request& request, const DeltaCallback& on_delta,
                                    const CancelToken* cancel) = 0;

  // The exact bytes Generate(request, ...) would send off the device (the HTTP body), so the
  // gateway's audit log records what was sent; `stream` is whether on_delta will be non-empty.
  // Remote backends must build their request body with this very function. Local: empty.
  virtual std::string WireBody(const Request& request, bool stream) const {
    (void)request;
    (void)stream;
    return {};
  }
};

}  // namespace ptmo::backend
