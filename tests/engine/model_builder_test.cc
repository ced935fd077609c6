#include "engine/model_builder.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/model_test_util.h"

namespace ptmo::engine {
namespace {

using tensor::DType;
using testing::Options;

TEST(ModelBuilder, PresetsHaveTheDocumentedShapes) {
  auto tiny = ModelPreset("tiny");
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->arch, "llama");
  EXPECT_EQ(tiny->n_layer, 2);
  EXPECT_EQ(tiny->n_embd, 64);
  EXPECT_EQ(tiny->n_head, 4);
  EXPECT_EQ(tiny->n_head_kv, 2);
  EXPECT_EQ(tiny->n_ff, 160);
  EXPECT_EQ(tiny->n_vocab, 512);
  auto tl = ModelPreset("tinyllama-1.1b");
  ASSERT_TRUE(tl.ok());
  EXPECT_EQ(tl->n_layer, 22);
  EXPECT_EQ(tl->n_embd, 2048);
  EXPECT_EQ(tl->n_head, 32);
  EXPECT_EQ(tl->n_head_kv, 4);
  EXPECT_EQ(tl->n_ff, 5632);
  EXPECT_EQ(tl->n_vocab, 32000);
  auto qwen = ModelPreset("tiny-qwen2");
  ASSERT_TRUE(qwen.ok());
  EXPECT_EQ(qwen->arch, "qwen2");
  EXPECT_TRUE(qwen->qkv_bias);
  EXPECT_TRUE(qwen->tied_output);
  EXPECT_EQ(ModelPreset("huge").status().message(),
            "unknown model preset 'huge' (known: tiny, tiny-256, tiny-qwen2, tinyllama-1.1b)");
}

TEST(ModelBuilder, TinyLlamaPlanHasTheParameterCountOfTinyLlama) {
  BuildOptions o = Options("tinyllama-1.1b", WeightFormat::kQ4_0);
  auto plan = PlanTensors(o);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 2u + 22u * 9u + 1u);
  int64_t params = 0;
  size_t bytes = 0;
  for (const TensorPlan& t : *plan) {
    int64_t n = 1;
    for (int64_t d : t.ne) n *= d;
    params += n;
    bytes += *tensor::TensorBytes(t.type, t.ne);
  }
  EXPECT_EQ(params, 1100048384);  // TinyLlama-1.1B's parameter count
  // About 4.5 bits per weight, output.weight at 6.56: ~637 MB like llama.cpp's Q4_0 file.
  EXPECT_GT(bytes, 600u << 20);
  EXPECT_LT(bytes, 620u << 20);
}

TEST(ModelBuilder, ParsesWeightFormats) {
  EXPECT_EQ(*ParseWeightFormat("q4_0"), WeightFormat::kQ4_0);
  EXPECT_EQ(*ParseWeightFormat("Q4_K_M"), WeightFormat::kQ4_K);
  EXPECT_EQ(*ParseWeightFormat("F16"), WeightFormat::kF16);
  EXPECT_EQ(ParseWeightFormat("q3_k").status().message(),
            "unknown weight format 'q3_k' (known: f32, f16, q8_0, q4_0, q4_k)");
}

TEST(ModelBuilder, Q4KFilesMixTypesLikeQ4KM) {
  BuildOptions o = Options("tiny-256", WeightFormat::kQ4_K);
  o.shape.n_layer = 8;  // use_more_bits: layers 0, 3, 6, 7
  auto plan = PlanTensors(o);
  ASSERT_TRUE(plan.ok());
  std::set<std::string> six_bit;
  for (const TensorPlan& t : *plan) {
    if (t.type == DType::kQ6_K) six_bit.insert(t.name);
    if (t.name.find("norm") != std::string::npos) {
      EXPECT_EQ(t.type, DType::kF32) << t.name;
    }
    if (t.name.find("attn_q.") != std::string::npos) {
      EXPECT_EQ(t.type, DType::kQ4_K) << t.name;
    }
  }
  EXPECT_EQ(six_bit, (std::set<std::string>{
                         "output.weight", "blk.0.attn_v.weight", "blk.0.ffn_down.weight",
                         "blk.3.attn_v.weight", "blk.3.ffn_down.weight", "blk.6.attn_v.weight",
                         "blk.6.ffn_down.weight", "blk.7.attn_v.weight", "blk.7.ffn_down.weight"}));
}

TEST(ModelBuilder, RowsTooShortForTheTypeFallBackToQ8_0) {
  auto plan = PlanTensors(Options("tiny", WeightFormat::kQ4_K));  // 64- and 160-wide rows
  ASSERT_TRUE(plan.ok());
  for (const TensorPlan& t : *plan) {
    if (t.ne.size() == 2) {
      EXPECT_EQ(t.type, DType::kQ8_0) << t.name;
    }
  }
}

TEST(ModelBuilder, SameSeedSameFileOtherSeedOtherWeights) {
  auto a = BuildRandomModelImage(Options("tiny", WeightFormat::kQ4_0, 1));
  auto b = BuildRandomModelImage(Options("tiny", WeightFormat::kQ4_0, 1));
  auto c = BuildRandomModelImage(Options("tiny", WeightFormat::kQ4_0, 2));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), c->size());
  EXPECT_NE(*a, *c);
}

TEST(ModelBuilder, WritesAValidGgufWithModelMetadata) {
  auto image = BuildRandomModelImage(Options("tiny-qwen2", WeightFormat::kQ8_0));
  ASSERT_TRUE(image.ok());
  auto f = testing::OpenImage("q.gguf", *image);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f->GetString("general.architecture"), "qwen2");
  EXPECT_EQ(*f->GetString("general.name"), "ptmo-random-qwen2");
  EXPECT_EQ(*f->GetU32("general.file_type"), 7u);
  EXPECT_EQ(*f->GetU32("qwen2.block_count"), 2u);
  EXPECT_EQ(*f->GetU32("qwen2.attention.head_count_kv"), 2u);
  EXPECT_FLOAT_EQ(*f->GetF32("qwen2.rope.freq_base"), 1e6f);
  EXPECT_EQ(f->FindTensor("output.weight"), nullptr);  // tied
  ASSERT_NE(f->FindTensor("blk.1.attn_v.bias"), nullptr);
  EXPECT_EQ(f->FindTensor("blk.1.attn_v.bias")->ne[0], 32);
  EXPECT_EQ(f->tensors().size(), 2u + 2u * 12u);
}

TEST(ModelBuilder, NormsAreNearOneAndMatricesScaledByFanIn) {
  auto image = BuildRandomModelImage(Options("tiny", WeightFormat::kF32));
  ASSERT_TRUE(image.ok());
  auto f = testing::OpenImage("t.gguf", *image);
  ASSERT_TRUE(f.ok());
  auto stats = [&](const char* name) {
    const GgufTensor* t = f->FindTensor(name);
    const auto* v = reinterpret_cast<const float*>(t->data);
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < t->num_elements(); ++i) {
      sum += v[i];
      sq += static_cast<double>(v[i]) * v[i];
    }
    const double mean = sum / static_cast<double>(t->num_elements());
    return std::pair<double, double>(mean, std::sqrt(sq / t->num_elements() - mean * mean));
  };
  auto [norm_mean, norm_sd] = stats("blk.0.attn_norm.weight");
  EXPECT_NEAR(norm_mean, 1.0, 0.05);
  EXPECT_NEAR(norm_sd, 0.1, 0.03);
  auto [q_mean, q_sd] = stats("blk.0.attn_q.weight");
  EXPECT_NEAR(q_mean, 0.0, 0.01);
  EXPECT_NEAR(q_sd, 1.0 / 8.0, 0.01);  // 1 / sqrt(64)
  auto [e_mean, e_sd] = stats("token_embd.weight");
  EXPECT_NEAR(e_sd, 1.0, 0.02);
}

TEST(ModelBuilder, DefaultTokenizerIsACompleteLlamaVocabulary) {
  auto image = BuildRandomModelImage(Options("tiny", WeightFormat::kF32));
  ASSERT_TRUE(image.ok());
  auto f = testing::OpenImage("t.gguf", *image);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->GetString("tokenizer.ggml.model"), "llama");
  auto tokens = f->GetStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 512u);
  EXPECT_EQ((*tokens)[0], "<unk>");
  EXPECT_EQ((*tokens)[1], "<s>");
  EXPECT_EQ((*tokens)[2], "</s>");
  EXPECT_EQ((*tokens)[3], "<0x00>");
  EXPECT_EQ((*tokens)[3 + 0x41], "<0x41>");
  EXPECT_EQ((*tokens)[258], "<0xFF>");
  EXPECT_EQ((*tokens)[259], "\xE2\x96\x81");  // the word-start piece
  EXPECT_EQ(std::set<std::string_view>(tokens->begin(), tokens->end()).size(), 512u);  // unique
  auto scores = f->GetArray<float>("tokenizer.ggml.scores");
  auto types = f->GetArray<int32_t>("tokenizer.ggml.token_type");
  ASSERT_TRUE(scores.ok() && types.ok());
  EXPECT_EQ(scores->size(), 512u);
  ASSERT_EQ(types->size(), 512u);
  EXPECT_EQ((*types)[0], 2);    // unknown
  EXPECT_EQ((*types)[1], 3);    // control
  EXPECT_EQ((*types)[100], 6);  // byte
  EXPECT_EQ((*types)[300], 1);  // normal
  EXPECT_GT((*scores)[300], (*scores)[400]);
  EXPECT_EQ(*f->GetU32("tokenizer.ggml.bos_token_id"), 1u);
  EXPECT_EQ(*f->GetU32("tokenizer.ggml.eos_token_id"), 2u);
}

TEST(ModelBuilder, FillerPiecesStayUniqueForALargeVocabulary) {
  BuildOptions o = Options("tiny", WeightFormat::kF32);
  o.shape.n_vocab = 32000;
  o.edit_tensors = [](std::vector<TensorPlan>& plan) {
    // Keep the file small: the test is about the vocabulary only.
    plan.clear();
  };
  auto image = BuildRandomModelImage(o);
  ASSERT_TRUE(image.ok());
  auto f = testing::OpenImage("t.gguf", *image);
  ASSERT_TRUE(f.ok());
  auto tokens = f->GetStringArray("tokenizer.ggml.tokens");
  ASSERT_EQ(tokens->size(), 32000u);
  EXPECT_EQ(std::set<std::string_view>(tokens->begin(), tokens->end()).size(), 32000u);
}

TEST(ModelBuilder, TokenizerAndExtraMetadataHooksReplaceTheDefaults) {
  BuildOptions o = Options("tiny", WeightFormat::kF32);
  o.tokenizer = [](GgufWriter& w) { return w.SetString("tokenizer.ggml.model", "gpt2"); };
  o.extra_metadata = [](GgufWriter& w) { return w.SetString("general.license", "mit"); };
  auto image = BuildRandomModelImage(o);
  ASSERT_TRUE(image.ok());
  auto f = testing::OpenImage("t.gguf", *image);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->GetString("tokenizer.ggml.model"), "gpt2");
  EXPECT_FALSE(f->HasKey("tokenizer.ggml.tokens"));
  EXPECT_EQ(*f->GetString("general.license"), "mit");
  // A hook's error stops the build.
  o.extra_metadata = [](GgufWriter& w) { return w.SetString("general.architecture", "x"); };
  EXPECT_CONTAINS(BuildRandomModelImage(o).status().message(),
                  "'general.architecture' is already set");
}

TEST(ModelBuilder, RejectsInvalidShapes) {
  BuildOptions o = Options("tiny", WeightFormat::kF32);
  o.shape.n_head_kv = 3;
  EXPECT_EQ(BuildRandomModelImage(o).status().message(),
            "model shape: n_head is not divisible by n_head_kv");
  o = Options("tiny", WeightFormat::kF32);
  o.shape.n_vocab = 100;
  EXPECT_EQ(BuildRandomModelImage(o).status().message(),
            "model shape: vocabulary of 100 is too small for the default tokenizer (needs at "
            "least 259)");
  o = Options("tiny", WeightFormat::kF32);
  o.shape.arch = "gemma";
  EXPECT_CONTAINS(BuildRandomModelImage(o).status().message(), "'gemma' is not llama or qwen2");
}

TEST(ModelBuilder, WriteFailureNamesThePath) {
  Status st = WriteRandomModel("/nonexistent-dir/m.gguf", Options("tiny", WeightFormat::kF32));
  EXPECT_FALSE(st.ok());
  EXPECT_CONTAINS(st.message(), "/nonexistent-dir/m.gguf");
}

}  // namespace
}  // namespace ptmo::engine
