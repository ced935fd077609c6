#include "tensor/quantize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tensor/tensor_test_util.h"

namespace ptmo::tensor {
namespace {

using testing::RandomFloats;

// ---- the bit layouts, decoded by hand from the documented format ------------------------------

TEST(Q4_0Layout, LowNibblesAreTheFirstSixteenElements) {
  BlockQ4_0 b{};
  b.d = FloatToHalf(0.5f);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  float y[32];
  DequantizeRowQ4_0(&b, y, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 0.5f * static_cast<float>(j - 8)) << j;
    EXPECT_EQ(y[j + 16], 0.5f * static_cast<float>(7 - j)) << j;
  }
}

TEST(Q8_0Layout, ValuesAreScaleTimesSignedBytes) {
  BlockQ8_0 b{};
  b.d = FloatToHalf(2.0f);
  for (int j = 0; j < 32; ++j) b.qs[j] = static_cast<int8_t>(j * 8 - 128);
  float y[32];
  DequantizeRowQ8_0(&b, y, 32);
  for (int j = 0; j < 32; ++j) EXPECT_EQ(y[j], 2.0f * static_cast<float>(j * 8 - 128));
}

// Packs 6-bit scales and mins the way the format describes (independently of the quantizer).
void PackQ4KScales(const int sc[8], const int m[8], uint8_t out[12]) {
  for (int s = 0; s < 4; ++s) {
    out[s] = static_cast<uint8_t>(sc[s] | ((sc[s + 4] >> 4) << 6));
    out[s + 4] = static_cast<uint8_t>(m[s] | ((m[s + 4] >> 4) << 6));
    out[s + 8] = static_cast<uint8_t>((sc[s + 4] & 15) | ((m[s + 4] & 15) << 4));
  }
}

TEST(Q4_KLayout, SixBitScalesAndMinsUnpackFromTwelveBytes) {
  const int sc[8] = {1, 2, 3, 63, 17, 33, 48, 63};
  const int m[8] = {0, 5, 63, 7, 40, 16, 31, 62};
  uint8_t packed[12];
  PackQ4KScales(sc, m, packed);
  for (int s = 0; s < 8; ++s) {
    uint8_t got_sc, got_m;
    Q4KScaleMin(packed, s, &got_sc, &got_m);
    EXPECT_EQ(got_sc, sc[s]) << s;
    EXPECT_EQ(got_m, m[s]) << s;
  }
}

TEST(Q4_KLayout, EachByteChunkHoldsTwoSubBlocks) {
  const int sc[8] = {1, 2, 3, 63, 17, 33, 48, 63};
  const int m[8] = {0, 5, 63, 7, 40, 16, 31, 62};
  BlockQ4_K b{};
  b.d = FloatToHalf(1.0f);
  b.dmin = FloatToHalf(0.5f);
  PackQ4KScales(sc, m, b.scales);
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l)
      b.qs[32 * c + l] = static_cast<uint8_t>((l % 16) | ((15 - l % 16) << 4));
  }
  float y[256];
  DequantizeRowQ4_K(&b, y, 256);
  for (int e = 0; e < 256; ++e) {
    const int s = e / 32;  // sub-block of element e
    const int l = e % 32;
    const int q = (s % 2 == 0) ? l % 16 : 15 - l % 16;
    EXPECT_EQ(y[e], static_cast<float>(sc[s] * q) - 0.5f * static_cast<float>(m[s])) << e;
  }
}

TEST(Q6_KLayout, ElementBitsAndScalesFollowTheHalfQuarterLayout) {
  // Element e gets q(e) = (7e + 3) % 64. Write its bits where the format says they go.
  auto q_of = [](int e) { return (7 * e + 3) % 64; };
  BlockQ6_K b{};
  b.d = FloatToHalf(0.25f);
  for (int g = 0; g < 16; ++g) b.scales[g] = static_cast<int8_t>(g * 9 - 70);
  for (int e = 0; e < 256; ++e) {
    const int h = e / 128, r = e % 128, quarter = r / 32, l = r % 32;
    const int q = q_of(e);
    uint8_t& low = b.ql[64 * h + l + (quarter % 2) * 32];
    low |= static_cast<uint8_t>((q & 15) << (quarter / 2 * 4));
    b.qh[32 * h + l] |= static_cast<uint8_t>((q >> 4) << (2 * quarter));
  }
  float y[256];
  DequantizeRowQ6_K(&b, y, 256);
  for (int e = 0; e < 256; ++e) {
    const float want =
        0.25f * static_cast<float>(b.scales[e / 16]) * static_cast<float>(q_of(e) - 32);
    EXPECT_EQ(y[e], want) << e;
  }
  // The quantizer's packing agrees with this layout: re-quantizing the decoded values gives
  // the same values back (they are exactly representable with these scales... or better).
  BlockQ6_K again;
  QuantizeRowQ6_K(y, &again, 256);
  float y2[256];
  DequantizeRowQ6_K(&again, y2, 256);
  double err = 0, norm = 0;
  for (int e = 0; e < 256; ++e) {
    err += (y2[e] - y[e]) * (y2[e] - y[e]);
    norm += y[e] * y[e];
  }
  EXPECT_LT(std::sqrt(err / norm), 0.02);
}

// ---- reference quantizers follow ggml's rules --------------------------------------------------

TEST(Q8_0Quantize, ScalesByAmaxOver127AndRoundsHalfAwayFromZero) {
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;  // d = 1 exactly
  x[1] = 0.5f;
  x[2] = -0.5f;
  x[3] = 1.5f;
  x[4] = -2.5f;
  BlockQ8_0 b;
  QuantizeRowQ8_0(x.data(), &b, 32);
  EXPECT_EQ(HalfToFloat(b.d), 1.0f);
  EXPECT_EQ(b.qs[0], 127);
  EXPECT_EQ(b.qs[1], 1);
  EXPECT_EQ(b.qs[2], -1);
  EXPECT_EQ(b.qs[3], 2);
  EXPECT_EQ(b.qs[4], -3);
}

// The quantizers round without libm calls; they must still equal std::round (Q8_0) and
// std::nearbyint (Q8_K) on every value, including fractions one ulp either side of one half.
TEST(Quantize, RoundingEqualsTheLibmFunctionsNearHalves) {
  std::vector<float> x;
  for (int k = -127; k <= 126; ++k) {
    const float half = static_cast<float>(k) + 0.5f;
    x.insert(x.end(), {half, std::nextafter(half, -1e9f), std::nextafter(half, 1e9f)});
  }
  const std::vector<float> noise = RandomFloats(4096, 77);
  for (float v : noise) x.push_back(v * 40.0f);
  x.resize(x.size() / kQK_K * kQK_K);
  // Each block's scale is set by its largest magnitude: append a 127 to every Q8_0 block so
  // that id = 1 and the values above are rounded as they are.
  std::vector<float> q80;
  for (size_t i = 0; i < x.size(); ++i) {
    if (q80.size() % kQK8_0 == kQK8_0 - 1) q80.push_back(127.0f);
    q80.push_back(std::clamp(x[i], -127.0f, 127.0f));
  }
  while (q80.size() % kQK8_0 != 0) q80.push_back(127.0f);
  std::vector<BlockQ8_0> b80(q80.size() / kQK8_0);
  QuantizeRowQ8_0(q80.data(), b80.data(), static_cast<int64_t>(q80.size()));
  for (size_t i = 0; i < q80.size(); ++i) {
    const BlockQ8_0& blk = b80[i / kQK8_0];
    ASSERT_EQ(HalfToFloat(blk.d), 1.0f);
    EXPECT_EQ(blk.qs[i % kQK8_0], static_cast<int8_t>(std::round(q80[i]))) << q80[i];
  }
  std::vector<BlockQ8_K> b8k(x.size() / kQK_K);
  QuantizeRowQ8_K(x.data(), b8k.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const BlockQ8_K& blk = b8k[i / kQK_K];
    float amax = 0, max = 0;
    for (int j = 0; j < kQK_K; ++j) {
      const float v = x[i / kQK_K * kQK_K + j];
      if (std::fabs(v) > amax) {
        amax = std::fabs(v);
        max = v;
      }
    }
    const float iscale = -127.0f / max;
    const int want = std::min(127, static_cast<int>(std::nearbyint(iscale * x[i])));
    EXPECT_EQ(blk.qs[i % kQK_K], want) << x[i];
  }
}

TEST(Q4_0Quantize, MapsTheLargestMagnitudeToMinusEight) {
  std::vector<float> x(32);
  for (int j = 0; j < 32; ++j) x[j] = static_cast<float>(j - 16);  // -16 has the largest |x|
  BlockQ4_0 b;
  QuantizeRowQ4_0(x.data(), &b, 32);
  EXPECT_EQ(HalfToFloat(b.d), 2.0f);  // -16 / -8
  for (int j = 0; j < 16; ++j) {
    // q = min(15, trunc(x / d + 8.5))
    EXPECT_EQ(b.qs[j] & 15, std::min(15, static_cast<int>(x[j] / 2.0f + 8.5f))) << j;
    EXPECT_EQ(b.qs[j] >> 4, std::min(15, static_cast<int>(x[j + 16] / 2.0f + 8.5f))) << j;
  }
  float y[32];
  DequantizeRowQ4_0(&b, y, 32);
  EXPECT_EQ(y[0], -16.0f);
  EXPECT_EQ(y[31], 14.0f);  // 15 clipped to the top level 7 * 2
}

TEST(Q8_KQuantize, RoundsHalfToEvenAndStoresGroupSums) {
  std::vector<float> x(256, 0.0f);
  x[0] = -127.0f;  // iscale = 1
  x[1] = 0.5f;
  x[2] = 1.5f;
  x[3] = 2.5f;
  x[4] = -0.5f;
  x[17] = 3.0f;
  BlockQ8_K b;
  QuantizeRowQ8_K(x.data(), &b, 256);
  EXPECT_EQ(b.d, 1.0f);
  EXPECT_EQ(b.qs[0], -127);
  EXPECT_EQ(b.qs[1], 0);
  EXPECT_EQ(b.qs[2], 2);
  EXPECT_EQ(b.qs[3], 2);
  EXPECT_EQ(b.qs[4], 0);
  EXPECT_EQ(b.bsums[0], -127 + 2 + 2);
  EXPECT_EQ(b.bsums[1], 3);
  for (int g = 2; g < 16; ++g) EXPECT_EQ(b.bsums[g], 0);
}

TEST(Q8_KQuantize, GroupSumsMatchTheQuantsOnRandomData) {
  std::vector<float> x = RandomFloats(1024, 7);
  std::vector<BlockQ8_K> b(4);
  QuantizeRowQ8_K(x.data(), b.data(), 1024);
  for (const BlockQ8_K& blk : b) {
    for (int g = 0; g < 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blk.qs[16 * g + i];
      EXPECT_EQ(blk.bsums[g], sum);
    }
  }
}

TEST(Quantize, ExactlyRepresentableRowsRoundTripExactly) {
  std::vector<float> x(64);
  for (int j = 0; j < 64; ++j) x[j] = 0.25f * static_cast<float>((j * 37) % 255 - 127);
  x[5] = -127 * 0.25f;  // largest magnitude in each block so the scale is exactly 0.25
  x[40] = -127 * 0.25f;
  std::vector<BlockQ8_0> q8(2);
  QuantizeRowQ8_0(x.data(), q8.data(), 64);
  std::vector<float> y(64);
  DequantizeRowQ8_0(q8.data(), y.data(), 64);
  EXPECT_EQ(x, y);

  for (int j = 0; j < 64; ++j) x[j] = 0.5f * static_cast<float>((j * 5) % 16 - 8);
  std::vector<BlockQ4_0> q4(2);
  QuantizeRowQ4_0(x.data(), q4.data(), 64);
  DequantizeRowQ4_0(q4.data(), y.data(), 64);
  EXPECT_EQ(x, y);
}

TEST(Quantize, ZeroRowsStayZero) {
  std::vector<float> zero(512, 0.0f), y(512, 1.0f);
  for (DType t : {DType::kQ8_0, DType::kQ4_0, DType::kQ4_K, DType::kQ6_K, DType::kQ8_K}) {
    std::vector<uint8_t> buf(*RowBytes(t, 512));
    ASSERT_TRUE(QuantizeRow(t, zero.data(), buf.data(), 512).ok());
    ASSERT_TRUE(DequantizeRow(t, buf.data(), y.data(), 512).ok());
    for (float v : y) ASSERT_EQ(v, 0.0f) << DTypeName(t);
  }
}

// ---- accuracy of the round trip on Gaussian data ------------------------------------------------

double RelativeRmsError(DType type, const std::vector<float>& x) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<uint8_t> buf(*RowBytes(type, n));
  EXPECT_TRUE(QuantizeRow(type, x.data(), buf.data(), n).ok());
  std::vector<float> y(x.size());
  EXPECT_TRUE(DequantizeRow(type, buf.data(), y.data(), n).ok());
  double err = 0, norm = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    err += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
    norm += static_cast<double>(x[i]) * x[i];
  }
  return std::sqrt(err / norm);
}

TEST(Quantize, RoundTripErrorIsWithinEachFormatsPrecision) {
  const std::vector<float> x = RandomFloats(256 * 64, 42);
  // Bounds are about 1.3x the errors measured with these quantizers (f16 0.0002, q8_0 0.0054,
  // q8_K 0.0068, q6_K 0.017, q4_0 0.086, q4_K 0.071).
  struct Bound {
    DType type;
    double max_error;
  };
  for (const Bound& b :
       {Bound{DType::kF16, 3e-4}, Bound{DType::kQ8_0, 0.007}, Bound{DType::kQ8_K, 0.009},
        Bound{DType::kQ6_K, 0.023}, Bound{DType::kQ4_0, 0.11}, Bound{DType::kQ4_K, 0.095}}) {
    const double e = RelativeRmsError(b.type, x);
    EXPECT_LT(e, b.max_error) << DTypeName(b.type);
    RecordProperty(std::string("rel_rms_") + std::string(DTypeName(b.type)), std::to_string(e));
    std::printf("%-5s relative RMS error %.5f\n", std::string(DTypeName(b.type)).c_str(), e);
  }
}

TEST(Quantize, Q4_KSearchBeatsPlainMinMaxScaling) {
  // A sub-block with one outlier: min/max scaling wastes levels, the search should not.
  std::vector<float> x = RandomFloats(256, 9, 0.1f);
  for (int s = 0; s < 8; ++s) x[32 * s] = 1.0f;
  const double searched = RelativeRmsError(DType::kQ4_K, x);
  // Plain min/max: scale = (max - min) / 15 with the min at the bottom level.
  double err = 0, norm = 0;
  for (int s = 0; s < 8; ++s) {
    float lo = 0, hi = 0;
    for (int i = 0; i < 32; ++i) {
      lo = std::min(lo, x[32 * s + i]);
      hi = std::max(hi, x[32 * s + i]);
    }
    const float scale = (hi - lo) / 15;
    for (int i = 0; i < 32; ++i) {
      const float v = x[32 * s + i];
      const float r = std::round((v - lo) / scale) * scale + lo;
      err += (r - v) * (r - v);
      norm += v * v;
    }
  }
  EXPECT_LT(searched, std::sqrt(err / norm) * 1.05);
}

TEST(Quantize, DispatchRejectsUnsupportedTypesAndPartialBlocks) {
  std::vector<float> x(256, 1.0f);
  std::vector<uint8_t> out(4096);
  Status st = QuantizeRow(DType::kQ5_K, x.data(), out.data(), 256);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("q5_K"), std::string::npos);
  st = QuantizeRow(DType::kQ4_0, x.data(), out.data(), 33);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("33"), std::string::npos);
  EXPECT_FALSE(DequantizeRow(DType::kBF16, out.data(), x.data(), 8).ok());
  EXPECT_FALSE(DequantizeRow(DType::kQ6_K, out.data(), x.data(), 255).ok());
}

}  // namespace
}  // namespace ptmo::tensor
