#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/kv_cache.h"
#include "tensor/f16.h"

namespace ptmo::engine {
namespace {

using tensor::DType;

TEST(KvCache, StoresF32RowsExactly) {
  auto cache = KvCache::Create(
      {.layer_begin = 0, .layer_end = 2, .n_ctx = 4, .kv_dim = 6, .type = DType::kF32});
  ASSERT_TRUE(cache.ok());
  const std::vector<float> k = {1.1f, -2.2f, 3.3f, 4.4f, 5.5f, 6.6f};
  const std::vector<float> v = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
  cache->Store(1, 0, k.data(), v.data());
  const auto* kr = static_cast<const float*>(cache->Key(1, 0));
  const auto* vr = static_cast<const float*>(cache->Value(1, 0));
  EXPECT_EQ(std::vector<float>(kr, kr + 6), k);
  EXPECT_EQ(std::vector<float>(vr, vr + 6), v);
  EXPECT_EQ(cache->length(1), 1);
  EXPECT_EQ(cache->length(0), 0);
  EXPECT_EQ(cache->bytes(), 2u * 2u * 4u * 6u * 4u);
}

TEST(KvCache, F16RowsRoundToHalf) {
  auto cache = KvCache::Create(
      {.layer_begin = 0, .layer_end = 1, .n_ctx = 2, .kv_dim = 2, .type = DType::kF16});
  ASSERT_TRUE(cache.ok());
  const float k[2] = {1.0f / 3.0f, 70000.0f};
  const float v[2] = {-0.5f, 2.0f};
  cache->Store(0, 0, k, v);
  const auto* kr = static_cast<const tensor::Half*>(cache->Key(0, 0));
  EXPECT_EQ(kr[0], tensor::FloatToHalf(1.0f / 3.0f));
  EXPECT_TRUE(std::isinf(tensor::HalfToFloat(kr[1])));  // beyond F16's range, as in llama.cpp
  EXPECT_EQ(tensor::HalfToFloat(static_cast<const tensor::Half*>(cache->Value(0, 0))[0]), -0.5f);
  EXPECT_EQ(cache->row_bytes(), 4u);
}

TEST(KvCache, StoringEarlierRewindsAndTruncateForgets) {
  auto cache = KvCache::Create(
      {.layer_begin = 3, .layer_end = 5, .n_ctx = 8, .kv_dim = 2, .type = DType::kF32});
  ASSERT_TRUE(cache.ok());
  EXPECT_FALSE(cache->HasLayer(2));
  EXPECT_TRUE(cache->HasLayer(4));
  const float x[2] = {1, 2};
  for (int p = 0; p < 5; ++p) cache->Store(3, p, x, x);
  EXPECT_EQ(cache->length(3), 5);
  cache->Store(3, 2, x, x);
  EXPECT_EQ(cache->length(3), 3);
  cache->Store(4, 0, x, x);
  cache->Truncate(1);
  EXPECT_EQ(cache->length(3), 1);
  EXPECT_EQ(cache->length(4), 1);
  cache->Clear();
  EXPECT_EQ(cache->length(3), 0);
}

TEST(KvCache, RejectsBadOptions) {
  EXPECT_EQ(KvCache::Create(
                {.layer_begin = 0, .layer_end = 1, .n_ctx = 4, .kv_dim = 4, .type = DType::kQ8_0})
                .status()
                .message(),
            "KV cache type must be f16 or f32, got q8_0");
  EXPECT_EQ(
      KvCache::Create({.layer_begin = 0, .layer_end = 1, .n_ctx = 0, .kv_dim = 4}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      KvCache::Create(
          {.layer_begin = 0, .layer_end = 1 << 20, .n_ctx = int64_t{1} << 40, .kv_dim = 1 << 20})
          .status()
          .code(),
      StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace ptmo::engine
