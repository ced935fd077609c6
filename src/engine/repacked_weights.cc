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

}  // namespace

Expected<RepackedWeights> RepackedWeights::Repack(ModelWeights& weights, const GgufFile& gguf,
                                                  const RepackOptions& options) {
  // The matrices to repack; a tied output is repacked as its own copy (the embedding keeps
  // the file's rows).
  std::vector<WeightMatrix*> targets;
  auto consider = [&](WeightMatrix& m) {
    if (options.q4_0 && m.layout == tensor::WeightLayout::kRowMajor &&
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
  void* mem = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    return ResourceExhausted("model file '" + gguf.name() + "': cannot allocate " +
                             std::to_string(total) +
                             " bytes for repacked weights: " + std::strerror(errno));
  }
  // Huge pages: fewer page faults while copying and fewer TLB misses while streaming.
  ::madvise(mem, total, MADV_HUGEPAGE);
  r.data_ = mem;
  r.size_ = total;
  r.matrices_ = static_cast<int>(targets.size());

  // Two threads (this machine class has two cores; copying is memory-bound beyond that):
  // matrices alternate between them. Each original's file pages are released as soon as it is
  // copied, so the peak resident memory stays near the file size plus one matrix per thread.
  const bool release = options.release_originals && gguf.file_backed();
  auto work = [&](size_t first) {
    for (size_t i = first; i < targets.size(); i += 2) {
      const WeightMatrix& src = *targets[i];
      tensor::RepackRows8(src, 0, src.rows, static_cast<uint8_t*>(mem) + offsets[i]);
      if (release) {
        ReleasePages(src.data,
                     *tensor::RowBytes(src.type, src.cols) * static_cast<size_t>(src.rows));
      }
    }
  };
  std::thread helper(work, 1);
  work(0);
  helper.join();
  ::mprotect(mem, total, PROT_READ);  // immutable from here on, like the file mapping

  for (size_t i = 0; i < targets.size(); ++i) {
    *targets[i] = tensor::Rows8View(*targets[i], static_cast<uint8_t*>(mem) + offsets[i]);
  }
  return r;
}

RepackedWeights::RepackedWeights(RepackedWeights&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      matrices_(std::exchange(other.matrices_, 0)) {}

RepackedWeights& RepackedWeights::operator=(RepackedWeights&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    matrices_ = std::exchange(other.matrices_, 0);
  }
  return *this;
}

RepackedWeights::~RepackedWeights() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace ptmo::engine
