#include "tensor/dtype.h"

#include <array>
#include <cassert>
#include <limits>
#include <string>

namespace ptmo::tensor {
namespace {

constexpr int kTableSize = 40;  // one past the highest known ggml type number (MXFP4 = 39)

constexpr DTypeTraits Plain(DType t, const char* name, size_t bytes, bool supported) {
  return {t, name, 1, bytes, false, supported};
}
constexpr DTypeTraits Blocked(DType t, const char* name, int64_t block, size_t bytes,
                              bool supported) {
  return {t, name, block, bytes, true, supported};
}

// Block sizes and bytes per block are ggml's (ggml-common.h block structs): a file written by
// llama.cpp sizes its tensors with exactly these numbers.
constexpr std::array<DTypeTraits, 32> kKnown = {{
    Plain(DType::kF32, "f32", 4, true),
    Plain(DType::kF16, "f16", 2, true),
    Blocked(DType::kQ4_0, "q4_0", 32, 18, true),
    Blocked(DType::kQ4_1, "q4_1", 32, 20, false),
    Blocked(DType::kQ5_0, "q5_0", 32, 22, false),
    Blocked(DType::kQ5_1, "q5_1", 32, 24, false),
    Blocked(DType::kQ8_0, "q8_0", 32, 34, true),
    Blocked(DType::kQ8_1, "q8_1", 32, 36, false),
    Blocked(DType::kQ2_K, "q2_K", 256, 84, false),
    Blocked(DType::kQ3_K, "q3_K", 256, 110, false),
    Blocked(DType::kQ4_K, "q4_K", 256, 144, true),
    Blocked(DType::kQ5_K, "q5_K", 256, 176, false),
    Blocked(DType::kQ6_K, "q6_K", 256, 210, true),
    Blocked(DType::kQ8_K, "q8_K", 256, 292, true),
    Blocked(DType::kIQ2_XXS, "iq2_xxs", 256, 66, false),
    Blocked(DType::kIQ2_XS, "iq2_xs", 256, 74, false),
    Blocked(DType::kIQ3_XXS, "iq3_xxs", 256, 98, false),
    Blocked(DType::kIQ1_S, "iq1_s", 256, 50, false),
    Blocked(DType::kIQ4_NL, "iq4_nl", 32, 18, false),
    Blocked(DType::kIQ3_S, "iq3_s", 256, 110, false),
    Blocked(DType::kIQ2_S, "iq2_s", 256, 82, false),
    Blocked(DType::kIQ4_XS, "iq4_xs", 256, 136, false),
    Plain(DType::kI8, "i8", 1, false),
    Plain(DType::kI16, "i16", 2, false),
    Plain(DType::kI32, "i32", 4, false),
    Plain(DType::kI64, "i64", 8, false),
    Plain(DType::kF64, "f64", 8, false),
    Blocked(DType::kIQ1_M, "iq1_m", 256, 56, false),
    Plain(DType::kBF16, "bf16", 2, false),
    Blocked(DType::kTQ1_0, "tq1_0", 256, 54, false),
    Blocked(DType::kTQ2_0, "tq2_0", 256, 66, false),
    Blocked(DType::kMXFP4, "mxfp4", 32, 17, false),
}};

struct Index {
  std::array<int8_t, kTableSize> slot{};
  constexpr Index() {
    for (auto& s : slot) s = -1;
    for (size_t i = 0; i < kKnown.size(); ++i) {
      slot[static_cast<uint32_t>(kKnown[i].type)] = static_cast<int8_t>(i);
    }
  }
};
constexpr Index kIndex;

}  // namespace

const DTypeTraits* FindDTypeTraits(uint32_t ggml_type) {
  if (ggml_type >= kTableSize) return nullptr;
  int8_t s = kIndex.slot[ggml_type];
  return s < 0 ? nullptr : &kKnown[static_cast<size_t>(s)];
}

const DTypeTraits& Traits(DType type) {
  const DTypeTraits* t = FindDTypeTraits(static_cast<uint32_t>(type));
  assert(t != nullptr && "Traits() called with a value outside the DType enum");
  return *t;
}

std::string_view DTypeName(DType type) {
  const DTypeTraits* t = FindDTypeTraits(static_cast<uint32_t>(type));
  return t == nullptr ? std::string_view("unknown") : std::string_view(t->name);
}

Expected<size_t> RowBytes(DType type, int64_t n) {
  const DTypeTraits* t = FindDTypeTraits(static_cast<uint32_t>(type));
  if (t == nullptr) {
    return InvalidArgument("unknown ggml type " + std::to_string(static_cast<uint32_t>(type)));
  }
  if (n < 0) return InvalidArgument("negative element count " + std::to_string(n));
  if (n % t->block_size != 0) {
    return InvalidArgument("row of " + std::to_string(n) + " " + t->name +
                           " elements is not a multiple of the block size " +
                           std::to_string(t->block_size));
  }
  uint64_t blocks = static_cast<uint64_t>(n / t->block_size);
  if (blocks > std::numeric_limits<size_t>::max() / t->block_bytes) {
    return ResourceExhausted("row of " + std::to_string(n) + " " + t->name +
                             " elements is too large to address");
  }
  return static_cast<size_t>(blocks) * t->block_bytes;
}

Expected<size_t> TensorBytes(DType type, std::span<const int64_t> ne) {
  if (ne.empty()) return InvalidArgument("tensor has no dimensions");
  int64_t rows = 1;
  for (size_t i = 0; i < ne.size(); ++i) {
    if (ne[i] <= 0) {
      return InvalidArgument("dimension " + std::to_string(i) + " is " + std::to_string(ne[i]) +
                             ", must be positive");
    }
    if (i == 0) continue;
    if (rows > std::numeric_limits<int64_t>::max() / ne[i]) {
      return ResourceExhausted("element count overflows 64 bits");
    }
    rows *= ne[i];
  }
  if (ne[0] > std::numeric_limits<int64_t>::max() / rows) {
    return ResourceExhausted("element count overflows 64 bits");
  }
  PTMO_ASSIGN_OR_RETURN(size_t row, RowBytes(type, ne[0]));
  if (row != 0 && static_cast<uint64_t>(rows) > std::numeric_limits<size_t>::max() / row) {
    return ResourceExhausted("byte count overflows 64 bits");
  }
  return row * static_cast<size_t>(rows);
}

}  // namespace ptmo::tensor
