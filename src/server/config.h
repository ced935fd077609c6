// `ptmo serve --config FILE.toml`: the node's configuration, read from TOML with every key
// checked (an unknown key or a wrong type is an error naming it; typos do not pass silently).
//
//   [server]  role = "edge" | "cloud", host, port, tls_cert, tls_key, max_body_bytes,
//             max_concurrency, request_timeout_s, allow_anonymous
//   [limits]  max_tokens, default_max_tokens, max_messages, max_images (per request)
//   [[api_keys]] user = "alice", sha256 = "<ptmo hash-key output>"
//   [local]   model (GGUF path), id, sessions, threads, context, queue_limit, chat_template
//   [[cloud]] name, base_url, api_key_env, api_key_optional, models, connect_timeout_s,
//             read_timeout_s, max_retries, ca_file, verify_certificate,
//             max_idle_connections, idle_connection_timeout_s (keep-alive pool),
//             usd_per_1k_prompt_tokens, usd_per_1k_completion_tokens
//   [gateway] model, mask ("placeholder"|"surrogate"|"hash"|"redact"), decompose,
//             policy ("threshold" | "learned"), policy_file (a `ptmo policy train` output),
//             public, semi_sensitive, private (threshold routes), images (true: accept
//             image_url parts, checked by the image privacy guard; false: refuse them),
//             max_image_bytes (decoded size of one image)
//   [privacy] budget_db, epsilon, window_s, audit_db, ner (true/false),
//             durability ("normal" | "full")
// Relative paths are relative to the config file's directory. docs/server.md has an example.
#pragma once

#include <string>
#include <vector>

#include "backend/local_backend.h"
#include "backend/openai_backend.h"
#include "offload/gateway.h"
#include "privacy/budget/budget_ledger.h"
#include "server/http_server.h"
#include "util/status.h"

namespace ptmo::server {

struct NodeConfig {
  std::string role = "edge";  // "edge": privacy gateway; "cloud": serves the local model as is
  HttpServerOptions http;
  backend::LocalBackendOptions local;
  std::vector<backend::OpenAIBackendOptions> clouds;
  offload::GatewayOptions gateway;
  offload::ThresholdRoutes routes;
  std::string policy = "threshold";  // or "learned" (then policy_file)
  std::string policy_file;
  privacy::BudgetConfig budget;
  std::string budget_db = "ptmo-budget.db";
  std::string audit_db = "ptmo-audit.db";
  bool enable_ner = true;
  // Load the image privacy guard (OpenCV cascade + Tesseract) and accept image parts.
  bool accept_images = true;
  // "normal": WAL commits survive a killed process (not a power cut) and cost no fsync;
  // "full": every commit is fsynced (survives power loss; ~2 ms per request more).
  std::string durability = "normal";
};

// Parses TOML text; `base_dir` resolves relative paths, `source` names the file in errors.
Expected<NodeConfig> ParseNodeConfig(const std::string& toml_text, const std::string& base_dir,
                                     const std::string& source);
// Reads and parses a file (kNotFound naming it when missing).
Expected<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace ptmo::server
