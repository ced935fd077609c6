// Quantization blocks, byte for byte as ggml stores them in GGUF files (little-endian).
//
// These structs are on-disk contracts: every field order and size matches ggml's block_* struct
// of the same name, and each size is asserted below. The meaning of the bits (how a block turns
// back into floats) is documented here and implemented in quantize.cc; docs/engine.md draws it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/f16.h"

namespace ptmo::tensor {

inline constexpr int kQK4_0 = 32;  // elements per Q4_0 block
inline constexpr int kQK8_0 = 32;  // elements per Q8_0 block
inline constexpr int kQK_K = 256;  // elements per K-quant super-block
inline constexpr int kKScaleBytes = 12;

// Q4_0: 32 weights, w[j] = d * (q[j] - 8) with q in [0, 15].
// qs[j] holds element j in its low nibble and element j + 16 in its high nibble.
struct BlockQ4_0 {
  Half d;
  uint8_t qs[kQK4_0 / 2];
};
static_assert(sizeof(BlockQ4_0) == 18, "Q4_0 block must be 18 bytes like ggml's block_q4_0");

// Q8_0: 32 values, v[j] = d * qs[j].
struct BlockQ8_0 {
  Half d;
  int8_t qs[kQK8_0];
};
static_assert(sizeof(BlockQ8_0) == 34, "Q8_0 block must be 34 bytes like ggml's block_q8_0");

// Q4_K: 256 weights in 8 sub-blocks of 32. Sub-block s has a 6-bit scale sc[s] and a 6-bit min
// m[s]; w = d * sc[s] * q - dmin * m[s], q in [0, 15].
// scales[12] packs the 16 six-bit numbers: for s < 4, sc[s] = scales[s] & 63 and
// m[s] = scales[s + 4] & 63; for s >= 4, sc[s] = (scales[s + 4] & 15) | (scales[s - 4] >> 6) << 4
// and m[s] = (scales[s + 4] >> 4) | (scales[s] >> 6) << 4.
// qs is 4 chunks of 32 bytes; chunk c holds sub-block 2c in the low nibbles and sub-block 2c+1
// in the high nibbles (element l of each at byte l of the chunk).
struct BlockQ4_K {
  Half d;     // scale of the sub-block scales
  Half dmin;  // scale of the sub-block mins
  uint8_t scales[kKScaleBytes];
  uint8_t qs[kQK_K / 2];
};
static_assert(sizeof(BlockQ4_K) == 144, "Q4_K block must be 144 bytes like ggml's block_q4_K");

// Q6_K: 256 weights in 16 groups of 16, w = d * scales[g] * (q - 32), q in [0, 63].
// The block is two halves of 128 elements; half h uses ql[64h .. 64h+63], qh[32h .. 32h+31] and
// scales[8h .. 8h+7]. Within a half, for l in [0, 32):
//   element l      : low nibble of ql[l]      | bits 0-1 of qh[l] << 4, scale index l/16
//   element l + 32 : low nibble of ql[l + 32] | bits 2-3 of qh[l] << 4, scale index 2 + l/16
//   element l + 64 : high nibble of ql[l]     | bits 4-5 of qh[l] << 4, scale index 4 + l/16
//   element l + 96 : high nibble of ql[l + 32]| bits 6-7 of qh[l] << 4, scale index 6 + l/16
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  Half d;
};
static_assert(sizeof(BlockQ6_K) == 210, "Q6_K block must be 210 bytes like ggml's block_q6_K");

// Q8_K: activations for the K-quant dot products. v[j] = d * qs[j]; bsums[g] is the sum of
// qs[16g .. 16g+15], which lets a dot product fold in per-group offsets (Q4_K mins, Q6_K's -32)
// with one multiply per group.
struct BlockQ8_K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];
};
static_assert(sizeof(BlockQ8_K) == 292, "Q8_K block must be 292 bytes like ggml's block_q8_K");

static_assert(alignof(BlockQ4_0) == 2 && alignof(BlockQ8_0) == 2 && alignof(BlockQ4_K) == 2 &&
                  alignof(BlockQ6_K) == 2,
              "blocks are read in place from GGUF data aligned to 32 bytes or more");

// The 6-bit scale and min of sub-block `s` (0..7) of a Q4_K block.
inline void Q4KScaleMin(const uint8_t* scales, int s, uint8_t* sc, uint8_t* m) {
  if (s < 4) {
    *sc = scales[s] & 63;
    *m = scales[s + 4] & 63;
  } else {
    *sc = static_cast<uint8_t>((scales[s + 4] & 0x0F) | ((scales[s - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((scales[s + 4] >> 4) | ((scales[s] >> 6) << 4));
  }
}

}  // namespace ptmo::tensor
