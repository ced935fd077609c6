#include "cli/loopback.h"

#include <openssl/rand.h>
#include <stdlib.h>

#include "engine/model_builder.h"
#include "engine/repack_cache.h"

namespace ptmo::cli {
namespace {

namespace fs = std::filesystem;

Status WriteModel(const std::string& path, uint64_t seed, const std::string& name) {
  engine::BuildOptions o;
  PTMO_ASSIGN_OR_RETURN(o.shape, engine::ModelPreset("tiny"));
  o.format = engine::WeightFormat::kQ8_0;
  o.seed = seed;
  o.name = name;
  return engine::WriteRandomModel(path, o);
}

Expected<std::string> RandomKey() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return Internal("OpenSSL RAND_bytes failed");
  std::string k = "sk-loopback-";
  for (unsigned char c : b) {
    k += "0123456789abcdef"[c >> 4];
    k += "0123456789abcdef"[c & 15];
  }
  return k;
}

}  // namespace

Loopback::~Loopback() {
  edge_.reset();
  cloud_.reset();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

Expected<std::unique_ptr<Loopback>> Loopback::Start(const LoopbackOptions& options) {
  std::unique_ptr<Loopback> lb(new Loopback());
  std::string templ = (fs::temp_directory_path() / "ptmo-loopback-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    return Unavailable("cannot create a temporary directory under " +
                       fs::temp_directory_path().string());
  }
  lb->dir_ = templ;
  const std::string edge_model = (lb->dir_ / "edge.gguf").string();
  const std::string cloud_model = (lb->dir_ / "cloud.gguf").string();
  PTMO_RETURN_IF_ERROR(WriteModel(edge_model, 11, "loopback-edge"));
  PTMO_RETURN_IF_ERROR(WriteModel(cloud_model, 22, "loopback-cloud"));
  PTMO_ASSIGN_OR_RETURN(lb->cloud_key_, RandomKey());
  PTMO_ASSIGN_OR_RETURN(lb->user_key_, RandomKey());

  // The cloud node serves its model to callers holding the edge's key.
  server::NodeConfig cloud;
  cloud.role = "cloud";
  cloud.http.port = 0;
  cloud.http.max_concurrency = options.max_concurrency;
  cloud.http.api_keys = {{"edge-gateway", server::HashApiKey(lb->cloud_key_)}};
  cloud.local.model_path = cloud_model;
  cloud.local.repack_cache_dir = engine::DefaultRepackCacheDir();
  cloud.local.model_id = "cloud-model";
  cloud.local.chat_template = "chatml";
  cloud.local.threads = 1;
  cloud.local.n_sessions = 2;
  cloud.enable_ner = false;
  PTMO_ASSIGN_OR_RETURN(lb->cloud_, server::Node::Start(cloud));

  // The edge gateway: its own model, the cloud node as its cloud backend.
  setenv("PTMO_LOOPBACK_CLOUD_KEY", lb->cloud_key_.c_str(), 1);
  server::NodeConfig edge;
  edge.role = "edge";
  edge.http.port = 0;
  edge.http.max_concurrency = options.max_concurrency;
  edge.http.api_keys = {{"demo-user", server::HashApiKey(lb->user_key_)}};
  edge.local.model_path = edge_model;
  edge.local.repack_cache_dir = engine::DefaultRepackCacheDir();
  edge.local.model_id = "edge-model";
  edge.local.chat_template = "chatml";
  edge.local.threads = 1;
  backend::OpenAIBackendOptions to_cloud;
  to_cloud.name = "cloud-node";
  to_cloud.base_url = lb->cloud_->url() + "/v1";
  to_cloud.api_key_env = "PTMO_LOOPBACK_CLOUD_KEY";
  to_cloud.models = {"cloud-model"};
  edge.clouds = {to_cloud};
  edge.budget_db = (lb->dir_ / "budget.db").string();
  edge.audit_db = lb->audit_db();
  edge.budget.epsilon_per_window = options.epsilon;
  edge.routes = options.routes;
  PTMO_ASSIGN_OR_RETURN(lb->edge_, server::Node::Start(edge));
  return lb;
}

}  // namespace ptmo::cli
