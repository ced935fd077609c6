// One pseudonymization vault per (user, conversation), so a value keeps its placeholder for
// the whole conversation and nothing is shared between users.
//
// OpenAI's API has no conversation id: clients resend the whole history each turn. So unless
// the caller names one, the conversation is identified by a hash of its first messages (the
// system prompt and the first user message), which stay the same turn after turn.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/backend.h"
#include "privacy/vault/vault.h"

namespace ptmo::offload {

struct ConversationVaultsOptions {
  size_t max_conversations = 10000;     // least recently used ones are forgotten beyond this
  std::chrono::seconds idle_ttl{3600};  // and those idle for longer than this
};

class ConversationVaults {
 public:
  explicit ConversationVaults(ConversationVaultsOptions options = {});

  // The vault of `user_id`'s conversation `conversation_id`, created empty on first use.
  // The returned vault stays valid while the caller holds it, even if evicted meanwhile.
  // Thread-safe; Vault itself is safe for concurrent use.
  std::shared_ptr<privacy::Vault> Get(const std::string& user_id,
                                      const std::string& conversation_id);

  size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<privacy::Vault> vault;
    std::chrono::steady_clock::time_point last_used;
    std::list<std::string>::iterator lru_position;
  };
  void EvictLocked(std::chrono::steady_clock::time_point now);

  ConversationVaultsOptions options_;
  mutable std::mutex mu_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, Entry> entries_;
};

// A stable id for the conversation `messages` belong to: hex SHA-256 of the system prompt(s)
// and the first user message.
std::string DeriveConversationId(const std::vector<backend::Message>& messages,
                                 const std::string& prompt);

}  // namespace ptmo::offload
