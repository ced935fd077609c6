#include "tensor/repack.h"

#include <cassert>
#include <cstring>

#include "tensor/quant_blocks.h"

namespace ptmo::tensor {

bool CanRepackRows8(DType type) {
  return type == DType::kQ4_0;
}

Expected<size_t> Rows8Bytes(DType type, int64_t rows, int64_t cols) {
  if (!CanRepackRows8(type)) {
    return InvalidArgument(std::string("cannot repack ") + std::string(DTypeName(type)) +
                           " matrices into 8-row groups (only q4_0)");
  }
  if (rows < 0) return InvalidArgument("negative row count " + std::to_string(rows));
  PTMO_ASSIGN_OR_RETURN(const size_t row_bytes, RowBytes(type, cols));
  const auto groups = static_cast<size_t>((rows + kRows8 - 1) / kRows8);
  const size_t group_bytes = row_bytes * kRows8;
  if (groups != 0 && group_bytes > SIZE_MAX / groups) {
    return ResourceExhausted("repacked matrix of " + std::to_string(rows) + " x " +
                             std::to_string(cols) + " does not fit in memory");
  }
  return groups * group_bytes;
}

void RepackRows8(const WeightMatrix& src, int64_t row_begin, int64_t row_end, void* dst) {
  assert(src.layout == WeightLayout::kRowMajor && CanRepackRows8(src.type));
  assert(row_begin % kRows8 == 0 && row_begin <= row_end && row_end <= src.rows);
  assert(row_end % kRows8 == 0 || row_end == src.rows);
  const int64_t nb = src.cols / kQK4_0;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(BlockQ4_0);
  const auto* in = static_cast<const uint8_t*>(src.data);
  auto* out = static_cast<uint8_t*>(dst);
  constexpr size_t kColumnBytes = kRows8 * sizeof(BlockQ4_0);  // 144
  static_assert(kColumnBytes == kRows8 * sizeof(Half) + 4 * 32, "block column is d[8] + qs[4][32]");
  for (int64_t g = row_begin / kRows8; g * kRows8 < row_end; ++g) {
    uint8_t* group = out + static_cast<size_t>(g) * kRows8 * row_bytes;
    for (int64_t b = 0; b < nb; ++b) {
      uint8_t* col = group + static_cast<size_t>(b) * kColumnBytes;
      for (int i = 0; i < kRows8; ++i) {
        const int64_t row = g * kRows8 + i;
        BlockQ4_0 block{};  // zero: rows past the end contribute nothing
        if (row < src.rows) {
          std::memcpy(&block,
                      in + static_cast<size_t>(row) * row_bytes +
                          static_cast<size_t>(b) * sizeof(BlockQ4_0),
                      sizeof(block));
        }
        std::memcpy(col + i * sizeof(Half), &block.d, sizeof(Half));
        for (int j = 0; j < 4; ++j) {
          std::memcpy(col + kRows8 * sizeof(Half) + 32 * j + 4 * i, block.qs + 4 * j, 4);
        }
      }
    }
  }
}

}  // namespace ptmo::tensor
