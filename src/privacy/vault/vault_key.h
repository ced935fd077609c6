// The 256-bit key that encrypts a vault file at rest, and the key file that holds it.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "util/status.h"

namespace ptmo::privacy {

// A 32-byte AES-256 key. The bytes are wiped (OPENSSL_cleanse) when the object dies.
// Copyable; every copy is wiped on destruction too.
class VaultKey {
 public:
  static constexpr size_t kSize = 32;

  // A fresh key from OpenSSL's CSPRNG (RAND_bytes). Fails with kInternal only when the
  // CSPRNG does.
  static Expected<VaultKey> Generate();
  // The key made of exactly kSize raw bytes; kInvalidArgument for any other length.
  static Expected<VaultKey> FromBytes(std::string_view raw);

  VaultKey(const VaultKey&) = default;
  VaultKey& operator=(const VaultKey&) = default;
  ~VaultKey();

  const unsigned char* data() const { return bytes_.data(); }
  bool operator==(const VaultKey& other) const;

 private:
  VaultKey() = default;
  std::array<unsigned char, kSize> bytes_{};
};

// Reads the key file at `path`: 64 hex digits (optionally followed by a newline) or 32 raw
// bytes. Refuses, with kFailedPrecondition, a file that group or others may access (any of
// the mode bits 077), because anyone who can read it can decrypt the vault; the message says
// how to fix it. kNotFound when the file does not exist, kInvalidArgument for a malformed one.
Expected<VaultKey> LoadKeyFile(const std::string& path);

// Like LoadKeyFile, but when `path` does not exist creates it first with a new random key,
// mode 0600. Creation is atomic and exclusive: if two processes race, both end up using the
// key of whichever file appeared first, and a crash never leaves a half-written key file.
Expected<VaultKey> LoadOrCreateKeyFile(const std::string& path);

}  // namespace ptmo::privacy
