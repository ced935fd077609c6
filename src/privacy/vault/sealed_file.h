// The encrypted container a vault is saved in (AES-256-GCM, OpenSSL EVP).
//
// Layout (all integers little-endian):
//   offset  size  field
//   0       8     magic "PTMOVLT\0"
//   8       4     format version (1)
//   12      12    nonce: random for every save (RAND_bytes)
//   24      n     ciphertext of the vault's JSON tables
//   24+n    16    GCM authentication tag
// The 12-byte header (magic + version) is the GCM additional authenticated data, so changing
// any byte of the file, or using another key, fails authentication.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "privacy/vault/vault_key.h"
#include "util/status.h"

namespace ptmo::privacy::vault_internal {

inline constexpr std::string_view kSealedMagic{"PTMOVLT\0", 8};
inline constexpr uint32_t kSealedVersion = 1;
inline constexpr size_t kSealedHeaderSize = 12;
inline constexpr size_t kSealedNonceSize = 12;
inline constexpr size_t kSealedTagSize = 16;
inline constexpr size_t kSealedMinSize = kSealedHeaderSize + kSealedNonceSize + kSealedTagSize;
static_assert(kSealedMagic.size() + sizeof(uint32_t) == kSealedHeaderSize);

// Encrypts `plaintext` into the layout above. Fails with kInternal only if OpenSSL fails.
Expected<std::string> Seal(std::string_view plaintext, const VaultKey& key);

// Checks and decrypts a sealed file's bytes; `path` only names the file in messages.
// Errors: kDataLoss "vault file 'x': not a ptmo vault file" (bad magic), "... truncated",
// "... authentication failed (wrong key or modified file)"; kFailedPrecondition for a format
// version this build does not read.
Expected<std::string> Unseal(std::string_view file, const VaultKey& key, const std::string& path);

}  // namespace ptmo::privacy::vault_internal
