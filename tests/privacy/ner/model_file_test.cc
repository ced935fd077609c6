#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "privacy/ner/features.h"
#include "privacy/ner/hash.h"
#include "privacy/ner/model.h"
#include "privacy/ner/ner_tagger.h"
#include "util/file.h"

namespace ptmo::privacy::ner {
namespace {

NerModel TinyModel() {
  NerModel m;
  m.bucket_bits = kMinBucketBits;
  m.weight_scale = 0.5f;
  m.temperature = 2.0f;
  m.weights.assign(m.buckets() * kTagStride, 0);
  for (size_t i = 0; i < m.weights.size(); ++i)
    m.weights[i] = static_cast<int16_t>(i * 7 % 301 - 150);
  for (int k = 0; k < kTagStride * kTagStride; ++k) m.transitions[k] = 0.25f * k - 3.0f;
  m.gazetteer.Add("Paris", kGazCity);
  m.gazetteer.Add("Anna", kGazFirstName);
  return m;
}

class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_(::testing::TempDir() + "ner_" + name + "_" + std::to_string(::getpid())) {}
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }
  void Write(const std::string& bytes) const { ASSERT_TRUE(WriteFileAtomic(path_, bytes).ok()); }

 private:
  std::string path_;
};

template <typename T>
void Patch(std::string& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

TEST(NerModelFile, RoundTripsThroughBytes) {
  NerModel m = TinyModel();
  std::string bytes = m.Serialize();
  EXPECT_EQ(bytes.size(), sizeof(ModelHeader) + m.weights.size() * 2 + m.gazetteer.capacity() * 12);
  auto back = NerModel::Parse(bytes, "tiny");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->bucket_bits, m.bucket_bits);
  EXPECT_EQ(back->weight_scale, m.weight_scale);
  EXPECT_EQ(back->temperature, m.temperature);
  EXPECT_EQ(back->weights, m.weights);
  EXPECT_EQ(back->transitions, m.transitions);
  EXPECT_EQ(back->gazetteer.Lookup(HashLower("paris")), static_cast<uint32_t>(kGazCity));
  EXPECT_EQ(back->Serialize(), bytes);
}

TEST(NerModelFile, RoundTripsThroughAFile) {
  TempFile f("roundtrip");
  NerModel m = TinyModel();
  f.Write(m.Serialize());
  auto back = NerModel::Load(f.path());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->weights, m.weights);
  EXPECT_EQ(back->gazetteer.Lookup(HashLower("ANNA")), static_cast<uint32_t>(kGazFirstName));
  auto tagger = NerTagger::Load(f.path());
  ASSERT_TRUE(tagger.ok());
  EXPECT_EQ((*tagger)->name(), "ner");
}

TEST(NerModelFile, ReportsAMissingFileAsNotFound) {
  auto r = NerTagger::Load("/nonexistent/dir/ner_model.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/ner_model.bin"), std::string::npos);
}

TEST(NerModelFile, RejectsADirectory) {
  auto r = NerModel::Load(::testing::TempDir());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(NerModelFile, RejectsATruncatedFile) {
  std::string bytes = TinyModel().Serialize();
  TempFile f("truncated");
  for (size_t len : {size_t{0}, size_t{5}, sizeof(ModelHeader) - 1, sizeof(ModelHeader),
                     bytes.size() / 2, bytes.size() - 1}) {
    f.Write(bytes.substr(0, len));
    auto r = NerModel::Load(f.path());
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << len;
    EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(f.path()), std::string::npos);
    EXPECT_EQ(NerModel::Parse(bytes.substr(0, len), "x").status().code(), StatusCode::kDataLoss);
  }
}

TEST(NerModelFile, RejectsTrailingBytes) {
  std::string bytes = TinyModel().Serialize() + "extra";
  auto r = NerModel::Parse(bytes, "x");
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("trailing"), std::string::npos);
}

TEST(NerModelFile, RejectsAFileWithTheWrongMagic) {
  std::string bytes = TinyModel().Serialize();
  bytes[0] = 'X';
  TempFile f("magic");
  f.Write(bytes);
  auto r = NerTagger::Load(f.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("bad magic"), std::string::npos);
  // Even a short foreign file is called foreign, not truncated.
  EXPECT_NE(NerModel::Parse("GGUF....", "x").status().message().find("bad magic"),
            std::string::npos);
}

TEST(NerModelFile, RejectsAnotherFormatVersion) {
  std::string bytes = TinyModel().Serialize();
  Patch<uint32_t>(bytes, offsetof(ModelHeader, format_version), kModelFormatVersion + 1);
  TempFile f("version");
  f.Write(bytes);
  auto r = NerTagger::Load(f.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("format version"), std::string::npos);
  EXPECT_NE(r.status().message().find("train-ner"), std::string::npos);
}

TEST(NerModelFile, RejectsAnotherFeatureVersion) {
  std::string bytes = TinyModel().Serialize();
  Patch<uint32_t>(bytes, offsetof(ModelHeader, feature_version), kFeatureVersion + 7);
  auto r = NerModel::Parse(bytes, "x");
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("feature set"), std::string::npos);
}

TEST(NerModelFile, RejectsInconsistentSizes) {
  std::string base = TinyModel().Serialize();
  std::string b1 = base;
  Patch<uint32_t>(b1, offsetof(ModelHeader, bucket_bits), 40);
  EXPECT_EQ(NerModel::Parse(b1, "x").status().code(), StatusCode::kDataLoss);
  std::string b2 = base;
  Patch<uint32_t>(b2, offsetof(ModelHeader, gazetteer_capacity), 24);
  EXPECT_EQ(NerModel::Parse(b2, "x").status().code(), StatusCode::kDataLoss);
  std::string b3 = base;
  Patch<uint32_t>(b3, offsetof(ModelHeader, num_tags), 9);
  EXPECT_EQ(NerModel::Parse(b3, "x").status().code(), StatusCode::kDataLoss);
  std::string b4 = base;
  Patch<uint64_t>(b4, offsetof(ModelHeader, payload_bytes), 12);
  EXPECT_EQ(NerModel::Parse(b4, "x").status().code(), StatusCode::kDataLoss);
  std::string b5 = base;
  Patch<float>(b5, offsetof(ModelHeader, temperature), -1.0f);
  EXPECT_EQ(NerModel::Parse(b5, "x").status().code(), StatusCode::kDataLoss);
}

TEST(NerModelFile, DetectsADamagedPayload) {
  std::string bytes = TinyModel().Serialize();
  for (size_t at : {sizeof(ModelHeader) + 3, bytes.size() / 2, bytes.size() - 1}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x40);
    TempFile f("damaged");
    f.Write(damaged);
    auto r = NerModel::Load(f.path());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
  }
}

TEST(NerModelFile, ChecksumDoesNotDependOnHowThePayloadIsFed) {
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  Checksummer c;
  c.Update(data.data(), 16);
  c.Update(data.data() + 16, 800);
  c.Update(data.data() + 816, 184);
  EXPECT_EQ(c.Final(), Checksum(data));
  EXPECT_NE(Checksum(data), Checksum(data.substr(0, 999)));
}

}  // namespace
}  // namespace ptmo::privacy::ner
