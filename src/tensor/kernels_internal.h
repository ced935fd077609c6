// Kernel tables, one per implementation file. Use the public accessors in kernels.h instead.
#pragma once

#include <cstring>

#include "tensor/kernels.h"
#include "tensor/quant_blocks.h"

namespace ptmo::tensor::internal {

const Kernels& ScalarKernelTable();

// nullptr when this build's architecture has no AVX2 (the CPU check is in kernels.cc).
const Kernels* Avx2KernelTable();

// nullptr when this build's architecture has no AVX512-VNNI (the CPU check is in kernels.cc).
const Kernels* Avx512VnniKernelTable();

// nullptr unless this build targets AArch64 (NEON is part of its baseline).
const Kernels* NeonKernelTable();

// The scalar Q8_0 kRows8 tile (DotTileFn; the NEON set uses it too): DotQ8_0's arithmetic for
// each row of each group, its bytes read from the repacked block columns (repack.h).
void TileQ8_0Rows8Scalar(int64_t n, const void* w, size_t w_stride, int64_t nr, const void* x,
                         size_t x_stride, int64_t nt, float* out, size_t out_stride);

// The scalar Q4_K kRows8 tile (DotTileFn; the NEON set uses it too): DotQ4_K's arithmetic for
// each row of each group, its bytes read from the repacked block columns (repack.h).
void TileQ4_KRows8Scalar(int64_t n, const void* w, size_t w_stride, int64_t nr, const void* x,
                         size_t x_stride, int64_t nt, float* out, size_t out_stride);

// Tile kernel that computes every pair with the set's VecDotFn: for types without a
// specialized tile. `dot` is fixed at compile time so the call can be inlined.
template <VecDotFn dot>
void TileFromDot(int64_t n, const void* w, size_t w_stride, int64_t nr, const void* x,
                 size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* xb = static_cast<const uint8_t*>(x);
  for (int64_t r = 0; r < nr; ++r) {
    const uint8_t* row = wb + static_cast<size_t>(r) * w_stride;
    for (int64_t t = 0; t < nt; ++t) {
      out[static_cast<size_t>(t) * out_stride + static_cast<size_t>(r)] =
          dot(n, row, xb + static_cast<size_t>(t) * x_stride);
    }
  }
}

// The loops of a Q4_0 kRows8 tile (repack.h), shared by the kernel files that compute one row
// at a time: for every group of 8 rows, activation row t and row i < 8 of the group,
//   sum = add_block(sum, column, i, x_block)   over the row's blocks, from sum = 0,
// where `column` points at the group's 8 interleaved blocks (8 scales, then four 32-byte
// chunks). All arithmetic is in `add_block`, defined in each kernel file, whose floating-point
// contraction setting therefore applies to it.
template <typename AddBlock>
void TileRows8ByRow(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                    size_t x_stride, int64_t nt, float* out, size_t out_stride,
                    AddBlock add_block) {
  constexpr int kGroup = 8;
  constexpr size_t kColumnBytes = kGroup * sizeof(BlockQ4_0);
  const int64_t nb = n / kQK4_0;
  for (int64_t r0 = 0; r0 < nr; r0 += kGroup) {
    const auto* group =
        static_cast<const uint8_t*>(vw) + static_cast<size_t>(r0 / kGroup) * w_stride;
    const int rows = static_cast<int>(nr - r0 < kGroup ? nr - r0 : kGroup);
    for (int64_t t = 0; t < nt; ++t) {
      const auto* x = reinterpret_cast<const BlockQ8_0*>(static_cast<const uint8_t*>(vx) +
                                                         static_cast<size_t>(t) * x_stride);
      for (int i = 0; i < rows; ++i) {
        float sum = 0;
        for (int64_t b = 0; b < nb; ++b) {
          sum = add_block(sum, group + static_cast<size_t>(b) * kColumnBytes, i, x[b]);
        }
        out[static_cast<size_t>(t) * out_stride + static_cast<size_t>(r0 + i)] = sum;
      }
    }
  }
}

// The scale of row i's block in a kRows8 column (its first 8 x 2 bytes).
inline Half Rows8Scale(const uint8_t* column, int i) {
  Half d;
  std::memcpy(&d, column + i * sizeof(Half), sizeof(d));
  return d;
}

}  // namespace ptmo::tensor::internal
