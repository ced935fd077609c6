// A running node: everything `ptmo serve` starts from a NodeConfig (models, stores, the
// gateway or direct service, the HTTP server), also used in-process by `ptmo demo`,
// `ptmo bench-gateway` and the tests.
#pragma once

#include <memory>
#include <string>

#include "offload/service.h"
#include "server/config.h"
#include "server/http_server.h"
#include "util/status.h"

namespace ptmo::server {

class Node {
 public:
  // Loads the local model, opens the budget ledger and audit log (edge), builds the cloud
  // backends, binds the port and starts serving. Errors name the config key or file at fault;
  // nothing is left running on error.
  static Expected<std::unique_ptr<Node>> Start(const NodeConfig& config);
  ~Node();

  int port() const { return http_->port(); }
  // "http://127.0.0.1:PORT" (https when TLS is configured).
  std::string url() const;
  void Stop() { http_->Stop(); }
  void Wait() { http_->Wait(); }
  offload::Service& service() { return *service_; }

 private:
  Node() = default;
  NodeConfig config_;
  std::shared_ptr<offload::Service> service_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace ptmo::server
