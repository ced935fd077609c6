#include "engine/gguf_writer.h"

#include <cstring>
#include <type_traits>

#include "util/file.h"

namespace ptmo::engine {

using tensor::DType;

namespace {

template <typename T>
void Append(std::string* out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian host, little-endian format
  out->append(bytes, sizeof(T));
}

void AppendString(std::string* out, std::string_view s) {
  Append<uint64_t>(out, s.size());
  out->append(s.data(), s.size());
}

void PadTo(std::string* out, uint64_t alignment) {
  const uint64_t rem = out->size() % alignment;
  if (rem != 0) out->append(alignment - rem, '\0');
}

template <typename T>
constexpr GgufType TypeOf() {
  if constexpr (std::is_same_v<T, uint8_t>) return GgufType::kUint8;
  if constexpr (std::is_same_v<T, int8_t>) return GgufType::kInt8;
  if constexpr (std::is_same_v<T, uint16_t>) return GgufType::kUint16;
  if constexpr (std::is_same_v<T, int16_t>) return GgufType::kInt16;
  if constexpr (std::is_same_v<T, uint32_t>) return GgufType::kUint32;
  if constexpr (std::is_same_v<T, int32_t>) return GgufType::kInt32;
  if constexpr (std::is_same_v<T, uint64_t>) return GgufType::kUint64;
  if constexpr (std::is_same_v<T, int64_t>) return GgufType::kInt64;
  if constexpr (std::is_same_v<T, float>) return GgufType::kFloat32;
  if constexpr (std::is_same_v<T, double>) return GgufType::kFloat64;
}

}  // namespace

template <typename T>
void GgufWriter::Put(T v) {
  Append<T>(&metadata_, v);
}

void GgufWriter::PutString(std::string_view s) {
  AppendString(&metadata_, s);
}

Status GgufWriter::BeginEntry(std::string_view key, GgufType type) {
  if (key.empty()) return InvalidArgument("GGUF metadata key is empty");
  if (key.size() > kGgufMaxKey) {
    return InvalidArgument("GGUF metadata key of " + std::to_string(key.size()) +
                           " bytes is above the limit of " + std::to_string(kGgufMaxKey));
  }
  if (!keys_.emplace(key).second) {
    return InvalidArgument("GGUF metadata key '" + std::string(key) + "' is already set");
  }
  if (key == kGgufAlignmentKey && type != GgufType::kUint32) {
    keys_.erase(std::string(key));
    return InvalidArgument("general.alignment must be a uint32");
  }
  PutString(key);
  Put<uint32_t>(static_cast<uint32_t>(type));
  ++n_metadata_;
  return Status::Ok();
}

#define PTMO_GGUF_SCALAR_SETTER(Name, T)                \
  Status GgufWriter::Name(std::string_view key, T v) {  \
    PTMO_RETURN_IF_ERROR(BeginEntry(key, TypeOf<T>())); \
    Put<T>(v);                                          \
    return Status::Ok();                                \
  }
PTMO_GGUF_SCALAR_SETTER(SetU8, uint8_t)
PTMO_GGUF_SCALAR_SETTER(SetI8, int8_t)
PTMO_GGUF_SCALAR_SETTER(SetU16, uint16_t)
PTMO_GGUF_SCALAR_SETTER(SetI16, int16_t)
PTMO_GGUF_SCALAR_SETTER(SetI32, int32_t)
PTMO_GGUF_SCALAR_SETTER(SetU64, uint64_t)
PTMO_GGUF_SCALAR_SETTER(SetI64, int64_t)
PTMO_GGUF_SCALAR_SETTER(SetF32, float)
PTMO_GGUF_SCALAR_SETTER(SetF64, double)
#undef PTMO_GGUF_SCALAR_SETTER

Status GgufWriter::SetU32(std::string_view key, uint32_t v) {
  if (key == kGgufAlignmentKey) {
    if (v < 8 || (v & (v - 1)) != 0) {
      return InvalidArgument("general.alignment " + std::to_string(v) +
                             " must be a power of two of at least 8");
    }
    if (!tensors_.empty()) {
      return InvalidArgument("general.alignment must be set before the first tensor");
    }
  }
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kUint32));
  Put<uint32_t>(v);
  if (key == kGgufAlignmentKey) alignment_ = v;
  return Status::Ok();
}

Status GgufWriter::SetBool(std::string_view key, bool v) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kBool));
  Put<uint8_t>(v ? 1 : 0);
  return Status::Ok();
}

Status GgufWriter::SetString(std::string_view key, std::string_view v) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kString));
  PutString(v);
  return Status::Ok();
}

template <typename T>
Status GgufWriter::SetArray(std::string_view key, std::span<const T> values) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kArray));
  Put<uint32_t>(static_cast<uint32_t>(TypeOf<T>()));
  Put<uint64_t>(values.size());
  for (const T& v : values) Put<T>(v);
  return Status::Ok();
}

template Status GgufWriter::SetArray(std::string_view, std::span<const uint8_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const int8_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const uint16_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const int16_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const uint32_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const int32_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const uint64_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const int64_t>);
template Status GgufWriter::SetArray(std::string_view, std::span<const float>);
template Status GgufWriter::SetArray(std::string_view, std::span<const double>);

Status GgufWriter::SetBoolArray(std::string_view key, const std::vector<bool>& values) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kArray));
  Put<uint32_t>(static_cast<uint32_t>(GgufType::kBool));
  Put<uint64_t>(values.size());
  for (bool v : values) Put<uint8_t>(v ? 1 : 0);
  return Status::Ok();
}

Status GgufWriter::SetStringArray(std::string_view key, std::span<const std::string> values) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kArray));
  Put<uint32_t>(static_cast<uint32_t>(GgufType::kString));
  Put<uint64_t>(values.size());
  for (const std::string& v : values) PutString(v);
  return Status::Ok();
}

Status GgufWriter::SetStringArray(std::string_view key, std::span<const std::string_view> values) {
  PTMO_RETURN_IF_ERROR(BeginEntry(key, GgufType::kArray));
  Put<uint32_t>(static_cast<uint32_t>(GgufType::kString));
  Put<uint64_t>(values.size());
  for (std::string_view v : values) PutString(v);
  return Status::Ok();
}

Status GgufWriter::AddTensor(std::string_view name, DType type, std::span<const int64_t> ne,
                             std::span<const uint8_t> data) {
  const std::string what = "GGUF tensor '" + std::string(name) + "'";
  if (name.empty()) return InvalidArgument("GGUF tensor name is empty");
  if (name.size() > kGgufMaxTensorName) {
    return InvalidArgument(what + " name is " + std::to_string(name.size()) +
                           " bytes, above the limit of " + std::to_string(kGgufMaxTensorName));
  }
  if (tensor_names_.count(std::string(name)) != 0) return InvalidArgument(what + " already added");
  if (tensor::FindDTypeTraits(static_cast<uint32_t>(type)) == nullptr) {
    return InvalidArgument(what + " has unknown ggml type " +
                           std::to_string(static_cast<uint32_t>(type)));
  }
  if (ne.empty() || ne.size() > static_cast<size_t>(kGgufMaxDims)) {
    return InvalidArgument(what + " has " + std::to_string(ne.size()) +
                           " dimensions, must be 1 to 4");
  }
  auto bytes = tensor::TensorBytes(type, ne);
  if (!bytes.ok()) return InvalidArgument(what + ": " + bytes.status().message());
  if (*bytes != data.size()) {
    return InvalidArgument(what + " needs " + std::to_string(*bytes) + " bytes of " +
                           std::string(tensor::DTypeName(type)) + " data, got " +
                           std::to_string(data.size()));
  }
  tensor_names_.emplace(name);
  tensors_.push_back(Tensor{std::string(name), type, std::vector<int64_t>(ne.begin(), ne.end()),
                            std::vector<uint8_t>(data.begin(), data.end())});
  return Status::Ok();
}

std::string GgufWriter::Serialize() const {
  std::string out;
  Append<uint32_t>(&out, kGgufMagic);
  Append<uint32_t>(&out, kGgufVersion);
  Append<uint64_t>(&out, tensors_.size());
  Append<uint64_t>(&out, n_metadata_);
  out += metadata_;
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    AppendString(&out, t.name);
    Append<uint32_t>(&out, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) Append<uint64_t>(&out, static_cast<uint64_t>(d));
    Append<uint32_t>(&out, static_cast<uint32_t>(t.type));
    Append<uint64_t>(&out, offset);
    offset += (t.data.size() + alignment_ - 1) / alignment_ * alignment_;
  }
  PadTo(&out, alignment_);
  for (const Tensor& t : tensors_) {
    out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size());
    PadTo(&out, alignment_);
  }
  return out;
}

Status GgufWriter::WriteFile(const std::string& path) const {
  return WriteFileAtomic(path, Serialize(), 0644);
}

}  // namespace ptmo::engine
