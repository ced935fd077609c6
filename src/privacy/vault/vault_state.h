// The tables behind a Vault, shared (read-only) with its StreamRestorers. Internal: include
// only from src/privacy/vault/*.cc.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "privacy/core/entity.h"
#include "privacy/vault/pseudonym_index.h"
#include "privacy/vault/random_source.h"
#include "util/status.h"

namespace ptmo::privacy::vault_internal {

// Modes that remember a pseudonym (kRedact does not).
inline constexpr int kStoredModes = 3;  // placeholder, surrogate, hash

// One real value and the pseudonyms it has been given so far, one per stored mode.
struct Entry {
  EntityType type{};
  std::string original;
  std::array<std::string, kStoredModes> pseudonyms;  // empty: not yet given in that mode
};

struct VaultState {
  explicit VaultState(std::optional<uint64_t> seed) : rng(seed) {}

  // Guards everything below. Mask takes it exclusively; restoring and saving share it.
  mutable std::shared_mutex mu;

  std::vector<Entry> entries;
  std::unordered_map<std::string, uint32_t> by_value;      // ValueKey(type, original) -> id
  std::unordered_map<std::string, uint32_t> by_pseudonym;  // every stored pseudonym -> id
  std::unordered_set<std::string> originals;               // every real value, any type
  std::array<uint64_t, kEntityTypeCount> last_number{};    // last placeholder number per type
  std::string hash_key;  // 32 random bytes once kHash was first used; empty before
  PseudonymIndex index;
  RandomSource rng;

  static std::string ValueKey(EntityType type, std::string_view original) {
    std::string key(1, static_cast<char>(type));
    key.append(original);
    return key;
  }

  // The id of (type, original), adding an entry without pseudonyms when it is new.
  uint32_t FindOrAdd(EntityType type, std::string_view original);

  // Records `pseudonym` as entry `id`'s name in `mode` (0..kStoredModes-1). The caller has
  // checked that it is unused.
  void Take(uint32_t id, int mode, std::string pseudonym);

  // Adds entry `id` to the tables after loading (pseudonyms already set). Fails when a
  // pseudonym or value is already taken: the file is inconsistent.
  Status AddLoaded(Entry entry);

  PseudonymIndex::OriginalOf OriginalLookup() const {
    return [this](uint32_t id) { return std::string_view(entries[id].original); };
  }
};

}  // namespace ptmo::privacy::vault_internal
