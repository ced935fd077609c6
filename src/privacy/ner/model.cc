#include "privacy/ner/model.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "privacy/ner/features.h"
#include "privacy/ner/hash.h"

namespace ptmo::privacy::ner {

static_assert(std::endian::native == std::endian::little,
              "the NER model file is little-endian; add byte swapping for this platform");

void Checksummer::Update(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h_ = std::rotl((h_ ^ w) * 0x9e3779b97f4a7c15ull, 29);
  }
  if (i < n) {
    uint64_t w = 0;
    std::memcpy(&w, p + i, n - i);
    h_ = std::rotl((h_ ^ w ^ 0xffull << 56) * 0x9e3779b97f4a7c15ull, 29);
  }
  length_ += n;
}

uint64_t Checksummer::Final() const {
  return Mix64(h_ ^ length_);
}

uint64_t Checksum(std::string_view bytes) {
  Checksummer c;
  c.Update(bytes.data(), bytes.size());
  return c.Final();
}

std::string NerModel::Serialize() const {
  ModelHeader h{};
  std::memcpy(h.magic, kModelMagic, sizeof h.magic);
  h.format_version = kModelFormatVersion;
  h.feature_version = kFeatureVersion;
  h.num_tags = kNumTags;
  h.tag_stride = kTagStride;
  h.bucket_bits = static_cast<uint32_t>(bucket_bits);
  h.gazetteer_capacity = static_cast<uint32_t>(gazetteer.capacity());
  h.weight_scale = weight_scale;
  h.temperature = temperature;
  std::memcpy(h.transitions, transitions.data(), sizeof h.transitions);

  std::string payload;
  const auto& keys = gazetteer.keys();
  const auto& flags = gazetteer.flags();
  payload.append(reinterpret_cast<const char*>(weights.data()), weights.size() * sizeof(int16_t));
  payload.append(reinterpret_cast<const char*>(keys.data()), keys.size() * sizeof(uint64_t));
  payload.append(reinterpret_cast<const char*>(flags.data()), flags.size() * sizeof(uint32_t));
  h.payload_bytes = payload.size();
  h.payload_checksum = Checksum(payload);

  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  out += payload;
  return out;
}

namespace {

struct Layout {
  uint64_t weight_count = 0;
  uint64_t capacity = 0;
  uint64_t payload = 0;
};

// Checks everything in the header that does not need the payload, against the file size.
Expected<Layout> CheckHeader(const ModelHeader& h, uint64_t file_size, const std::string& where) {
  if (std::memcmp(h.magic, kModelMagic, sizeof kModelMagic) != 0) {
    return DataLoss(where + " is not a NER model file (bad magic)");
  }
  if (h.format_version != kModelFormatVersion) {
    return FailedPrecondition(where + " has format version " + std::to_string(h.format_version) +
                              ", this build reads version " + std::to_string(kModelFormatVersion) +
                              "; retrain it with `ptmo train-ner`");
  }
  if (h.feature_version != kFeatureVersion) {
    return FailedPrecondition(where + " was trained with feature set " +
                              std::to_string(h.feature_version) + ", this build extracts set " +
                              std::to_string(kFeatureVersion) +
                              "; retrain it with `ptmo train-ner`");
  }
  if (h.num_tags != kNumTags || h.tag_stride != kTagStride) {
    return DataLoss(where + " has " + std::to_string(h.num_tags) + " tags in lanes of " +
                    std::to_string(h.tag_stride) + ", expected " + std::to_string(kNumTags) +
                    " in lanes of " + std::to_string(kTagStride));
  }
  if (h.bucket_bits < kMinBucketBits || h.bucket_bits > kMaxBucketBits) {
    return DataLoss(where + " has bucket_bits " + std::to_string(h.bucket_bits) + ", outside [" +
                    std::to_string(kMinBucketBits) + ", " + std::to_string(kMaxBucketBits) + "]");
  }
  Layout l;
  l.capacity = h.gazetteer_capacity;
  if (l.capacity < 2 || l.capacity > (uint64_t{1} << 28) || (l.capacity & (l.capacity - 1)) != 0) {
    return DataLoss(where + " has an invalid gazetteer capacity " + std::to_string(l.capacity));
  }
  l.weight_count = (uint64_t{1} << h.bucket_bits) * kTagStride;
  l.payload = l.weight_count * sizeof(int16_t) + l.capacity * (sizeof(uint64_t) + sizeof(uint32_t));
  if (h.payload_bytes != l.payload) {
    return DataLoss(where + " header declares a " + std::to_string(h.payload_bytes) +
                    "-byte payload, but its sizes imply " + std::to_string(l.payload));
  }
  const uint64_t actual = file_size - sizeof(ModelHeader);
  if (actual < l.payload) {
    return DataLoss(where + " is truncated: payload has " + std::to_string(actual) +
                    " bytes, expected " + std::to_string(l.payload));
  }
  if (actual > l.payload) {
    return DataLoss(where + " has " + std::to_string(actual - l.payload) +
                    " unexpected trailing bytes");
  }
  if (!(h.weight_scale > 0.0f) || !(h.temperature > 0.0f)) {
    return DataLoss(where + " has a non-positive weight scale or temperature");
  }
  return l;
}

Expected<NerModel> Assemble(const ModelHeader& h, uint64_t checksum, std::vector<int16_t> weights,
                            std::vector<uint64_t> keys, std::vector<uint32_t> flags,
                            const std::string& where) {
  if (checksum != h.payload_checksum) {
    return DataLoss(where + " is corrupt: payload checksum mismatch");
  }
  NerModel m;
  m.bucket_bits = static_cast<int>(h.bucket_bits);
  m.weight_scale = h.weight_scale;
  m.temperature = h.temperature;
  std::memcpy(m.transitions.data(), h.transitions, sizeof h.transitions);
  m.weights = std::move(weights);
  auto gaz = Gazetteer::FromTable(std::move(keys), std::move(flags));
  if (!gaz.ok()) return DataLoss(where + ": " + gaz.status().message());
  m.gazetteer = std::move(gaz).value();
  return m;
}

Status TooShort(std::string_view head, uint64_t size, const std::string& where) {
  if (head.size() >= sizeof kModelMagic &&
      std::memcmp(head.data(), kModelMagic, sizeof kModelMagic) != 0) {
    return DataLoss(where + " is not a NER model file (bad magic)");
  }
  return DataLoss(where + " is truncated: " + std::to_string(size) + " bytes, shorter than its " +
                  std::to_string(sizeof(ModelHeader)) + "-byte header");
}

// Reads exactly `n` bytes into `dst`.
Status ReadExact(int fd, void* dst, size_t n, const std::string& where) {
  auto* p = static_cast<char*>(dst);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return DataLoss(where + ": read failed: " + std::strerror(errno));
    if (r == 0) return DataLoss(where + " is truncated (ended while reading)");
    p += r;
    n -= static_cast<size_t>(r);
  }
  return Status::Ok();
}

}  // namespace

Expected<NerModel> NerModel::Parse(std::string_view bytes, const std::string& name) {
  const std::string where = "NER model '" + name + "'";
  if (bytes.size() < sizeof(ModelHeader)) return TooShort(bytes, bytes.size(), where);
  ModelHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  PTMO_ASSIGN_OR_RETURN(Layout l, CheckHeader(h, bytes.size(), where));
  std::string_view payload = bytes.substr(sizeof h);
  std::vector<int16_t> weights(l.weight_count);
  std::vector<uint64_t> keys(l.capacity);
  std::vector<uint32_t> flags(l.capacity);
  const char* p = payload.data();
  std::memcpy(weights.data(), p, weights.size() * sizeof(int16_t));
  p += weights.size() * sizeof(int16_t);
  std::memcpy(keys.data(), p, keys.size() * sizeof(uint64_t));
  p += keys.size() * sizeof(uint64_t);
  std::memcpy(flags.data(), p, flags.size() * sizeof(uint32_t));
  return Assemble(h, Checksum(payload), std::move(weights), std::move(keys), std::move(flags),
                  where);
}

Expected<NerModel> NerModel::Load(const std::string& path) {
  const std::string where = "NER model '" + path + "'";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return NotFound(where + " does not exist; train one with `ptmo train-ner` or pass --no-ner");
    }
    return InvalidArgument("cannot open " + where + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return InvalidArgument("cannot stat " + where + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return InvalidArgument(where + " is a directory, expected a file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < sizeof(ModelHeader)) {
    std::string head(static_cast<size_t>(size), '\0');
    PTMO_RETURN_IF_ERROR(ReadExact(fd, head.data(), head.size(), where));
    return TooShort(head, size, where);
  }
  ModelHeader h;
  PTMO_RETURN_IF_ERROR(ReadExact(fd, &h, sizeof h, where));
  PTMO_ASSIGN_OR_RETURN(Layout l, CheckHeader(h, size, where));
  // The arrays are read straight into place: one pass over the file, no intermediate copy.
  std::vector<int16_t> weights(l.weight_count);
  std::vector<uint64_t> keys(l.capacity);
  std::vector<uint32_t> flags(l.capacity);
  PTMO_RETURN_IF_ERROR(ReadExact(fd, weights.data(), weights.size() * sizeof(int16_t), where));
  PTMO_RETURN_IF_ERROR(ReadExact(fd, keys.data(), keys.size() * sizeof(uint64_t), where));
  PTMO_RETURN_IF_ERROR(ReadExact(fd, flags.data(), flags.size() * sizeof(uint32_t), where));
  Checksummer c;
  c.Update(weights.data(), weights.size() * sizeof(int16_t));
  c.Update(keys.data(), keys.size() * sizeof(uint64_t));
  c.Update(flags.data(), flags.size() * sizeof(uint32_t));
  return Assemble(h, c.Final(), std::move(weights), std::move(keys), std::move(flags), where);
}

}  // namespace ptmo::privacy::ner
