// The NER model: hashed feature weights, tag transitions, calibration and the gazetteer, and
// its file format.
//
// File layout (little-endian), designed to load with one read and a few copies:
//   ModelHeader (320 bytes: magic "PTMONER\0", format and feature versions, sizes, weight
//                scale, temperature, payload size and checksum, transition scores)
//   int16  weights[2^bucket_bits * kTagStride]   (float weight = value * weight_scale)
//   uint64 gazetteer_keys[gazetteer_capacity]
//   uint32 gazetteer_flags[gazetteer_capacity]
// The checksum (see Checksummer) catches truncated or damaged files.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/ner/gazetteer.h"
#include "privacy/ner/labels.h"
#include "util/status.h"

namespace ptmo::privacy::ner {

inline constexpr char kModelMagic[8] = {'P', 'T', 'M', 'O', 'N', 'E', 'R', '\0'};
inline constexpr uint32_t kModelFormatVersion = 1;
inline constexpr int kMinBucketBits = 10;
inline constexpr int kMaxBucketBits = 24;

struct ModelHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t feature_version;
  uint32_t num_tags;
  uint32_t tag_stride;
  uint32_t bucket_bits;
  uint32_t gazetteer_capacity;
  float weight_scale;
  float temperature;
  uint64_t payload_bytes;
  uint64_t payload_checksum;
  // transitions[prev][tag]; prev == kStartRow for the first token.
  float transitions[kTagStride][kTagStride];
  uint8_t reserved[8];
};
static_assert(sizeof(ModelHeader) == 320, "ModelHeader is an on-disk struct");

struct NerModel {
  int bucket_bits = 18;
  float weight_scale = 1.0f;
  // Marginal probabilities use scores / temperature (fitted on the dev set at training).
  float temperature = 1.0f;
  std::vector<int16_t> weights;  // (1 << bucket_bits) * kTagStride
  std::array<float, kTagStride * kTagStride> transitions{};
  Gazetteer gazetteer;

  size_t buckets() const { return size_t{1} << bucket_bits; }

  // The file bytes of this model.
  std::string Serialize() const;

  // Parses file bytes; `name` (the path) is used in error messages. Errors: kDataLoss for a
  // wrong magic, truncated, oversized or corrupt (checksum) file; kFailedPrecondition for a
  // format or feature version this build does not read.
  static Expected<NerModel> Parse(std::string_view bytes, const std::string& name);

  // Reads and parses the model file at `path`. kNotFound when it does not exist, plus the
  // errors of Parse.
  static Expected<NerModel> Load(const std::string& path);
};

// The payload checksum: 64-bit words folded with a multiply and a rotation (about 1 ms for a
// 5 MB model, unlike byte-wise FNV), then finalized with Mix64. Feeding the payload in
// pieces gives the same result as feeding it at once as long as every piece but the last has
// a length that is a multiple of 8.
class Checksummer {
 public:
  void Update(const void* data, size_t n);
  uint64_t Final() const;

 private:
  uint64_t h_ = 0x243f6a8885a308d3ull;
  uint64_t length_ = 0;
};
uint64_t Checksum(std::string_view bytes);

}  // namespace ptmo::privacy::ner
