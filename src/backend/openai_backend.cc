#include "backend/openai_backend.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "backend/sse_parser.h"
#include "backend/stop_filter.h"

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "ptmo_backend needs cpp-httplib built with OpenSSL (CPPHTTPLIB_OPENSSL_SUPPORT)"
#endif

namespace ptmo::backend {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxReplyBytes = size_t{64} << 20;  // a whole non-streamed reply
constexpr size_t kMaxErrorTextBytes = 300;           // server text quoted in a message
constexpr auto kCancelPoll = std::chrono::milliseconds(20);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Seconds as httplib's (sec, usec) pair.
std::pair<time_t, time_t> SecUsec(double seconds) {
  const auto whole = static_cast<time_t>(seconds);
  return {whole, static_cast<time_t>((seconds - static_cast<double>(whole)) * 1e6)};
}

std::string Quote(std::string_view text) {
  std::string t = ToValidUtf8(text.substr(0, std::min(text.size(), kMaxErrorTextBytes)));
  if (text.size() > kMaxErrorTextBytes) t += "...";
  return t;
}

// The most useful human text in an error reply: error.message, error (a string), message,
// or the body itself, shortened.
std::string ServerErrorText(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto e = j.find("error");
    if (e != j.end()) {
      if (e->is_string()) return Quote(e->get<std::string>());
      if (e->is_object()) {
        auto m = e->find("message");
        if (m != e->end() && m->is_string()) return Quote(m->get<std::string>());
      }
    }
    auto m = j.find("message");
    if (m != j.end() && m->is_string()) return Quote(m->get<std::string>());
  }
  std::string_view t = body;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return t.empty() ? "(empty body)" : Quote(t);
}

StatusCode CodeForHttpStatus(int status) {
  if (status == 401 || status == 403) return StatusCode::kPermissionDenied;
  if (status == 429 || status == 413) return StatusCode::kResourceExhausted;
  if (status == 408 || status >= 500) return StatusCode::kUnavailable;
  return StatusCode::kInvalidArgument;
}

bool RetryableHttpStatus(int status) {
  return status == 429 || status == 408 || status >= 500;
}

// Retry-After in seconds; HTTP dates and junk give nothing (the backoff applies then).
std::optional<double> ParseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  const double s = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0' || !std::isfinite(s) || s < 0) return std::nullopt;
  return s;
}

// "0.3", "3600": seconds for messages.
std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", s);
  return buf;
}

// What a transport error means, in words a user can act on.
std::string DescribeError(httplib::Error err, double read_timeout_s) {
  switch (err) {
    case httplib::Error::Connection: return "could not connect";
    case httplib::Error::ConnectionTimeout: return "connecting timed out";
    case httplib::Error::Read:
      return "reading the reply failed or took longer than " + FormatSeconds(read_timeout_s) + " s";
    case httplib::Error::Write: return "sending the request failed";
    case httplib::Error::SSLConnection: return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "loading the CA certificates failed";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate was not accepted (see ca_file)";
    default: return httplib::to_string(err);
  }
}

double Jitter() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return std::uniform_real_distribution<double>(0.5, 1.0)(rng);
}

template <typename T>
bool ReadInt(const json& obj, const char* key, T* out) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return false;
  *out = it->get<T>();
  return true;
}

std::string StringOr(const json& obj, const char* key, std::string fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

void ReadUsage(const json& obj, Usage* usage) {
  auto u = obj.find("usage");
  if (u == obj.end() || !u->is_object()) return;
  ReadInt(*u, "prompt_tokens", &usage->prompt_tokens);
  ReadInt(*u, "completion_tokens", &usage->completion_tokens);
}

// Accumulates streamed tool-call fragments (choices[0].delta.tool_calls) by index.
class ToolCallAccumulator {
 public:
  void Add(const json& deltas) {
    if (!deltas.is_array()) return;
    for (size_t i = 0; i < deltas.size(); ++i) {
      const json& d = deltas[i];
      if (!d.is_object()) continue;
      int64_t index = static_cast<int64_t>(i);
      ReadInt(d, "index", &index);
      json& call = calls_[index];
      if (call.is_null()) {
        call = {{"id", ""}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}};
      }
      const std::string id = StringOr(d, "id", "");
      if (!id.empty()) call["id"] = id;
      const std::string type = StringOr(d, "type", "");
      if (!type.empty()) call["type"] = type;
      auto f = d.find("function");
      if (f != d.end() && f->is_object()) {
        call["function"]["name"] =
            call["function"]["name"].get<std::string>() + StringOr(*f, "name", "");
        call["function"]["arguments"] =
            call["function"]["arguments"].get<std::string>() + StringOr(*f, "arguments", "");
      }
    }
  }
  bool empty() const { return calls_.empty(); }
  json ToJson() const {
    json out = json::array();
    for (const auto& [index, call] : calls_) out.push_back(call);
    return out;
  }

 private:
  std::map<int64_t, json> calls_;
};

}  // namespace

// What one HTTP attempt learned that decides about retrying.
struct OpenAIBackend::Attempt {
  bool retryable = false;
  bool delivered = false;  // streamed text reached the callback
  // Sent on a pooled connection that failed before any byte of the reply: the server had
  // most likely closed it while idle, so the request is sent again at once.
  bool stale_connection = false;
  std::optional<double> retry_after_s;
};

Expected<std::unique_ptr<OpenAIBackend>> OpenAIBackend::Open(const OpenAIBackendOptions& options) {
  std::unique_ptr<OpenAIBackend> b(new OpenAIBackend(options));
  const std::string& url = options.base_url;
  const std::string where = "backend '" + (options.name.empty() ? url : options.name) + "'";
  const std::string lower = Lower(url);
  std::string scheme;
  if (lower.starts_with("http://")) {
    scheme = "http";
  } else if (lower.starts_with("https://")) {
    scheme = "https";
  } else {
    return InvalidArgument(where + ": base_url '" + url + "' must start with http:// or https://");
  }
  std::string_view rest = std::string_view(url).substr(scheme.size() + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgument(where + ": base_url '" + url + "' must not have a query or fragment");
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.empty()) path = "/v1";

  std::string host(authority);
  std::string port;
  const size_t colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
    const bool digits =
        !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), ::isdigit);
    if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return InvalidArgument(where + ": base_url '" + url + "' has a bad port '" + port + "'");
    }
  }
  if (host.empty() || host.find('@') != std::string::npos) {
    return InvalidArgument(where + ": base_url '" + url + "' has no valid host");
  }
  if (port.empty()) port = scheme == "https" ? "443" : "80";
  b->scheme_host_port_ = scheme + "://" + host + ":" + port;
  b->path_prefix_ = path;
  b->name_ = options.name.empty() ? "cloud:" + host : options.name;

  const std::string me = b->Prefix();
  if (options.models.empty() || std::any_of(options.models.begin(), options.models.end(),
                                            [](const std::string& m) { return m.empty(); })) {
    return InvalidArgument(me + ": needs at least one model id, and no empty ones");
  }
  if (!(options.connect_timeout_s > 0) || !(options.read_timeout_s > 0) ||
      !(options.write_timeout_s > 0)) {
    return InvalidArgument(me + ": timeouts must be positive");
  }
  if (options.max_retries < 0 || options.max_retries > 20) {
    return InvalidArgument(me + ": max_retries must be 0 to 20, got " +
                           std::to_string(options.max_retries));
  }
  if (options.backoff_base_s < 0 || options.backoff_max_s < 0 || options.max_retry_after_s < 0) {
    return InvalidArgument(me + ": backoff times must not be negative");
  }
  if (!options.ca_file.empty() && !std::filesystem::is_regular_file(options.ca_file)) {
    return InvalidArgument(me + ": ca_file '" + options.ca_file + "' is not a readable file");
  }
  if (options.max_idle_connections < 0 || options.max_idle_connections > 1024) {
    return InvalidArgument(me + ": max_idle_connections must be 0 to 1024, got " +
                           std::to_string(options.max_idle_connections));
  }
  if (!(options.idle_connection_timeout_s > 0)) {
    return InvalidArgument(me + ": idle_connection_timeout_s must be positive");
  }
  for (const auto& [key, value] : options.headers) {
    if (key.empty() || key.find_first_of(":\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgument(me + ": bad extra header '" + key + "'");
    }
  }
  if (!options.api_key_env.empty()) {
    const char* key = std::getenv(options.api_key_env.c_str());
    if (key != nullptr) b->api_key_ = key;
    if (b->api_key_.empty() && !options.api_key_optional) {
      return FailedPrecondition(me + ": the environment variable " + options.api_key_env +
                                " (its API key) is not set");
    }
  }
  return b;
}

OpenAIBackend::OpenAIBackend(OpenAIBackendOptions options)
    : options_(std::move(options)), cancel_watch_(kCancelPoll) {}

OpenAIBackend::~OpenAIBackend() = default;

std::unique_ptr<httplib::Client> OpenAIBackend::NewClient() const {
  auto client = std::make_unique<httplib::Client>(scheme_host_port_);
  auto [cs, cu] = SecUsec(options_.connect_timeout_s);
  client->set_connection_timeout(cs, cu);
  auto [rs, ru] = SecUsec(options_.read_timeout_s);
  client->set_read_timeout(rs, ru);
  auto [ws, wu] = SecUsec(options_.write_timeout_s);
  client->set_write_timeout(ws, wu);
  client->set_keep_alive(options_.max_idle_connections > 0);
  // A request is written in pieces (headers, body): without this, Nagle's algorithm holds
  // the body back until the headers are acknowledged.
  client->set_tcp_nodelay(true);
  client->enable_server_certificate_verification(options_.verify_certificate);
  if (!options_.ca_file.empty()) client->set_ca_cert_path(options_.ca_file);
  return client;
}

std::unique_ptr<httplib::Client> OpenAIBackend::TakeClient(bool* reused) {
  *reused = false;
  std::vector<std::unique_ptr<httplib::Client>> expired;  // closed outside the lock
  std::unique_ptr<httplib::Client> client;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    const Clock::time_point now = Clock::now();
    const auto max_idle = std::chrono::duration<double>(options_.idle_connection_timeout_s);
    while (!idle_.empty()) {
      auto [c, since] = std::move(idle_.back());
      idle_.pop_back();
      if (now - since < max_idle) {
        client = std::move(c);
        break;
      }
      expired.push_back(std::move(c));  // the newest is expired: so are the older ones
      for (auto& [old, t] : idle_) expired.push_back(std::move(old));
      idle_.clear();
    }
  }
  if (client) {
    *reused = true;
    return client;
  }
  return NewClient();
}

void OpenAIBackend::ReturnClient(std::unique_ptr<httplib::Client> client) {
  std::unique_ptr<httplib::Client> dropped;
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (static_cast<int>(idle_.size()) >= options_.max_idle_connections) {
    if (idle_.empty()) return;                 // pooling is off: `client` closes here
    dropped = std::move(idle_.front().first);  // keep the most recently used ones
    idle_.erase(idle_.begin());
  }
  idle_.emplace_back(std::move(client), Clock::now());
}

std::string OpenAIBackend::Prefix() const {
  return "backend '" + name_ + "'";
}

std::string OpenAIBackend::EndpointUrl(const std::string& endpoint) const {
  return scheme_host_port_ + path_prefix_ + endpoint;
}

std::string OpenAIBackend::WireBody(const Request& request, bool stream) const {
  return BuildBody(request, stream).dump(-1, ' ', false, json::error_handler_t::replace);
}

json OpenAIBackend::BuildBody(const Request& request, bool stream) const {
  const GenerationParams& p = request.params;
  json body = json::object();
  body["model"] = request.model.empty() ? options_.models.front() : request.model;
  if (request.prompt) {
    body["prompt"] = *request.prompt;
  } else {
    json messages = json::array();
    for (const Message& m : request.messages) {
      json msg = m.extra.is_object() ? m.extra : json::object();
      msg["role"] = m.role;
      // An assistant turn that only calls tools has null content in the OpenAI API.
      if (!m.images.empty()) {
        // OpenAI's content parts: the message's text, then its images (data: URLs).
        json parts = json::array();
        if (!m.content.empty()) parts.push_back({{"type", "text"}, {"text", m.content}});
        for (const ImagePart& image : m.images) {
          parts.push_back({{"type", "image_url"}, {"image_url", {{"url", image.url}}}});
        }
        msg["content"] = std::move(parts);
      } else if (m.content.empty() && msg.contains("tool_calls")) {
        msg["content"] = nullptr;
      } else {
        msg["content"] = m.content;
      }
      messages.push_back(std::move(msg));
    }
    body["messages"] = std::move(messages);
  }
  body["max_tokens"] = p.max_tokens;
  // Floats are sent as the decimal the caller meant (0.7, not 0.699999988079071).
  auto decimal = [](float v) { return std::round(static_cast<double>(v) * 1e6) / 1e6; };
  body["temperature"] = decimal(p.temperature);
  body["top_p"] = decimal(p.top_p);
  if (p.seed) body["seed"] = *p.seed;
  if (!p.stop.empty()) body["stop"] = p.stop;
  if (stream) {
    body["stream"] = true;
    if (options_.stream_usage) body["stream_options"] = {{"include_usage", true}};
  }
  if (request.passthrough.is_object()) {
    for (const auto& [key, value] : request.passthrough.items()) {
      if (!body.contains(key)) body[key] = value;
    }
  }
  return body;
}

Expected<Result> OpenAIBackend::Generate(const Request& request, const DeltaCallback& on_delta,
                                         const CancelToken* cancel) {
  const bool chat = !request.prompt.has_value();
  if (chat && request.messages.empty()) {
    return InvalidArgument(Prefix() + ": the chat request has no messages");
  }
  if (request.params.max_tokens < 1) {
    return InvalidArgument(Prefix() + ": max_tokens must be at least 1, got " +
                           std::to_string(request.params.max_tokens));
  }
  const bool stream = static_cast<bool>(on_delta);
  // Invalid UTF-8 in the request becomes U+FFFD rather than an exception.
  const std::string body = WireBody(request, stream);
  const std::string path = path_prefix_ + (chat ? "/chat/completions" : "/completions");
  const std::string model = request.model.empty() ? options_.models.front() : request.model;

  bool resent_stale = false;
  for (int attempt = 0;; ++attempt) {
    Attempt a;
    Expected<Result> r = Once(path, body, model, chat, on_delta, cancel, &a);
    if (r.ok() || a.delivered) return r;
    if (a.stale_connection && !resent_stale) {
      resent_stale = true;  // once per call: a second failure is the server's, not the pool's
      --attempt;
      continue;
    }
    if (!a.retryable) return r;
    const std::string tries =
        " (" + std::to_string(attempt + 1) + (attempt == 0 ? " attempt)" : " attempts)");
    if (attempt >= options_.max_retries) {
      return Status(r.status().code(), r.status().message() + tries);
    }
    double wait =
        std::min(options_.backoff_max_s, options_.backoff_base_s * std::ldexp(1.0, attempt)) *
        Jitter();
    if (a.retry_after_s) {
      if (*a.retry_after_s > options_.max_retry_after_s) {
        return Status(r.status().code(), r.status().message() + "; the server asks to wait " +
                                             FormatSeconds(*a.retry_after_s) + " s" + tries);
      }
      wait = *a.retry_after_s;
    }
    using Clock = std::chrono::steady_clock;
    const Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                       std::chrono::duration<double>(wait));
    for (Clock::time_point now = Clock::now(); now < until; now = Clock::now()) {
      if (cancel != nullptr && cancel->cancelled()) {
        return FailedPrecondition(Prefix() + ": cancelled while waiting to retry");
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(kCancelPoll, until - now));
    }
  }
}

Expected<Result> OpenAIBackend::Once(const std::string& path, const std::string& body,
                                     const std::string& model, bool chat,
                                     const DeltaCallback& on_delta, const CancelToken* cancel,
                                     Attempt* attempt) {
  const std::string where = Prefix() + ": POST " + scheme_host_port_ + path;
  if (cancel != nullptr && cancel->cancelled()) return FailedPrecondition(where + ": cancelled");
  // The connection goes back to the pool only when the exchange ended cleanly (`keep`).
  struct Lease {
    OpenAIBackend* backend;
    std::unique_ptr<httplib::Client> client;
    bool keep = false;
    ~Lease() {
      if (keep) backend->ReturnClient(std::move(client));
    }
  };
  bool reused = false;
  Lease lease{this, TakeClient(&reused)};
  httplib::Client& client = *lease.client;

  const bool stream = static_cast<bool>(on_delta);
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body;
  req.set_header("Content-Type", "application/json");
  req.set_header("Accept", stream ? "text/event-stream" : "application/json");
  if (!api_key_.empty()) req.set_header("Authorization", "Bearer " + api_key_);
  for (const auto& [key, value] : options_.headers) req.set_header(key, value);

  int status = -1;
  bool sse = false;
  std::string retry_after;
  bool cancelled = false;
  req.response_handler = [&](const httplib::Response& res) {
    status = res.status;
    retry_after = res.get_header_value("Retry-After");
    sse = stream && status / 100 == 2 &&
          !Lower(res.get_header_value("Content-Type")).starts_with("application/json");
    if (cancel != nullptr && cancel->cancelled()) {
      cancelled = true;
      return false;
    }
    return true;
  };

  Result result;
  result.model = model;
  std::string raw;  // a whole reply: JSON, or an error body
  SseParser parser;
  std::vector<SseEvent> events;
  ToolCallAccumulator tools;
  Status stream_error;
  bool saw_done = false;
  bool saw_finish = false;

  // Handles one streamed event; false stops the transfer.
  auto on_event = [&](const SseEvent& ev) {
    if (ev.data == "[DONE]") {
      saw_done = true;
      return true;
    }
    json j = json::parse(ev.data, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      stream_error = Unavailable(where + ": malformed stream event: " + Quote(ev.data));
      return false;
    }
    if (j.contains("error")) {
      stream_error = Unavailable(where + ": error in stream: " + ServerErrorText(ev.data));
      return false;
    }
    result.model = StringOr(j, "model", result.model);
    ReadUsage(j, &result.usage);
    auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty()) return true;
    const json& choice = (*choices)[0];
    if (!choice.is_object()) return true;
    std::string text;
    if (chat) {
      auto delta = choice.find("delta");
      if (delta != choice.end() && delta->is_object()) {
        text = StringOr(*delta, "content", "");
        auto calls = delta->find("tool_calls");
        if (calls != delta->end()) tools.Add(*calls);
      }
    } else {
      text = StringOr(choice, "text", "");
    }
    auto finish = choice.find("finish_reason");
    if (finish != choice.end() && finish->is_string()) {
      result.finish_reason = finish->get<std::string>();
      saw_finish = true;
    }
    if (!text.empty()) {
      result.text += text;
      attempt->delivered = true;
      if (!on_delta(text)) {
        cancelled = true;
        return false;
      }
    }
    return true;
  };

  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (cancel != nullptr && cancel->cancelled()) {
      cancelled = true;
      return false;
    }
    if (!sse) {
      if (raw.size() + n > kMaxReplyBytes) {
        stream_error =
            Unavailable(where + ": reply larger than " + std::to_string(kMaxReplyBytes) + " bytes");
        return false;
      }
      raw.append(data, n);
      return true;
    }
    events.clear();
    Status st = parser.Feed(std::string_view(data, n), &events);
    for (const SseEvent& ev : events) {
      if (!on_event(ev)) return false;
    }
    if (!st.ok()) {
      stream_error = Unavailable(where + ": " + st.message());
      return false;
    }
    return true;
  };

  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  bool sent;
  {
    // Repeated while the request runs: a stop() before the socket exists has no effect.
    CancelWatchList::Registration watch = cancel_watch_.Watch(cancel, [&client] { client.stop(); });
    sent = client.send(req, res, err);
  }
  const bool was_cancelled = cancelled || (cancel != nullptr && cancel->cancelled());
  lease.keep = sent && !was_cancelled && stream_error.ok();
  if (was_cancelled) {
    if (!attempt->delivered) return FailedPrecondition(where + ": cancelled");
    result.finish_reason = "cancelled";
  } else if (!stream_error.ok()) {
    return stream_error;
  } else if (!sent) {
    if (attempt->delivered) {
      return Unavailable(where +
                         ": the stream broke off: " + DescribeError(err, options_.read_timeout_s));
    }
    const bool tls_setup =
        err == httplib::Error::SSLServerVerification || err == httplib::Error::SSLLoadingCerts;
    attempt->retryable = !tls_setup;
    attempt->stale_connection =
        reused && status < 0 && (err == httplib::Error::Read || err == httplib::Error::Write);
    std::string what = DescribeError(err, options_.read_timeout_s);
    if (status > 0) what += " after HTTP " + std::to_string(status);
    return Unavailable(where + ": " + what);
  } else if (status / 100 != 2) {
    attempt->retryable = RetryableHttpStatus(status);
    if (status == 429) attempt->retry_after_s = ParseRetryAfter(retry_after);
    return Status(CodeForHttpStatus(status),
                  where + ": HTTP " + std::to_string(status) + ": " + ServerErrorText(raw));
  } else if (sse) {
    if (parser.Finish() || (!saw_done && !saw_finish)) {
      return Unavailable(where + ": the stream ended before the reply was complete");
    }
  } else {
    // A whole JSON reply (also when a streaming request was answered without streaming).
    json j = json::parse(raw, nullptr, /*allow_exceptions=*/false);
    auto malformed = [&](const std::string& why) {
      return Unavailable(where + ": malformed reply (" + why + "): " + Quote(raw));
    };
    if (!j.is_object()) return malformed("not a JSON object");
    if (j.contains("error")) {
      return Unavailable(where + ": error in reply: " + ServerErrorText(raw));
    }
    auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty() ||
        !(*choices)[0].is_object()) {
      return malformed("no choices");
    }
    const json& choice = (*choices)[0];
    if (chat) {
      auto message = choice.find("message");
      if (message == choice.end() || !message->is_object()) return malformed("no message");
      auto content = message->find("content");
      if (content != message->end() && !content->is_string() && !content->is_null()) {
        return malformed("content is not a string");
      }
      result.text = StringOr(*message, "content", "");
      result.message = *message;
    } else {
      auto text = choice.find("text");
      if (text == choice.end() || !text->is_string()) return malformed("no text");
      result.text = text->get<std::string>();
    }
    result.finish_reason = StringOr(choice, "finish_reason", "stop");
    result.model = StringOr(j, "model", result.model);
    ReadUsage(j, &result.usage);
    if (stream && !result.text.empty()) {
      attempt->delivered = true;
      if (!on_delta(result.text)) result.finish_reason = "cancelled";
    }
    if (!result.message.empty()) return result;
  }

  // Streamed (or completion) replies: build the assistant message.
  json message = {{"role", "assistant"}};
  if (!tools.empty()) {
    message["content"] = result.text.empty() ? json(nullptr) : json(result.text);
    message["tool_calls"] = tools.ToJson();
  } else {
    message["content"] = result.text;
  }
  result.message = std::move(message);
  return result;
}

}  // namespace ptmo::backend
