#include "server/config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "util/file.h"

namespace ptmo::server {
namespace {

namespace fs = std::filesystem;

// Reads one TOML table, remembering which keys were read so unknown ones can be reported.
class TableReader {
 public:
  TableReader(const toml::table* table, std::string where, std::string source)
      : table_(table), where_(std::move(where)), source_(std::move(source)) {}

  Status Error(const std::string& key, const std::string& problem) const {
    return InvalidArgument(source_ + ": " + where_ + (key.empty() ? "" : "." + key) + ": " +
                           problem);
  }

  template <typename T>
  Status Get(const std::string& key, T* out) {
    seen_.insert(key);
    if (table_ == nullptr) return Status::Ok();
    const toml::node* node = table_->get(key);
    if (node == nullptr) return Status::Ok();
    if constexpr (std::is_same_v<T, std::string>) {
      if (!node->is_string()) return Error(key, "expected a string");
      *out = node->value<std::string>().value();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node->is_boolean()) return Error(key, "expected true or false");
      *out = node->value<bool>().value();
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!node->is_number()) return Error(key, "expected a number");
      *out = static_cast<T>(node->value<double>().value());
    } else if constexpr (std::is_integral_v<T>) {
      if (!node->is_integer()) return Error(key, "expected an integer");
      int64_t v = node->value<int64_t>().value();
      if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
          static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        return Error(key, "value " + std::to_string(v) + " out of range");
      }
      *out = static_cast<T>(v);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (const toml::array* arr = node->as_array()) {
        out->clear();
        for (const toml::node& e : *arr) {
          if (!e.is_string()) return Error(key, "expected an array of strings");
          out->push_back(e.value<std::string>().value());
        }
      } else if (node->is_string()) {
        *out = {node->value<std::string>().value()};
      } else {
        return Error(key, "expected a string or an array of strings");
      }
    }
    return Status::Ok();
  }

  // A path: relative ones are taken from the config file's directory.
  Status GetPath(const std::string& key, const std::string& base_dir, std::string* out) {
    std::string v;
    bool had = table_ && table_->get(key) != nullptr;
    PTMO_RETURN_IF_ERROR(Get(key, &v));
    if (!had) return Status::Ok();
    if (v.empty()) return Error(key, "empty path");
    *out = fs::path(v).is_absolute() ? v : (fs::path(base_dir) / v).string();
    return Status::Ok();
  }

  Status CheckNoUnknownKeys() const {
    if (table_ == nullptr) return Status::Ok();
    for (auto&& [key, value] : *table_) {
      (void)value;
      std::string k(key.str());
      if (!seen_.count(k)) return Error(k, "unknown key");
    }
    return Status::Ok();
  }

 private:
  const toml::table* table_;
  std::string where_;
  std::string source_;
  std::set<std::string> seen_;
};

Status ReadServer(const toml::table* t, const std::string& src, const std::string& dir,
                  NodeConfig* c) {
  TableReader r(t, "server", src);
  PTMO_RETURN_IF_ERROR(r.Get("role", &c->role));
  if (c->role != "edge" && c->role != "cloud") {
    return r.Error("role", "'" + c->role + "' is not \"edge\" or \"cloud\"");
  }
  HttpServerOptions& h = c->http;
  PTMO_RETURN_IF_ERROR(r.Get("host", &h.host));
  PTMO_RETURN_IF_ERROR(r.Get("port", &h.port));
  if (h.port < 0 || h.port > 65535) return r.Error("port", "must be 0-65535");
  PTMO_RETURN_IF_ERROR(r.GetPath("tls_cert", dir, &h.tls_cert_file));
  PTMO_RETURN_IF_ERROR(r.GetPath("tls_key", dir, &h.tls_key_file));
  PTMO_RETURN_IF_ERROR(r.Get("max_body_bytes", &h.max_body_bytes));
  PTMO_RETURN_IF_ERROR(r.Get("max_concurrency", &h.max_concurrency));
  if (h.max_concurrency < 1) return r.Error("max_concurrency", "must be at least 1");
  int64_t timeout = h.request_timeout.count();
  PTMO_RETURN_IF_ERROR(r.Get("request_timeout_s", &timeout));
  if (timeout < 1) return r.Error("request_timeout_s", "must be at least 1");
  h.request_timeout = std::chrono::seconds(timeout);
  PTMO_RETURN_IF_ERROR(r.Get("allow_anonymous", &h.allow_anonymous));
  return r.CheckNoUnknownKeys();
}

Status ReadLimits(const toml::table* t, const std::string& src, NodeConfig* c) {
  TableReader r(t, "limits", src);
  RequestLimits& l = c->http.limits;
  PTMO_RETURN_IF_ERROR(r.Get("max_tokens", &l.max_tokens));
  PTMO_RETURN_IF_ERROR(r.Get("default_max_tokens", &l.default_max_tokens));
  PTMO_RETURN_IF_ERROR(r.Get("max_messages", &l.max_messages));
  PTMO_RETURN_IF_ERROR(r.Get("max_images", &l.max_images));
  if (l.max_tokens < 1) return r.Error("max_tokens", "must be at least 1");
  if (l.default_max_tokens < 1 || l.default_max_tokens > l.max_tokens) {
    return r.Error("default_max_tokens", "must be between 1 and max_tokens");
  }
  return r.CheckNoUnknownKeys();
}

Status ReadLocal(const toml::table* t, const std::string& src, const std::string& dir,
                 NodeConfig* c) {
  TableReader r(t, "local", src);
  backend::LocalBackendOptions& o = c->local;
  PTMO_RETURN_IF_ERROR(r.GetPath("model", dir, &o.model_path));
  PTMO_RETURN_IF_ERROR(r.Get("id", &o.model_id));
  PTMO_RETURN_IF_ERROR(r.Get("sessions", &o.n_sessions));
  PTMO_RETURN_IF_ERROR(r.Get("threads", &o.threads));
  PTMO_RETURN_IF_ERROR(r.Get("context", &o.n_ctx));
  PTMO_RETURN_IF_ERROR(r.Get("queue_limit", &o.queue_limit));
  PTMO_RETURN_IF_ERROR(r.Get("chat_template", &o.chat_template));
  PTMO_RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  if (o.model_path.empty()) return r.Error("model", "required: the GGUF model to serve");
  return Status::Ok();
}

Status ReadCloud(const toml::table* t, const std::string& where, const std::string& src,
                 const std::string& dir, NodeConfig* c) {
  TableReader r(t, where, src);
  backend::OpenAIBackendOptions o;
  PTMO_RETURN_IF_ERROR(r.Get("name", &o.name));
  PTMO_RETURN_IF_ERROR(r.Get("base_url", &o.base_url));
  PTMO_RETURN_IF_ERROR(r.Get("api_key_env", &o.api_key_env));
  PTMO_RETURN_IF_ERROR(r.Get("api_key_optional", &o.api_key_optional));
  PTMO_RETURN_IF_ERROR(r.Get("models", &o.models));
  PTMO_RETURN_IF_ERROR(r.Get("connect_timeout_s", &o.connect_timeout_s));
  PTMO_RETURN_IF_ERROR(r.Get("read_timeout_s", &o.read_timeout_s));
  PTMO_RETURN_IF_ERROR(r.Get("max_retries", &o.max_retries));
  PTMO_RETURN_IF_ERROR(r.GetPath("ca_file", dir, &o.ca_file));
  PTMO_RETURN_IF_ERROR(r.Get("verify_certificate", &o.verify_certificate));
  PTMO_RETURN_IF_ERROR(r.Get("max_idle_connections", &o.max_idle_connections));
  PTMO_RETURN_IF_ERROR(r.Get("idle_connection_timeout_s", &o.idle_connection_timeout_s));
  double in = 0, out = 0;
  PTMO_RETURN_IF_ERROR(r.Get("usd_per_1k_prompt_tokens", &in));
  PTMO_RETURN_IF_ERROR(r.Get("usd_per_1k_completion_tokens", &out));
  PTMO_RETURN_IF_ERROR(r.CheckNoUnknownKeys());
  if (o.base_url.empty()) return r.Error("base_url", "required");
  if (o.models.empty()) return r.Error("models", "required: the model id(s) to ask for");
  // One price per node: the gateway charges the first cloud's prices.
  if (c->clouds.empty()) {
    c->gateway.cloud_usd_per_1k_prompt_tokens = in;
    c->gateway.cloud_usd_per_1k_completion_tokens = out;
  }
  c->clouds.push_back(std::move(o));
  return Status::Ok();
}

Status ReadRoute(TableReader& r, const std::string& key, offload::Route* out) {
  std::string name(offload::RouteName(*out));
  PTMO_RETURN_IF_ERROR(r.Get(key, &name));
  std::optional<offload::Route> route = offload::ParseRoute(name);
  if (!route) return r.Error(key, "'" + name + "' is not \"local\", \"cloud\" or \"hybrid\"");
  *out = *route;
  return Status::Ok();
}

Status ReadGateway(const toml::table* t, const std::string& src, const std::string& dir,
                   NodeConfig* c) {
  TableReader r(t, "gateway", src);
  PTMO_RETURN_IF_ERROR(r.Get("model", &c->gateway.model_id));
  std::string mask(privacy::MaskModeName(c->gateway.mask_mode));
  PTMO_RETURN_IF_ERROR(r.Get("mask", &mask));
  std::optional<privacy::MaskMode> mode = privacy::ParseMaskMode(mask);
  if (!mode) return r.Error("mask", "'" + mask + "' is not placeholder/surrogate/hash/redact");
  c->gateway.mask_mode = *mode;
  std::string decompose = "entity";
  PTMO_RETURN_IF_ERROR(r.Get("decompose", &decompose));
  std::optional<privacy::DecomposeStrategy> strategy = privacy::ParseDecomposeStrategy(decompose);
  if (!strategy) return r.Error("decompose", "'" + decompose + "' is not sentence/clause/entity");
  c->gateway.decompose = *strategy;
  PTMO_RETURN_IF_ERROR(r.Get("policy", &c->policy));
  PTMO_RETURN_IF_ERROR(r.GetPath("policy_file", dir, &c->policy_file));
  if (c->policy != "threshold" && c->policy != "learned") {
    return r.Error("policy", "'" + c->policy + "' is not \"threshold\" or \"learned\"");
  }
  if (c->policy == "learned" && c->policy_file.empty()) {
    return r.Error("policy_file", "required with policy = \"learned\"");
  }
  PTMO_RETURN_IF_ERROR(ReadRoute(r, "public", &c->routes.for_public));
  PTMO_RETURN_IF_ERROR(ReadRoute(r, "semi_sensitive", &c->routes.for_semi_sensitive));
  PTMO_RETURN_IF_ERROR(ReadRoute(r, "private", &c->routes.for_private));
  PTMO_RETURN_IF_ERROR(r.Get("images", &c->accept_images));
  PTMO_RETURN_IF_ERROR(r.Get("max_image_bytes", &c->gateway.images.max_image_bytes));
  if (c->gateway.images.max_image_bytes < 1) {
    return r.Error("max_image_bytes", "must be at least 1");
  }
  return r.CheckNoUnknownKeys();
}

Status ReadPrivacy(const toml::table* t, const std::string& src, const std::string& dir,
                   NodeConfig* c) {
  TableReader r(t, "privacy", src);
  c->budget_db = (fs::path(dir) / c->budget_db).string();
  c->audit_db = (fs::path(dir) / c->audit_db).string();
  PTMO_RETURN_IF_ERROR(r.GetPath("budget_db", dir, &c->budget_db));
  PTMO_RETURN_IF_ERROR(r.GetPath("audit_db", dir, &c->audit_db));
  PTMO_RETURN_IF_ERROR(r.Get("epsilon", &c->budget.epsilon_per_window));
  PTMO_RETURN_IF_ERROR(r.Get("window_s", &c->budget.window_seconds));
  PTMO_RETURN_IF_ERROR(r.Get("ner", &c->enable_ner));
  PTMO_RETURN_IF_ERROR(r.Get("durability", &c->durability));
  if (c->durability != "normal" && c->durability != "full") {
    return r.Error("durability", "'" + c->durability + "' is not \"normal\" or \"full\"");
  }
  if (!(c->budget.epsilon_per_window > 0)) return r.Error("epsilon", "must be > 0");
  if (c->budget.window_seconds <= 0) return r.Error("window_s", "must be > 0");
  return r.CheckNoUnknownKeys();
}

}  // namespace

Expected<NodeConfig> ParseNodeConfig(const std::string& toml_text, const std::string& base_dir,
                                     const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return InvalidArgument(msg.str());
  }
  NodeConfig c;
  static const std::set<std::string> kSections = {"server", "limits",  "api_keys", "local",
                                                  "cloud",  "gateway", "privacy"};
  for (auto&& [key, value] : root) {
    (void)value;
    if (!kSections.count(std::string(key.str()))) {
      return InvalidArgument(source + ": unknown section [" + std::string(key.str()) + "]");
    }
  }
  auto table = [&](const char* name) -> Expected<const toml::table*> {
    const toml::node* n = root.get(name);
    if (n == nullptr) return static_cast<const toml::table*>(nullptr);
    if (!n->is_table()) return InvalidArgument(source + ": [" + name + "] must be a table");
    return n->as_table();
  };
  PTMO_ASSIGN_OR_RETURN(const toml::table* server, table("server"));
  PTMO_RETURN_IF_ERROR(ReadServer(server, source, base_dir, &c));
  PTMO_ASSIGN_OR_RETURN(const toml::table* limits, table("limits"));
  PTMO_RETURN_IF_ERROR(ReadLimits(limits, source, &c));
  PTMO_ASSIGN_OR_RETURN(const toml::table* local, table("local"));
  PTMO_RETURN_IF_ERROR(ReadLocal(local, source, base_dir, &c));
  PTMO_ASSIGN_OR_RETURN(const toml::table* gateway, table("gateway"));
  PTMO_RETURN_IF_ERROR(ReadGateway(gateway, source, base_dir, &c));
  PTMO_ASSIGN_OR_RETURN(const toml::table* priv, table("privacy"));
  PTMO_RETURN_IF_ERROR(ReadPrivacy(priv, source, base_dir, &c));

  auto array_of_tables = [&](const char* name, auto&& fn) -> Status {
    const toml::node* n = root.get(name);
    if (n == nullptr) return Status::Ok();
    const toml::array* arr = n->as_array();
    if (arr == nullptr) {
      return InvalidArgument(source + ": " + name + " must be an array of tables ([[" + name +
                             "]])");
    }
    for (size_t i = 0; i < arr->size(); ++i) {
      const toml::table* t = (*arr)[i].as_table();
      std::string where = std::string(name) + "[" + std::to_string(i) + "]";
      if (t == nullptr) return InvalidArgument(source + ": " + where + " must be a table");
      PTMO_RETURN_IF_ERROR(fn(t, where));
    }
    return Status::Ok();
  };
  PTMO_RETURN_IF_ERROR(
      array_of_tables("api_keys", [&](const toml::table* t, const std::string& where) -> Status {
        TableReader r(t, where, source);
        ApiKey key;
        PTMO_RETURN_IF_ERROR(r.Get("user", &key.user_id));
        PTMO_RETURN_IF_ERROR(r.Get("sha256", &key.sha256_hex));
        PTMO_RETURN_IF_ERROR(r.CheckNoUnknownKeys());
        if (key.user_id.empty()) return r.Error("user", "required");
        if (key.sha256_hex.size() != 64) {
          return r.Error("sha256", "must be the 64 hex digits `ptmo hash-key` prints");
        }
        c.http.api_keys.push_back(std::move(key));
        return Status::Ok();
      }));
  PTMO_RETURN_IF_ERROR(
      array_of_tables("cloud", [&](const toml::table* t, const std::string& where) -> Status {
        return ReadCloud(t, where, source, base_dir, &c);
      }));
  if (c.role == "cloud" && !c.clouds.empty()) {
    return InvalidArgument(source +
                           ": a cloud node ([server] role = \"cloud\") takes no [[cloud]]");
  }
  return c;
}

Expected<NodeConfig> LoadNodeConfig(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, size_t(1) << 20));
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return ParseNodeConfig(text, dir, path);
}

}  // namespace ptmo::server
