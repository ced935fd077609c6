// `ptmo serve --config FILE.toml`: runs an edge gateway or a cloud node until SIGINT/SIGTERM.
// `ptmo hash-key [KEY]`: prints the SHA-256 to put in [[api_keys]] (the key itself is never
// stored in the config).
#include <signal.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"
#include "server/node.h"
#include "util/file.h"

namespace ptmo::cli {
namespace {

int RunServe(const std::string& config_path) {
  Expected<server::NodeConfig> config = server::LoadNodeConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  // Block the stop signals in every thread (the server's inherit the mask) and wait for them
  // here, so shutdown runs in an ordinary thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  Expected<std::unique_ptr<server::Node>> node = server::Node::Start(*config);
  if (!node.ok()) return Fail(node.status());
  std::cerr << "ptmo serve: " << config->role << " node listening on " << (*node)->url()
            << " (models:";
  for (const std::string& m : (*node)->service().models()) std::cerr << " " << m;
  std::cerr << ")" << std::endl;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "ptmo serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping"
            << std::endl;
  (*node)->Stop();
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("serve", "Run an OpenAI-compatible edge gateway or cloud node");
  auto config = std::make_shared<std::string>();
  cmd->add_option("--config", *config, "TOML configuration (see docs/server.md)")->required();
  cmd->callback([=] { *exit_code = RunServe(*config); });

  auto* hash = app.add_subcommand("hash-key", "Print the SHA-256 of an API key for [[api_keys]]");
  auto key = std::make_shared<std::string>();
  hash->add_option("key", *key, "the API key (read from stdin when omitted)");
  hash->callback([=] {
    std::string k = *key;
    if (k.empty()) {
      Expected<std::string> in = ReadStdin(4096);
      if (!in.ok()) {
        *exit_code = Fail(in.status());
        return;
      }
      k = *in;
      while (!k.empty() && (k.back() == '\n' || k.back() == '\r')) k.pop_back();
    }
    if (k.empty()) {
      *exit_code = Fail(InvalidArgument("hash-key: empty key"));
      return;
    }
    std::cout << server::HashApiKey(k) << "\n";
    *exit_code = 0;
  });
}

}  // namespace ptmo::cli
