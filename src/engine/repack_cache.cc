#include "engine/repack_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

namespace ptmo::engine {

namespace {

constexpr char kMagic[8] = {'P', 'T', 'M', 'O', 'R', 'P', 'K', '8'};
constexpr uint64_t kFormatVersion = 1;

// The header's fields, at the start of its 4096 bytes (the rest is zero).
struct Header {
  char magic[8];
  uint64_t version;
  RepackCacheIdentity id;
};
static_assert(sizeof(Header) <= RepackCacheFile::kHeaderBytes);

bool SameIdentity(const RepackCacheIdentity& a, const RepackCacheIdentity& b) {
  return a.source_size == b.source_size && a.source_mtime_ns == b.source_mtime_ns &&
         a.source_inode == b.source_inode && a.source_device == b.source_device &&
         a.fingerprint == b.fingerprint && a.data_bytes == b.data_bytes;
}

std::string OsError(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

uint64_t Fnv1a64(const void* data, size_t n, uint64_t seed) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = seed;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

Expected<RepackCacheIdentity> SourceIdentity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound(OsError("cannot stat model file", path));
    return InvalidArgument(OsError("cannot stat model file", path));
  }
  RepackCacheIdentity id;
  id.source_size = static_cast<uint64_t>(st.st_size);
  id.source_mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  id.source_inode = static_cast<uint64_t>(st.st_ino);
  id.source_device = static_cast<uint64_t>(st.st_dev);
  return id;
}

std::string DefaultRepackCacheDir() {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
  };
  if (std::string dir = env("PTMO_CACHE_DIR"); !dir.empty()) return dir;
  if (std::string dir = env("XDG_CACHE_HOME"); !dir.empty()) return dir + "/ptmo/repacked";
  if (std::string home = env("HOME"); !home.empty()) return home + "/.cache/ptmo/repacked";
  return "";
}

std::string RepackCachePath(const std::string& dir, const std::string& model_path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::weakly_canonical(model_path, ec);
  if (ec) absolute = model_path;
  const std::string key = absolute.string();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(Fnv1a64(key.data(), key.size())));
  return (std::filesystem::path(dir) / (absolute.stem().string() + "-" + hex + ".rows8")).string();
}

Expected<RepackCacheFile> RepackCacheFile::OpenExisting(const std::string& path,
                                                        const RepackCacheIdentity& id) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no repacked copy at '" + path + "'");
    return FailedPrecondition(OsError("cannot open repacked copy", path));
  }
  RepackCacheFile f;
  f.fd_ = fd;
  f.path_ = path;
  f.id_ = id;
  struct stat st {};
  const uint64_t want = kHeaderBytes + id.data_bytes;
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != want) {
    return FailedPrecondition("repacked copy '" + path + "' has the wrong size");
  }
  Header h{};
  if (::pread(fd, &h, sizeof(h), 0) != static_cast<ssize_t>(sizeof(h)) ||
      std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || h.version != kFormatVersion) {
    return FailedPrecondition("'" + path + "' is not a repacked copy of this format");
  }
  if (!SameIdentity(h.id, id)) {
    return FailedPrecondition("repacked copy '" + path + "' belongs to another model file");
  }
  void* map = ::mmap(nullptr, want, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return FailedPrecondition(OsError("cannot map repacked copy", path));
  f.map_ = map;
  f.map_bytes_ = want;
  return f;
}

Expected<RepackCacheFile> RepackCacheFile::Create(const std::string& path,
                                                  const RepackCacheIdentity& id) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return PermissionDenied("cannot create cache directory '" + parent.string() +
                              "': " + ec.message());
    }
  }
  RepackCacheFile f;
  f.path_ = path;
  f.tmp_path_ = path + ".tmp." + std::to_string(::getpid());
  f.id_ = id;
  f.fd_ = ::open(f.tmp_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f.fd_ < 0) return PermissionDenied(OsError("cannot create repacked copy", f.tmp_path_));
  const uint64_t bytes = kHeaderBytes + id.data_bytes;
  // posix_fallocate reserves the blocks now, so a full disk is an error here rather than a
  // SIGBUS while writing through the mapping.
  if (const int err = ::posix_fallocate(f.fd_, 0, static_cast<off_t>(bytes)); err != 0) {
    errno = err;
    return ResourceExhausted(OsError("cannot reserve space for repacked copy", f.tmp_path_));
  }
  void* map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, f.fd_, 0);
  if (map == MAP_FAILED) return ResourceExhausted(OsError("cannot map repacked copy", f.tmp_path_));
  f.map_ = map;
  f.map_bytes_ = bytes;
  return f;
}

Status RepackCacheFile::Commit() {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kFormatVersion;
  h.id = id_;
  std::memcpy(map_, &h, sizeof(h));
  if (::msync(map_, map_bytes_, MS_SYNC) != 0 || ::fsync(fd_) != 0) {
    return DataLoss(OsError("cannot write repacked copy", tmp_path_));
  }
  if (::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    return DataLoss(OsError("cannot rename repacked copy to", path_));
  }
  tmp_path_.clear();
  ::mprotect(map_, map_bytes_, PROT_READ);  // immutable from here on, like the file mapping
  return Status::Ok();
}

void* RepackCacheFile::Release(size_t* length) {
  *length = map_bytes_;
  map_bytes_ = 0;
  return std::exchange(map_, nullptr);
}

RepackCacheFile::RepackCacheFile(RepackCacheFile&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_bytes_(std::exchange(other.map_bytes_, 0)),
      fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      tmp_path_(std::exchange(other.tmp_path_, std::string())),
      id_(other.id_) {}

RepackCacheFile& RepackCacheFile::operator=(RepackCacheFile&& other) noexcept {
  if (this != &other) {
    Reset();
    map_ = std::exchange(other.map_, nullptr);
    map_bytes_ = std::exchange(other.map_bytes_, 0);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    tmp_path_ = std::exchange(other.tmp_path_, std::string());
    id_ = other.id_;
  }
  return *this;
}

RepackCacheFile::~RepackCacheFile() {
  Reset();
}

void RepackCacheFile::Reset() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
  map_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_path_.empty()) ::unlink(tmp_path_.c_str());  // never committed
  tmp_path_.clear();
}

}  // namespace ptmo::engine
