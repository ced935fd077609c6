#include "engine/repacked_weights.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/repack_cache.h"
#include "tensor/repack.h"

namespace ptmo::engine {

namespace {

using tensor::WeightMatrix;

// Gives the whole pages inside [p, p + n) back to the kernel. Only for read-only file
// mappings: the next touch reads them from the page cache again.
void ReleasePages(const void* p, size_t n) {
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

constexpr size_t kCopyAlignment = 64;  // each copy starts on a cache line

// What a cached copy must agree on with the model being loaded: each target's type, shape,
// place in the file and in the copy, and its first and last bytes (two pages read).
uint64_t Fingerprint(const std::vector<WeightMatrix*>& targets, const std::vector<size_t>& offsets,
                     const GgufFile& gguf) {
  uint64_t h = Fnv1a64(nullptr, 0);
  auto mix = [&h](const void* p, size_t n) { h = Fnv1a64(p, n, h); };
  for (size_t i = 0; i < targets.size(); ++i) {
    const WeightMatrix& m = *targets[i];
    const auto* data = static_cast<const uint8_t*>(m.data);
    const uint64_t fields[5] = {static_cast<uint64_t>(m.type), static_cast<uint64_t>(m.rows),
                                static_cast<uint64_t>(m.cols),
                                static_cast<uint64_t>(data - gguf.base()), offsets[i]};
    mix(fields, sizeof(fields));
    const size_t bytes = *tensor::RowBytes(m.type, m.cols) * static_cast<size_t>(m.rows);
    const size_t sample = bytes < 64 ? bytes : 64;
    mix(data, sample);
    mix(data + bytes - sample, sample);
  }
  return h;
}

}  // namespace

Expected<RepackedWeights> RepackedWeights::Repack(ModelWeights& weights, const GgufFile& gguf,
                                                  const RepackOptions& options) {
  // The matrices to repack; a tied output is repacked as its own copy (the embedding keeps
  // the file's rows).
  std::vector<WeightMatrix*> targets;
  auto consider = [&](WeightMatrix& m) {
    if (options.rows8 && m.layout == tensor::WeightLayout::kRowMajor &&
        tensor::CanRepackRows8(m.type)) {
      targets.push_back(&m);
    }
  };
  for (LayerWeights& l : weights.layers) {
    for (WeightMatrix* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) {
      consider(*m);
    }
  }
  consider(weights.output);
  RepackedWeights r;
  if (targets.empty()) return r;

  std::vector<size_t> offsets;
  size_t total = 0;
  for (const WeightMatrix* m : targets) {
    PTMO_ASSIGN_OR_RETURN(const size_t bytes, tensor::Rows8Bytes(m->type, m->rows, m->cols));
    offsets.push_back(total);
    total += (bytes + kCopyAlignment - 1) / kCopyAlignment * kCopyAlignment;
  }
  r.size_ = total;
  r.matrices_ = static_cast<int>(targets.size());
  auto point_at = [&](uint8_t* copies) {
    for (size_t i = 0; i < targets.size(); ++i) {
      *targets[i] = tensor::Rows8View(*targets[i], copies + offsets[i]);
    }
  };

  // A cached copy of this model, or a new cache file to repack into.
  RepackCacheFile cache;
  uint8_t* copies = nullptr;
  if (!options.cache_dir.empty() && gguf.file_backed() && total >= options.cache_min_bytes) {
    PTMO_ASSIGN_OR_RETURN(RepackCacheIdentity id, SourceIdentity(gguf.name()));
    id.fingerprint = Fingerprint(targets, offsets, gguf);
    id.data_bytes = total;
    r.cache_path_ = RepackCachePath(options.cache_dir, gguf.name());
    auto existing = RepackCacheFile::OpenExisting(r.cache_path_, id);
    if (existing.ok()) {
      point_at(existing->data());
      r.map_ = existing->Release(&r.map_bytes_);
      r.source_ = RepackSource::kCacheHit;
      return r;
    }
    if (existing.status().code() != StatusCode::kNotFound) {
      r.cache_note_ = existing.status().message() + "; repacked again";
    }
    auto created = RepackCacheFile::Create(r.cache_path_, id);
    if (created.ok()) {
      cache = std::move(*created);
      copies = cache.data();
    } else {
      r.cache_note_ = created.status().message() + "; repacked in memory";
      r.cache_path_.clear();
    }
  }
  if (copies == nullptr) {
    void* mem = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
      return ResourceExhausted("model file '" + gguf.name() + "': cannot allocate " +
                               std::to_string(total) +
                               " bytes for repacked weights: " + std::strerror(errno));
    }
    // Huge pages: fewer page faults while copying and fewer TLB misses while streaming.
    ::madvise(mem, total, MADV_HUGEPAGE);
    r.map_ = mem;
    r.map_bytes_ = total;
    copies = static_cast<uint8_t*>(mem);
  }

  // Two threads (this machine class has two cores; copying is memory-bound beyond that):
  // matrices alternate between them. Each original's file pages are released as soon as it is
  // copied, so the peak resident memory stays near the file size plus one matrix per thread.
  const bool release = options.release_originals && gguf.file_backed();
  auto work = [&](size_t first) {
    for (size_t i = first; i < targets.size(); i += 2) {
      const WeightMatrix& src = *targets[i];
      tensor::RepackRows8(src, 0, src.rows, copies + offsets[i]);
      if (release) {
        ReleasePages(src.data,
                     *tensor::RowBytes(src.type, src.cols) * static_cast<size_t>(src.rows));
      }
    }
  };
  std::thread helper(work, 1);
  work(0);
  helper.join();

  if (r.map_ == nullptr) {  // filled a cache file: publish it
    const Status committed = cache.Commit();
    // Uncommitted, the mapping still holds the copies (its file is removed when `cache` goes).
    r.map_ = cache.Release(&r.map_bytes_);
    if (committed.ok()) {
      r.source_ = RepackSource::kCacheWrite;
    } else {
      r.cache_note_ = committed.message() + "; used in memory only";
      r.cache_path_.clear();
    }
  }
  if (r.source_ == RepackSource::kNone) r.source_ = RepackSource::kMemory;
  ::mprotect(r.map_, r.map_bytes_, PROT_READ);  // immutable from here on, like the file mapping
  point_at(copies);
  return r;
}

RepackedWeights::RepackedWeights(RepackedWeights&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_bytes_(std::exchange(other.map_bytes_, 0)),
      size_(std::exchange(other.size_, 0)),
      matrices_(std::exchange(other.matrices_, 0)),
      source_(std::exchange(other.source_, RepackSource::kNone)),
      cache_path_(std::move(other.cache_path_)),
      cache_note_(std::move(other.cache_note_)) {}

RepackedWeights& RepackedWeights::operator=(RepackedWeights&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(map_, map_bytes_);
    map_ = std::exchange(other.map_, nullptr);
    map_bytes_ = std::exchange(other.map_bytes_, 0);
    size_ = std::exchange(other.size_, 0);
    matrices_ = std::exchange(other.matrices_, 0);
    source_ = std::exchange(other.source_, RepackSource::kNone);
    cache_path_ = std::move(other.cache_path_);
    cache_note_ = std::move(other.cache_note_);
  }
  return *this;
}

RepackedWeights::~RepackedWeights() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

}  // namespace ptmo::engine
