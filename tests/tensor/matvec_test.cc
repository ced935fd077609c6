#include "tensor/matvec.h"

#include <gtest/gtest.h>

#include <bit>
#include <vector>

#include "tensor/tensor_test_util.h"

namespace ptmo::tensor {
namespace {

using testing::Dequantized;
using testing::RandomFloats;
using testing::RandomRow;
using testing::ReferenceDot;

struct Matrix {
  WeightMatrix view;
  std::vector<uint8_t> bytes;
};

Matrix RandomMatrix(DType type, int64_t rows, int64_t cols, uint32_t seed) {
  Matrix m;
  m.bytes = RandomRow(type, rows * cols, seed);  // rows are contiguous, so one long row
  m.view = {type, m.bytes.data(), rows, cols};
  return m;
}

const DType kTypes[] = {DType::kF32,  DType::kF16,  DType::kQ4_0,
                        DType::kQ8_0, DType::kQ4_K, DType::kQ6_K};

TEST(MatVec, EveryRowMatchesTheDequantizedReference) {
  for (DType t : kTypes) {
    const int64_t cols = 2 * Traits(t).block_size * (Traits(t).block_size == 1 ? 67 : 2);
    for (int64_t rows : {1, 3, 67}) {
      const Matrix m = RandomMatrix(t, rows, cols, 100 + static_cast<uint32_t>(rows));
      const std::vector<float> x = RandomFloats(cols, 5);
      ActivationBuffer xq;
      xq.Prepare(t, x.data(), cols);
      const std::vector<float> x_deq = Dequantized(xq.type(), xq.data(), cols);
      std::vector<float> y(static_cast<size_t>(rows));
      MatVec(m.view, xq, y.data());
      const size_t row_bytes = *RowBytes(t, cols);
      for (int64_t r = 0; r < rows; ++r) {
        const std::vector<float> w = Dequantized(t, m.bytes.data() + r * row_bytes, cols);
        const auto ref = ReferenceDot(w, x_deq);
        EXPECT_NEAR(y[r], ref.value, 2e-6 * ref.magnitude) << DTypeName(t) << " row " << r;
      }
    }
  }
}

TEST(MatVec, ThreadCountAndTaskSizeDoNotChangeTheResult) {
  ThreadPool two(2), three(3);
  for (DType t : kTypes) {
    const int64_t cols = Traits(t).block_size == 1 ? 300 : 4 * Traits(t).block_size;
    const int64_t rows = 133;
    const Matrix m = RandomMatrix(t, rows, cols, 9);
    const std::vector<float> x = RandomFloats(cols, 10);
    ActivationBuffer xq;
    xq.Prepare(t, x.data(), cols);
    std::vector<float> serial(rows), a(rows), b(rows), c(rows);
    MatVec(m.view, xq, serial.data());
    MatVec(m.view, xq, a.data(), {.pool = &two});
    MatVec(m.view, xq, b.data(), {.pool = &three, .rows_per_task = 1});
    MatVec(m.view, xq, c.data(), {.pool = &three, .rows_per_task = 1000});
    // Rows are independent, so the split cannot change any bit.
    EXPECT_EQ(serial, a) << DTypeName(t);
    EXPECT_EQ(serial, b) << DTypeName(t);
    EXPECT_EQ(serial, c) << DTypeName(t);
  }
}

TEST(MatVec, ScalarAndBestKernelsAgree) {
  for (DType t : kTypes) {
    const int64_t cols = 8 * Traits(t).block_size * (Traits(t).block_size == 1 ? 32 : 1);
    const Matrix m = RandomMatrix(t, 16, cols, 21);
    const std::vector<float> x = RandomFloats(cols, 22);
    ActivationBuffer xq;
    xq.Prepare(t, x.data(), cols);
    std::vector<float> s(16), v(16);
    MatVec(m.view, xq, s.data(), {.kernels = &ScalarKernels()});
    MatVec(m.view, xq, v.data(), {.kernels = &BestKernels()});
    for (int r = 0; r < 16; ++r) EXPECT_NEAR(s[r], v[r], 1e-4f * (1 + std::abs(s[r])));
  }
}

// Prompt processing: every (row, token) of a batched product equals the dequantize-then-f64
// reference up to f32 rounding and is bit-identical to MatVec on that token, for rows and
// token counts that are not multiples of the tiles, and for any thread split.
TEST(MatMul, MatchesTheReferenceAndMatVecOnEdgeSizes) {
  ThreadPool three(3);
  uint32_t seed = 300;
  for (const Kernels* k : {&ScalarKernels(), &BestKernels()}) {
    for (DType t : kTypes) {
      const int64_t b = Traits(t).block_size;
      const int64_t cols = b == 1 ? 70 : 2 * b;
      for (int64_t rows : {1, 3, 5, 17, 37}) {
        const Matrix m = RandomMatrix(t, rows, cols, seed++);
        const std::vector<float> w_deq = Dequantized(t, m.bytes.data(), rows * cols);
        for (int64_t n : {1, 2, 3, 5, 9}) {
          const DType at = ActivationType(t);
          const size_t stride = (*RowBytes(at, cols) + 3) / 4 * 4;
          std::vector<uint8_t> x(stride * n);
          std::vector<std::vector<float>> x_deq;
          std::vector<ActivationBuffer> per_token(n);
          for (int64_t i = 0; i < n; ++i) {
            const std::vector<float> xf = RandomFloats(cols, seed++);
            PrepareActivations(t, xf.data(), x.data() + i * stride, cols);
            x_deq.push_back(Dequantized(at, x.data() + i * stride, cols));
            per_token[i].Prepare(t, xf.data(), cols);
          }
          std::vector<float> serial(n * rows), pooled(n * rows), one_row_tasks(n * rows);
          MatMul(m.view, x.data(), stride, n, serial.data(), {.kernels = k});
          MatMul(m.view, x.data(), stride, n, pooled.data(), {.kernels = k, .pool = &three});
          MatMul(m.view, x.data(), stride, n, one_row_tasks.data(),
                 {.kernels = k, .pool = &three, .rows_per_task = 1});
          EXPECT_EQ(serial, pooled);
          EXPECT_EQ(serial, one_row_tasks);
          for (int64_t i = 0; i < n; ++i) {
            std::vector<float> y(rows);
            MatVec(m.view, per_token[i], y.data(), {.kernels = k});
            for (int64_t r = 0; r < rows; ++r) {
              const std::vector<float> row(w_deq.begin() + r * cols,
                                           w_deq.begin() + (r + 1) * cols);
              const auto ref = ReferenceDot(row, x_deq[i]);
              const float got = serial[i * rows + r];
              EXPECT_NEAR(got, ref.value, 2e-6 * ref.magnitude + 1e-30)
                  << k->name << " " << DTypeName(t) << " " << rows << "x" << cols << " n=" << n;
              EXPECT_EQ(std::bit_cast<uint32_t>(got), std::bit_cast<uint32_t>(y[r]))
                  << k->name << " " << DTypeName(t) << " row " << r << " token " << i;
            }
          }
        }
      }
    }
  }
}

TEST(MatVec, OneActivationBufferServesTypesWithTheSameLayout) {
  const int64_t cols = 256;
  const std::vector<float> x = RandomFloats(cols, 31);
  ActivationBuffer xq;
  xq.Prepare(DType::kQ4_0, x.data(), cols);
  EXPECT_EQ(xq.type(), DType::kQ8_0);
  const Matrix q8 = RandomMatrix(DType::kQ8_0, 4, cols, 32);
  std::vector<float> y(4);
  MatVec(q8.view, xq, y.data());  // Q8_0 weights reuse the Q8_0 activations
  xq.Prepare(DType::kQ6_K, x.data(), cols);
  EXPECT_EQ(xq.type(), DType::kQ8_K);
  EXPECT_EQ(xq.size(), cols);
  const Matrix q4k = RandomMatrix(DType::kQ4_K, 4, cols, 33);
  MatVec(q4k.view, xq, y.data());
  const std::vector<float> x_deq = Dequantized(DType::kQ8_K, xq.data(), cols);
  for (int r = 0; r < 4; ++r) {
    const auto ref =
        ReferenceDot(Dequantized(DType::kQ4_K, q4k.bytes.data() + r * 144, cols), x_deq);
    EXPECT_NEAR(y[r], ref.value, 2e-6 * ref.magnitude);
  }
}

}  // namespace
}  // namespace ptmo::tensor
