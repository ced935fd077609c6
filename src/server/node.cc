#include "server/node.h"

#include "offload/learned_route_policy.h"
#include "privacy/audit/audit_log.h"
#include "privacy/budget/budget_ledger.h"
#include "privacy/vision/image_analyzer.h"

namespace ptmo::server {

Node::~Node() {
  if (http_) http_->Stop();
}

std::string Node::url() const {
  std::string host = config_.http.host == "0.0.0.0" ? "127.0.0.1" : config_.http.host;
  return http_->scheme() + "://" + host + ":" + std::to_string(port());
}

Expected<std::unique_ptr<Node>> Node::Start(const NodeConfig& config) {
  std::unique_ptr<Node> node(new Node());
  node->config_ = config;

  privacy::AnalyzerOptions analyzer_options;
  analyzer_options.enable_ner = config.enable_ner;
  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<privacy::Analyzer> analyzer,
                        privacy::Analyzer::Create(analyzer_options));
  std::shared_ptr<const privacy::Analyzer> shared_analyzer = std::move(analyzer);

  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<backend::LocalBackend> local,
                        backend::LocalBackend::Open(config.local));
  std::shared_ptr<backend::Backend> local_backend = std::move(local);

  if (config.role == "cloud") {
    node->service_ = offload::MakeDirectService(local_backend, shared_analyzer);
  } else {
    offload::GatewayParts parts;
    parts.analyzer = shared_analyzer;
    parts.local = local_backend;
    if (config.accept_images) {
      // Once per node: the face cascade and a Tesseract instance (more made on demand).
      PTMO_ASSIGN_OR_RETURN(std::unique_ptr<privacy::vision::ImageAnalyzer> images,
                            privacy::vision::ImageAnalyzer::Create({}, shared_analyzer.get()));
      parts.images = std::move(images);
    }
    for (const backend::OpenAIBackendOptions& o : config.clouds) {
      PTMO_ASSIGN_OR_RETURN(std::unique_ptr<backend::OpenAIBackend> cloud,
                            backend::OpenAIBackend::Open(o));
      parts.clouds.push_back(std::move(cloud));
    }
    privacy::sqlite::StoreOptions store;
    store.durability = config.durability == "full" ? privacy::sqlite::Durability::kFull
                                                   : privacy::sqlite::Durability::kNormal;
    PTMO_ASSIGN_OR_RETURN(std::unique_ptr<privacy::BudgetLedger> ledger,
                          privacy::BudgetLedger::Open(config.budget_db, config.budget, store));
    parts.ledger = std::move(ledger);
    PTMO_ASSIGN_OR_RETURN(std::unique_ptr<privacy::AuditLog> audit,
                          privacy::AuditLog::Open(config.audit_db, store));
    parts.audit = std::move(audit);
    if (config.policy == "learned") {
      PTMO_ASSIGN_OR_RETURN(parts.policy, offload::LoadLearnedRoutePolicy(config.policy_file));
    } else {
      parts.policy = offload::MakeThresholdPolicy(config.routes);
    }
    PTMO_ASSIGN_OR_RETURN(std::unique_ptr<offload::Gateway> gateway,
                          offload::Gateway::Create(config.gateway, std::move(parts)));
    node->service_ = std::move(gateway);
  }
  PTMO_ASSIGN_OR_RETURN(node->http_, HttpServer::Create(config.http, node->service_));
  PTMO_RETURN_IF_ERROR(node->http_->Start());
  return node;
}

}  // namespace ptmo::server
