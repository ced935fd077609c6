#include "server/http_server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "privacy/analysis_json.h"
#include "server/metrics.h"
#include "util/utf8.h"

namespace ptmo::server {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string Hex(const unsigned char* p, size_t n) {
  std::string out;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    out += buf;
  }
  return out;
}

std::string RandomId(const char* prefix) {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Ids only need to be unique, not secret: fall back to a counter and the clock.
    static std::atomic<uint64_t> counter{0};
    uint64_t v = counter++ ^ static_cast<uint64_t>(Clock::now().time_since_epoch().count());
    for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(v >> (i % 8));
  }
  return prefix + Hex(bytes, sizeof bytes);
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SendError(httplib::Response& res, const ApiError& e) {
  res.status = e.http_status;
  res.set_content(e.ToJson().dump(), "application/json");
}

// Cancels requests that run past their deadline (checked every 100 ms).
class Watchdog {
 public:
  Watchdog() : thread_([this] { Loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Add(backend::CancelToken* token, Clock::time_point deadline) {
    std::lock_guard lock(mu_);
    entries_.push_back({token, deadline});
  }
  void Remove(backend::CancelToken* token) {
    std::lock_guard lock(mu_);
    std::erase_if(entries_, [&](const Entry& e) { return e.token == token; });
  }

 private:
  struct Entry {
    backend::CancelToken* token;
    Clock::time_point deadline;
  };
  void Loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      auto now = Clock::now();
      for (const Entry& e : entries_) {
        if (now >= e.deadline) e.token->Cancel();
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<Entry> entries_;
  std::thread thread_;
};

Clock::time_point& RequestStart() {
  thread_local Clock::time_point start;
  return start;
}

}  // namespace

std::string HashApiKey(const std::string& key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr);
  return Hex(digest, len);
}

struct HttpServer::Impl {
  HttpServerOptions options;
  std::shared_ptr<offload::Service> service;
  std::unique_ptr<httplib::Server> http;
  std::string scheme = "http";
  Metrics metrics;
  Watchdog watchdog;
  std::atomic<int> inflight{0};
  std::thread thread;
  int bound_port = 0;
  int listen_fd = -1;  // the listening socket, seen by the socket-options hook
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopped = false;

  // The user behind the request's bearer key; nullopt (and *error set) when refused.
  std::optional<std::string> Authenticate(const httplib::Request& req, ApiError* error) const {
    if (options.api_keys.empty()) return std::string("anonymous");
    std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (header.compare(0, prefix.size(), prefix) != 0 || header.size() == prefix.size()) {
      *error = {401, "invalid_request_error",
                "You didn't provide an API key. Provide it in the Authorization header "
                "(Authorization: Bearer YOUR_KEY).",
                "", "missing_api_key"};
      return std::nullopt;
    }
    std::string hash = HashApiKey(header.substr(prefix.size()));
    for (const ApiKey& key : options.api_keys) {
      if (key.sha256_hex.size() == hash.size() &&
          CRYPTO_memcmp(key.sha256_hex.data(), hash.data(), hash.size()) == 0) {
        return key.user_id;
      }
    }
    *error = {401, "invalid_request_error", "Incorrect API key provided.", "", "invalid_api_key"};
    return std::nullopt;
  }

  // Admission: authentication and the concurrency limit. On success the caller owns one
  // in-flight slot, released by the returned guard.
  std::shared_ptr<void> Admit(const httplib::Request& req, httplib::Response& res,
                              std::string* user) {
    ApiError error;
    std::optional<std::string> who = Authenticate(req, &error);
    if (!who) {
      SendError(res, error);
      return nullptr;
    }
    if (inflight.fetch_add(1) >= options.max_concurrency) {
      inflight.fetch_sub(1);
      SendError(res, {429, "rate_limit_error",
                      "Too many concurrent requests: this server answers at most " +
                          std::to_string(options.max_concurrency) + " at once. Retry shortly.",
                      "", "too_many_concurrent_requests"});
      return nullptr;
    }
    metrics.AddInflight(1);
    *user = *who;
    // A non-null pointer: an empty slot means "refused" to the callers.
    return std::shared_ptr<void>(static_cast<void*>(this), [this](void*) {
      inflight.fetch_sub(1);
      metrics.AddInflight(-1);
    });
  }

  void RecordRoute(const offload::ServiceResponse& r) {
    if (r.privacy) {
      metrics.ObserveRoute(r.privacy->route, r.privacy->masked_spans, r.privacy->bytes_sent);
      for (const offload::ImageReport& image : r.privacy->images) {
        metrics.ObserveImage(image.action);
      }
    } else {
      metrics.ObserveRoute("direct", 0, 0);
    }
  }

  void HandleGeneration(const httplib::Request& req, httplib::Response& res, bool chat) {
    std::string user;
    std::shared_ptr<void> slot = Admit(req, res, &user);
    if (!slot) return;
    ApiError error;
    std::vector<std::string> models = service->models();
    std::optional<ParsedRequest> parsed =
        chat ? ParseChatRequest(req.body, models, options.limits, &error)
             : ParseCompletionRequest(req.body, models, options.limits, &error);
    if (!parsed) {
      SendError(res, error);
      return;
    }
    parsed->service.user_id = user;
    parsed->service.request_id = RandomId("req-");
    ResponseMeta meta{RandomId(chat ? "chatcmpl-" : "cmpl-"), UnixSeconds(),
                      parsed->service.request.model};

    if (!parsed->stream) {
      auto cancel = std::make_shared<backend::CancelToken>();
      watchdog.Add(cancel.get(), Clock::now() + options.request_timeout);
      Expected<offload::ServiceResponse> r = service->Handle(parsed->service, {}, cancel.get());
      watchdog.Remove(cancel.get());
      if (!r.ok()) {
        SendError(res, ApiErrorFromStatus(r.status()));
        return;
      }
      RecordRoute(*r);
      json body = chat ? ChatCompletionBody(meta, *r) : CompletionBody(meta, *r);
      res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                      "application/json");
      return;
    }

    // Streaming: headers go out now; the generation runs inside the content provider, on
    // this worker thread, writing one SSE event per delta.
    auto request = std::make_shared<ParsedRequest>(std::move(*parsed));
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream", [this, request, meta, chat, slot](size_t, httplib::DataSink& sink) {
          auto cancel = std::make_shared<backend::CancelToken>();
          watchdog.Add(cancel.get(), Clock::now() + options.request_timeout);
          bool client_gone = false;
          auto write = [&](const std::string& event) {
            if (client_gone) return false;
            if (!sink.write(event.data(), event.size())) {
              client_gone = true;  // the caller hung up: stop generating
              cancel->Cancel();
              return false;
            }
            return true;
          };
          const std::string role = "assistant";
          if (chat) write(SseEvent(ChatChunk(meta, &role, nullptr, nullptr)));
          auto on_delta = [&](std::string_view delta) {
            std::string text(delta);
            return write(SseEvent(chat ? ChatChunk(meta, nullptr, &text, nullptr)
                                       : CompletionChunk(meta, text, nullptr)));
          };
          Expected<offload::ServiceResponse> r =
              service->Handle(request->service, on_delta, cancel.get());
          watchdog.Remove(cancel.get());
          if (client_gone) return false;
          if (!r.ok()) {
            write(SseEvent(ApiErrorFromStatus(r.status()).ToJson()));
          } else {
            RecordRoute(*r);
            const std::string& finish = r->result.finish_reason;
            json last = chat ? ChatChunk(meta, nullptr, nullptr, &finish)
                             : CompletionChunk(meta, "", &finish);
            if (r->privacy) last["privacy"] = PrivacyToJson(*r->privacy);
            write(SseEvent(last));
            if (request->include_usage) {
              json usage = chat ? ChatChunk(meta, nullptr, nullptr, nullptr)
                                : CompletionChunk(meta, "", nullptr);
              usage["choices"] = json::array();
              usage["usage"] = UsageJson(r->result.usage);
              write(SseEvent(usage));
            }
          }
          write("data: [DONE]\n\n");
          if (!client_gone) sink.done();
          return !client_gone;
        });
  }

  void HandleScan(const httplib::Request& req, httplib::Response& res) {
    std::string user;
    std::shared_ptr<void> slot = Admit(req, res, &user);
    if (!slot) return;
    const privacy::Analyzer* analyzer = service->analyzer();
    if (analyzer == nullptr) {
      SendError(res, {404, "invalid_request_error", "This node has no privacy analyzer.", "",
                      "not_found"});
      return;
    }
    json doc = json::parse(req.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      SendError(res, {400, "invalid_request_error",
                      "The request body must be a JSON object {\"text\": string}.", "", ""});
      return;
    }
    auto text = doc.find("text");
    if (text == doc.end() || !text->is_string()) {
      SendError(res, {400, "invalid_request_error", "Missing or non-string parameter 'text'.",
                      "text", ""});
      return;
    }
    std::string s = text->get<std::string>();
    Expected<privacy::Analysis> a = analyzer->Analyze(s);
    if (!a.ok()) {
      SendError(res, ApiErrorFromStatus(a.status()));
      return;
    }
    res.set_content(privacy::AnalysisToJson(s, *a).dump(), "application/json");
  }

  void HandleModels(const httplib::Request& req, httplib::Response& res) {
    std::string user;
    std::shared_ptr<void> slot = Admit(req, res, &user);
    if (!slot) return;
    json data = json::array();
    for (const std::string& id : service->models()) {
      data.push_back({{"id", id}, {"object", "model"}, {"created", 0}, {"owned_by", "ptmo"}});
    }
    res.set_content(json{{"object", "list"}, {"data", data}}.dump(), "application/json");
  }

  void Routes() {
    http->Post("/v1/chat/completions", [this](const httplib::Request& q, httplib::Response& s) {
      HandleGeneration(q, s, true);
    });
    http->Post("/v1/completions", [this](const httplib::Request& q, httplib::Response& s) {
      HandleGeneration(q, s, false);
    });
    http->Get("/v1/models",
              [this](const httplib::Request& q, httplib::Response& s) { HandleModels(q, s); });
    http->Post("/v1/privacy/scan",
               [this](const httplib::Request& q, httplib::Response& s) { HandleScan(q, s); });
    http->Get("/healthz", [](const httplib::Request&, httplib::Response& s) {
      s.set_content("{\"status\":\"ok\"}", "application/json");
    });
    http->Get("/metrics", [this](const httplib::Request&, httplib::Response& s) {
      s.set_content(metrics.Render(), "text/plain; version=0.0.4");
    });
    // OpenAI-shaped bodies for errors httplib produces itself (404 route, 413 body size).
    http->set_error_handler([](const httplib::Request& q, httplib::Response& s) {
      if (!s.body.empty()) return;
      ApiError e{s.status, "invalid_request_error", "", "", ""};
      if (s.status == 413) {
        e.message = "Request body too large.";
        e.code = "request_too_large";
      } else if (s.status == 404) {
        e.message = "Unknown endpoint: " + q.method + " " + q.path;
        e.code = "unknown_url";
      } else {
        e.message = "HTTP error " + std::to_string(s.status);
      }
      s.set_content(e.ToJson().dump(), "application/json");
    });
    http->set_exception_handler(
        [](const httplib::Request&, httplib::Response& s, std::exception_ptr ep) {
          std::string what = "internal error";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          SendError(s, {500, "server_error", "Internal server error: " + what, "", ""});
        });
    // Request timing: the pre-routing handler and the logger run on the same worker thread,
    // before and after the response is written (streams included).
    http->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      RequestStart() = Clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    http->set_logger([this](const httplib::Request& q, const httplib::Response& s) {
      double seconds = std::chrono::duration<double>(Clock::now() - RequestStart()).count();
      static const char* kKnown[] = {"/v1/chat/completions", "/v1/completions", "/v1/models",
                                     "/v1/privacy/scan",     "/healthz",        "/metrics"};
      // Unknown paths share one label so callers cannot grow the metrics without bound.
      std::string endpoint = "other";
      for (const char* k : kKnown) {
        if (q.path == k) endpoint = k;
      }
      metrics.ObserveRequest(endpoint, s.status, seconds);
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
}

Expected<std::unique_ptr<HttpServer>> HttpServer::Create(
    HttpServerOptions options, std::shared_ptr<offload::Service> service) {
  if (!service) return InvalidArgument("server: no service to serve");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgument("server.port: " + std::to_string(options.port) +
                           " is not a port number (0-65535)");
  }
  if (options.max_concurrency < 1) {
    return InvalidArgument("server.max_concurrency must be at least 1");
  }
  if (options.max_body_bytes < 1024) {
    return InvalidArgument("server.max_body_bytes must be at least 1024");
  }
  if (options.api_keys.empty() && !options.allow_anonymous) {
    return InvalidArgument(
        "server: no API keys configured; add [[api_keys]] entries (see `ptmo hash-key`) or set "
        "allow_anonymous = true");
  }
  for (const ApiKey& k : options.api_keys) {
    if (k.user_id.empty()) return InvalidArgument("api_keys: an entry has an empty user");
    if (k.sha256_hex.size() != 64 ||
        k.sha256_hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgument("api_keys: user '" + k.user_id +
                             "': sha256 must be 64 lowercase hex digits (see `ptmo hash-key`)");
    }
  }
  auto impl = std::make_unique<Impl>();
  bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls) {
    for (const std::string& f : {options.tls_cert_file, options.tls_key_file}) {
      if (f.empty()) return InvalidArgument("server: TLS needs both tls_cert and tls_key");
      if (!std::filesystem::exists(f)) return NotFound("server: TLS file '" + f + "' not found");
    }
    auto ssl = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                    options.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return InvalidArgument("server: cannot load TLS certificate '" + options.tls_cert_file +
                             "' / key '" + options.tls_key_file + "'");
    }
    impl->http = std::move(ssl);
    impl->scheme = "https";
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  int workers = std::max(options.worker_threads, options.max_concurrency + 4);
  impl->http->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  impl->http->set_payload_max_length(options.max_body_bytes);
  // Responses are written in pieces (headers, then body or SSE events): without TCP_NODELAY
  // Nagle's algorithm holds each piece until the previous one is acknowledged.
  impl->http->set_tcp_nodelay(true);
  // Keep-alive connections (the gateway's cloud backends pool theirs): a connection serves
  // up to 1000 requests and is closed after 5 s idle. Each open connection holds a worker
  // thread, hence worker_threads > max_concurrency.
  impl->http->set_keep_alive_max_count(1000);
  impl->http->set_keep_alive_timeout(5);
  // Replaces httplib's default socket options (SO_REUSEADDR is kept) to remember the
  // listening socket: Start raises its backlog.
  impl->http->set_socket_options([raw = impl.get()](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&yes), sizeof yes);
    raw->listen_fd = sock;
  });
  impl->http->set_read_timeout(std::chrono::seconds(30));
  impl->http->set_write_timeout(std::chrono::seconds(30));
  impl->options = std::move(options);
  impl->service = std::move(service);
  impl->Routes();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Status HttpServer::Start() {
  Impl& m = *impl_;
  if (m.options.port == 0) {
    m.bound_port = m.http->bind_to_any_port(m.options.host);
    if (m.bound_port <= 0) return Unavailable("server: cannot bind " + m.options.host + ":0");
  } else {
    if (!m.http->bind_to_port(m.options.host, m.options.port)) {
      return Unavailable("server: cannot bind " + m.options.host + ":" +
                         std::to_string(m.options.port) + " (in use, or not allowed)");
    }
    m.bound_port = m.options.port;
  }
  // httplib as packaged listens with a backlog of 5: a burst of new connections (32 clients
  // connecting at once) overflows it, the kernel drops the extra SYNs and the clients resend
  // them after a 1 s timeout, which showed up as a p99 of ~1 s at concurrency >= 8. Calling
  // listen() again on the listening socket raises the backlog.
  if (m.listen_fd >= 0 && ::listen(m.listen_fd, SOMAXCONN) != 0) {
    return Unavailable("server: cannot listen on " + m.options.host + ":" +
                       std::to_string(m.bound_port) + " with a larger backlog");
  }
  m.thread = std::thread([&m] { m.http->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs: wait for it, so a Stop() right
  // after Start() cannot leave the loop running forever.
  for (int i = 0; i < 5000 && !m.http->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

int HttpServer::port() const {
  return impl_->bound_port;
}

const std::string& HttpServer::scheme() const {
  return impl_->scheme;
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard lock(impl_->stop_mu);
    impl_->stopped = true;
  }
  impl_->stop_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->stop_mu);
  impl_->stop_cv.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace ptmo::server
