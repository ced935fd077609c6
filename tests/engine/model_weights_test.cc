// Loading whole model files: every expected tensor mapped, and each defect refused with a
// message naming the file and the tensor.
#include "engine/model_weights.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/model_builder.h"
#include "engine/model_test_util.h"

namespace ptmo::engine {
namespace {

using tensor::DType;
using testing::Build;
using testing::Options;

// Builds `preset` with `edit` applied to its tensor list and returns the load error.
Status LoadError(const std::string& preset, WeightFormat format,
                 std::function<void(std::vector<TensorPlan>&)> edit) {
  BuildOptions o = Options(preset, format);
  o.edit_tensors = std::move(edit);
  auto built = Build(o, "x.gguf");
  return built.ok() ? Status::Ok() : built.status();
}

TensorPlan* Find(std::vector<TensorPlan>& plan, const std::string& name) {
  auto it =
      std::find_if(plan.begin(), plan.end(), [&](const TensorPlan& t) { return t.name == name; });
  return it == plan.end() ? nullptr : &*it;
}

LoadOptions NoRepack() {
  LoadOptions o;
  o.repack.rows8 = false;
  return o;
}

TEST(ModelWeights, RepacksQ4_0MatricesAndLeavesTheFileAsItWas) {
  auto image = BuildRandomModelImage(Options("tiny", WeightFormat::kQ4_0));
  ASSERT_TRUE(image.ok());
  const std::string before = *image;
  auto gguf = testing::OpenImage("x.gguf", *image);
  ASSERT_TRUE(gguf.ok());
  auto model = Model::FromGguf(std::move(*gguf));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const ModelWeights& w = (*model)->weights();
  const GgufFile& f = (*model)->gguf();
  EXPECT_EQ(w.layers[1].wk.layout, tensor::WeightLayout::kRows8);
  EXPECT_NE(w.layers[1].wk.data, f.FindTensor("blk.1.attn_k.weight")->data);
  EXPECT_EQ(w.layers[1].wk.rows, 32);
  EXPECT_EQ(w.layers[0].w_down.layout, tensor::WeightLayout::kRows8);
  // The embedding is looked up by rows and stays in the file; the Q8_0 output is repacked too.
  EXPECT_EQ(w.token_embd.layout, tensor::WeightLayout::kRowMajor);
  EXPECT_EQ(w.token_embd.data, f.FindTensor("token_embd.weight")->data);
  EXPECT_EQ(w.output.type, DType::kQ8_0);
  EXPECT_EQ(w.output.layout, tensor::WeightLayout::kRows8);
  EXPECT_EQ((*model)->repacked().matrices(), 2 * 7 + 1);
  // Same bytes read per token: a group holds exactly its rows (32 and 64 are multiples of 8).
  EXPECT_EQ(*image, before);
}

TEST(ModelWeights, MapsEveryTensorInPlace) {
  auto built = Build(Options("tiny", WeightFormat::kQ4_0), "x.gguf", NoRepack());
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const Model& m = *built->model;
  const ModelWeights& w = m.weights();
  ASSERT_EQ(w.layers.size(), 2u);
  const GgufFile& f = m.gguf();
  EXPECT_EQ(w.token_embd.data, f.FindTensor("token_embd.weight")->data);  // zero-copy
  EXPECT_EQ(w.token_embd.rows, 512);
  EXPECT_EQ(w.token_embd.cols, 64);
  EXPECT_EQ(w.layers[1].wk.data, f.FindTensor("blk.1.attn_k.weight")->data);
  EXPECT_EQ(w.layers[1].wk.rows, 32);  // kv_dim = 2 heads x 16
  EXPECT_EQ(w.layers[1].wk.type, DType::kQ4_0);
  EXPECT_EQ(w.layers[0].w_down.cols, 160);
  EXPECT_EQ(w.layers[0].w_down.rows, 64);
  EXPECT_EQ(w.layers[0].bq, nullptr);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(w.output_norm),
            f.FindTensor("output_norm.weight")->data);
  // q4_0 files keep output.weight in Q6_K, but 64-wide rows are too short: Q8_0 instead.
  EXPECT_EQ(w.output.type, DType::kQ8_0);
  EXPECT_FALSE(m.config().tied_output);
  EXPECT_EQ(w.rope_freqs, nullptr);
}

TEST(ModelWeights, TiedOutputUsesTheEmbeddingMatrix) {
  auto built = Build(Options("tiny-qwen2", WeightFormat::kQ8_0), "x.gguf", NoRepack());
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const ModelWeights& w = built->model->weights();
  EXPECT_TRUE(built->model->config().tied_output);
  EXPECT_EQ(w.output.data, w.token_embd.data);
  EXPECT_NE(w.layers[0].bq, nullptr);
  EXPECT_NE(w.layers[1].bv, nullptr);
  // Repacked, the tied output gets its own kRows8 copy; the embedding keeps the file's rows.
  auto repacked = Build(Options("tiny-qwen2", WeightFormat::kQ8_0));
  ASSERT_TRUE(repacked.ok());
  const ModelWeights& r = repacked->model->weights();
  EXPECT_EQ(r.output.layout, tensor::WeightLayout::kRows8);
  EXPECT_EQ(r.token_embd.layout, tensor::WeightLayout::kRowMajor);
  EXPECT_NE(r.output.data, r.token_embd.data);
}

TEST(ModelWeights, CountsTheBytesOneTokenReads) {
  auto built = Build(Options("tiny", WeightFormat::kF32));
  ASSERT_TRUE(built.ok());
  // Per layer 64x64 q and o, 64x32 k and v, 3 x 64x160 FFN; one embedding row; 512x64 output.
  const size_t per_layer = (2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 160) * 4;
  EXPECT_EQ(built->model->weights().BytesReadPerToken(), 2 * per_layer + 64 * 4 + 512 * 64 * 4);
}

TEST(ModelWeights, MissingTensorIsNamed) {
  Status st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    plan.erase(std::find_if(plan.begin(), plan.end(),
                            [](const TensorPlan& t) { return t.name == "blk.0.ffn_up.weight"; }));
  });
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "model file 'x.gguf': missing tensor 'blk.0.ffn_up.weight'");
}

TEST(ModelWeights, WrongShapeNamesBothShapes) {
  Status st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    Find(plan, "blk.1.attn_q.weight")->ne = {64, 32};
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "model file 'x.gguf': tensor 'blk.1.attn_q.weight' has shape [64, 32], expected "
            "[64, 64]");
}

TEST(ModelWeights, WrongEmbeddingWidthIsCaught) {
  Status st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    Find(plan, "output_norm.weight")->ne = {32};
  });
  EXPECT_EQ(st.message(),
            "model file 'x.gguf': tensor 'output_norm.weight' has shape [32], expected [64]");
}

TEST(ModelWeights, UnsupportedMatrixTypeIsNamed) {
  Status st = LoadError("tiny-256", WeightFormat::kQ4_K, [](std::vector<TensorPlan>& plan) {
    Find(plan, "output.weight")->type = DType::kIQ2_XS;
  });
  EXPECT_EQ(st.message(),
            "model file 'x.gguf': tensor 'output.weight' has type IQ2_XS, which this engine does "
            "not support (F32, F16, Q8_0, Q4_0, Q4_K, Q6_K)");
}

TEST(ModelWeights, NormsMustBeF32) {
  Status st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    Find(plan, "blk.0.attn_norm.weight")->type = DType::kF16;
  });
  EXPECT_EQ(st.message(),
            "model file 'x.gguf': tensor 'blk.0.attn_norm.weight' has type F16, expected F32");
}

TEST(ModelWeights, Qwen2NeedsItsBiases) {
  Status st = LoadError("tiny-qwen2", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    plan.erase(std::find_if(plan.begin(), plan.end(),
                            [](const TensorPlan& t) { return t.name == "blk.1.attn_k.bias"; }));
  });
  EXPECT_EQ(st.message(), "model file 'x.gguf': missing tensor 'blk.1.attn_k.bias'");
}

TEST(ModelWeights, RefusesTensorsTheArchitectureDoesNotUse) {
  Status st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    plan.push_back({"blk.0.attn_output.bias", DType::kF32, {64}, 0.0f, 1.0f});
  });
  EXPECT_EQ(st.message(),
            "model file 'x.gguf': tensor 'blk.0.attn_output.bias' is not part of a 2-layer llama "
            "model");
  // A third layer's tensors in a file that declares two layers.
  st = LoadError("tiny", WeightFormat::kF32, [](std::vector<TensorPlan>& plan) {
    plan.push_back({"blk.2.ffn_norm.weight", DType::kF32, {64}, 1.0f, 0.0f});
  });
  EXPECT_CONTAINS(st.message(), "tensor 'blk.2.ffn_norm.weight' is not part of a 2-layer llama");
}

TEST(ModelWeights, UnknownArchitectureFailsTheLoad) {
  BuildOptions o = Options("tiny", WeightFormat::kF32);
  auto image = BuildRandomModelImage(o);
  ASSERT_TRUE(image.ok());
  // Same length, different name: patch "llama" in general.architecture to "gemma".
  const size_t at = image->find("llama");
  ASSERT_NE(at, std::string::npos);
  image->replace(at, 5, "gemma");
  auto gguf = testing::OpenImage("x.gguf", *image);
  ASSERT_TRUE(gguf.ok());
  auto model = Model::FromGguf(std::move(*gguf));
  EXPECT_EQ(model.status().message(),
            "model file 'x.gguf': metadata key 'general.architecture' is 'gemma', an "
            "architecture this engine does not support (llama, qwen2)");
}

TEST(ModelWeights, LoadsAModelFileFromDisk) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            ("ptmo_model_" + std::to_string(::getpid()) + ".gguf"))
                               .string();
  ASSERT_TRUE(WriteRandomModel(path, Options("tiny-qwen2", WeightFormat::kQ4_0)).ok());
  auto model = Model::Load(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->config().arch, Architecture::kQwen2);
  std::filesystem::remove(path);
  EXPECT_EQ(Model::Load(path).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ptmo::engine
