#include "engine/kv_cache.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>

namespace ptmo::engine {

using tensor::DType;

Expected<KvCache> KvCache::Create(const KvCacheOptions& o) {
  if (o.type != DType::kF16 && o.type != DType::kF32) {
    return InvalidArgument("KV cache type must be f16 or f32, got " +
                           std::string(tensor::DTypeName(o.type)));
  }
  if (o.layer_begin < 0 || o.layer_end <= o.layer_begin || o.n_ctx <= 0 || o.kv_dim <= 0 ||
      o.kv_dim % 2 != 0) {
    return InvalidArgument(
        "KV cache needs a non-empty layer range, a positive context and an "
        "even kv_dim; got layers [" +
        std::to_string(o.layer_begin) + ", " + std::to_string(o.layer_end) + "), n_ctx " +
        std::to_string(o.n_ctx) + ", kv_dim " + std::to_string(o.kv_dim));
  }
  const size_t elem = o.type == DType::kF16 ? sizeof(tensor::Half) : sizeof(float);
  const auto layers = static_cast<uint64_t>(o.layer_end - o.layer_begin);
  const auto ctx = static_cast<uint64_t>(o.n_ctx);
  const auto dim = static_cast<uint64_t>(o.kv_dim);
  const uint64_t limit = std::numeric_limits<uint64_t>::max() / 4;
  if (dim > limit / elem || ctx > limit / (dim * elem) || 2 * layers > limit / (ctx * dim * elem)) {
    return ResourceExhausted("KV cache of " + std::to_string(layers) + " layers x " +
                             std::to_string(ctx) + " positions x " + std::to_string(dim) +
                             " values does not fit in memory");
  }
  KvCache cache;
  cache.options_ = o;
  cache.row_bytes_ = static_cast<size_t>(dim * elem);
  cache.plane_bytes_ = static_cast<size_t>(ctx) * cache.row_bytes_;
  const size_t total = 2 * static_cast<size_t>(layers) * cache.plane_bytes_;
  cache.storage_.assign(total / sizeof(uint32_t), 0u);  // row_bytes_ is a multiple of 4
  cache.lengths_.assign(static_cast<size_t>(layers), 0);
  return cache;
}

const void* KvCache::Row(int64_t layer, int64_t pos, int which) const {
  assert(HasLayer(layer) && pos >= 0 && pos < options_.n_ctx);
  const auto* base = reinterpret_cast<const uint8_t*>(storage_.data());
  return base + (2 * Index(layer) + static_cast<size_t>(which)) * plane_bytes_ +
         static_cast<size_t>(pos) * row_bytes_;
}

uint8_t* KvCache::MutableRow(int64_t layer, int64_t pos, int which) {
  return const_cast<uint8_t*>(static_cast<const uint8_t*>(Row(layer, pos, which)));
}

void KvCache::Store(int64_t layer, int64_t pos, const float* k, const float* v) {
  assert(HasLayer(layer) && pos >= 0 && pos < options_.n_ctx && pos <= length(layer));
  uint8_t* krow = MutableRow(layer, pos, 0);
  uint8_t* vrow = MutableRow(layer, pos, 1);
  if (options_.type == DType::kF16) {
    tensor::FloatToHalfRow(k, reinterpret_cast<tensor::Half*>(krow), options_.kv_dim);
    tensor::FloatToHalfRow(v, reinterpret_cast<tensor::Half*>(vrow), options_.kv_dim);
  } else {
    std::memcpy(krow, k, row_bytes_);
    std::memcpy(vrow, v, row_bytes_);
  }
  lengths_[Index(layer)] = pos + 1;
}

void KvCache::Truncate(int64_t n) {
  for (int64_t& len : lengths_) len = std::min(len, std::max<int64_t>(n, 0));
}

}  // namespace ptmo::engine
