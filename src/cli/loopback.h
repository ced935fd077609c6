// A cloud node and an edge gateway on loopback with generated random-weight models in a
// temporary directory: what `ptmo demo` and `ptmo bench-gateway` run. Destroying it stops
// both nodes and removes the directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "server/node.h"
#include "util/status.h"

namespace ptmo::cli {

struct LoopbackOptions {
  offload::ThresholdRoutes routes;
  double epsilon = 5.0;
  int max_concurrency = 32;
};

class Loopback {
 public:
  static Expected<std::unique_ptr<Loopback>> Start(const LoopbackOptions& options);
  ~Loopback();

  server::Node& cloud() { return *cloud_; }
  server::Node& edge() { return *edge_; }
  const std::string& user_key() const { return user_key_; }    // for the edge gateway
  const std::string& cloud_key() const { return cloud_key_; }  // for the cloud node
  std::string audit_db() const { return (dir_ / "audit.db").string(); }

 private:
  Loopback() = default;
  std::filesystem::path dir_;
  std::string user_key_;
  std::string cloud_key_;
  std::unique_ptr<server::Node> cloud_;
  std::unique_ptr<server::Node> edge_;
};

}  // namespace ptmo::cli
