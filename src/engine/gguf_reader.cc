#include "engine/gguf_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

namespace ptmo::engine {

using tensor::DType;
using tensor::DTypeTraits;

namespace {

// Smallest possible encodings, used to reject counts the remaining bytes cannot hold before
// reserving memory for them: a metadata entry is a non-empty key (8 + 1), a type (4) and at
// least one value byte; a tensor info is a non-empty name (8 + 1), n_dims (4), one dim (8), a
// type (4) and an offset (8).
constexpr uint64_t kMinMetadataBytes = 8 + 1 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;

std::string Quoted(std::string_view s) {
  // Keys and names come from the file: show at most 80 bytes, non-printable bytes escaped.
  std::string out = "'";
  const size_t n = std::min<size_t>(s.size(), 80);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > n) out += "...";
  return out + "'";
}

std::string Num(uint64_t v) {
  return std::to_string(v);
}

template <typename T>
T LoadLE(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // the format is little-endian, as is every host we build for
  return v;
}

bool IsPowerOfTwo(uint64_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

}  // namespace

// Walks the header, checking each read against the bytes left. Every error names the file.
class GgufParser {
 public:
  explicit GgufParser(GgufFile* file) : f_(*file) {}

  Status Parse() {
    PTMO_RETURN_IF_ERROR(ParseHeader());
    PTMO_RETURN_IF_ERROR(ParseMetadata());
    PTMO_RETURN_IF_ERROR(ApplyAlignment());
    PTMO_RETURN_IF_ERROR(ParseTensorInfos());
    return PlaceTensorData();
  }

 private:
  Status Error(const std::string& what) const { return InvalidArgument(f_.Prefix() + what); }

  uint64_t Remaining() const { return f_.size_ - pos_; }

  Status Need(uint64_t bytes, const std::string& what) const {
    if (bytes > Remaining()) {
      return Error(what + " at byte " + Num(pos_) + " needs " + Num(bytes) +
                   " bytes, but the file is only " + Num(f_.size_) + " bytes (truncated?)");
    }
    return Status::Ok();
  }

  template <typename T>
  Status Read(T* out, const std::string& what) {
    PTMO_RETURN_IF_ERROR(Need(sizeof(T), what));
    *out = LoadLE<T>(f_.base_ + pos_);
    pos_ += sizeof(T);
    return Status::Ok();
  }

  Status ReadString(std::string_view* out, uint64_t max_len, const std::string& what) {
    uint64_t len = 0;
    PTMO_RETURN_IF_ERROR(Read(&len, what + " length"));
    if (len > Remaining()) {
      return Error(what + " at byte " + Num(pos_ - 8) + " has length " + Num(len) +
                   ", which runs past the end of the file (" + Num(f_.size_) + " bytes)");
    }
    if (len > max_len) {
      return Error(what + " at byte " + Num(pos_ - 8) + " is " + Num(len) +
                   " bytes long, above the limit of " + Num(max_len));
    }
    *out = std::string_view(reinterpret_cast<const char*>(f_.base_ + pos_), len);
    pos_ += len;
    return Status::Ok();
  }

  Status ParseHeader() {
    if (f_.size_ < 4) {
      return Error("is " + Num(f_.size_) + " bytes, too short to be a GGUF file");
    }
    uint32_t magic = 0;
    PTMO_RETURN_IF_ERROR(Read(&magic, "magic"));
    if (magic != kGgufMagic) {
      return Error("is not a GGUF file (it starts with " +
                   Quoted(std::string_view(reinterpret_cast<const char*>(f_.base_), 4)) +
                   ", expected 'GGUF')");
    }
    PTMO_RETURN_IF_ERROR(Read(&f_.version_, "version"));
    if (f_.version_ != 2 && f_.version_ != 3) {
      std::string why = "GGUF version " + Num(f_.version_) + " is not supported (2 and 3 are)";
      if (f_.version_ == 1) why += "; re-convert the model with a current llama.cpp";
      const uint32_t swapped = __builtin_bswap32(f_.version_);
      if (swapped == 2 || swapped == 3) why += "; the file looks big-endian";
      return Error(why);
    }
    PTMO_RETURN_IF_ERROR(Read(&n_tensors_, "tensor count"));
    PTMO_RETURN_IF_ERROR(Read(&n_metadata_, "metadata count"));
    if (n_metadata_ > Remaining() / kMinMetadataBytes) {
      return Error("claims " + Num(n_metadata_) + " metadata entries, more than the remaining " +
                   Num(Remaining()) + " bytes can hold");
    }
    if (n_tensors_ > Remaining() / kMinTensorInfoBytes) {
      return Error("claims " + Num(n_tensors_) + " tensors, more than the remaining " +
                   Num(Remaining()) + " bytes can hold");
    }
    return Status::Ok();
  }

  Status ParseMetadata() {
    f_.metadata_.reserve(n_metadata_);
    for (uint64_t i = 0; i < n_metadata_; ++i) {
      const std::string where = "metadata entry " + Num(i);
      GgufMetadata m;
      PTMO_RETURN_IF_ERROR(ReadString(&m.key, kGgufMaxKey, where + " key"));
      if (m.key.empty()) return Error(where + " has an empty key");
      const std::string what = "metadata key " + Quoted(m.key);
      if (f_.metadata_index_.count(m.key) != 0) return Error(what + " appears twice");
      uint32_t type = 0;
      PTMO_RETURN_IF_ERROR(Read(&type, what + " type"));
      if (type >= kGgufTypeCount) {
        return Error(what + " has unknown value type " + Num(type));
      }
      m.type = static_cast<GgufType>(type);
      PTMO_RETURN_IF_ERROR(ParseValue(&m, what));
      f_.metadata_index_.emplace(m.key, f_.metadata_.size());
      f_.metadata_.push_back(std::move(m));
    }
    return Status::Ok();
  }

  Status ParseScalar(GgufType type, const std::string& what, const uint8_t** at) {
    const size_t size = GgufScalarSize(type);
    PTMO_RETURN_IF_ERROR(Need(size, what + " value"));
    *at = f_.base_ + pos_;
    if (type == GgufType::kBool && **at > 1) {
      return Error(what + " is a bool with byte value " + Num(**at) + " (must be 0 or 1)");
    }
    pos_ += size;
    return Status::Ok();
  }

  Status ParseValue(GgufMetadata* m, const std::string& what) {
    if (m->type == GgufType::kString) {
      return ReadString(&m->string, std::numeric_limits<uint64_t>::max(), what + " string");
    }
    if (m->type != GgufType::kArray) return ParseScalar(m->type, what, &m->data);

    uint32_t elem = 0;
    PTMO_RETURN_IF_ERROR(Read(&elem, what + " array element type"));
    if (elem >= kGgufTypeCount) {
      return Error(what + " is an array of unknown element type " + Num(elem));
    }
    m->array_type = static_cast<GgufType>(elem);
    if (m->array_type == GgufType::kArray) {
      return Error(what + " is an array of arrays, which is not supported");
    }
    PTMO_RETURN_IF_ERROR(Read(&m->count, what + " array length"));
    const std::string type_name(GgufTypeName(m->array_type));
    if (m->array_type == GgufType::kString) {
      if (m->count > Remaining() / 8) {
        return Error(what + " claims " + Num(m->count) + " strings, more than the remaining " +
                     Num(Remaining()) + " bytes can hold");
      }
      m->data = f_.base_ + pos_;
      m->strings.resize(m->count);
      for (uint64_t k = 0; k < m->count; ++k) {
        PTMO_RETURN_IF_ERROR(ReadString(&m->strings[k], std::numeric_limits<uint64_t>::max(),
                                        what + " string " + Num(k)));
      }
      return Status::Ok();
    }
    const size_t elem_size = GgufScalarSize(m->array_type);
    if (m->count > Remaining() / elem_size) {
      return Error(what + " claims " + Num(m->count) + " " + type_name +
                   " values, more than the remaining " + Num(Remaining()) + " bytes hold");
    }
    m->data = f_.base_ + pos_;
    if (m->array_type == GgufType::kBool) {
      for (uint64_t k = 0; k < m->count; ++k) {
        if (m->data[k] > 1) {
          return Error(what + " bool element " + Num(k) + " has byte value " + Num(m->data[k]) +
                       " (must be 0 or 1)");
        }
      }
    }
    pos_ += m->count * elem_size;
    return Status::Ok();
  }

  Status ApplyAlignment() {
    const GgufMetadata* m = f_.FindMetadata(kGgufAlignmentKey);
    if (m == nullptr) return Status::Ok();
    if (m->type != GgufType::kUint32) {
      return Error("metadata key 'general.alignment' has type " +
                   std::string(GgufTypeName(m->type)) + ", expected uint32");
    }
    const uint32_t a = LoadLE<uint32_t>(m->data);
    // Blocks are read in place, so tensor data needs at least the 4-byte alignment of f32 and
    // Q8_K; every real writer uses 32 or more.
    if (!IsPowerOfTwo(a) || a < 8) {
      return Error("general.alignment is " + Num(a) + ", must be a power of two of at least 8");
    }
    f_.alignment_ = a;
    return Status::Ok();
  }

  Status ParseTensorInfos() {
    f_.tensors_.reserve(n_tensors_);
    for (uint64_t i = 0; i < n_tensors_; ++i) {
      GgufTensor t;
      PTMO_RETURN_IF_ERROR(ReadString(&t.name, kGgufMaxTensorName, "tensor " + Num(i) + " name"));
      if (t.name.empty()) return Error("tensor " + Num(i) + " has an empty name");
      const std::string what = "tensor " + Quoted(t.name);
      if (f_.tensor_index_.count(t.name) != 0) return Error(what + " appears twice");
      uint32_t n_dims = 0;
      PTMO_RETURN_IF_ERROR(Read(&n_dims, what + " dimension count"));
      if (n_dims < 1 || n_dims > kGgufMaxDims) {
        return Error(what + " has " + Num(n_dims) + " dimensions, must be 1 to 4");
      }
      t.n_dims = static_cast<int>(n_dims);
      for (uint32_t d = 0; d < n_dims; ++d) {
        uint64_t ne = 0;
        PTMO_RETURN_IF_ERROR(Read(&ne, what + " dimension " + Num(d)));
        if (ne == 0 || ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Error(what + " dimension " + Num(d) + " is " + Num(ne) +
                       ", must be positive and below 2^63");
        }
        t.ne[d] = static_cast<int64_t>(ne);
      }
      uint32_t type = 0;
      PTMO_RETURN_IF_ERROR(Read(&type, what + " type"));
      const DTypeTraits* traits = tensor::FindDTypeTraits(type);
      if (traits == nullptr) return Error(what + " has unknown ggml type " + Num(type));
      t.type = static_cast<DType>(type);
      auto bytes = tensor::TensorBytes(t.type, t.dims());
      if (!bytes.ok()) {
        return Error(what + " (" + traits->name + ", shape " + Shape(t) +
                     "): " + bytes.status().message());
      }
      t.size_bytes = *bytes;
      PTMO_RETURN_IF_ERROR(Read(&t.offset, what + " data offset"));
      if (t.offset % f_.alignment_ != 0) {
        return Error(what + " data offset " + Num(t.offset) +
                     " is not a multiple of the alignment " + Num(f_.alignment_));
      }
      f_.tensor_index_.emplace(t.name, f_.tensors_.size());
      f_.tensors_.push_back(t);
    }
    return Status::Ok();
  }

  static std::string Shape(const GgufTensor& t) {
    std::string s = "[";
    for (int d = 0; d < t.n_dims; ++d) s += (d ? ", " : "") + std::to_string(t.ne[d]);
    return s + "]";
  }

  Status PlaceTensorData() {
    const uint64_t header_end = pos_;
    const uint64_t a = f_.alignment_;
    if (header_end > std::numeric_limits<uint64_t>::max() - (a - 1)) {
      return Error("header is too large");
    }
    const uint64_t data_start = (header_end + a - 1) / a * a;
    f_.data_offset_ = static_cast<size_t>(std::min<uint64_t>(data_start, f_.size_));
    if (f_.tensors_.empty()) return Status::Ok();
    if (data_start > f_.size_) {
      return Error("header ends at " + Num(header_end) + "; the tensor data would start at " +
                   Num(data_start) + ", past the end of the file (" + Num(f_.size_) + " bytes)");
    }
    const uint64_t data_size = f_.size_ - data_start;
    for (GgufTensor& t : f_.tensors_) {
      if (t.offset > data_size || t.size_bytes > data_size - t.offset) {
        // Absolute file offsets, so the numbers can be checked with a hex dump.
        const uint64_t begin = data_start + t.offset;
        const bool wraps = t.offset > std::numeric_limits<uint64_t>::max() - data_start ||
                           t.size_bytes > std::numeric_limits<uint64_t>::max() - begin;
        const std::string range =
            wraps ? "at offset " + Num(t.offset) + " (+" + Num(t.size_bytes) + " bytes)"
                  : "[" + Num(begin) + ", " + Num(begin + t.size_bytes) + ")";
        return Error("tensor " + Quoted(t.name) + " data " + range +
                     " is past the end of the file (" + Num(f_.size_) + " bytes)");
      }
      t.data = f_.base_ + data_start + t.offset;
    }
    // Distinct tensors must not share bytes (llama.cpp goes further and requires them packed
    // in order; we accept any order).
    std::vector<const GgufTensor*> by_offset;
    by_offset.reserve(f_.tensors_.size());
    for (const GgufTensor& t : f_.tensors_) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const GgufTensor* x, const GgufTensor* y) { return x->offset < y->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
      const GgufTensor& prev = *by_offset[i - 1];
      const GgufTensor& cur = *by_offset[i];
      if (prev.offset + prev.size_bytes > cur.offset) {
        return Error("tensors " + Quoted(prev.name) + " and " + Quoted(cur.name) +
                     " overlap in the data section");
      }
    }
    return Status::Ok();
  }

  GgufFile& f_;
  uint64_t pos_ = 0;
  uint64_t n_tensors_ = 0;
  uint64_t n_metadata_ = 0;
};

// ---- GgufFile ---------------------------------------------------------------------------------

Expected<GgufFile> GgufFile::Open(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(MappedFile map, MappedFile::Open(path));
  GgufFile f;
  f.name_ = path;
  f.base_ = map.data();
  f.size_ = map.size();
  f.map_ = std::move(map);
  GgufParser parser(&f);
  PTMO_RETURN_IF_ERROR(parser.Parse());
  return f;
}

Expected<GgufFile> GgufFile::FromBuffer(std::string name, std::span<const uint8_t> bytes) {
  GgufFile f;
  f.name_ = std::move(name);
  f.base_ = bytes.data();
  f.size_ = bytes.size();
  GgufParser parser(&f);
  PTMO_RETURN_IF_ERROR(parser.Parse());
  return f;
}

std::string GgufFile::Prefix() const {
  return "model file '" + name_ + "': ";
}

const GgufMetadata* GgufFile::FindMetadata(std::string_view key) const {
  auto it = metadata_index_.find(key);
  return it == metadata_index_.end() ? nullptr : &metadata_[it->second];
}

Expected<const GgufMetadata*> GgufFile::Lookup(std::string_view key, GgufType want) const {
  const GgufMetadata* m = FindMetadata(key);
  if (m == nullptr) return NotFound(Prefix() + "metadata key " + Quoted(key) + " is missing");
  if (m->type != want) {
    std::string have(GgufTypeName(m->type));
    if (m->type == GgufType::kArray) have = "array of " + std::string(GgufTypeName(m->array_type));
    return InvalidArgument(Prefix() + "metadata key " + Quoted(key) + " has type " + have +
                           ", expected " + std::string(GgufTypeName(want)));
  }
  return m;
}

namespace {

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
  if constexpr (std::is_same_v<T, bool>) return GgufType::kBool;
}

template <typename T>
T LoadValue(const uint8_t* p) {
  if constexpr (std::is_same_v<T, bool>) {
    return *p != 0;
  } else {
    return LoadLE<T>(p);
  }
}

}  // namespace

#define PTMO_GGUF_SCALAR_GETTER(Name, T)                                    \
  Expected<T> GgufFile::Name(std::string_view key) const {                  \
    PTMO_ASSIGN_OR_RETURN(const GgufMetadata* m, Lookup(key, TypeOf<T>())); \
    return LoadValue<T>(m->data);                                           \
  }
PTMO_GGUF_SCALAR_GETTER(GetU8, uint8_t)
PTMO_GGUF_SCALAR_GETTER(GetI8, int8_t)
PTMO_GGUF_SCALAR_GETTER(GetU16, uint16_t)
PTMO_GGUF_SCALAR_GETTER(GetI16, int16_t)
PTMO_GGUF_SCALAR_GETTER(GetU32, uint32_t)
PTMO_GGUF_SCALAR_GETTER(GetI32, int32_t)
PTMO_GGUF_SCALAR_GETTER(GetU64, uint64_t)
PTMO_GGUF_SCALAR_GETTER(GetI64, int64_t)
PTMO_GGUF_SCALAR_GETTER(GetF32, float)
PTMO_GGUF_SCALAR_GETTER(GetF64, double)
PTMO_GGUF_SCALAR_GETTER(GetBool, bool)
#undef PTMO_GGUF_SCALAR_GETTER

Expected<std::string_view> GgufFile::GetString(std::string_view key) const {
  PTMO_ASSIGN_OR_RETURN(const GgufMetadata* m, Lookup(key, GgufType::kString));
  return m->string;
}

Expected<int64_t> GgufFile::GetInteger(std::string_view key) const {
  const GgufMetadata* m = FindMetadata(key);
  if (m == nullptr) return NotFound(Prefix() + "metadata key " + Quoted(key) + " is missing");
  switch (m->type) {
    case GgufType::kUint8: return static_cast<int64_t>(LoadLE<uint8_t>(m->data));
    case GgufType::kInt8: return static_cast<int64_t>(LoadLE<int8_t>(m->data));
    case GgufType::kUint16: return static_cast<int64_t>(LoadLE<uint16_t>(m->data));
    case GgufType::kInt16: return static_cast<int64_t>(LoadLE<int16_t>(m->data));
    case GgufType::kUint32: return static_cast<int64_t>(LoadLE<uint32_t>(m->data));
    case GgufType::kInt32: return static_cast<int64_t>(LoadLE<int32_t>(m->data));
    case GgufType::kInt64: return LoadLE<int64_t>(m->data);
    case GgufType::kUint64: {
      const uint64_t v = LoadLE<uint64_t>(m->data);
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return InvalidArgument(Prefix() + "metadata key " + Quoted(key) + " value " + Num(v) +
                               " does not fit in int64");
      }
      return static_cast<int64_t>(v);
    }
    default:
      return InvalidArgument(Prefix() + "metadata key " + Quoted(key) + " has type " +
                             std::string(GgufTypeName(m->type)) + ", expected an integer");
  }
}

template <typename T>
Expected<std::vector<T>> GgufFile::GetArray(std::string_view key) const {
  PTMO_ASSIGN_OR_RETURN(const GgufMetadata* m, Lookup(key, GgufType::kArray));
  if (m->array_type != TypeOf<T>()) {
    return InvalidArgument(Prefix() + "metadata key " + Quoted(key) + " is an array of " +
                           std::string(GgufTypeName(m->array_type)) + ", expected an array of " +
                           std::string(GgufTypeName(TypeOf<T>())));
  }
  std::vector<T> out;
  out.reserve(m->count);
  const size_t elem = GgufScalarSize(m->array_type);
  for (uint64_t i = 0; i < m->count; ++i) out.push_back(LoadValue<T>(m->data + i * elem));
  return out;
}

template Expected<std::vector<uint8_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<int8_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<uint16_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<int16_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<uint32_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<int32_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<uint64_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<int64_t>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<float>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<double>> GgufFile::GetArray(std::string_view) const;
template Expected<std::vector<bool>> GgufFile::GetArray(std::string_view) const;

Expected<std::span<const std::string_view>> GgufFile::GetStringArray(std::string_view key) const {
  PTMO_ASSIGN_OR_RETURN(const GgufMetadata* m, Lookup(key, GgufType::kArray));
  if (m->array_type != GgufType::kString) {
    return InvalidArgument(Prefix() + "metadata key " + Quoted(key) + " is an array of " +
                           std::string(GgufTypeName(m->array_type)) +
                           ", expected an array of string");
  }
  return std::span<const std::string_view>(m->strings);
}

const GgufTensor* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

Expected<const GgufTensor*> GgufFile::GetTensor(std::string_view name) const {
  const GgufTensor* t = FindTensor(name);
  if (t == nullptr) return NotFound(Prefix() + "tensor " + Quoted(name) + " is missing");
  return t;
}

}  // namespace ptmo::engine
