#include "tensor/repack.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <vector>

#include "tensor/kernels.h"
#include "tensor/quant_blocks.h"
#include "tensor/tensor_test_util.h"
#include "tensor/thread_pool.h"

namespace ptmo::tensor {
namespace {

using testing::RandomFloats;
using testing::RandomRow;

std::vector<const Kernels*> AllKernelSets() {
  std::vector<const Kernels*> sets = {&ScalarKernels()};
  if (Avx2Kernels() != nullptr) sets.push_back(Avx2Kernels());
  if (Avx512VnniKernels() != nullptr) sets.push_back(Avx512VnniKernels());
  if (NeonKernels() != nullptr) sets.push_back(NeonKernels());
  return sets;
}

// A row-major Q4_0 or Q4_K matrix and its kRows8 copy.
struct Repacked {
  std::vector<uint8_t> row_major;
  std::vector<uint8_t> rows8;
  WeightMatrix src;
  WeightMatrix view;
};

Repacked MakeRepacked(std::vector<uint8_t> bytes, int64_t rows, int64_t cols,
                      DType type = DType::kQ4_0) {
  Repacked m;
  m.row_major = std::move(bytes);
  m.src = {.type = type, .data = m.row_major.data(), .rows = rows, .cols = cols};
  m.rows8.assign(*Rows8Bytes(type, rows, cols), 0xAB);  // garbage: all must be written
  RepackRows8(m.src, 0, rows, m.rows8.data());
  m.view = Rows8View(m.src, m.rows8.data());
  return m;
}

Repacked RandomRepacked(int64_t rows, int64_t cols, uint32_t seed, DType type = DType::kQ4_0) {
  return MakeRepacked(RandomRow(type, rows * cols, seed), rows, cols, type);
}

// n activation rows of `cols` prepared for weights of `type`, `stride` bytes apart.
struct Activations {
  std::vector<uint32_t> storage;
  size_t stride = 0;
  const void* data() const { return storage.data(); }
};

Activations RandomActivations(int64_t n, int64_t cols, uint32_t seed, DType type = DType::kQ4_0) {
  Activations a;
  a.stride = (*RowBytes(ActivationType(type), cols) + 3) & ~size_t{3};
  a.storage.assign((a.stride * static_cast<size_t>(n) + 3) / 4, 0);
  auto* base = reinterpret_cast<uint8_t*>(a.storage.data());
  for (int64_t t = 0; t < n; ++t) {
    const std::vector<float> x = RandomFloats(cols, seed + static_cast<uint32_t>(t));
    PrepareActivations(type, x.data(), base + t * a.stride, cols);
  }
  return a;
}

// The scalar set's dot of row r against activation row t: what every tile must return.
float ScalarDot(const Repacked& m, const Activations& a, int64_t r, int64_t t) {
  const size_t row_bytes = *RowBytes(m.src.type, m.src.cols);
  return ScalarKernels().ForWeights(m.src.type)(
      m.src.cols, m.row_major.data() + static_cast<size_t>(r) * row_bytes,
      reinterpret_cast<const uint8_t*>(a.data()) + static_cast<size_t>(t) * a.stride);
}

void ExpectTileMatchesScalarDot(const Kernels& k, const Repacked& m, const Activations& a,
                                int64_t nt) {
  const int64_t rows = m.src.rows;
  std::vector<float> out(static_cast<size_t>(nt * rows), -1.0f);
  const size_t group_bytes = *Rows8GroupBytes(m.src.type, m.src.cols);
  k.TileFor(m.src.type, WeightLayout::kRows8)(m.src.cols, m.rows8.data(), group_bytes, rows,
                                              a.data(), a.stride, nt, out.data(),
                                              static_cast<size_t>(rows));
  for (int64_t t = 0; t < nt; ++t) {
    for (int64_t r = 0; r < rows; ++r) {
      EXPECT_EQ(std::bit_cast<uint32_t>(out[t * rows + r]),
                std::bit_cast<uint32_t>(ScalarDot(m, a, r, t)))
          << k.name << " rows " << rows << " cols " << m.src.cols << " token " << t << " row " << r;
    }
  }
}

TEST(RepackRows8, TilesEqualTheScalarRowMajorDotBitForBitOnEdgeSizes) {
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t rows : {1, 7, 8, 9, 15, 16, 17, 67}) {
      for (int64_t cols : {32, 64, 96, 320}) {
        const Repacked m = RandomRepacked(rows, cols, 7 + static_cast<uint32_t>(rows * cols));
        for (int64_t nt : {1, 2, 3, 5}) {
          const Activations a = RandomActivations(nt, cols, 100 + static_cast<uint32_t>(nt));
          ExpectTileMatchesScalarDot(*k, m, a, nt);
        }
      }
    }
  }
}

TEST(RepackRows8, RowsLongerThanTheCorrectionBufferStillMatch) {
  const int64_t cols = 32 * 1100;  // more blocks than the SIMD tiles buffer: scalar fallback
  const Repacked m = RandomRepacked(9, cols, 3);
  const Activations a = RandomActivations(2, cols, 4);
  for (const Kernels* k : AllKernelSets()) ExpectTileMatchesScalarDot(*k, m, a, 2);
}

TEST(RepackRows8, ExtremeNibblesAndActivationsDoNotOverflow) {
  // Every nibble 0 (weight -8) or 15 (+7) against activations of +-127 and -128: the largest
  // int16 partial sums the AVX2 tile forms.
  const int64_t rows = 11, cols = 128;
  std::vector<uint8_t> w(*RowBytes(DType::kQ4_0, rows * cols));
  auto* blocks = reinterpret_cast<BlockQ4_0*>(w.data());
  for (int64_t b = 0; b < rows * cols / 32; ++b) {
    blocks[b].d = FloatToHalf(0.5f + static_cast<float>(b % 5));
    std::memset(blocks[b].qs, (b % 2) != 0 ? 0xFF : 0x00, sizeof(blocks[b].qs));
  }
  const Repacked m = MakeRepacked(std::move(w), rows, cols);
  Activations a;
  a.stride = (*RowBytes(DType::kQ8_0, cols) + 3) & ~size_t{3};
  a.storage.assign(a.stride * 3 / 4, 0);
  for (int t = 0; t < 3; ++t) {
    auto* x =
        reinterpret_cast<BlockQ8_0*>(reinterpret_cast<uint8_t*>(a.storage.data()) + t * a.stride);
    for (int b = 0; b < cols / 32; ++b) {
      x[b].d = FloatToHalf(0.25f);
      std::memset(x[b].qs, t == 0 ? 127 : (t == 1 ? -127 : -128), sizeof(x[b].qs));
    }
  }
  for (const Kernels* k : AllKernelSets()) ExpectTileMatchesScalarDot(*k, m, a, 3);
}

TEST(RepackRows8, MatMulAndMatVecOnTheCopyEqualTheScalarDotWhateverTheSplit) {
  ThreadPool pool(3);
  const int64_t rows = 203, cols = 256;
  const Repacked m = RandomRepacked(rows, cols, 11);
  const Activations a = RandomActivations(6, cols, 12);
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t per_task : {0, 1, 8, 13, 64}) {
      std::vector<float> out(static_cast<size_t>(6 * rows));
      MatMul(m.view, a.data(), a.stride, 6, out.data(),
             {.kernels = k, .pool = &pool, .rows_per_task = per_task});
      for (int64_t t = 0; t < 6; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
          ASSERT_EQ(std::bit_cast<uint32_t>(out[t * rows + r]),
                    std::bit_cast<uint32_t>(ScalarDot(m, a, r, t)))
              << k->name << " per_task " << per_task << " token " << t << " row " << r;
        }
      }
    }
    ActivationBuffer xq;
    const std::vector<float> x = RandomFloats(cols, 12);
    xq.Prepare(DType::kQ4_0, x.data(), cols);
    std::vector<float> y(static_cast<size_t>(rows));
    MatVec(m.view, xq, y.data(), {.kernels = k, .pool = &pool});
    for (int64_t r = 0; r < rows; ++r) {
      EXPECT_EQ(std::bit_cast<uint32_t>(y[r]), std::bit_cast<uint32_t>(ScalarDot(m, a, r, 0)));
    }
  }
}

TEST(RepackRows8, RepackingInPiecesEqualsRepackingAtOnce) {
  const int64_t rows = 45, cols = 64;
  const Repacked whole = RandomRepacked(rows, cols, 21);
  std::vector<uint8_t> pieces(whole.rows8.size(), 0x11);
  RepackRows8(whole.src, 0, 16, pieces.data());
  RepackRows8(whole.src, 32, rows, pieces.data());
  RepackRows8(whole.src, 16, 32, pieces.data());
  EXPECT_EQ(pieces, whole.rows8);
}

TEST(RepackRows8, LayoutHoldsScalesThenFourByteChunksOfEachRow) {
  const int64_t rows = 2, cols = 32;
  const Repacked m = RandomRepacked(rows, cols, 5);
  const auto* src = reinterpret_cast<const BlockQ4_0*>(m.row_major.data());
  ASSERT_EQ(m.rows8.size(), 8 * sizeof(BlockQ4_0));  // one group, padded to 8 rows
  for (int i = 0; i < 8; ++i) {
    Half d;
    std::memcpy(&d, m.rows8.data() + 2 * i, 2);
    EXPECT_EQ(d, i < rows ? src[i].d : Half{0}) << "row " << i;
    for (int j = 0; j < 4; ++j) {
      for (int e = 0; e < 4; ++e) {
        const uint8_t got = m.rows8[16 + 32 * j + 4 * i + e];
        EXPECT_EQ(got, i < rows ? src[i].qs[4 * j + e] : 0) << "row " << i << " chunk " << j;
      }
    }
  }
}

TEST(RepackRows8, SizesAndUnsupportedTypes) {
  EXPECT_EQ(*Rows8Bytes(DType::kQ4_0, 8, 64), 8 * 2 * sizeof(BlockQ4_0));
  EXPECT_EQ(*Rows8Bytes(DType::kQ4_0, 9, 64), 16 * 2 * sizeof(BlockQ4_0));
  EXPECT_EQ(*Rows8Bytes(DType::kQ4_0, 0, 64), 0u);
  EXPECT_TRUE(CanRepackRows8(DType::kQ4_0));
  EXPECT_TRUE(CanRepackRows8(DType::kQ4_K));
  EXPECT_TRUE(CanRepackRows8(DType::kQ8_0));
  EXPECT_FALSE(CanRepackRows8(DType::kQ6_K));
  EXPECT_EQ(*Rows8Bytes(DType::kQ8_0, 9, 64), 16 * 2 * sizeof(BlockQ8_0));
  EXPECT_EQ(*Rows8Bytes(DType::kQ4_K, 8, 512), 2 * kQ4KRows8ColumnBytes);
  EXPECT_EQ(*Rows8Bytes(DType::kQ4_K, 9, 256), 2 * kQ4KRows8ColumnBytes);
  EXPECT_EQ(*Rows8GroupBytes(DType::kQ4_0, 64), 8 * 2 * sizeof(BlockQ4_0));
  auto bad_type = Rows8Bytes(DType::kQ6_K, 8, 256);
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("q6_K"), std::string::npos);
  EXPECT_FALSE(Rows8Bytes(DType::kQ4_K, 8, 128).ok());
  EXPECT_FALSE(Rows8Bytes(DType::kQ4_0, 8, 33).ok());
  EXPECT_FALSE(Rows8Bytes(DType::kQ4_0, -1, 32).ok());
}

TEST(RepackRows8, EveryKernelSetHasTheRows8TilesAndOnlyForQ4_0AndQ4_K) {
  for (const Kernels* k : AllKernelSets()) {
    EXPECT_NE(k->TileFor(DType::kQ4_0, WeightLayout::kRows8), nullptr) << k->name;
    EXPECT_NE(k->TileFor(DType::kQ4_K, WeightLayout::kRows8), nullptr) << k->name;
    EXPECT_EQ(k->TileFor(DType::kQ6_K, WeightLayout::kRows8), nullptr) << k->name;
    EXPECT_NE(k->TileFor(DType::kQ8_0, WeightLayout::kRows8), nullptr) << k->name;
    EXPECT_EQ(k->TileFor(DType::kF16, WeightLayout::kRows8), nullptr) << k->name;
    EXPECT_EQ(k->TileFor(DType::kQ4_0, WeightLayout::kRowMajor), k->tile_q4_0) << k->name;
  }
}

// ---- Q8_0 ----

TEST(RepackRows8Q8_0, TilesEqualTheScalarRowMajorDotBitForBitOnEdgeSizes) {
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t rows : {1, 7, 8, 9, 17, 67}) {
      for (int64_t cols : {32, 64, 320}) {
        const Repacked m =
            RandomRepacked(rows, cols, 13 + static_cast<uint32_t>(rows * cols), DType::kQ8_0);
        for (int64_t nt : {1, 2, 3, 4, 5}) {
          const Activations a =
              RandomActivations(nt, cols, 300 + static_cast<uint32_t>(nt), DType::kQ8_0);
          ExpectTileMatchesScalarDot(*k, m, a, nt);
        }
      }
    }
  }
}

TEST(RepackRows8Q8_0, ExtremeBytesIncludingMinus128WeightsMatch) {
  // Weights of -128 (never written by a quantizer, possible in a file) and +127 against
  // activations of +-127: the largest partial sums of every set.
  const int64_t rows = 10, cols = 96;
  std::vector<uint8_t> w(*RowBytes(DType::kQ8_0, rows * cols));
  auto* blocks = reinterpret_cast<BlockQ8_0*>(w.data());
  for (int64_t b = 0; b < rows * cols / 32; ++b) {
    blocks[b].d = FloatToHalf(0.5f + static_cast<float>(b % 3));
    std::memset(blocks[b].qs, (b % 2) != 0 ? 0x80 : 0x7F, sizeof(blocks[b].qs));
  }
  const Repacked m = MakeRepacked(std::move(w), rows, cols, DType::kQ8_0);
  for (float v : {1.0f, -1.0f}) {
    Activations a;
    a.stride = (*RowBytes(DType::kQ8_0, cols) + 3) & ~size_t{3};
    a.storage.assign(a.stride * 3 / 4, 0);
    const std::vector<float> x(static_cast<size_t>(cols), v);
    for (int t = 0; t < 3; ++t) {
      PrepareActivations(DType::kQ8_0, x.data(),
                         reinterpret_cast<uint8_t*>(a.storage.data()) + t * a.stride, cols);
    }
    for (const Kernels* k : AllKernelSets()) ExpectTileMatchesScalarDot(*k, m, a, 3);
  }
}

TEST(RepackRows8Q8_0, MatMulOnTheCopyEqualsTheScalarDotWhateverTheSplitAndRepacksInPieces) {
  ThreadPool pool(3);
  const int64_t rows = 61, cols = 128;
  const Repacked m = RandomRepacked(rows, cols, 51, DType::kQ8_0);
  const Activations a = RandomActivations(6, cols, 52, DType::kQ8_0);
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t per_task : {0, 8, 13}) {
      std::vector<float> out(static_cast<size_t>(6 * rows));
      MatMul(m.view, a.data(), a.stride, 6, out.data(),
             {.kernels = k, .pool = &pool, .rows_per_task = per_task});
      for (int64_t t = 0; t < 6; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
          ASSERT_EQ(std::bit_cast<uint32_t>(out[t * rows + r]),
                    std::bit_cast<uint32_t>(ScalarDot(m, a, r, t)))
              << k->name << " per_task " << per_task << " token " << t << " row " << r;
        }
      }
    }
  }
  std::vector<uint8_t> pieces(m.rows8.size(), 0x11);
  RepackRows8(m.src, 16, rows, pieces.data());
  RepackRows8(m.src, 0, 16, pieces.data());
  EXPECT_EQ(pieces, m.rows8);
  const auto* src = reinterpret_cast<const BlockQ8_0*>(m.row_major.data());
  const size_t row_blocks = static_cast<size_t>(cols / 32);
  for (int i = 0; i < 8; ++i) {  // group 0, block column 1
    const uint8_t* col = m.rows8.data() + 8 * sizeof(BlockQ8_0);
    Half d;
    std::memcpy(&d, col + 2 * i, 2);
    EXPECT_EQ(d, src[i * row_blocks + 1].d);
    for (int j = 0; j < 8; ++j) {
      for (int e = 0; e < 4; ++e) {
        EXPECT_EQ(static_cast<int8_t>(col[16 + 32 * j + 4 * i + e]),
                  src[i * row_blocks + 1].qs[4 * j + e]);
      }
    }
  }
}

// ---- Q4_K ----

TEST(RepackRows8Q4_K, TilesEqualTheScalarRowMajorDotBitForBitOnEdgeSizes) {
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t rows : {1, 7, 8, 9, 17, 67}) {
      for (int64_t cols : {256, 512, 768}) {
        const Repacked m =
            RandomRepacked(rows, cols, 9 + static_cast<uint32_t>(rows * cols), DType::kQ4_K);
        for (int64_t nt : {1, 2, 3, 5}) {
          const Activations a =
              RandomActivations(nt, cols, 200 + static_cast<uint32_t>(nt), DType::kQ4_K);
          ExpectTileMatchesScalarDot(*k, m, a, nt);
        }
      }
    }
  }
}

TEST(RepackRows8Q4_K, ExtremeNibblesScalesAndActivationsDoNotOverflow) {
  // Every nibble 15 and every 6-bit scale and min 63, against activations of 127 and -128: the
  // largest int16 partial sums and int32 products the AVX2 tile forms.
  const int64_t rows = 9, cols = 512;
  std::vector<uint8_t> w(*RowBytes(DType::kQ4_K, rows * cols));
  auto* blocks = reinterpret_cast<BlockQ4_K*>(w.data());
  for (int64_t b = 0; b < rows * cols / kQK_K; ++b) {
    blocks[b].d = FloatToHalf(0.5f + static_cast<float>(b % 3));
    blocks[b].dmin = FloatToHalf(0.25f);
    std::memset(blocks[b].scales, 0xFF, sizeof(blocks[b].scales));  // every scale and min 63
    std::memset(blocks[b].qs, (b % 2) != 0 ? 0xFF : 0xF0, sizeof(blocks[b].qs));
  }
  const Repacked m = MakeRepacked(std::move(w), rows, cols, DType::kQ4_K);
  for (float v : {1e3f, -1e3f}) {  // quantize to +127 / -128 everywhere
    Activations a;
    a.stride = (*RowBytes(DType::kQ8_K, cols) + 3) & ~size_t{3};
    a.storage.assign(a.stride * 2 / 4, 0);
    const std::vector<float> x(static_cast<size_t>(cols), v);
    for (int t = 0; t < 2; ++t) {
      PrepareActivations(DType::kQ4_K, x.data(),
                         reinterpret_cast<uint8_t*>(a.storage.data()) + t * a.stride, cols);
    }
    for (const Kernels* k : AllKernelSets()) ExpectTileMatchesScalarDot(*k, m, a, 2);
  }
}

TEST(RepackRows8Q4_K, MatMulAndMatVecOnTheCopyEqualTheScalarDotWhateverTheSplit) {
  ThreadPool pool(3);
  const int64_t rows = 75, cols = 512;
  const Repacked m = RandomRepacked(rows, cols, 31, DType::kQ4_K);
  const Activations a = RandomActivations(5, cols, 32, DType::kQ4_K);
  for (const Kernels* k : AllKernelSets()) {
    for (int64_t per_task : {0, 8, 13}) {
      std::vector<float> out(static_cast<size_t>(5 * rows));
      MatMul(m.view, a.data(), a.stride, 5, out.data(),
             {.kernels = k, .pool = &pool, .rows_per_task = per_task});
      for (int64_t t = 0; t < 5; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
          ASSERT_EQ(std::bit_cast<uint32_t>(out[t * rows + r]),
                    std::bit_cast<uint32_t>(ScalarDot(m, a, r, t)))
              << k->name << " per_task " << per_task << " token " << t << " row " << r;
        }
      }
    }
  }
}

TEST(RepackRows8Q4_K, RepackingInPiecesEqualsRepackingAtOnce) {
  const Repacked whole = RandomRepacked(21, 256, 41, DType::kQ4_K);
  std::vector<uint8_t> pieces(whole.rows8.size(), 0x11);
  RepackRows8(whole.src, 8, 21, pieces.data());
  RepackRows8(whole.src, 0, 8, pieces.data());
  EXPECT_EQ(pieces, whole.rows8);
}

TEST(RepackRows8Q4_K, LayoutHoldsScalesMinsAndFourByteChunksOfEachRow) {
  const int64_t rows = 3, cols = 256;
  const Repacked m = RandomRepacked(rows, cols, 43, DType::kQ4_K);
  const auto* src = reinterpret_cast<const BlockQ4_K*>(m.row_major.data());
  ASSERT_EQ(m.rows8.size(), kQ4KRows8ColumnBytes);  // one group, padded to 8 rows
  const uint8_t* col = m.rows8.data();
  for (int i = 0; i < 8; ++i) {
    Half d, dmin;
    std::memcpy(&d, col + 2 * i, 2);
    std::memcpy(&dmin, col + 16 + 2 * i, 2);
    EXPECT_EQ(d, i < rows ? src[i].d : Half{0}) << "row " << i;
    EXPECT_EQ(dmin, i < rows ? src[i].dmin : Half{0}) << "row " << i;
    for (int s = 0; s < 8; ++s) {
      uint8_t sc = 0, mn = 0;
      if (i < rows) Q4KScaleMin(src[i].scales, s, &sc, &mn);
      EXPECT_EQ(col[32 + 8 * s + i], sc) << "row " << i << " sub-block " << s;
      EXPECT_EQ(col[96 + 16 * (s / 2) + 2 * i + s % 2], mn) << "row " << i << " sub-block " << s;
    }
    for (int c = 0; c < 4; ++c) {
      for (int j = 0; j < 8; ++j) {
        for (int e = 0; e < 4; ++e) {
          EXPECT_EQ(col[160 + 32 * (8 * c + j) + 4 * i + e],
                    i < rows ? src[i].qs[32 * c + 4 * j + e] : 0)
              << "row " << i << " chunk " << c << " piece " << j;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ptmo::tensor
