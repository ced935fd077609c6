#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "tensor/quantize.h"

namespace ptmo::engine {
namespace {

using tensor::DType;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("ptmo_gguf_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> Entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      out.push_back(e.path().filename().string());
    }
    return out;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// Quantized data made by our quantizers (so blocks hold sensible scales).
std::vector<uint8_t> Quantized(DType type, int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist;
  std::vector<float> x(static_cast<size_t>(n));
  for (float& f : x) f = dist(rng);
  std::vector<uint8_t> out(*tensor::RowBytes(type, n));
  EXPECT_TRUE(tensor::QuantizeRow(type, x.data(), out.data(), n).ok());
  return out;
}

TEST(GgufRoundTrip, EveryScalarMetadataTypeReadsBackExactly) {
  GgufWriter w;
  ASSERT_TRUE(w.SetU8("t.u8", 255).ok());
  ASSERT_TRUE(w.SetI8("t.i8", -128).ok());
  ASSERT_TRUE(w.SetU16("t.u16", 65535).ok());
  ASSERT_TRUE(w.SetI16("t.i16", -32768).ok());
  ASSERT_TRUE(w.SetU32("t.u32", 4000000000u).ok());
  ASSERT_TRUE(w.SetI32("t.i32", std::numeric_limits<int32_t>::min()).ok());
  ASSERT_TRUE(w.SetU64("t.u64", std::numeric_limits<uint64_t>::max()).ok());
  ASSERT_TRUE(w.SetI64("t.i64", std::numeric_limits<int64_t>::min()).ok());
  ASSERT_TRUE(w.SetF32("t.f32", 1e-5f).ok());
  ASSERT_TRUE(w.SetF64("t.f64", -0.1).ok());
  ASSERT_TRUE(w.SetBool("t.true", true).ok());
  ASSERT_TRUE(w.SetBool("t.false", false).ok());
  ASSERT_TRUE(w.SetString("t.str", "h\xC3\xA9llo").ok());
  ASSERT_TRUE(w.SetString("t.empty", "").ok());
  ASSERT_TRUE(w.SetString("t.nul", std::string_view("a\0b", 3)).ok());

  const std::string image = w.Serialize();
  auto f = GgufFile::FromBuffer(
      "mem.gguf",
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(f->metadata().size(), 15u);
  EXPECT_EQ(*f->GetU8("t.u8"), 255);
  EXPECT_EQ(*f->GetI8("t.i8"), -128);
  EXPECT_EQ(*f->GetU16("t.u16"), 65535);
  EXPECT_EQ(*f->GetI16("t.i16"), -32768);
  EXPECT_EQ(*f->GetU32("t.u32"), 4000000000u);
  EXPECT_EQ(*f->GetI32("t.i32"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(*f->GetU64("t.u64"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(*f->GetI64("t.i64"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*f->GetF32("t.f32"), 1e-5f);
  EXPECT_EQ(*f->GetF64("t.f64"), -0.1);
  EXPECT_TRUE(*f->GetBool("t.true"));
  EXPECT_FALSE(*f->GetBool("t.false"));
  EXPECT_EQ(*f->GetString("t.str"), "h\xC3\xA9llo");
  EXPECT_EQ(*f->GetString("t.empty"), "");
  EXPECT_EQ(*f->GetString("t.nul"), std::string_view("a\0b", 3));
  // Insertion order is kept.
  EXPECT_EQ(f->metadata().front().key, "t.u8");
  EXPECT_EQ(f->metadata().back().key, "t.nul");
}

TEST(GgufRoundTrip, EveryArrayTypeReadsBackExactly) {
  GgufWriter w;
  const std::vector<uint8_t> u8 = {0, 1, 255};
  const std::vector<int8_t> i8 = {-128, 0, 127};
  const std::vector<uint16_t> u16 = {1, 65535};
  const std::vector<int16_t> i16 = {-32768, 32767};
  const std::vector<uint32_t> u32 = {7, 4000000000u};
  const std::vector<int32_t> i32 = {-5, 5};
  const std::vector<uint64_t> u64 = {std::numeric_limits<uint64_t>::max()};
  const std::vector<int64_t> i64 = {};
  const std::vector<float> f32 = {0.5f, -1e30f, std::numeric_limits<float>::infinity()};
  const std::vector<double> f64 = {3.141592653589793};
  const std::vector<bool> b = {true, false, true};
  const std::vector<std::string> strs = {"<unk>", "", "\xE2\x96\x81the", std::string(1000, 'x')};
  ASSERT_TRUE(w.SetArray<uint8_t>("a.u8", u8).ok());
  ASSERT_TRUE(w.SetArray<int8_t>("a.i8", i8).ok());
  ASSERT_TRUE(w.SetArray<uint16_t>("a.u16", u16).ok());
  ASSERT_TRUE(w.SetArray<int16_t>("a.i16", i16).ok());
  ASSERT_TRUE(w.SetArray<uint32_t>("a.u32", u32).ok());
  ASSERT_TRUE(w.SetArray<int32_t>("a.i32", i32).ok());
  ASSERT_TRUE(w.SetArray<uint64_t>("a.u64", u64).ok());
  ASSERT_TRUE(w.SetArray<int64_t>("a.i64", i64).ok());
  ASSERT_TRUE(w.SetArray<float>("a.f32", f32).ok());
  ASSERT_TRUE(w.SetArray<double>("a.f64", f64).ok());
  ASSERT_TRUE(w.SetBoolArray("a.bool", b).ok());
  ASSERT_TRUE(w.SetStringArray("a.str", strs).ok());
  const std::vector<std::string_view> views = {"x", "yz"};
  ASSERT_TRUE(w.SetStringArray("a.view", views).ok());

  const std::string image = w.Serialize();
  auto f = GgufFile::FromBuffer(
      "mem.gguf",
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f->GetArray<uint8_t>("a.u8"), u8);
  EXPECT_EQ(*f->GetArray<int8_t>("a.i8"), i8);
  EXPECT_EQ(*f->GetArray<uint16_t>("a.u16"), u16);
  EXPECT_EQ(*f->GetArray<int16_t>("a.i16"), i16);
  EXPECT_EQ(*f->GetArray<uint32_t>("a.u32"), u32);
  EXPECT_EQ(*f->GetArray<int32_t>("a.i32"), i32);
  EXPECT_EQ(*f->GetArray<uint64_t>("a.u64"), u64);
  EXPECT_EQ(*f->GetArray<int64_t>("a.i64"), i64);
  EXPECT_EQ(*f->GetArray<float>("a.f32"), f32);
  EXPECT_EQ(*f->GetArray<double>("a.f64"), f64);
  EXPECT_EQ(*f->GetArray<bool>("a.bool"), b);
  auto got = f->GetStringArray("a.str");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), strs.size());
  for (size_t i = 0; i < strs.size(); ++i) EXPECT_EQ((*got)[i], strs[i]);
  auto v = f->GetStringArray("a.view");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)[1], "yz");
  const GgufMetadata* m = f->FindMetadata("a.f32");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, GgufType::kArray);
  EXPECT_EQ(m->array_type, GgufType::kFloat32);
  EXPECT_EQ(m->count, 3u);
}

TEST(GgufRoundTrip, TensorsOfEveryTypeReadBackInPlaceAndAligned) {
  struct Spec {
    std::string name;
    DType type;
    std::vector<int64_t> ne;
    std::vector<uint8_t> data;
  };
  std::vector<Spec> specs = {
      {"f32.vec", DType::kF32, {7}, RandomBytes(28, 1)},
      {"f16.mat", DType::kF16, {5, 3}, RandomBytes(30, 2)},
      {"q4_0.w", DType::kQ4_0, {64, 3}, Quantized(DType::kQ4_0, 192, 3)},
      {"q8_0.w", DType::kQ8_0, {32, 2, 2}, Quantized(DType::kQ8_0, 128, 4)},
      {"q4_K.w", DType::kQ4_K, {256, 2}, Quantized(DType::kQ4_K, 512, 5)},
      {"q6_K.w", DType::kQ6_K, {512, 1, 1, 2}, Quantized(DType::kQ6_K, 1024, 6)},
      // A type we cannot compute with is still carried faithfully.
      {"q5_K.w", DType::kQ5_K, {256}, RandomBytes(176, 7)},
  };
  GgufWriter w;
  ASSERT_TRUE(w.SetString("general.architecture", "llama").ok());
  for (const Spec& s : specs) {
    ASSERT_TRUE(w.AddTensor(s.name, s.type, s.ne, s.data).ok()) << s.name;
  }
  TempDir dir;
  const std::string path = dir.File("model.gguf");
  ASSERT_TRUE(w.WriteFile(path).ok());
  EXPECT_EQ(dir.Entries(), std::vector<std::string>{"model.gguf"}) << "temporary file left";

  auto f = GgufFile::Open(path);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->alignment(), 32u);
  EXPECT_EQ(f->data_offset() % 32, 0u);
  ASSERT_EQ(f->tensors().size(), specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    const Spec& s = specs[i];
    auto t = f->GetTensor(s.name);
    ASSERT_TRUE(t.ok()) << s.name;
    EXPECT_EQ(&f->tensors()[i], *t) << "tensors keep file order";
    EXPECT_EQ((*t)->type, s.type);
    EXPECT_EQ((*t)->n_dims, static_cast<int>(s.ne.size()));
    for (size_t d = 0; d < s.ne.size(); ++d) EXPECT_EQ((*t)->ne[d], s.ne[d]);
    EXPECT_EQ((*t)->size_bytes, s.data.size());
    EXPECT_EQ((*t)->offset % 32, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>((*t)->data) % 32, 0u) << "mmap base is page aligned";
    EXPECT_EQ(std::memcmp((*t)->data, s.data.data(), s.data.size()), 0) << s.name;
    EXPECT_EQ((*t)->data, f->base() + f->data_offset() + (*t)->offset) << "zero-copy";
  }
  EXPECT_EQ(f->GetTensor("q6_K.w").value()->num_elements(), 1024);
  EXPECT_EQ(f->GetTensor("q6_K.w").value()->num_rows(), 2);
}

TEST(GgufRoundTrip, CustomAlignmentPadsTensorData) {
  GgufWriter w;
  ASSERT_TRUE(w.SetU32("general.alignment", 64).ok());
  ASSERT_TRUE(w.AddTensor("a", DType::kF32, {3}, RandomBytes(12, 1)).ok());
  ASSERT_TRUE(w.AddTensor("b", DType::kF32, {5}, RandomBytes(20, 2)).ok());
  const std::string image = w.Serialize();
  EXPECT_EQ(image.size() % 64, 0u);
  auto f = GgufFile::FromBuffer(
      "mem.gguf",
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->alignment(), 64u);
  EXPECT_EQ(f->data_offset() % 64, 0u);
  EXPECT_EQ(f->FindTensor("b")->offset, 64u);
}

TEST(GgufRoundTrip, ZeroTensorFilesAreValid) {
  GgufWriter w;
  ASSERT_TRUE(w.SetString("general.name", "metadata only").ok());
  const std::string image = w.Serialize();
  auto f = GgufFile::FromBuffer(
      "mem.gguf",
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(f->tensors().empty());
}

class GgufGetters : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(w_.SetU64("llama.context_length", 4096).ok());
    ASSERT_TRUE(w_.SetU32("llama.block_count", 22).ok());
    ASSERT_TRUE(w_.SetI8("small", -3).ok());
    ASSERT_TRUE(w_.SetU64("huge", std::numeric_limits<uint64_t>::max()).ok());
    ASSERT_TRUE(w_.SetF32("llama.rope.freq_base", 10000.0f).ok());
    const std::vector<std::string> toks = {"a"};
    ASSERT_TRUE(w_.SetStringArray("tokenizer.ggml.tokens", toks).ok());
    image_ = w_.Serialize();
    auto f = GgufFile::FromBuffer(
        "tiny.gguf",
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image_.data()), image_.size()));
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    file_ = std::make_unique<GgufFile>(std::move(f).value());
  }
  GgufWriter w_;
  std::string image_;
  std::unique_ptr<GgufFile> file_;
};

TEST_F(GgufGetters, MissingKeyIsNotFoundNamingFileAndKey) {
  auto r = file_->GetU32("llama.embedding_length");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "model file 'tiny.gguf': metadata key 'llama.embedding_length' is missing");
}

TEST_F(GgufGetters, WrongTypeIsAnErrorNamingBothTypes) {
  auto r = file_->GetU32("llama.context_length");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "model file 'tiny.gguf': metadata key 'llama.context_length' has type uint64, "
            "expected uint32");
  EXPECT_CONTAINS(file_->GetString("tokenizer.ggml.tokens").status().message(),
                  "has type array of string, expected string");
  EXPECT_CONTAINS(file_->GetArray<float>("tokenizer.ggml.tokens").status().message(),
                  "is an array of string, expected an array of float32");
  EXPECT_CONTAINS(file_->GetStringArray("llama.block_count").status().message(),
                  "has type uint32, expected array");
  EXPECT_FALSE(file_->GetF64("llama.rope.freq_base").ok());
}

TEST_F(GgufGetters, GetIntegerWidensAnyIntegerType) {
  EXPECT_EQ(*file_->GetInteger("llama.context_length"), 4096);
  EXPECT_EQ(*file_->GetInteger("llama.block_count"), 22);
  EXPECT_EQ(*file_->GetInteger("small"), -3);
  EXPECT_CONTAINS(file_->GetInteger("huge").status().message(), "does not fit in int64");
  EXPECT_CONTAINS(file_->GetInteger("llama.rope.freq_base").status().message(),
                  "has type float32, expected an integer");
  EXPECT_EQ(file_->GetInteger("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(GgufGetters, MissingTensorIsNotFound) {
  auto t = file_->GetTensor("output.weight");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.status().message(), "model file 'tiny.gguf': tensor 'output.weight' is missing");
  EXPECT_EQ(file_->FindTensor("output.weight"), nullptr);
}

TEST(GgufWriter, RejectsDuplicateKeysAndTensorNames) {
  GgufWriter w;
  ASSERT_TRUE(w.SetU32("k", 1).ok());
  Status st = w.SetString("k", "again");
  ASSERT_FALSE(st.ok());
  EXPECT_CONTAINS(st.message(), "'k' is already set");
  EXPECT_FALSE(w.SetU8("", 1).ok());
  ASSERT_TRUE(w.AddTensor("t", DType::kF32, {1}, RandomBytes(4, 1)).ok());
  st = w.AddTensor("t", DType::kF32, {1}, RandomBytes(4, 1));
  ASSERT_FALSE(st.ok());
  EXPECT_CONTAINS(st.message(), "'t' already added");
}

TEST(GgufWriter, RejectsBadTensors) {
  GgufWriter w;
  EXPECT_CONTAINS(w.AddTensor("a", DType::kF32, {4}, RandomBytes(12, 1)).message(),
                  "needs 16 bytes of f32 data, got 12");
  EXPECT_CONTAINS(w.AddTensor("a", DType::kQ4_0, {33}, RandomBytes(18, 1)).message(),
                  "not a multiple of the block size 32");
  EXPECT_CONTAINS(w.AddTensor("a", DType::kF32, {1, 1, 1, 1, 1}, RandomBytes(4, 1)).message(),
                  "5 dimensions");
  EXPECT_CONTAINS(w.AddTensor("a", DType::kF32, {0}, {}).message(), "must be positive");
  EXPECT_CONTAINS(w.AddTensor("a", static_cast<DType>(4), {32}, RandomBytes(18, 1)).message(),
                  "unknown ggml type 4");
  EXPECT_CONTAINS(w.AddTensor(std::string(64, 'x'), DType::kF32, {1}, RandomBytes(4, 1)).message(),
                  "above the limit of 63");
  // Nothing was recorded by the failed calls.
  EXPECT_TRUE(w.AddTensor("a", DType::kF32, {4}, RandomBytes(16, 1)).ok());
}

TEST(GgufWriter, ValidatesAlignment) {
  GgufWriter w;
  EXPECT_FALSE(w.SetU32("general.alignment", 48).ok());
  EXPECT_FALSE(w.SetU32("general.alignment", 4).ok());
  EXPECT_FALSE(w.SetU64("general.alignment", 64).ok());
  ASSERT_TRUE(w.SetU32("general.alignment", 128).ok());
  EXPECT_EQ(w.alignment(), 128u);
  GgufWriter late;
  ASSERT_TRUE(late.AddTensor("t", DType::kF32, {1}, RandomBytes(4, 1)).ok());
  EXPECT_CONTAINS(late.SetU32("general.alignment", 64).message(), "before the first tensor");
}

TEST(GgufWriter, WriteFileReplacesAtomicallyAndReportsBadPaths) {
  TempDir dir;
  const std::string path = dir.File("m.gguf");
  GgufWriter a;
  ASSERT_TRUE(a.SetString("general.name", "first").ok());
  ASSERT_TRUE(a.WriteFile(path).ok());
  GgufWriter b;
  ASSERT_TRUE(b.SetString("general.name", "second").ok());
  ASSERT_TRUE(b.WriteFile(path).ok());
  auto f = GgufFile::Open(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->GetString("general.name"), "second");
  Status st = b.WriteFile(dir.File("no/such/dir/m.gguf"));
  ASSERT_FALSE(st.ok());
  EXPECT_CONTAINS(st.message(), "no/such/dir");
}

TEST(GgufRoundTrip, SerializedLayoutMatchesTheFormat) {
  // Header fields at their fixed offsets: magic, version 3, tensor count, metadata count.
  GgufWriter w;
  ASSERT_TRUE(w.SetU8("k", 9).ok());
  ASSERT_TRUE(w.AddTensor("t", DType::kF32, {2}, RandomBytes(8, 3)).ok());
  const std::string s = w.Serialize();
  ASSERT_GE(s.size(), 24u);
  EXPECT_EQ(s.substr(0, 4), "GGUF");
  uint32_t version;
  uint64_t n_tensors, n_kv;
  std::memcpy(&version, s.data() + 4, 4);
  std::memcpy(&n_tensors, s.data() + 8, 8);
  std::memcpy(&n_kv, s.data() + 16, 8);
  EXPECT_EQ(version, 3u);
  EXPECT_EQ(n_tensors, 1u);
  EXPECT_EQ(n_kv, 1u);
  // First entry: u64 key length 1, 'k', u32 type 0 (uint8), value 9.
  uint64_t key_len;
  std::memcpy(&key_len, s.data() + 24, 8);
  EXPECT_EQ(key_len, 1u);
  EXPECT_EQ(s[32], 'k');
  uint32_t type;
  std::memcpy(&type, s.data() + 33, 4);
  EXPECT_EQ(type, 0u);
  EXPECT_EQ(static_cast<uint8_t>(s[37]), 9);
}

}  // namespace
}  // namespace ptmo::engine
