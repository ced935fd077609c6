// Builds GGUF version 3 files: metadata of every type and tensors with alignment padding,
// laid out as llama.cpp writes them (tensor data packed in insertion order, each tensor padded
// to the alignment), so llama.cpp and our reader both load the result.
//
//   GgufWriter w;
//   PTMO_RETURN_IF_ERROR(w.SetString("general.architecture", "llama"));
//   PTMO_RETURN_IF_ERROR(w.AddTensor("token_embd.weight", DType::kQ8_0, {4096, 32000}, bytes));
//   PTMO_RETURN_IF_ERROR(w.WriteFile("model.gguf"));
//
// Setters validate as they go (duplicate key or tensor name, bad shape, data of the wrong size:
// kInvalidArgument, nothing recorded). The writer copies tensor data, so it suits adapters and
// test models; model-sized output would want a streaming variant. Not thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/gguf_format.h"
#include "tensor/dtype.h"
#include "util/status.h"

namespace ptmo::engine {

class GgufWriter {
 public:
  GgufWriter() = default;

  // ---- metadata (in insertion order) ----
  Status SetU8(std::string_view key, uint8_t v);
  Status SetI8(std::string_view key, int8_t v);
  Status SetU16(std::string_view key, uint16_t v);
  Status SetI16(std::string_view key, int16_t v);
  // Setting "general.alignment" also sets the alignment used for the tensor data; it must be a
  // power of two of at least 8 (kInvalidArgument otherwise) and be set before any tensor.
  Status SetU32(std::string_view key, uint32_t v);
  Status SetI32(std::string_view key, int32_t v);
  Status SetU64(std::string_view key, uint64_t v);
  Status SetI64(std::string_view key, int64_t v);
  Status SetF32(std::string_view key, float v);
  Status SetF64(std::string_view key, double v);
  Status SetBool(std::string_view key, bool v);
  Status SetString(std::string_view key, std::string_view v);

  // T is one of uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, uint64_t, int64_t,
  // float, double.
  template <typename T>
  Status SetArray(std::string_view key, std::span<const T> values);
  Status SetBoolArray(std::string_view key, const std::vector<bool>& values);
  Status SetStringArray(std::string_view key, std::span<const std::string> values);
  Status SetStringArray(std::string_view key, std::span<const std::string_view> values);

  // ---- tensors ----
  // Adds a tensor of `type` with dims `ne` (1 to 4, ne[0] contiguous), copying `data`, which
  // must be exactly TensorBytes(type, ne) bytes. The name must be 1 to 63 bytes and unused.
  Status AddTensor(std::string_view name, tensor::DType type, std::span<const int64_t> ne,
                   std::span<const uint8_t> data);
  Status AddTensor(std::string_view name, tensor::DType type, std::initializer_list<int64_t> ne,
                   std::span<const uint8_t> data) {
    return AddTensor(name, type, std::span<const int64_t>(ne.begin(), ne.size()), data);
  }

  uint32_t alignment() const { return alignment_; }

  // The complete file image.
  std::string Serialize() const;

  // Writes the file atomically (temporary file, fsync, rename): on error an existing file at
  // `path` is left untouched. The error names the path.
  Status WriteFile(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    tensor::DType type;
    std::vector<int64_t> ne;
    std::vector<uint8_t> data;
  };

  Status BeginEntry(std::string_view key, GgufType type);  // checks the key, writes key + type
  template <typename T>
  void Put(T v);
  void PutString(std::string_view s);

  uint32_t alignment_ = kGgufDefaultAlignment;
  uint64_t n_metadata_ = 0;
  std::string metadata_;  // serialized entries
  std::unordered_set<std::string> keys_;
  std::vector<Tensor> tensors_;
  std::unordered_set<std::string> tensor_names_;
};

}  // namespace ptmo::engine
