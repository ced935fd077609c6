// The OpenAI-compatible HTTP front end (`ptmo serve`): authentication, limits, endpoints,
// streaming, metrics. What answers a request is an offload::Service: the edge gateway, or a
// model served directly on a cloud node.
//
// Endpoints: POST /v1/chat/completions, POST /v1/completions (both streaming or not),
// GET /v1/models, POST /v1/privacy/scan, GET /healthz, GET /metrics (Prometheus text).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "offload/service.h"
#include "server/openai_api.h"
#include "util/status.h"

namespace ptmo::server {

// A caller's API key, stored as the hex SHA-256 of the key (never the key itself).
struct ApiKey {
  std::string user_id;
  std::string sha256_hex;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see HttpServer::port())
  // PEM files; when both are set the server speaks HTTPS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::vector<ApiKey> api_keys;
  // Without keys every caller is user "anonymous"; refused unless this is set.
  bool allow_anonymous = false;
  // Larger bodies get 413. 12 MiB: one image at the default [gateway] max_image_bytes (8 MiB)
  // is 10.7 MiB as base64, plus the text.
  size_t max_body_bytes = size_t(12) << 20;
  int max_concurrency = 32;                   // more requests at once get 429
  int worker_threads = 40;                    // must exceed max_concurrency to answer the 429s
  std::chrono::seconds request_timeout{300};  // a generation running longer is cancelled
  RequestLimits limits;
};

// Hex SHA-256 of `key`, as stored in HttpServerOptions::api_keys (`ptmo hash-key`).
std::string HashApiKey(const std::string& key);

class HttpServer {
 public:
  // Validates the options (kInvalidArgument naming the field; missing TLS files are
  // kNotFound) and builds the server without binding.
  static Expected<std::unique_ptr<HttpServer>> Create(HttpServerOptions options,
                                                      std::shared_ptr<offload::Service> service);
  ~HttpServer();

  // Binds the socket and serves on a background thread. kUnavailable when the address
  // cannot be bound (naming host:port).
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  int port() const;
  // Stops accepting, lets running requests see cancellation, and joins the thread.
  void Stop();
  // Blocks until Stop() is called from another thread (or a signal handler's thread).
  void Wait();

  const std::string& scheme() const;  // "http" or "https"

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptmo::server
