// An on-disk copy of a model's repacked matrices (repacked_weights.h), so that only the first
// load of a file pays for repacking.
//
// Repacking writes fresh memory, and on virtual machines the first touch of fresh memory is
// slow and erratic (a 545 MB copy took 0.2 to 1.5 s here). A later load of the unchanged file
// instead maps the copy, which then sits in the page cache: nothing is copied and loading takes
// milliseconds, like a file that needs no repacking.
//
// File layout: a 4096-byte header (magic, format version, the identity below), then the
// repacked matrices at their RepackedWeights offsets. The header is written last and the file
// is synced before it is renamed into place, so a crash leaves no complete-looking copy. A copy
// is used only when its identity equals the one computed from the model being loaded: the
// source file's size, modification time, inode and device, and a fingerprint of every repacked
// matrix (type, shape, offset in the file, destination offset, and its first and last bytes).
// Anything else (absent, stale, truncated, damaged) is simply rebuilt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "util/status.h"

namespace ptmo::engine {

struct RepackCacheIdentity {
  uint64_t source_size = 0;
  int64_t source_mtime_ns = 0;
  uint64_t source_inode = 0;
  uint64_t source_device = 0;
  uint64_t fingerprint = 0;  // of the repacked matrices (see above)
  uint64_t data_bytes = 0;   // bytes of repacked matrices after the header
};

// FNV-1a, 64 bits: the fingerprint's hash (not a security measure: the cache directory is the
// user's own).
uint64_t Fnv1a64(const void* data, size_t n, uint64_t seed = 0xcbf29ce484222325ull);

// The identity fields of the file at `path` (fingerprint and data_bytes left 0). kNotFound or
// kInvalidArgument naming the path when it cannot be stat'ed.
Expected<RepackCacheIdentity> SourceIdentity(const std::string& path);

// The per-user default directory for repacked copies: $PTMO_CACHE_DIR, else
// $XDG_CACHE_HOME/ptmo/repacked, else $HOME/.cache/ptmo/repacked; "" when none is set.
std::string DefaultRepackCacheDir();

// The copy's path for the model file at `path` inside `dir`: one copy per source path, so a
// changed model replaces its stale copy instead of adding another.
std::string RepackCachePath(const std::string& dir, const std::string& model_path);

// A mapping of a cache file: header plus data. Move-only; unmaps on destruction unless the
// mapping was handed over with Release().
class RepackCacheFile {
 public:
  static constexpr size_t kHeaderBytes = 4096;

  // Maps the complete copy at `path` read-only when its identity equals `id`. kNotFound when
  // there is no file; kFailedPrecondition when it is stale, truncated or not a cache file.
  static Expected<RepackCacheFile> OpenExisting(const std::string& path,
                                                const RepackCacheIdentity& id);
  // Creates a temporary file next to `path` (making `path`'s directory if needed) sized for
  // `id`, mapped writable, for the caller to fill through data(). Errors name the path and the
  // OS error.
  static Expected<RepackCacheFile> Create(const std::string& path, const RepackCacheIdentity& id);

  RepackCacheFile() = default;
  RepackCacheFile(RepackCacheFile&& other) noexcept;
  RepackCacheFile& operator=(RepackCacheFile&& other) noexcept;
  RepackCacheFile(const RepackCacheFile&) = delete;
  RepackCacheFile& operator=(const RepackCacheFile&) = delete;
  ~RepackCacheFile();

  uint8_t* data() const { return static_cast<uint8_t*>(map_) + kHeaderBytes; }

  // For a Create()d file, once data() is filled: writes the header, syncs the file, renames it
  // to its final path and makes the mapping read-only. On error the temporary file is removed.
  Status Commit();

  // Hands the mapping (base, length) to the caller, who must munmap it.
  void* Release(size_t* length);

 private:
  void Reset();

  void* map_ = nullptr;
  size_t map_bytes_ = 0;
  int fd_ = -1;
  std::string path_;      // final path
  std::string tmp_path_;  // while a Create()d file is not committed
  RepackCacheIdentity id_;
};

}  // namespace ptmo::engine
