// Repacked copies of a model's matrices, made at load time for faster kernels.
//
// Q4_0, Q8_0 and Q4_K matrices stream at memory speed only in the kRows8 layout
// (tensor/repack.h), which no GGUF file holds. RepackedWeights copies such matrices once, at load,
// into one anonymous mapping it owns, and points the ModelWeights at the copies; the file mapping
// itself is never written. So that resident memory stays about the file's size, the file pages of
// each repacked original are then released (madvise MADV_DONTNEED: a read-only private file mapping
// just reads them from the page cache again if they are ever touched, which only the embedding
// lookup does, row by row).
//
// With a cache directory (RepackOptions::cache_dir, repack_cache.h), the copies are written
// into a file there instead, and later loads of the unchanged model map that file: only the
// first load pays for repacking.
//
// This is the weight-provider seam for layouts: a provider that decrypts layers into locked
// memory would repack in the same step.
#pragma once

#include <cstddef>
#include <string>

#include "engine/gguf_reader.h"
#include "engine/model_weights.h"
#include "util/status.h"

namespace ptmo::engine {

struct RepackOptions {
  // Repack Q4_0, Q8_0 and Q4_K matrices into the kRows8 layout (every layer matrix and the output;
  // the embedding table stays as the file has it, since lookups read single rows).
  bool rows8 = true;
  // Release the file pages of the repacked originals (only done for file-backed GgufFiles).
  bool release_originals = true;
  // Directory for on-disk repacked copies ("": none). Used only for file-backed models whose
  // repacked matrices reach cache_min_bytes (small models repack in milliseconds anyway).
  // A copy that cannot be written is no error: the load goes on in memory and cache_note()
  // says why.
  std::string cache_dir;
  size_t cache_min_bytes = size_t{64} << 20;
};

// Where the repacked copies came from.
enum class RepackSource {
  kNone,        // nothing repacked
  kMemory,      // repacked into memory (no cache)
  kCacheWrite,  // repacked into a new cache file
  kCacheHit,    // mapped from an existing cache file, nothing repacked at this load
};

class RepackedWeights {
 public:
  RepackedWeights() = default;
  // Repacks the matrices `options` selects in `weights` (which must view `gguf`), pointing
  // them at the copies. Nothing to repack: an empty RepackedWeights and `weights` unchanged.
  // kResourceExhausted when the anonymous mapping cannot be made; kNotFound/kInvalidArgument
  // when the cache is on and the model file cannot be stat'ed. Not thread-safe for
  // `weights`; the result is immutable.
  static Expected<RepackedWeights> Repack(ModelWeights& weights, const GgufFile& gguf,
                                          const RepackOptions& options = {});

  RepackedWeights(RepackedWeights&& other) noexcept;
  RepackedWeights& operator=(RepackedWeights&& other) noexcept;
  RepackedWeights(const RepackedWeights&) = delete;
  RepackedWeights& operator=(const RepackedWeights&) = delete;
  ~RepackedWeights();

  size_t bytes() const { return size_; }  // size of the copies (0: nothing repacked)
  int matrices() const { return matrices_; }
  RepackSource source() const { return source_; }
  const std::string& cache_path() const { return cache_path_; }  // "" without a cache file
  // Why the cache was not used or not written ("" when it was, or is off).
  const std::string& cache_note() const { return cache_note_; }

 private:
  void* map_ = nullptr;  // the copies' mapping (anonymous or a cache file), owned
  size_t map_bytes_ = 0;
  size_t size_ = 0;
  int matrices_ = 0;
  RepackSource source_ = RepackSource::kNone;
  std::string cache_path_;
  std::string cache_note_;
};

}  // namespace ptmo::engine
