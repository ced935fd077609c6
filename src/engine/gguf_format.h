// Constants of the GGUF container format (versions 2 and 3, little-endian), shared by the
// reader and the writer. Layout, in order:
//   u32 magic "GGUF" | u32 version | u64 tensor count | u64 metadata count
//   metadata: { string key | u32 value type | value }*
//   tensor infos: { string name | u32 n_dims | u64 ne[n_dims] | u32 ggml type | u64 offset }*
//   zero padding to `general.alignment` (default 32) | tensor data
// A string is a u64 byte length and the bytes (no terminator); an array value is a u32 element
// type, a u64 count and the elements. Tensor offsets are relative to the start of the data
// section and multiples of the alignment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ptmo::engine {

inline constexpr uint32_t kGgufMagic = 0x46554747;  // the bytes 'G' 'G' 'U' 'F'
inline constexpr uint32_t kGgufVersion = 3;         // what the writer produces
inline constexpr uint32_t kGgufDefaultAlignment = 32;
inline constexpr std::string_view kGgufAlignmentKey = "general.alignment";
inline constexpr int kGgufMaxDims = 4;
// ggml's GGML_MAX_NAME is 64 including the terminating NUL: llama.cpp refuses longer names.
inline constexpr size_t kGgufMaxTensorName = 63;
// The format caps keys at 65535 bytes.
inline constexpr size_t kGgufMaxKey = 65535;

enum class GgufType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};
inline constexpr uint32_t kGgufTypeCount = 13;

// "uint32", "string", ...; "unknown" outside the enum.
std::string_view GgufTypeName(GgufType type);

// Bytes of one value of a fixed-size type; 0 for kString and kArray.
size_t GgufScalarSize(GgufType type);

}  // namespace ptmo::engine
