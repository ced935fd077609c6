#include "engine/model_config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "engine/gguf_writer.h"
#include "engine/model_test_util.h"

namespace ptmo::engine {
namespace {

// Metadata of a small llama model (no tensors: ReadModelConfig needs only metadata), with a
// hook to change it before the file is assembled.
struct MetadataFile {
  std::string image;
  Expected<ModelConfig> Read() {
    auto gguf = testing::OpenImage("m.gguf", image);
    if (!gguf.ok()) return gguf.status();
    return ReadModelConfig(*gguf);
  }
};

MetadataFile Metadata(const std::string& arch,
                      const std::function<void(GgufWriter&)>& more = nullptr,
                      const std::string& skip = "") {
  GgufWriter w;
  auto set_u32 = [&](const std::string& key, uint32_t v) {
    if (key != skip) {
      EXPECT_TRUE(w.SetU32(key, v).ok());
    }
  };
  if (skip != "general.architecture") {
    EXPECT_TRUE(w.SetString("general.architecture", arch).ok());
  }
  const std::string p = arch + ".";
  set_u32(p + "context_length", 2048);
  set_u32(p + "embedding_length", 2048);
  set_u32(p + "block_count", 22);
  set_u32(p + "feed_forward_length", 5632);
  set_u32(p + "attention.head_count", 32);
  set_u32(p + "attention.head_count_kv", 4);
  set_u32(p + "vocab_size", 32000);
  if (skip != p + "attention.layer_norm_rms_epsilon") {
    EXPECT_TRUE(w.SetF32(p + "attention.layer_norm_rms_epsilon", 1e-5f).ok());
  }
  if (more) more(w);
  return {w.Serialize()};
}

TEST(ModelConfig, ReadsALlamaShapeFromMetadata) {
  auto c = Metadata("llama").Read();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->arch, Architecture::kLlama);
  EXPECT_EQ(c->arch_name, "llama");
  EXPECT_EQ(c->n_vocab, 32000);
  EXPECT_EQ(c->n_embd, 2048);
  EXPECT_EQ(c->n_layer, 22);
  EXPECT_EQ(c->n_head, 32);
  EXPECT_EQ(c->n_head_kv, 4);
  EXPECT_EQ(c->n_ff, 5632);
  EXPECT_EQ(c->n_ctx_train, 2048);
  EXPECT_EQ(c->head_dim, 64);
  EXPECT_EQ(c->kv_dim(), 256);
  EXPECT_EQ(c->group_size(), 8);
  EXPECT_FLOAT_EQ(c->rms_eps, 1e-5f);
  EXPECT_FLOAT_EQ(c->rope_freq_base, 10000.0f);  // default when absent
  EXPECT_FLOAT_EQ(c->rope_freq_scale, 1.0f);
  EXPECT_EQ(c->rope_layout, RopeLayout::kNormal);
  EXPECT_TRUE(c->tied_output);  // no output.weight in this file
  EXPECT_FALSE(c->qkv_bias);
}

TEST(ModelConfig, Qwen2RotatesHalvesAndHasBiases) {
  auto c = Metadata("qwen2", [](GgufWriter& w) {
             EXPECT_TRUE(w.SetF32("qwen2.rope.freq_base", 1000000.0f).ok());
           }).Read();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->arch, Architecture::kQwen2);
  EXPECT_EQ(c->rope_layout, RopeLayout::kNeox);
  EXPECT_TRUE(c->qkv_bias);
  EXPECT_FLOAT_EQ(c->rope_freq_base, 1000000.0f);
}

TEST(ModelConfig, KvHeadsDefaultToQueryHeads) {
  auto c = Metadata("llama", nullptr, "llama.attention.head_count_kv").Read();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->n_head_kv, 32);
}

TEST(ModelConfig, AcceptsAnyIntegerTypeAndFloat64) {
  // block_count as uint64 and the rope base as float64, as some converters write them.
  auto c2 = Metadata(
                "llama",
                [](GgufWriter& w) {
                  EXPECT_TRUE(w.SetU64("llama.block_count", 16).ok());
                  EXPECT_TRUE(w.SetF64("llama.rope.freq_base", 500000.0).ok());
                },
                "llama.block_count")
                .Read();
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_EQ(c2->n_layer, 16);
  EXPECT_FLOAT_EQ(c2->rope_freq_base, 500000.0f);
}

TEST(ModelConfig, LinearRopeScalingInvertsTheFactor) {
  auto c = Metadata("llama", [](GgufWriter& w) {
             EXPECT_TRUE(w.SetString("llama.rope.scaling.type", "linear").ok());
             EXPECT_TRUE(w.SetF32("llama.rope.scaling.factor", 4.0f).ok());
           }).Read();
  ASSERT_TRUE(c.ok());
  EXPECT_FLOAT_EQ(c->rope_freq_scale, 0.25f);
  auto legacy = Metadata("llama", [](GgufWriter& w) {
                  EXPECT_TRUE(w.SetF32("llama.rope.scale_linear", 2.0f).ok());
                }).Read();
  ASSERT_TRUE(legacy.ok());
  EXPECT_FLOAT_EQ(legacy->rope_freq_scale, 0.5f);
}

TEST(ModelConfig, RejectsUnsupportedRopeScaling) {
  auto c = Metadata("llama", [](GgufWriter& w) {
             EXPECT_TRUE(w.SetString("llama.rope.scaling.type", "yarn").ok());
           }).Read();
  EXPECT_EQ(c.status().message(),
            "model file 'm.gguf': metadata key 'llama.rope.scaling.type' is 'yarn', which this "
            "engine does not support (none, linear)");
}

TEST(ModelConfig, RejectsUnknownArchitecture) {
  auto c = Metadata("mamba").Read();
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "model file 'm.gguf': metadata key 'general.architecture' is 'mamba', an architecture "
            "this engine does not support (llama, qwen2)");
}

TEST(ModelConfig, MissingKeysNameTheFileAndKey) {
  for (const std::string key :
       {"general.architecture", "llama.context_length", "llama.embedding_length",
        "llama.block_count", "llama.feed_forward_length", "llama.attention.head_count",
        "llama.attention.layer_norm_rms_epsilon"}) {
    auto c = Metadata("llama", nullptr, key).Read();
    EXPECT_EQ(c.status().code(), StatusCode::kNotFound) << key;
    EXPECT_EQ(c.status().message(), "model file 'm.gguf': metadata key '" + key + "' is missing");
  }
}

TEST(ModelConfig, RejectsHeadsNotDivisibleByKvHeads) {
  auto c =
      Metadata(
          "llama",
          [](GgufWriter& w) { EXPECT_TRUE(w.SetU32("llama.attention.head_count_kv", 5).ok()); },
          "llama.attention.head_count_kv")
          .Read();
  EXPECT_EQ(c.status().message(),
            "model file 'm.gguf': metadata key 'llama.attention.head_count' (32) is not divisible "
            "by 'llama.attention.head_count_kv' (5)");
}

TEST(ModelConfig, RejectsWidthNotDivisibleByHeads) {
  auto c = Metadata(
               "llama",
               [](GgufWriter& w) { EXPECT_TRUE(w.SetU32("llama.attention.head_count", 30).ok()); },
               "llama.attention.head_count")
               .Read();
  EXPECT_CONTAINS(c.status().message(),
                  "metadata key 'llama.embedding_length' (2048) is not divisible by "
                  "'llama.attention.head_count' (30)");
}

TEST(ModelConfig, RejectsZeroSizes) {
  auto c = Metadata(
               "llama", [](GgufWriter& w) { EXPECT_TRUE(w.SetU32("llama.block_count", 0).ok()); },
               "llama.block_count")
               .Read();
  EXPECT_EQ(c.status().message(),
            "model file 'm.gguf': metadata key 'llama.block_count' is 0, must be positive");
}

TEST(ModelConfig, RejectsRotaryDimensionOtherThanTheHeadSize) {
  auto c = Metadata("llama", [](GgufWriter& w) {
             EXPECT_TRUE(w.SetU32("llama.rope.dimension_count", 32).ok());
           }).Read();
  EXPECT_CONTAINS(c.status().message(),
                  "metadata key 'llama.rope.dimension_count' is 32, but this engine needs it "
                  "equal to the head size 64");
}

TEST(ModelConfig, RejectsVocabularySizesThatDisagree) {
  auto c = Metadata("llama", [](GgufWriter& w) {
             const std::vector<std::string> tokens = {"a", "b", "c"};
             EXPECT_TRUE(w.SetStringArray("tokenizer.ggml.tokens", tokens).ok());
           }).Read();
  EXPECT_EQ(c.status().message(),
            "model file 'm.gguf': vocabulary size 3 from metadata key 'tokenizer.ggml.tokens' "
            "disagrees with 32000 from metadata key 'llama.vocab_size'");
}

TEST(ModelConfig, RejectsAWronglyTypedValue) {
  auto c =
      Metadata(
          "llama",
          [](GgufWriter& w) { EXPECT_TRUE(w.SetString("llama.attention.head_count", "32").ok()); },
          "llama.attention.head_count")
          .Read();
  EXPECT_CONTAINS(c.status().message(), "'llama.attention.head_count' has type string");
}

}  // namespace
}  // namespace ptmo::engine
