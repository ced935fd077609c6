#include "tensor/f16.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tensor/cpu_features.h"

namespace ptmo::tensor {
namespace {

bool IsHalfNaN(Half h) {
  return (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
}

TEST(Half, ConvertsKnownValues) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(FloatToHalf(0.0f), 0x0000);
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7BFF);  // largest finite half
  EXPECT_EQ(FloatToHalf(0x1p-14f), 0x0400);  // smallest normal
  EXPECT_EQ(FloatToHalf(0x1p-24f), 0x0001);  // smallest subnormal
  EXPECT_EQ(FloatToHalf(INFINITY), 0x7C00);
  EXPECT_EQ(FloatToHalf(-INFINITY), 0xFC00);
  EXPECT_EQ(HalfToFloat(0x3555), 0x1.554p-2f);  // ~0.333
  EXPECT_EQ(HalfToFloat(0x0001), 0x1p-24f);
  EXPECT_EQ(HalfToFloat(0x83FF), -0x1.ff8p-15f);  // largest negative subnormal
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7C00)));
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
}

TEST(Half, RoundsToNearestEven) {
  // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even one.
  EXPECT_EQ(FloatToHalf(1.0f + 0x1p-11f), 0x3C00);
  EXPECT_EQ(FloatToHalf(1.0f + 3 * 0x1p-11f), 0x3C02);
  EXPECT_EQ(FloatToHalf(1.0f + 0x1p-11f + 0x1p-20f), 0x3C01);  // just above the tie
  // Subnormal ties: 2^-25 is halfway between 0 and 2^-24; 3 * 2^-25 between 1 and 2 units.
  EXPECT_EQ(FloatToHalf(0x1p-25f), 0x0000);
  EXPECT_EQ(FloatToHalf(3 * 0x1p-25f), 0x0002);
  EXPECT_EQ(FloatToHalf(0x1.8p-24f * 0.9f), 0x0001);
  // Rounding up out of the subnormal range gives the smallest normal.
  EXPECT_EQ(FloatToHalf(0x1p-14f - 0x1p-26f), 0x0400);
}

TEST(Half, OverflowsToInfinityOnlyFromTheTieAt65520) {
  EXPECT_EQ(FloatToHalf(65519.99f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7C00);
  EXPECT_EQ(FloatToHalf(-1e10f), 0xFC00);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::max()), 0x7C00);
}

TEST(Half, KeepsNaNsQuietWithTheirTopPayloadBits) {
  const float nan = std::bit_cast<float>(0x7FC00000u | (0x155u << 13));
  const Half h = FloatToHalf(nan);
  EXPECT_TRUE(IsHalfNaN(h));
  EXPECT_EQ(h & 0x3FF, 0x200 | 0x155);
  // A signalling NaN whose payload lives only in the dropped low bits still stays a NaN.
  const Half s = FloatToHalf(std::bit_cast<float>(0xFF800001u));
  EXPECT_TRUE(IsHalfNaN(s));
  EXPECT_EQ(s & 0x8000, 0x8000);
}

TEST(Half, EveryHalfRoundTripsThroughFloat) {
  for (uint32_t i = 0; i <= 0xFFFF; ++i) {
    const Half h = static_cast<Half>(i);
    const Half back = FloatToHalf(HalfToFloat(h));
    if (IsHalfNaN(h)) {
      EXPECT_TRUE(IsHalfNaN(back)) << std::hex << i;
      EXPECT_EQ(back, h | 0x200) << std::hex << i;  // quieted, payload kept
    } else {
      ASSERT_EQ(back, h) << std::hex << i;
    }
  }
}

TEST(Half, ConversionIsMonotonicAndNearestOnFloatGrid) {
  // For every pair of adjacent finite halves, the float midpoint and its neighbours convert
  // to the right side (covers every rounding boundary of the positive range).
  for (uint32_t i = 0; i < 0x7BFF; ++i) {
    const float lo = HalfToFloat(static_cast<Half>(i));
    const float hi = HalfToFloat(static_cast<Half>(i + 1));
    const float mid = lo + (hi - lo) / 2;  // exact: halves have few mantissa bits
    const Half even = (i % 2 == 0) ? static_cast<Half>(i) : static_cast<Half>(i + 1);
    ASSERT_EQ(FloatToHalf(mid), even) << std::hex << i;
    ASSERT_EQ(FloatToHalf(std::nextafter(mid, 0.0f)), i) << std::hex << i;
    ASSERT_EQ(FloatToHalf(std::nextafter(mid, INFINITY)), i + 1) << std::hex << i;
    ASSERT_EQ(FloatToHalf(-mid), 0x8000 | even) << std::hex << i;
  }
}

class HalfF16c : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HostCpuFeatures().f16c) GTEST_SKIP() << "CPU has no F16C";
  }
};

TEST_F(HalfF16c, ScalarWideningMatchesF16cForEveryHalf) {
  std::vector<Half> all(65536);
  for (uint32_t i = 0; i <= 0xFFFF; ++i) all[i] = static_cast<Half>(i);
  std::vector<float> scalar(all.size()), simd(all.size());
  HalfToFloatRowScalar(all.data(), scalar.data(), static_cast<int64_t>(all.size()));
  HalfToFloatRowF16c(all.data(), simd.data(), static_cast<int64_t>(all.size()));
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(std::bit_cast<uint32_t>(scalar[i]), std::bit_cast<uint32_t>(simd[i]))
        << std::hex << i;
  }
}

TEST_F(HalfF16c, ScalarNarrowingMatchesF16cOnSpreadOfFloatBitPatterns) {
  // Every 251st bit pattern of the whole 32-bit space (NaNs, infinities, subnormals included).
  constexpr uint64_t kStride = 251;
  std::vector<float> in;
  in.reserve((uint64_t{1} << 32) / kStride + 1);
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += kStride) {
    in.push_back(std::bit_cast<float>(static_cast<uint32_t>(b)));
  }
  std::vector<Half> scalar(in.size()), simd(in.size());
  FloatToHalfRowScalar(in.data(), scalar.data(), static_cast<int64_t>(in.size()));
  FloatToHalfRowF16c(in.data(), simd.data(), static_cast<int64_t>(in.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(scalar[i], simd[i]) << std::hex << std::bit_cast<uint32_t>(in[i]);
  }
}

TEST_F(HalfF16c, RowConvertersHandleEveryTailLength) {
  for (int64_t n = 0; n <= 19; ++n) {
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) x[i] = 0.1f * static_cast<float>(i) - 0.77f;
    std::vector<Half> a(x.size() + 1, 0xABCD), b(x.size() + 1, 0xABCD);
    FloatToHalfRowScalar(x.data(), a.data(), n);
    FloatToHalfRowF16c(x.data(), b.data(), n);
    EXPECT_EQ(a, b) << n;
    EXPECT_EQ(b.back(), 0xABCD) << "wrote past the end for n=" << n;
    std::vector<float> fa(x.size() + 1, 7.0f), fb(x.size() + 1, 7.0f);
    HalfToFloatRowScalar(a.data(), fa.data(), n);
    HalfToFloatRowF16c(a.data(), fb.data(), n);
    EXPECT_EQ(fa, fb) << n;
    EXPECT_EQ(fb.back(), 7.0f);
  }
}

TEST(HalfRow, DispatchingConvertersMatchScalar) {
  std::vector<float> x = {1.0f, -0.5f, 3.14159f, 1e-6f, 70000.0f, -0.0f, 0.1f, 2.5f, 9.0f};
  std::vector<Half> a(x.size()), b(x.size());
  FloatToHalfRow(x.data(), a.data(), static_cast<int64_t>(x.size()));
  FloatToHalfRowScalar(x.data(), b.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(a, b);
  std::vector<float> fa(x.size()), fb(x.size());
  HalfToFloatRow(a.data(), fa.data(), static_cast<int64_t>(x.size()));
  HalfToFloatRowScalar(a.data(), fb.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(fa, fb);
}

}  // namespace
}  // namespace ptmo::tensor
