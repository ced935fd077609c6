#include "tensor/kernels.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tensor/f16.h"
#include "tensor/quant_blocks.h"
#include "tensor/tensor_test_util.h"

namespace ptmo::tensor {
namespace {

using testing::Dequantized;
using testing::RandomFloats;
using testing::RandomRow;
using testing::ReferenceDot;

const DType kWeightTypes[] = {DType::kF32,  DType::kF16,  DType::kQ4_0,
                              DType::kQ8_0, DType::kQ4_K, DType::kQ6_K};

std::vector<const Kernels*> AllKernelSets() {
  std::vector<const Kernels*> sets = {&ScalarKernels()};
  if (Avx2Kernels() != nullptr) sets.push_back(Avx2Kernels());
  if (Avx512VnniKernels() != nullptr) sets.push_back(Avx512VnniKernels());
  if (NeonKernels() != nullptr) sets.push_back(NeonKernels());
  return sets;
}

// Row lengths to test for a type: one block, two, an odd count, many; plus ragged lengths for
// the plain types (SIMD tails).
std::vector<int64_t> Lengths(DType type) {
  const int64_t b = Traits(type).block_size;
  std::vector<int64_t> n = {b, 2 * b, 7 * b, 64 * b};
  if (b == 1) n.insert(n.end(), {3, 8, 31, 33, 1000, 4097});
  return n;
}

struct Prepared {
  std::vector<uint8_t> weights;
  std::vector<uint8_t> acts;
  std::vector<float> w_deq;  // weights as the kernel sees them
  std::vector<float> x_deq;  // activations as the kernel sees them
};

Prepared Prepare(DType type, int64_t n, uint32_t seed) {
  Prepared p;
  p.weights = RandomRow(type, n, seed);
  std::vector<float> x = RandomFloats(n, seed + 1000);
  const DType at = ActivationType(type);
  p.acts.resize(*RowBytes(at, n));
  PrepareActivations(type, x.data(), p.acts.data(), n);
  p.w_deq = Dequantized(type, p.weights.data(), n);
  p.x_deq = Dequantized(at, p.acts.data(), n);
  return p;
}

TEST(Kernels, ActivationTypesFollowLlamaCpp) {
  EXPECT_EQ(ActivationType(DType::kF32), DType::kF32);
  EXPECT_EQ(ActivationType(DType::kF16), DType::kF16);
  EXPECT_EQ(ActivationType(DType::kQ4_0), DType::kQ8_0);
  EXPECT_EQ(ActivationType(DType::kQ8_0), DType::kQ8_0);
  EXPECT_EQ(ActivationType(DType::kQ4_K), DType::kQ8_K);
  EXPECT_EQ(ActivationType(DType::kQ6_K), DType::kQ8_K);
}

TEST(Kernels, EverySupportedWeightTypeHasAKernelInEverySet) {
  for (const Kernels* k : AllKernelSets()) {
    for (DType t : kWeightTypes) EXPECT_NE(k->ForWeights(t), nullptr) << k->name;
    EXPECT_EQ(k->ForWeights(DType::kQ5_K), nullptr);
    EXPECT_EQ(k->ForWeights(DType::kQ8_K), nullptr);
  }
}

TEST(Kernels, BestSetIsTheMostCapableTheCpuHas) {
  if (Avx512VnniKernels() != nullptr) {
    EXPECT_STREQ(BestKernels().name, "avx512vnni");
    EXPECT_NE(Avx2Kernels(), nullptr);  // VNNI extends the AVX2 set
  } else if (Avx2Kernels() != nullptr) {
    EXPECT_STREQ(BestKernels().name, "avx2");
  } else if (NeonKernels() != nullptr) {
    EXPECT_STREQ(BestKernels().name, "neon");
  } else {
    EXPECT_STREQ(BestKernels().name, "scalar");
  }
}

TEST(Kernels, EverySupportedWeightTypeHasATileInEverySet) {
  for (const Kernels* k : AllKernelSets()) {
    for (DType t : kWeightTypes) EXPECT_NE(k->TileForWeights(t), nullptr) << k->name;
    EXPECT_EQ(k->TileForWeights(DType::kQ5_K), nullptr);
  }
}

// A tile of R rows x T activation rows must give, for every pair, exactly the set's dot
// product: tiles only share loads, so batching and thread splits never change a bit. Shapes
// cover full tiles, every tail (rows and tokens not multiples of the tile) and padded strides.
TEST(Kernels, TilesEqualTheDotOfEveryPairBitForBit) {
  uint32_t seed = 900;
  for (const Kernels* k : AllKernelSets()) {
    for (DType t : kWeightTypes) {
      const int64_t b = Traits(t).block_size;
      for (int64_t n : {b == 1 ? int64_t{37} : b, b == 1 ? int64_t{256} : 3 * b}) {
        const DType at = ActivationType(t);
        // Padding between rows, keeping rows 4-byte aligned as F32 weights require.
        const size_t w_stride = (*RowBytes(t, n) + 6 + 3) / 4 * 4;
        const size_t x_stride = (*RowBytes(at, n) + 7) / 4 * 4 + 4;
        for (int64_t nr : {1, 3, 4, 5, 9}) {
          for (int64_t nt : {1, 2, 3, 5, 8}) {
            std::vector<uint8_t> w(w_stride * nr), x(x_stride * nt);
            for (int64_t r = 0; r < nr; ++r) {
              const std::vector<uint8_t> row = RandomRow(t, n, seed++);
              std::copy(row.begin(), row.end(), w.begin() + r * w_stride);
            }
            for (int64_t i = 0; i < nt; ++i) {
              const std::vector<float> xf = RandomFloats(n, seed++);
              PrepareActivations(t, xf.data(), x.data() + i * x_stride, n);
            }
            const size_t out_stride = nr + 2;
            std::vector<float> out(out_stride * nt, -1.0f);
            k->TileForWeights(t)(n, w.data(), w_stride, nr, x.data(), x_stride, nt, out.data(),
                                 out_stride);
            for (int64_t i = 0; i < nt; ++i) {
              for (int64_t r = 0; r < nr; ++r) {
                const float want =
                    k->ForWeights(t)(n, w.data() + r * w_stride, x.data() + i * x_stride);
                EXPECT_EQ(std::bit_cast<uint32_t>(out[i * out_stride + r]),
                          std::bit_cast<uint32_t>(want))
                    << k->name << " " << DTypeName(t) << " n=" << n << " tile " << nr << "x" << nt
                    << " pair (" << r << ", " << i << ")";
              }
              // The padding between rows of the output is not written.
              EXPECT_EQ(out[i * out_stride + nr], -1.0f);
            }
          }
        }
      }
    }
  }
}

// The VNNI set computes the same integer lanes and the same float steps as the AVX2 set.
// Every weight type and row length: `b`'s dot product has the same bits as `a`'s.
void ExpectBitIdenticalDots(const Kernels& a, const Kernels& b, uint32_t seed) {
  for (DType t : kWeightTypes) {
    for (int64_t n : Lengths(t)) {
      const Prepared p = Prepare(t, n, seed++);
      const float x = a.ForWeights(t)(n, p.weights.data(), p.acts.data());
      const float y = b.ForWeights(t)(n, p.weights.data(), p.acts.data());
      EXPECT_EQ(std::bit_cast<uint32_t>(x), std::bit_cast<uint32_t>(y))
          << a.name << " vs " << b.name << ": " << DTypeName(t) << " n=" << n;
    }
  }
}

TEST(Kernels, VnniSetIsBitIdenticalToAvx2) {
  if (Avx512VnniKernels() == nullptr) GTEST_SKIP() << "CPU has no AVX512 VNNI/VL/BW";
  ExpectBitIdenticalDots(*Avx2Kernels(), *Avx512VnniKernels(), 700);
}

// Q8_0 weights of -128 (valid in files, never produced by our quantizer) are exact in the
// VNNI kernel, which offsets weights to unsigned instead of moving signs.
TEST(Kernels, VnniQ8_0HandlesMinus128Weights) {
  if (Avx512VnniKernels() == nullptr) GTEST_SKIP() << "CPU has no AVX512 VNNI/VL/BW";
  BlockQ8_0 w{}, x{};
  w.d = FloatToHalf(1.0f);
  x.d = FloatToHalf(1.0f);
  int want = 0;
  for (int j = 0; j < 32; ++j) {
    w.qs[j] = -128;
    x.qs[j] = static_cast<int8_t>(j % 2 == 0 ? -127 : 100 - j);
    want += -128 * x.qs[j];
  }
  EXPECT_EQ(Avx512VnniKernels()->dot_q8_0(32, &w, &x), static_cast<float>(want));
  EXPECT_EQ(ScalarKernels().dot_q8_0(32, &w, &x), static_cast<float>(want));
}

// The NEON set sums each block exactly and takes the scalar set's float steps in its order.
TEST(Kernels, NeonSetIsBitIdenticalToScalar) {
  if (NeonKernels() == nullptr) GTEST_SKIP() << "not an AArch64 build";
  ExpectBitIdenticalDots(ScalarKernels(), *NeonKernels(), 900);
}

// The widest int8 operands: -128 weights (valid in files) against -128/127 activations.
TEST(Kernels, NeonQ8_0IsExactAtTheInt8Extremes) {
  if (NeonKernels() == nullptr) GTEST_SKIP() << "not an AArch64 build";
  BlockQ8_0 w{}, x{};
  w.d = FloatToHalf(1.0f);
  x.d = FloatToHalf(1.0f);
  int want = 0;
  for (int j = 0; j < 32; ++j) {
    w.qs[j] = -128;
    x.qs[j] = static_cast<int8_t>(j % 2 == 0 ? -128 : 127);
    want += -128 * x.qs[j];
  }
  EXPECT_EQ(NeonKernels()->dot_q8_0(32, &w, &x), static_cast<float>(want));
  EXPECT_EQ(ScalarKernels().dot_q8_0(32, &w, &x), static_cast<float>(want));
}

// Every kernel equals the f64 dot product of the dequantized operands up to f32 rounding.
TEST(Kernels, MatchDequantizeThenDotReference) {
  uint32_t seed = 1;
  for (const Kernels* k : AllKernelSets()) {
    for (DType t : kWeightTypes) {
      for (int64_t n : Lengths(t)) {
        const Prepared p = Prepare(t, n, seed++);
        const auto ref = ReferenceDot(p.w_deq, p.x_deq);
        const float got = k->ForWeights(t)(n, p.weights.data(), p.acts.data());
        EXPECT_NEAR(got, ref.value, 2e-6 * ref.magnitude + 1e-30)
            << k->name << " " << DTypeName(t) << " n=" << n;
      }
    }
  }
}

// Sanity of the convention itself: against the unquantized f32 inputs the error is the
// quantization error (small relative to the vector norms), not a layout mix-up.
TEST(Kernels, QuantizedDotsApproximateTheFloatDot) {
  for (DType t : kWeightTypes) {
    const int64_t n = 4096;
    std::vector<float> w = RandomFloats(n, 11);
    std::vector<float> x = RandomFloats(n, 12);
    std::vector<uint8_t> wq(*RowBytes(t, n));
    ASSERT_TRUE(QuantizeRow(t, w.data(), wq.data(), n).ok());
    std::vector<uint8_t> xq(*RowBytes(ActivationType(t), n));
    PrepareActivations(t, x.data(), xq.data(), n);
    const double exact = ReferenceDot(w, x).value;
    const double got = BestKernels().ForWeights(t)(n, wq.data(), xq.data());
    // |w| |x| ~ n; 4-bit weights carry ~10% relative error per element, which averages out
    // over a dot product to ~0.1 * sqrt(n); allow 3x.
    EXPECT_NEAR(got, exact, 0.3 * std::sqrt(static_cast<double>(n))) << DTypeName(t);
  }
}

TEST(Kernels, AgreeAcrossScalarAndAvx2) {
  if (Avx2Kernels() == nullptr) GTEST_SKIP() << "CPU has no AVX2+FMA+F16C";
  const Kernels& s = ScalarKernels();
  const Kernels& v = *Avx2Kernels();
  uint32_t seed = 500;
  for (DType t : kWeightTypes) {
    for (int64_t n : Lengths(t)) {
      const Prepared p = Prepare(t, n, seed++);
      const float a = s.ForWeights(t)(n, p.weights.data(), p.acts.data());
      const float b = v.ForWeights(t)(n, p.weights.data(), p.acts.data());
      if (t == DType::kQ4_K || t == DType::kQ6_K) {
        // Integer super-block sums then identical float steps: bit-identical.
        EXPECT_EQ(std::bit_cast<uint32_t>(a), std::bit_cast<uint32_t>(b))
            << DTypeName(t) << " n=" << n << " " << a << " vs " << b;
      } else {
        const double mag = ReferenceDot(p.w_deq, p.x_deq).magnitude;
        EXPECT_NEAR(a, b, 1e-6 * mag) << DTypeName(t) << " n=" << n;
      }
    }
  }
}

// With unit scales and small integers every partial sum is an exactly representable integer,
// so any kernel must return the exact integer dot product: this checks the integer parts
// bit for bit (nibble order, sign handling, scale and min placement, bsums).
class ExactIntegerDots : public ::testing::TestWithParam<const Kernels*> {};

TEST_P(ExactIntegerDots, Q4_0) {
  const Kernels& k = *GetParam();
  std::mt19937 rng(3);
  for (int nb : {1, 2, 3, 50}) {
    std::vector<BlockQ4_0> w(nb);
    std::vector<BlockQ8_0> x(nb);
    int64_t want = 0;
    for (int b = 0; b < nb; ++b) {
      w[b].d = FloatToHalf(1.0f);
      x[b].d = FloatToHalf(1.0f);
      for (int j = 0; j < 16; ++j) w[b].qs[j] = static_cast<uint8_t>(rng() & 0xFF);
      for (int j = 0; j < 32; ++j)
        x[b].qs[j] = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      for (int j = 0; j < 16; ++j) {
        want += ((w[b].qs[j] & 15) - 8) * x[b].qs[j] + ((w[b].qs[j] >> 4) - 8) * x[b].qs[j + 16];
      }
    }
    EXPECT_EQ(k.dot_q4_0(32 * nb, w.data(), x.data()), static_cast<float>(want)) << nb;
  }
}

TEST_P(ExactIntegerDots, Q8_0) {
  const Kernels& k = *GetParam();
  std::mt19937 rng(4);
  for (int nb : {1, 2, 5, 40}) {
    std::vector<BlockQ8_0> w(nb), x(nb);
    int64_t want = 0;
    for (int b = 0; b < nb; ++b) {
      w[b].d = x[b].d = FloatToHalf(1.0f);
      for (int j = 0; j < 32; ++j) {
        w[b].qs[j] = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
        x[b].qs[j] = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
        want += w[b].qs[j] * x[b].qs[j];
      }
    }
    EXPECT_EQ(k.dot_q8_0(32 * nb, w.data(), x.data()), static_cast<float>(want)) << nb;
  }
}

BlockQ8_K SmallQ8K(std::mt19937& rng) {
  BlockQ8_K x{};
  x.d = 1.0f;
  for (int j = 0; j < 256; ++j) x.qs[j] = static_cast<int8_t>(static_cast<int>(rng() % 9) - 4);
  for (int g = 0; g < 16; ++g) {
    int s = 0;
    for (int i = 0; i < 16; ++i) s += x.qs[16 * g + i];
    x.bsums[g] = static_cast<int16_t>(s);
  }
  return x;
}

TEST_P(ExactIntegerDots, Q4_K) {
  const Kernels& k = *GetParam();
  std::mt19937 rng(5);
  for (int nb : {1, 2, 4}) {
    std::vector<BlockQ4_K> w(nb);
    std::vector<BlockQ8_K> x(nb);
    std::vector<float> wd(256 * nb), xd(256 * nb);
    for (int b = 0; b < nb; ++b) {
      w[b].d = w[b].dmin = FloatToHalf(1.0f);
      for (uint8_t& s : w[b].scales) s = static_cast<uint8_t>(rng() & 0xFF);
      for (uint8_t& q : w[b].qs) q = static_cast<uint8_t>(rng() & 0xFF);
      x[b] = SmallQ8K(rng);
    }
    DequantizeRowQ4_K(w.data(), wd.data(), 256 * nb);
    DequantizeRowQ8_K(x.data(), xd.data(), 256 * nb);
    const double want = ReferenceDot(wd, xd).value;  // small integers: exact in f64
    EXPECT_EQ(k.dot_q4_k(256 * nb, w.data(), x.data()), static_cast<float>(want)) << nb;
  }
}

TEST_P(ExactIntegerDots, Q6_K) {
  const Kernels& k = *GetParam();
  std::mt19937 rng(6);
  for (int nb : {1, 2, 4}) {
    std::vector<BlockQ6_K> w(nb);
    std::vector<BlockQ8_K> x(nb);
    std::vector<float> wd(256 * nb), xd(256 * nb);
    for (int b = 0; b < nb; ++b) {
      w[b].d = FloatToHalf(1.0f);
      for (int8_t& s : w[b].scales) s = static_cast<int8_t>(static_cast<int>(rng() % 17) - 8);
      for (uint8_t& q : w[b].ql) q = static_cast<uint8_t>(rng() & 0xFF);
      for (uint8_t& q : w[b].qh) q = static_cast<uint8_t>(rng() & 0xFF);
      x[b] = SmallQ8K(rng);
    }
    DequantizeRowQ6_K(w.data(), wd.data(), 256 * nb);
    DequantizeRowQ8_K(x.data(), xd.data(), 256 * nb);
    const double want = ReferenceDot(wd, xd).value;
    EXPECT_EQ(k.dot_q6_k(256 * nb, w.data(), x.data()), static_cast<float>(want)) << nb;
  }
}

TEST_P(ExactIntegerDots, ExtremeQ6_KAndQ4_KValuesDoNotSaturate) {
  // Largest magnitudes the formats allow: q6 = 0 (i.e. -32) or 63, q4 = 15, 6-bit scale 63,
  // int8 scale -128, activations +-127 (what Q8_K quantization can produce).
  const Kernels& k = *GetParam();
  BlockQ6_K w6{};
  w6.d = FloatToHalf(1.0f);
  std::memset(w6.ql, 0xFF, sizeof w6.ql);
  std::memset(w6.qh, 0xFF, sizeof w6.qh);  // all q = 63 -> +31
  for (int8_t& s : w6.scales) s = -128;
  BlockQ8_K x{};
  x.d = 1.0f;
  for (int j = 0; j < 256; ++j) x.qs[j] = (j % 2 == 0) ? 127 : -127;
  for (int16_t& s : x.bsums) s = 0;
  EXPECT_EQ(k.dot_q6_k(256, &w6, &x), 0.0f);
  for (int j = 0; j < 256; ++j) x.qs[j] = 127;
  for (int16_t& s : x.bsums) s = 16 * 127;
  EXPECT_EQ(k.dot_q6_k(256, &w6, &x), static_cast<float>(-128 * 31 * 127 * 256));

  BlockQ4_K w4{};
  w4.d = FloatToHalf(1.0f);
  w4.dmin = FloatToHalf(0.0f);
  std::memset(w4.scales, 0xFF, sizeof w4.scales);  // every scale and min = 63
  std::memset(w4.qs, 0xFF, sizeof w4.qs);          // every q = 15
  EXPECT_EQ(k.dot_q4_k(256, &w4, &x), static_cast<float>(63 * 15 * 127 * 256));
}

INSTANTIATE_TEST_SUITE_P(AllSets, ExactIntegerDots, ::testing::ValuesIn(AllKernelSets()),
                         [](const ::testing::TestParamInfo<const Kernels*>& info) {
                           return std::string(info.param->name);
                         });

TEST(Kernels, ZeroActivationsGiveZero) {
  for (const Kernels* k : AllKernelSets()) {
    for (DType t : kWeightTypes) {
      const int64_t n = 512;
      std::vector<uint8_t> w = RandomRow(t, n, 77);
      std::vector<float> zero(n, 0.0f);
      std::vector<uint8_t> xq(*RowBytes(ActivationType(t), n));
      PrepareActivations(t, zero.data(), xq.data(), n);
      EXPECT_EQ(k->ForWeights(t)(n, w.data(), xq.data()), 0.0f) << k->name << DTypeName(t);
    }
  }
}

// The attention's value sums: every set must give y + a * x rounded twice (a product, then a
// sum), exactly as the scalar reference writes it, for F32 and F16 values and ragged lengths.
TEST(Kernels, AxpyIsAMultiplyThenAnAddInEverySet) {
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t n : {0, 1, 7, 8, 9, 64, 67, 1000}) {
      const std::vector<float> x = RandomFloats(n, 5);
      std::vector<Half> x16(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) x16[i] = FloatToHalf(x[i]);
      const std::vector<float> y0 = RandomFloats(n, 6);
      const float a = 0.3721f;
      std::vector<float> y32 = y0, y16 = y0;
      k->axpy_f32(n, a, x.data(), y32.data());
      k->axpy_f16(n, a, x16.data(), y16.data());
      for (int64_t i = 0; i < n; ++i) {
        const volatile float p32 = a * x[i];
        const volatile float p16 = a * HalfToFloat(x16[i]);
        EXPECT_EQ(std::bit_cast<uint32_t>(y32[i]), std::bit_cast<uint32_t>(y0[i] + p32))
            << k->name << " f32 n=" << n << " i=" << i;
        EXPECT_EQ(std::bit_cast<uint32_t>(y16[i]), std::bit_cast<uint32_t>(y0[i] + p16))
            << k->name << " f16 n=" << n << " i=" << i;
      }
    }
  }
}

TEST(Kernels, AxpyLeavesValuesPastNUntouched) {
  for (const Kernels* k : AllKernelSets()) {
    std::vector<float> x(16, 1.0f), y(16, 2.0f);
    std::vector<Half> x16(16, FloatToHalf(1.0f));
    k->axpy_f32(5, 1.0f, x.data(), y.data());
    k->axpy_f16(3, 1.0f, x16.data(), y.data());
    for (int i = 0; i < 16; ++i) {
      const float want = i < 3 ? 4.0f : i < 5 ? 3.0f : 2.0f;
      EXPECT_EQ(y[i], want) << k->name << " i=" << i;
    }
  }
}

}  // namespace
}  // namespace ptmo::tensor
