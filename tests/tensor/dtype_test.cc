#include "tensor/dtype.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace ptmo::tensor {
namespace {

TEST(DType, EnumValuesAreGgmlTypeNumbers) {
  EXPECT_EQ(static_cast<uint32_t>(DType::kF32), 0u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kF16), 1u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kQ4_0), 2u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kQ8_0), 8u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kQ4_K), 12u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kQ6_K), 14u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kQ8_K), 15u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kBF16), 30u);
  EXPECT_EQ(static_cast<uint32_t>(DType::kMXFP4), 39u);
}

TEST(DType, SupportedTypesHaveGgmlBlockGeometry) {
  struct Expect {
    DType type;
    int64_t block;
    size_t bytes;
    const char* name;
  };
  for (const Expect& e : std::vector<Expect>{{DType::kF32, 1, 4, "f32"},
                                             {DType::kF16, 1, 2, "f16"},
                                             {DType::kQ4_0, 32, 18, "q4_0"},
                                             {DType::kQ8_0, 32, 34, "q8_0"},
                                             {DType::kQ4_K, 256, 144, "q4_K"},
                                             {DType::kQ6_K, 256, 210, "q6_K"},
                                             {DType::kQ8_K, 256, 292, "q8_K"}}) {
    const DTypeTraits& t = Traits(e.type);
    EXPECT_EQ(t.block_size, e.block) << e.name;
    EXPECT_EQ(t.block_bytes, e.bytes) << e.name;
    EXPECT_STREQ(t.name, e.name);
    EXPECT_TRUE(t.supported) << e.name;
    EXPECT_EQ(t.quantized, e.block > 1) << e.name;
  }
}

TEST(DType, KnowsUnsupportedGgmlTypesForSizing) {
  const DTypeTraits* q5k = FindDTypeTraits(13);
  ASSERT_NE(q5k, nullptr);
  EXPECT_STREQ(q5k->name, "q5_K");
  EXPECT_EQ(q5k->block_size, 256);
  EXPECT_EQ(q5k->block_bytes, 176u);
  EXPECT_FALSE(q5k->supported);
  ASSERT_NE(FindDTypeTraits(30), nullptr);
  EXPECT_EQ(FindDTypeTraits(30)->block_bytes, 2u);  // bf16
}

TEST(DType, RetiredAndOutOfRangeNumbersAreUnknown) {
  for (uint32_t n : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 40u, 1000u, 0xFFFFFFFFu}) {
    EXPECT_EQ(FindDTypeTraits(n), nullptr) << n;
  }
  EXPECT_EQ(DTypeName(static_cast<DType>(4)), "unknown");
}

TEST(RowBytes, CountsWholeBlocks) {
  EXPECT_EQ(*RowBytes(DType::kF32, 7), 28u);
  EXPECT_EQ(*RowBytes(DType::kF16, 7), 14u);
  EXPECT_EQ(*RowBytes(DType::kQ4_0, 64), 36u);
  EXPECT_EQ(*RowBytes(DType::kQ8_0, 4096), 128u * 34u);
  EXPECT_EQ(*RowBytes(DType::kQ4_K, 512), 288u);
  EXPECT_EQ(*RowBytes(DType::kQ6_K, 2048), 8u * 210u);
  EXPECT_EQ(*RowBytes(DType::kQ4_0, 0), 0u);
}

TEST(RowBytes, RejectsPartialBlocksAndNegativeCounts) {
  auto partial = RowBytes(DType::kQ4_K, 300);
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(partial.status().message().find("block size 256"), std::string::npos);
  EXPECT_FALSE(RowBytes(DType::kF32, -1).ok());
  EXPECT_FALSE(RowBytes(static_cast<DType>(5), 32).ok());
}

TEST(RowBytes, ReportsOverflowInsteadOfWrapping) {
  auto huge = RowBytes(DType::kF32, std::numeric_limits<int64_t>::max());
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kResourceExhausted);
}

TEST(TensorBytes, MultipliesRowsByRowBytes) {
  const int64_t dims[] = {4096, 32000};
  EXPECT_EQ(*TensorBytes(DType::kQ4_0, dims), 32000u * 128u * 18u);
  const int64_t four[] = {32, 2, 3, 4};
  EXPECT_EQ(*TensorBytes(DType::kQ8_0, four), 24u * 34u);
}

TEST(TensorBytes, RejectsZeroNegativeAndOverflowingDims) {
  const int64_t zero[] = {32, 0};
  EXPECT_FALSE(TensorBytes(DType::kF32, zero).ok());
  const int64_t negative[] = {-32};
  EXPECT_FALSE(TensorBytes(DType::kF32, negative).ok());
  const int64_t big = int64_t{1} << 32;
  const int64_t product_overflow[] = {32, big, big};
  auto r = TensorBytes(DType::kF32, product_overflow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  const int64_t byte_overflow[] = {int64_t{1} << 40, int64_t{1} << 22};  // 2^62 elements * 4
  EXPECT_FALSE(TensorBytes(DType::kF32, byte_overflow).ok());
  EXPECT_FALSE(TensorBytes(DType::kF32, {}).ok());
}

}  // namespace
}  // namespace ptmo::tensor
