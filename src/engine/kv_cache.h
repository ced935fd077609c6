// The attention key/value cache of one sequence: for each cached layer and each position, the
// key and value vectors of every KV head, stored as F16 (llama.cpp's default, half the memory)
// or F32 (exact).
//
// Layout: per layer, keys and values are separate [n_ctx][kv_dim] arrays (row = position, the
// KV heads side by side in a row, head_dim contiguous values each), so attention reads one
// head's keys at a stride of kv_dim.
//
// The cache may hold a contiguous range of layers [layer_begin, layer_end) only (split
// inference: a node caches just the layers it runs). All memory is allocated by Create; Store
// and the readers never allocate. Not thread-safe for writes; concurrent reads are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/f16.h"
#include "util/status.h"

namespace ptmo::engine {

struct KvCacheOptions {
  int64_t layer_begin = 0;                   // first cached layer
  int64_t layer_end = 0;                     // one past the last cached layer
  int64_t n_ctx = 0;                         // positions
  int64_t kv_dim = 0;                        // n_head_kv * head_dim
  tensor::DType type = tensor::DType::kF16;  // kF16 or kF32
};

class KvCache {
 public:
  // Allocates the cache (zeroed). kInvalidArgument for a type other than F16/F32 or
  // non-positive sizes; kResourceExhausted when the byte count overflows.
  static Expected<KvCache> Create(const KvCacheOptions& options);

  KvCache() = default;
  KvCache(KvCache&&) noexcept = default;
  KvCache& operator=(KvCache&&) noexcept = default;
  KvCache(const KvCache&) = delete;
  KvCache& operator=(const KvCache&) = delete;

  tensor::DType type() const { return options_.type; }
  int64_t n_ctx() const { return options_.n_ctx; }
  int64_t kv_dim() const { return options_.kv_dim; }
  int64_t layer_begin() const { return options_.layer_begin; }
  int64_t layer_end() const { return options_.layer_end; }
  bool HasLayer(int64_t layer) const {
    return layer >= options_.layer_begin && layer < options_.layer_end;
  }
  size_t bytes() const { return storage_.size() * sizeof(uint32_t); }

  // Positions [0, length(layer)) of `layer` hold valid entries.
  int64_t length(int64_t layer) const { return lengths_[Index(layer)]; }

  // Writes the key and value rows (kv_dim floats each) of `layer` at `pos`, converting to the
  // cache type, and makes the layer's length pos + 1: entries after `pos` are forgotten, so a
  // caller can rewind by storing at an earlier position. Requires HasLayer(layer),
  // 0 <= pos <= length(layer) and pos < n_ctx (assert).
  void Store(int64_t layer, int64_t pos, const float* k, const float* v);

  // The key / value row of `layer` at `pos`: kv_dim values of type(), Half or float.
  const void* Key(int64_t layer, int64_t pos) const { return Row(layer, pos, 0); }
  const void* Value(int64_t layer, int64_t pos) const { return Row(layer, pos, 1); }
  // Bytes between consecutive positions' rows.
  size_t row_bytes() const { return row_bytes_; }

  // Forgets positions >= n in every layer (n <= current lengths keep their prefix).
  void Truncate(int64_t n);
  void Clear() { Truncate(0); }

 private:
  size_t Index(int64_t layer) const { return static_cast<size_t>(layer - options_.layer_begin); }
  const void* Row(int64_t layer, int64_t pos, int which) const;
  uint8_t* MutableRow(int64_t layer, int64_t pos, int which);

  KvCacheOptions options_;
  size_t row_bytes_ = 0;           // kv_dim elements
  size_t plane_bytes_ = 0;         // n_ctx rows: one layer's keys (or values)
  std::vector<uint32_t> storage_;  // uint32_t: 4-byte alignment for F32 rows
  std::vector<int64_t> lengths_;
};

}  // namespace ptmo::engine
