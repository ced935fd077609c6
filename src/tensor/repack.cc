#include "tensor/repack.h"

#include <cassert>
#include <cstring>

#include "tensor/quant_blocks.h"

namespace ptmo::tensor {

bool CanRepackRows8(DType type) {
  return type == DType::kQ4_0 || type == DType::kQ8_0 || type == DType::kQ4_K;
}

Expected<size_t> Rows8GroupBytes(DType type, int64_t cols) {
  if (!CanRepackRows8(type)) {
    return InvalidArgument(std::string("cannot repack ") + std::string(DTypeName(type)) +
                           " matrices into 8-row groups (only q4_0, q8_0 and q4_K)");
  }
  PTMO_ASSIGN_OR_RETURN(const size_t row_bytes, RowBytes(type, cols));
  if (type == DType::kQ4_K) {
    return row_bytes / sizeof(BlockQ4_K) * kQ4KRows8ColumnBytes;
  }
  return row_bytes * kRows8;
}

Expected<size_t> Rows8Bytes(DType type, int64_t rows, int64_t cols) {
  PTMO_ASSIGN_OR_RETURN(const size_t group_bytes, Rows8GroupBytes(type, cols));
  if (rows < 0) return InvalidArgument("negative row count " + std::to_string(rows));
  const auto groups = static_cast<size_t>((rows + kRows8 - 1) / kRows8);
  if (groups != 0 && group_bytes > SIZE_MAX / groups) {
    return ResourceExhausted("repacked matrix of " + std::to_string(rows) + " x " +
                             std::to_string(cols) + " does not fit in memory");
  }
  return groups * group_bytes;
}

namespace {

// The kRows8 Q4_K copy of groups [g_begin, g_end) (repack.h draws the block column).
void RepackQ4KGroups(const WeightMatrix& src, int64_t g_begin, int64_t g_end, uint8_t* out) {
  const int64_t nb = src.cols / kQK_K;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(BlockQ4_K);
  const auto* in = static_cast<const uint8_t*>(src.data);
  static_assert(kQ4KRows8ColumnBytes == 16 + 16 + 64 + 64 + 4 * 8 * 32);
  for (int64_t g = g_begin; g < g_end; ++g) {
    uint8_t* group = out + static_cast<size_t>(g * nb) * kQ4KRows8ColumnBytes;
    for (int64_t b = 0; b < nb; ++b) {
      uint8_t* col = group + static_cast<size_t>(b) * kQ4KRows8ColumnBytes;
      for (int i = 0; i < kRows8; ++i) {
        const int64_t row = g * kRows8 + i;
        BlockQ4_K block{};  // zero: rows past the end contribute nothing
        if (row < src.rows) {
          std::memcpy(&block,
                      in + static_cast<size_t>(row) * row_bytes +
                          static_cast<size_t>(b) * sizeof(BlockQ4_K),
                      sizeof(block));
        }
        std::memcpy(col + i * sizeof(Half), &block.d, sizeof(Half));
        std::memcpy(col + 16 + i * sizeof(Half), &block.dmin, sizeof(Half));
        for (int s = 0; s < 8; ++s) {
          uint8_t sc = 0, m = 0;
          Q4KScaleMin(block.scales, s, &sc, &m);
          col[32 + 8 * s + i] = sc;
          col[96 + 16 * (s / 2) + 2 * i + s % 2] = m;
        }
        for (int c = 0; c < 4; ++c) {
          for (int j = 0; j < 8; ++j) {
            std::memcpy(col + 160 + 32 * (8 * c + j) + 4 * i, block.qs + 32 * c + 4 * j, 4);
          }
        }
      }
    }
  }
}

// The kRows8 Q8_0 copy of groups [g_begin, g_end) (repack.h draws the block column).
void RepackQ8_0Groups(const WeightMatrix& src, int64_t g_begin, int64_t g_end, uint8_t* out) {
  const int64_t nb = src.cols / kQK8_0;
  const size_t row_bytes = static_cast<size_t>(nb) * sizeof(BlockQ8_0);
  const auto* in = static_cast<const uint8_t*>(src.data);
  constexpr size_t kColumnBytes = kRows8 * sizeof(BlockQ8_0);  // 272
  for (int64_t g = g_begin; g < g_end; ++g) {
    uint8_t* group = out + static_cast<size_t>(g) * kRows8 * row_bytes;
    for (int64_t b = 0; b < nb; ++b) {
      uint8_t* col = group + static_cast<size_t>(b) * kColumnBytes;
      for (int i = 0; i < kRows8; ++i) {
        const int64_t row = g * kRows8 + i;
        BlockQ8_0 block{};  // zero: rows past the end contribute nothing
        if (row < src.rows) {
          std::memcpy(&block,
                      in + static_cast<size_t>(row) * row_bytes +
                          static_cast<size_t>(b) * sizeof(BlockQ8_0),
                      sizeof(block));
        }
        std::memcpy(col + i * sizeof(Half), &block.d, sizeof(Half));
        for (int j = 0; j < 8; ++j) {
          std::memcpy(col + kRows8 * sizeof(Half) + 32 * j + 4 * i, block.qs + 4 * j, 4);
        }
      }
    }
  }
}

}  // namespace

void RepackRows8(const WeightMatrix& src, int64_t row_begin, int64_t row_end, void* dst) {
  assert(src.layout == WeightLayout::kRowMajor && CanRepackRows8(src.type));
  assert(row_begin % kRows8 == 0 && row_begin <= row_end && row_end <= src.rows);
  assert(row_end % kRows8 == 0 || row_end == src.rows);
  if (src.type == DType::kQ4_K) {
    RepackQ4KGroups(src, row_begin / kRows8, (row_end + kRows8 - 1) / kRows8,
                    static_cast<uint8_t*>(dst));
    return;
  }
  if (src.type == DType::kQ8_0) {
    RepackQ8_0Groups(src, row_begin / kRows8, (row_end + kRows8 - 1) / kRows8,
                     static_cast<uint8_t*>(dst));
    return;
  }
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
