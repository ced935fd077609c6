#include "privacy/vault/vault_key.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ptmo::privacy {
namespace {

std::string Errno() {
  return std::strerror(errno);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ModeString(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads at most `max` bytes from `fd`.
Expected<std::string> ReadSmall(int fd, const std::string& path, size_t max) {
  std::string data;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return InvalidArgument("key file '" + path + "': cannot read: " + Errno());
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > max) {
      OPENSSL_cleanse(data.data(), data.size());
      return InvalidArgument("key file '" + path + "': too large to be a key (expected " +
                             "64 hex digits)");
    }
  }
  return data;
}

Expected<VaultKey> ParseKey(std::string data, const std::string& path) {
  if (data.size() == VaultKey::kSize) {
    auto key = VaultKey::FromBytes(data);
    OPENSSL_cleanse(data.data(), data.size());
    return key;
  }
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r' || data.back() == ' ')) {
    data.pop_back();
  }
  std::string raw(VaultKey::kSize, '\0');
  bool ok = data.size() == 2 * VaultKey::kSize;
  for (size_t i = 0; ok && i < VaultKey::kSize; ++i) {
    int hi = HexValue(data[2 * i]), lo = HexValue(data[2 * i + 1]);
    ok = hi >= 0 && lo >= 0;
    if (ok) raw[i] = static_cast<char>(hi * 16 + lo);
  }
  OPENSSL_cleanse(data.data(), data.size());
  if (!ok) {
    return InvalidArgument("key file '" + path + "': expected 64 hex digits (a 256-bit key)");
  }
  auto key = VaultKey::FromBytes(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

// Writes all of `data` to `fd`.
bool WriteAll(int fd, std::string_view data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

// Creates `path` holding a new key. Succeeds without writing anything when another process
// created the file first.
Status CreateKeyFile(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(VaultKey key, VaultKey::Generate());
  std::string hex;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < VaultKey::kSize; ++i) {
    hex += kDigits[key.data()[i] >> 4];
    hex += kDigits[key.data()[i] & 15];
  }
  hex += '\n';
  // Write a private temporary file, then link() it into place: link fails if `path` exists,
  // so creation is exclusive, and the key file is never seen half-written.
  unsigned char suffix[8];
  if (RAND_bytes(suffix, sizeof suffix) != 1) return Internal("OpenSSL RAND_bytes failed");
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  for (unsigned char c : suffix) tmp += kDigits[c & 15];
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(hex.data(), hex.size());
    return InvalidArgument("key file '" + path + "': cannot create '" + tmp + "': " + Errno());
  }
  bool ok = ::fchmod(fd, 0600) == 0 && WriteAll(fd, hex) && ::fsync(fd) == 0;
  std::string err = ok ? "" : Errno();
  ::close(fd);
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!ok) {
    ::unlink(tmp.c_str());
    return InvalidArgument("key file '" + path + "': cannot write '" + tmp + "': " + err);
  }
  int rc = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (link_errno == EEXIST) return Status::Ok();  // someone else won the race
    return InvalidArgument("key file '" + path + "': cannot create: " + std::strerror(link_errno));
  }
  return Status::Ok();
}

}  // namespace

Expected<VaultKey> VaultKey::Generate() {
  VaultKey key;
  if (RAND_bytes(key.bytes_.data(), static_cast<int>(kSize)) != 1) {
    return Internal("OpenSSL RAND_bytes failed to produce a key");
  }
  return key;
}

Expected<VaultKey> VaultKey::FromBytes(std::string_view raw) {
  if (raw.size() != kSize) {
    return InvalidArgument("a vault key must be " + std::to_string(kSize) + " bytes, got " +
                           std::to_string(raw.size()));
  }
  VaultKey key;
  std::memcpy(key.bytes_.data(), raw.data(), kSize);
  return key;
}

VaultKey::~VaultKey() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

bool VaultKey::operator==(const VaultKey& other) const {
  return CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), kSize) == 0;
}

Expected<VaultKey> LoadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("key file '" + path + "' does not exist");
    return InvalidArgument("key file '" + path + "': cannot open: " + Errno());
  }
  // Check the permissions of the file actually opened (no window between check and use).
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string err = Errno();
    ::close(fd);
    return InvalidArgument("key file '" + path + "': cannot stat: " + err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("key file '" + path + "' is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return FailedPrecondition(
        "key file '" + path + "' has mode " + ModeString(st.st_mode) +
        ", so group or others can read it; refusing to use it. Run: " + "chmod 600 '" + path + "'");
  }
  auto data = ReadSmall(fd, path, 4 * VaultKey::kSize);
  ::close(fd);
  if (!data.ok()) return data.status();
  return ParseKey(std::move(data).value(), path);
}

Expected<VaultKey> LoadOrCreateKeyFile(const std::string& path) {
  auto key = LoadKeyFile(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  PTMO_RETURN_IF_ERROR(CreateKeyFile(path));
  return LoadKeyFile(path);
}

}  // namespace ptmo::privacy
