// Repacking Q4_0, Q8_0 and Q4_K matrices into groups of 8 interleaved rows
// (WeightLayout::kRows8), the layout the decode kernels stream at memory speed.
//
// Why: in GGUF's row-major layout a matvec either walks one row at a time (one horizontal sum
// and one scalar scale conversion per row and block) or several rows as separate streams. In
// the kRows8 layout a group of 8 rows is one linear stream, and each 32-byte load holds four
// weights of each of the 8 rows, so an integer multiply-add of it against four broadcast
// activations leaves one partial sum per row in each 32-bit lane: no horizontal sums, and the
// 8 row scales convert with one instruction.
//
// Layout of a matrix of R rows and C columns (nb = C / 32 blocks per row): ceil(R / 8) groups,
// group g holding rows 8g .. 8g + 7 (rows past R are zero: scale 0, nibbles 0), each group nb
// "block columns" of 144 bytes, block column b being
//
//   d[8]       Half   scale of block b of row 8g + i, i = 0..7            (16 bytes)
//   qs[4][32]  uint8  chunk j (0..3): for each row i, the 4 bytes qs[4j .. 4j + 3] of that
//                     row's block b (bytes 4i .. 4i + 3 of the chunk)      (128 bytes)
//
// so the low nibbles of chunk j hold elements 4j .. 4j + 3 and the high nibbles elements
// 16 + 4j .. 19 + 4j (Q4_0 stores element k and k + 16 in one byte). A group is 8 * RowBytes
// bytes: the same as the rows it holds, so streaming it reads exactly the GGUF bytes.
//
// Q8_0 the same way, with 4-byte pieces of signed bytes (272-byte block columns, the same bytes
// as the 8 rows' blocks):
//
//   d[8]        Half   scale of block b of row 8g + i                       (16 bytes)
//   qs[8][32]   int8   piece j (0..7): for each row i, that row's qs bytes 4j .. 4j + 3 at 4i
//
// Q4_K uses the same idea per 256-element super-block (nb = C / 256 block columns per group),
// with the 6-bit scales and mins unpacked to bytes so that the kernels load them directly:
//
//   d[8]          Half   d of block b of row 8g + i                               (16 bytes)
//   dmin[8]       Half   dmin of that block                                       (16 bytes)
//   sc[8][8]      uint8  sc[s][i]: scale of sub-block s of row i                  (64 bytes)
//   m[4][8][2]    uint8  m[p][i][k]: min of sub-block 2p + k of row i             (64 bytes)
//   qs[4][8][32]  uint8  chunk c, piece j: for each row i, that row's qs bytes
//                        32c + 4j .. 32c + 4j + 3 at 4i                         (1024 bytes)
//
// so the low nibbles of piece (c, j) are elements 4j .. 4j + 3 of sub-block 2c and the high
// nibbles those of sub-block 2c + 1. A block column is 1184 bytes for 8 x 144 bytes of file
// blocks: streaming a Q4_K group reads 2.8% more than the rows it holds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/matvec.h"
#include "util/status.h"

namespace ptmo::tensor {

inline constexpr int kRows8 = 8;  // rows per group of the kRows8 layout

// True when RepackRows8 supports matrices of `type` (Q4_0, Q8_0, Q4_K).
bool CanRepackRows8(DType type);

inline constexpr size_t kQ4KRows8ColumnBytes = 1184;  // one Q4_K block column of a group

// Bytes of one group of 8 rows of `cols` columns in the kRows8 layout of `type`.
// kInvalidArgument as Rows8Bytes.
Expected<size_t> Rows8GroupBytes(DType type, int64_t cols);

// Bytes a kRows8 copy of a `rows` x `cols` matrix of `type` takes (rows rounded up to 8).
// kInvalidArgument when the type cannot be repacked or cols is not a multiple of 32;
// kResourceExhausted on overflow. Thread-safe.
Expected<size_t> Rows8Bytes(DType type, int64_t rows, int64_t cols);

// Writes the kRows8 copy of row-major `src` rows [row_begin, row_end) to `dst`, which points at
// the start of the whole copy (Rows8Bytes bytes); row_begin must be a multiple of 8, and
// row_end either a multiple of 8 or src.rows (the last group's missing rows are zeroed). Lets
// callers repack a matrix in pieces on several threads. src.layout must be kRowMajor and the
// type repackable (assert). Thread-safe for distinct row ranges.
void RepackRows8(const WeightMatrix& src, int64_t row_begin, int64_t row_end, void* dst);

// The view of a whole kRows8 copy at `dst` of `src` (same type, shape; layout kRows8).
inline WeightMatrix Rows8View(const WeightMatrix& src, const void* dst) {
  return WeightMatrix{.type = src.type,
                      .data = dst,
                      .rows = src.rows,
                      .cols = src.cols,
                      .layout = WeightLayout::kRows8};
}

}  // namespace ptmo::tensor
