// Hand-assembled GGUF bytes for reader tests, written from the format description and
// independent of GgufWriter, so a defect can be placed in exactly one field.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::engine::testing {

class Bytes {
 public:
  template <typename T>
  Bytes& Put(T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    data.insert(data.end(), b, b + sizeof(T));
    return *this;
  }
  Bytes& U8(uint8_t v) { return Put(v); }
  Bytes& U32(uint32_t v) { return Put(v); }
  Bytes& U64(uint64_t v) { return Put(v); }
  Bytes& Str(std::string_view s) {
    U64(s.size());
    data.insert(data.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& Append(const std::vector<uint8_t>& more) {
    data.insert(data.end(), more.begin(), more.end());
    return *this;
  }
  std::vector<uint8_t> data;
};

// Value type numbers from the format.
enum : uint32_t { kU8 = 0, kU32 = 4, kF32 = 6, kBool = 7, kStr = 8, kArr = 9, kU64 = 10 };

inline std::vector<uint8_t> KvU32(std::string_view key, uint32_t v) {
  return Bytes().Str(key).U32(kU32).U32(v).data;
}
inline std::vector<uint8_t> KvString(std::string_view key, std::string_view v) {
  return Bytes().Str(key).U32(kStr).Str(v).data;
}
inline std::vector<uint8_t> KvStringArray(std::string_view key, const std::vector<std::string>& v) {
  Bytes b;
  b.Str(key).U32(kArr).U32(kStr).U64(v.size());
  for (const std::string& s : v) b.Str(s);
  return b.data;
}

struct RawTensor {
  std::string name;
  std::vector<uint64_t> ne;
  uint32_t type;
  uint64_t offset;
};

struct RawSpec {
  uint32_t magic = 0x46554747;
  uint32_t version = 3;
  std::optional<uint64_t> n_tensors;  // overrides tensors.size()
  std::optional<uint64_t> n_kv;       // overrides kvs.size()
  std::vector<std::vector<uint8_t>> kvs;
  std::vector<RawTensor> tensors;
  uint64_t pad_to = 32;     // alignment of the data section start
  uint64_t data_bytes = 0;  // bytes of tensor data appended after the padding
};

inline std::vector<uint8_t> Build(const RawSpec& s) {
  Bytes b;
  b.U32(s.magic).U32(s.version);
  b.U64(s.n_tensors.value_or(s.tensors.size()));
  b.U64(s.n_kv.value_or(s.kvs.size()));
  for (const auto& kv : s.kvs) b.Append(kv);
  for (const RawTensor& t : s.tensors) {
    b.Str(t.name).U32(static_cast<uint32_t>(t.ne.size()));
    for (uint64_t d : t.ne) b.U64(d);
    b.U32(t.type).U64(t.offset);
  }
  while (b.data.size() % s.pad_to != 0) b.U8(0);
  for (uint64_t i = 0; i < s.data_bytes; ++i) b.U8(static_cast<uint8_t>(i * 7));
  return b.data;
}

// A small valid file: three metadata entries, an f32 tensor of 32 values (128 bytes at offset
// 0) and a 64x2 Q8_0 tensor (4 blocks, 136 bytes at offset 128). The file ends exactly at the
// last data byte, so every proper prefix of it is truncated somewhere that matters.
inline RawSpec ValidSpec() {
  RawSpec s;
  s.kvs = {KvString("general.architecture", "llama"), KvU32("general.alignment", 32),
           KvStringArray("tokenizer.ggml.tokens", {"<s>", "hello", ""})};
  s.tensors = {{"a.weight", {32}, 0, 0}, {"b.weight", {64, 2}, 8, 128}};
  s.data_bytes = 128 + 136;
  return s;
}

}  // namespace ptmo::engine::testing
