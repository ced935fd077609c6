// OpenAIBackend: a client for any server speaking the OpenAI HTTP API (/chat/completions and
// /completions): OpenAI, Groq, vLLM, Ollama, the llama.cpp server, and our own `ptmo serve`.
//
//   OpenAIBackendOptions o;
//   o.name = "cloud:groq";
//   o.base_url = "https://api.groq.com/openai/v1";
//   o.api_key_env = "GROQ_API_KEY";
//   o.models = {"llama-3.1-8b-instant"};
//   PTMO_ASSIGN_OR_RETURN(std::unique_ptr<OpenAIBackend> cloud, OpenAIBackend::Open(o));
//
// URLs: base_url is "http[s]://host[:port][/prefix]". Endpoints are appended to the prefix:
// "https://api.groq.com/openai/v1" + "/chat/completions". A base_url without a path gets the
// prefix "/v1" (every server above serves there), so "http://127.0.0.1:8080" means
// "http://127.0.0.1:8080/v1/chat/completions"; a trailing '/' is ignored.
//
// Requests: chat requests go to /chat/completions with the messages (each message's `extra`
// fields merged in, e.g. tool_calls), prompt requests to /completions. max_tokens,
// temperature, top_p, seed (when set) and stop (when not empty) are sent; Request::passthrough
// fields (tools, tool_choice, response_format, ...) are added unless they would replace one of
// those. With a DeltaCallback the request streams ("stream": true, and
// "stream_options": {"include_usage": true} unless disabled) and the server-sent events are
// parsed as they arrive; text deltas go to the callback, tool-call deltas are accumulated into
// Result::message["tool_calls"]. Without one, the JSON reply is parsed whole; Result::message is
// choices[0].message as the server sent it.
//
// Errors and retries: HTTP 401/403 -> kPermissionDenied; 429 -> kResourceExhausted; 408 and
// 5xx -> kUnavailable; 413 -> kResourceExhausted; other statuses -> kInvalidArgument; a
// connection failure or timeout -> kUnavailable; a reply that is not the expected JSON ->
// kUnavailable ("malformed reply"). Messages name the backend, the URL, the status and the
// server's error.message. 429, 408, 5xx and connection failures are retried up to max_retries
// times, waiting backoff_base * 2^attempt (capped at backoff_max) times a random factor in
// [0.5, 1.0]; a 429's Retry-After (seconds) replaces that wait when present (and ends the
// retries when longer than max_retry_after). Nothing is retried once streamed text has reached
// the callback.
//
// Cancellation: the CancelToken is watched while waiting for and reading the reply (the
// connection is shut down within 20 ms when it fires; while still connecting, at the latest
// after connect_timeout); the callback returning false stops the transfer. A
// request cancelled after text arrived returns a partial Result with finish_reason
// "cancelled"; one cancelled before that returns kFailedPrecondition "cancelled".
//
// Connections: a small pool of keep-alive connections per backend. A call takes an idle
// connection (the most recently used) or opens a new one, so concurrent Generate calls never
// wait on each other; a connection that finished its exchange cleanly goes back to the pool,
// at most max_idle_connections of them, each dropped once idle for idle_connection_timeout_s
// (keep it below the server's keep-alive timeout: 5 s for cpp-httplib servers such as
// `ptmo serve`). One that was cancelled, broke off, or failed is closed. A request sent on a
// pooled connection that fails before any byte of the reply arrived (the server had closed
// it meanwhile) is sent once more at once on a new connection; that does not count as a
// retry. TCP_NODELAY is set: requests go out without waiting for earlier ACKs. TLS certificates are
// verified by default, against ca_file when set and OpenSSL's default paths otherwise. The API key
// is read from the environment once, at Open, and is only sent in the Authorization header; it is
// never logged or put in an error message.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "backend/cancel_watch.h"
#include "util/status.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace ptmo::backend {

struct OpenAIBackendOptions {
  std::string name;      // name() in logs and the audit log; empty: "cloud:<host>"
  std::string base_url;  // "https://api.openai.com/v1", "http://127.0.0.1:8080"
  // The environment variable holding the API key (sent as "Authorization: Bearer KEY").
  // Empty: no key is sent.
  std::string api_key_env;
  // When true, an unset or empty api_key_env variable means "no key" instead of an error
  // (local servers such as Ollama or llama.cpp need none).
  bool api_key_optional = false;
  std::vector<std::string> models;  // ids this backend offers; the first is the default
  double connect_timeout_s = 10.0;
  double read_timeout_s = 120.0;  // longest wait for any byte of the reply
  double write_timeout_s = 30.0;
  int max_retries = 2;  // retries after the first attempt
  double backoff_base_s = 0.5;
  double backoff_max_s = 20.0;
  double max_retry_after_s = 60.0;  // a longer Retry-After gives up at once
  std::string ca_file;              // PEM bundle of trusted CAs; empty: the system's
  bool verify_certificate = true;   // only ever turn off for tests against a self-signed host
  bool stream_usage = true;         // ask for usage in streams (stream_options.include_usage)
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  // Keep-alive pool (see the file comment): idle connections kept, 0 to 1024 (0: a new
  // connection per request), and how long one may stay idle before it is closed (> 0).
  int max_idle_connections = 32;
  double idle_connection_timeout_s = 4.0;
};

class OpenAIBackend : public Backend {
 public:
  // Checks the options and reads the API key. Errors: kInvalidArgument for a base_url that is
  // not http:// or https:// with a host (or a bad port), no model ids, timeouts <= 0, negative
  // retries, a ca_file that does not exist; kFailedPrecondition naming the variable when
  // api_key_env is set, not optional, and unset or empty.
  static Expected<std::unique_ptr<OpenAIBackend>> Open(const OpenAIBackendOptions& options);

  ~OpenAIBackend() override;
  OpenAIBackend(const OpenAIBackend&) = delete;
  OpenAIBackend& operator=(const OpenAIBackend&) = delete;

  std::string name() const override { return name_; }
  bool remote() const override { return true; }
  std::vector<std::string> models() const override { return options_.models; }

  // See backend.h and the file comment. Request::model empty: models()[0]; other ids are sent
  // as given (the server decides). Thread-safe: calls share only the connection pool (under a
  // mutex held for a pop or a push, never while a request runs).
  Expected<Result> Generate(const Request& request, const DeltaCallback& on_delta,
                            const CancelToken* cancel) override;

  // The full URL of an endpoint ("/chat/completions"), as requests use it.
  // The exact JSON body Generate sends (the gateway's audit log records it).
  std::string WireBody(const Request& request, bool stream) const override;

  std::string EndpointUrl(const std::string& endpoint) const;

 private:
  struct Attempt;

  explicit OpenAIBackend(OpenAIBackendOptions options);  // in the .cc: httplib is incomplete here

  nlohmann::json BuildBody(const Request& request, bool stream) const;
  // One HTTP attempt; `model` is the id sent (Result::model unless the server names one).
  Expected<Result> Once(const std::string& path, const std::string& body, const std::string& model,
                        bool chat, const DeltaCallback& on_delta, const CancelToken* cancel,
                        Attempt* attempt);
  std::string Prefix() const;  // "backend 'cloud:x'"

  // The keep-alive pool. TakeClient returns an idle connection (*reused = true) or a new,
  // configured client; ReturnClient keeps `client` for reuse (or closes it when the pool is
  // full or disabled). Both thread-safe.
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<httplib::Client> TakeClient(bool* reused);
  void ReturnClient(std::unique_ptr<httplib::Client> client);
  std::unique_ptr<httplib::Client> NewClient() const;

  OpenAIBackendOptions options_;
  std::string name_;
  std::string scheme_host_port_;  // "https://api.groq.com:443"
  std::string path_prefix_;       // "/openai/v1"
  std::string api_key_;

  // Stops a request's connection when its CancelToken fires (one thread for all requests).
  CancelWatchList cancel_watch_;

  std::mutex pool_mu_;
  // Idle connections, oldest first, with the time each was returned.
  std::vector<std::pair<std::unique_ptr<httplib::Client>, Clock::time_point>> idle_;
};

}  // namespace ptmo::backend
