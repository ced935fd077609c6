#include "offload/conversation_vaults.h"

#include <openssl/evp.h>

#include <cstdio>

namespace ptmo::offload {

ConversationVaults::ConversationVaults(ConversationVaultsOptions options) : options_(options) {}

std::shared_ptr<privacy::Vault> ConversationVaults::Get(const std::string& user_id,
                                                        const std::string& conversation_id) {
  // A separator that cannot occur in a user id keeps ("a", "b/c") apart from ("a/b", "c").
  std::string key = std::to_string(user_id.size()) + ":" + user_id + "/" + conversation_id;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second.last_used = now;
    lru_.splice(lru_.begin(), lru_, it->second.lru_position);
    return it->second.vault;
  }
  EvictLocked(now);
  lru_.push_front(key);
  Entry entry{std::make_shared<privacy::Vault>(), now, lru_.begin()};
  auto vault = entry.vault;
  entries_.emplace(std::move(key), std::move(entry));
  return vault;
}

void ConversationVaults::EvictLocked(std::chrono::steady_clock::time_point now) {
  while (!lru_.empty()) {
    auto it = entries_.find(lru_.back());
    bool too_many = entries_.size() >= options_.max_conversations;
    bool idle = now - it->second.last_used > options_.idle_ttl;
    if (!too_many && !idle) break;
    entries_.erase(it);
    lru_.pop_back();
  }
}

size_t ConversationVaults::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

std::string DeriveConversationId(const std::vector<backend::Message>& messages,
                                 const std::string& prompt) {
  // Length-prefixed fields, so no two different histories hash the same input.
  std::string input;
  auto add = [&](const std::string& s) { input += std::to_string(s.size()) + ":" + s; };
  add(prompt);
  for (const backend::Message& m : messages) {
    if (m.role == "system" || m.role == "developer" || m.role == "user") {
      add(m.role);
      add(m.content);
    }
    if (m.role == "user") break;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace ptmo::offload
