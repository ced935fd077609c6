// Reads GGUF model files (versions 2 and 3) without copying tensor data.
//
// The file is memory-mapped and treated as hostile: before anything is trusted, every count,
// string length, array length, tensor dimension, type, offset and size is checked against the
// bytes actually present, so a truncated or malicious file yields a Status naming the file and
// the problem, e.g.
//   model file 'x.gguf': tensor 'blk.3.attn_q.weight' data [8192, 4202496) is past the end of
//   the file (4194336 bytes)
// and never a crash or an out-of-bounds read. docs/engine.md lists every check.
//
//   PTMO_ASSIGN_OR_RETURN(GgufFile gguf, GgufFile::Open(path));
//   PTMO_ASSIGN_OR_RETURN(uint32_t n_layer, gguf.GetU32("llama.block_count"));
//   PTMO_ASSIGN_OR_RETURN(const GgufTensor* wq, gguf.GetTensor("blk.0.attn_q.weight"));
//
// A GgufFile is immutable after Open; all const methods are safe to call concurrently.
// Every string_view, span and data pointer it hands out points into the mapping and stays valid
// until the GgufFile is destroyed (moving it keeps them valid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/gguf_format.h"
#include "engine/mapped_file.h"
#include "tensor/dtype.h"
#include "util/status.h"

namespace ptmo::engine {

// One tensor-info record, validated: its data lies inside the file, aligned.
struct GgufTensor {
  std::string_view name;
  tensor::DType type = tensor::DType::kF32;  // a known ggml type; may be one we cannot compute
  int n_dims = 0;                            // 1..4
  int64_t ne[kGgufMaxDims] = {1, 1, 1, 1};   // ne[0] is the contiguous row length
  uint64_t offset = 0;                       // from the start of the data section
  size_t size_bytes = 0;
  const uint8_t* data = nullptr;  // into the mapping

  int64_t num_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
  int64_t num_rows() const { return ne[1] * ne[2] * ne[3]; }
  std::span<const int64_t> dims() const { return {ne, static_cast<size_t>(n_dims)}; }
};

// A metadata entry as stored. For scalars `data` points at the value's bytes (little-endian,
// possibly unaligned); strings are views; arrays keep their element type and count, string
// arrays a view per element.
struct GgufMetadata {
  std::string_view key;
  GgufType type = GgufType::kUint8;
  GgufType array_type = GgufType::kUint8;  // element type when type == kArray
  uint64_t count = 1;                      // elements when type == kArray
  const uint8_t* data = nullptr;           // scalar value, or first array element
  std::string_view string;                 // when type == kString
  std::vector<std::string_view> strings;   // when type == kArray of kString
};

class GgufFile {
 public:
  // Maps and validates the file at `path`. Errors: kNotFound (no such file), kInvalidArgument
  // (cannot be read, or any format violation; the message names the file and the problem).
  static Expected<GgufFile> Open(const std::string& path);

  // Validates an in-memory image; `bytes` is not copied and must outlive the result. `name`
  // stands for the file in messages.
  static Expected<GgufFile> FromBuffer(std::string name, std::span<const uint8_t> bytes);

  GgufFile(GgufFile&&) noexcept = default;
  GgufFile& operator=(GgufFile&&) noexcept = default;
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

  const std::string& name() const { return name_; }
  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }
  size_t data_offset() const { return data_offset_; }  // start of the tensor data section
  size_t file_size() const { return size_; }
  const uint8_t* base() const { return base_; }
  // True when the bytes are a private read-only mapping of a file (Open), whose pages the
  // kernel can drop and read again; false for FromBuffer images.
  bool file_backed() const { return map_.data() != nullptr; }

  // ---- metadata ----
  const std::vector<GgufMetadata>& metadata() const { return metadata_; }
  // nullptr when absent.
  const GgufMetadata* FindMetadata(std::string_view key) const;
  bool HasKey(std::string_view key) const { return FindMetadata(key) != nullptr; }

  // Typed getters. Each fails with kNotFound when the key is absent and kInvalidArgument when
  // the stored type differs (no implicit conversions: a uint64 is not a uint32), both naming
  // the file and the key.
  Expected<uint8_t> GetU8(std::string_view key) const;
  Expected<int8_t> GetI8(std::string_view key) const;
  Expected<uint16_t> GetU16(std::string_view key) const;
  Expected<int16_t> GetI16(std::string_view key) const;
  Expected<uint32_t> GetU32(std::string_view key) const;
  Expected<int32_t> GetI32(std::string_view key) const;
  Expected<uint64_t> GetU64(std::string_view key) const;
  Expected<int64_t> GetI64(std::string_view key) const;
  Expected<float> GetF32(std::string_view key) const;
  Expected<double> GetF64(std::string_view key) const;
  Expected<bool> GetBool(std::string_view key) const;
  Expected<std::string_view> GetString(std::string_view key) const;

  // Any integer type, widened to int64_t (converters disagree on uint32 vs uint64 for the same
  // key). Fails for non-integers and for uint64 values above INT64_MAX.
  Expected<int64_t> GetInteger(std::string_view key) const;

  // Arrays. T is one of uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, uint64_t,
  // int64_t, float, double or bool, and must match the stored element type exactly. Values
  // are copied out (array data in a GGUF file is not aligned).
  template <typename T>
  Expected<std::vector<T>> GetArray(std::string_view key) const;
  Expected<std::span<const std::string_view>> GetStringArray(std::string_view key) const;

  // ---- tensors ----
  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  // nullptr when absent.
  const GgufTensor* FindTensor(std::string_view name) const;
  // kNotFound naming the file and the tensor when absent.
  Expected<const GgufTensor*> GetTensor(std::string_view name) const;

 private:
  friend class GgufParser;
  GgufFile() = default;

  Expected<const GgufMetadata*> Lookup(std::string_view key, GgufType want) const;
  std::string Prefix() const;  // "model file 'x.gguf': "

  MappedFile map_;  // empty for FromBuffer
  std::string name_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  uint32_t alignment_ = kGgufDefaultAlignment;
  size_t data_offset_ = 0;
  std::vector<GgufMetadata> metadata_;
  std::vector<GgufTensor> tensors_;
  std::unordered_map<std::string_view, size_t> metadata_index_;
  std::unordered_map<std::string_view, size_t> tensor_index_;
};

}  // namespace ptmo::engine
