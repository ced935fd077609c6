// Vault::Save and Vault::Load: the tables as JSON, sealed with AES-256-GCM (sealed_file.h).
#include <openssl/crypto.h>

#include <cassert>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>

#include "privacy/vault/sealed_file.h"
#include "privacy/vault/vault.h"
#include "privacy/vault/vault_state.h"
#include "util/file.h"

namespace ptmo::privacy {

using vault_internal::Entry;
using vault_internal::VaultState;

namespace {

// Field names of the stored modes, in slot order.
constexpr const char* kSlotNames[vault_internal::kStoredModes] = {"placeholder", "surrogate",
                                                                  "hash"};
constexpr int kTablesVersion = 1;
constexpr size_t kMaxVaultFileBytes = size_t(1) << 30;

// Wipes a string holding plaintext tables before it is freed.
struct Wiped {
  std::string text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

bool FromHex(std::string_view hex, std::string* out) {
  auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = value(hex[i]), lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

nlohmann::json TablesToJson(const VaultState& s) {
  nlohmann::json numbers = nlohmann::json::object();
  for (EntityType t : AllEntityTypes()) {
    uint64_t n = s.last_number[static_cast<size_t>(t)];
    if (n > 0) numbers[std::string(EntityTypeName(t))] = n;
  }
  nlohmann::json entries = nlohmann::json::array();
  for (const Entry& e : s.entries) {
    nlohmann::json j = {{"type", EntityTypeName(e.type)}, {"value", e.original}};
    for (int m = 0; m < vault_internal::kStoredModes; ++m) {
      if (!e.pseudonyms[m].empty()) j[kSlotNames[m]] = e.pseudonyms[m];
    }
    entries.push_back(std::move(j));
  }
  return {{"format", "ptmo-vault"},
          {"version", kTablesVersion},
          {"hash_key", ToHex(s.hash_key)},
          {"last_number", std::move(numbers)},
          {"entries", std::move(entries)}};
}

// Fills `s` from the decrypted tables. Any inconsistency is kDataLoss: the file authenticated,
// so it was written by a broken or foreign program.
Status TablesFromJson(const nlohmann::json& j, VaultState& s, const std::string& name) {
  auto bad = [&](const std::string& what) { return DataLoss(name + ": " + what); };
  if (!j.is_object() || j.value("format", "") != "ptmo-vault") {
    return bad("decrypted contents are not ptmo vault tables");
  }
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int>() != kTablesVersion) {
    return bad("unsupported tables version");
  }
  const auto& key = j.value("hash_key", nlohmann::json());
  if (!key.is_string() || !FromHex(key.get<std::string>(), &s.hash_key) ||
      (!s.hash_key.empty() && s.hash_key.size() != 32)) {
    return bad("malformed hash key");
  }
  const auto& numbers = j.value("last_number", nlohmann::json::object());
  if (!numbers.is_object()) return bad("malformed 'last_number'");
  for (const auto& [type_name, n] : numbers.items()) {
    auto type = ParseEntityType(type_name);
    if (!type || !n.is_number_unsigned()) return bad("malformed 'last_number' for " + type_name);
    s.last_number[static_cast<size_t>(*type)] = n.get<uint64_t>();
  }
  const auto& entries = j.value("entries", nlohmann::json::array());
  if (!entries.is_array()) return bad("malformed 'entries'");
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string where = "entry " + std::to_string(i);
    if (!e.is_object() || !e.contains("type") || !e["type"].is_string() || !e.contains("value") ||
        !e["value"].is_string()) {
      return bad(where + " lacks a string 'type' or 'value'");
    }
    auto type = ParseEntityType(e["type"].get<std::string>());
    if (!type) return bad(where + " has unknown type '" + e["type"].get<std::string>() + "'");
    Entry entry;
    entry.type = *type;
    entry.original = e["value"].get<std::string>();
    for (int m = 0; m < vault_internal::kStoredModes; ++m) {
      if (!e.contains(kSlotNames[m])) continue;
      if (!e[kSlotNames[m]].is_string() || e[kSlotNames[m]].get<std::string>().empty()) {
        return bad(where + " has a malformed '" + kSlotNames[m] + "'");
      }
      entry.pseudonyms[m] = e[kSlotNames[m]].get<std::string>();
    }
    Status st = s.AddLoaded(std::move(entry));
    if (!st.ok()) return bad(where + ": " + st.message());
  }
  return Status::Ok();
}

}  // namespace

Status Vault::Save(const std::string& path, const VaultKey& key) const {
  assert(state_ && "use of a moved-from Vault");
  Wiped plain;
  {
    std::shared_lock lock(state_->mu);
    plain.text = TablesToJson(*state_).dump();
  }
  auto sealed = vault_internal::Seal(plain.text, key);
  if (!sealed.ok()) {
    return Status(sealed.status().code(),
                  "vault file '" + path + "': " + sealed.status().message());
  }
  Status st = WriteFileAtomic(path, *sealed, 0600);
  if (!st.ok()) return Status(st.code(), "cannot save vault file '" + path + "': " + st.message());
  return Status::Ok();
}

Expected<Vault> Vault::Load(const std::string& path, const VaultKey& key, VaultOptions options) {
  auto file = ReadFile(path, kMaxVaultFileBytes);
  if (!file.ok()) {
    if (file.status().code() == StatusCode::kNotFound) {
      return NotFound("vault file '" + path + "' does not exist");
    }
    return file.status();
  }
  Wiped plain;
  PTMO_ASSIGN_OR_RETURN(plain.text, vault_internal::Unseal(*file, key, path));
  nlohmann::json tables = nlohmann::json::parse(plain.text, nullptr, false);
  const std::string name = "vault file '" + path + "'";
  if (tables.is_discarded()) return DataLoss(name + ": decrypted contents are not JSON");
  Vault vault(options);
  try {
    PTMO_RETURN_IF_ERROR(TablesFromJson(tables, *vault.state_, name));
  } catch (const nlohmann::json::exception& e) {
    return DataLoss(name + ": malformed tables: " + e.what());
  }
  return vault;
}

}  // namespace ptmo::privacy
