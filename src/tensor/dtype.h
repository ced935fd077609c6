// Element types of tensors, numbered exactly as ggml's `ggml_type` so that the value stored in a
// GGUF tensor-info record can be used directly.
//
// The traits table knows the block size and bytes per block of every ggml type that has ever
// had a stable number (so a GGUF reader can size and bounds-check any tensor), and marks the
// ones this library can compute with (`supported`). Numbers 4, 5, 31-33 and 36-38 were retired
// by ggml and are unknown here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "util/status.h"

namespace ptmo::tensor {

enum class DType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
  kMXFP4 = 39,
};

struct DTypeTraits {
  DType type;
  const char* name;    // ggml's spelling: "f32", "q4_0", "q4_K"
  int64_t block_size;  // elements per block (1 for plain types)
  size_t block_bytes;  // bytes per block
  bool quantized;      // block_size > 1
  bool supported;      // this library has (de)quantize and dot kernels for it
};

// The traits of ggml type number `ggml_type`, or nullptr when the number is not a known type
// (retired, or newer than this table). Thread-safe (immutable table).
const DTypeTraits* FindDTypeTraits(uint32_t ggml_type);

// The traits of a known type. `type` must be one of the enumerators above.
const DTypeTraits& Traits(DType type);

// "q4_K"; "unknown" for a value outside the enum.
std::string_view DTypeName(DType type);

// True for the types this library computes with: F32, F16, Q4_0, Q8_0, Q4_K, Q6_K (and Q8_K,
// which only ever holds activations).
inline bool IsSupported(DType type) {
  return Traits(type).supported;
}

// Bytes taken by `n` consecutive elements of `type` (one row). Fails with kInvalidArgument when
// `n` is negative or not a multiple of the type's block size, kResourceExhausted when the byte
// count does not fit in size_t. Thread-safe.
Expected<size_t> RowBytes(DType type, int64_t n);

// Bytes of a dense tensor of `type` with dims `ne` (ne[0] is the contiguous row length, as in
// ggml). Every dim must be > 0, ne[0] a multiple of the block size, and the element count and
// byte count must not overflow int64_t / size_t. Thread-safe.
Expected<size_t> TensorBytes(DType type, std::span<const int64_t> ne);

}  // namespace ptmo::tensor
