// The on-disk copy of repacked matrices: written at the first load, mapped by later loads of the
// same file, and rebuilt (never trusted) when it is stale, truncated or foreign. A cache that
// cannot be written never fails a load.
#include "engine/repack_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/model_builder.h"
#include "engine/model_test_util.h"

namespace ptmo::engine {
namespace {

namespace fs = std::filesystem;
using testing::Options;

class RepackCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ptmo_repack_cache_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    model_path_ = (dir_ / "tiny-q4_0.gguf").string();
    WriteModel(7);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteModel(uint64_t seed) {
    auto image = BuildRandomModelImage(Options("tiny", WeightFormat::kQ4_0, seed));
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    std::ofstream(model_path_, std::ios::binary | std::ios::trunc) << *image;
  }

  LoadOptions Cached() const {
    LoadOptions o;
    o.repack.cache_dir = (dir_ / "cache").string();
    o.repack.cache_min_bytes = 0;  // the tiny model's copies are a few KB
    return o;
  }

  // The logits of a fixed prompt, computed with the scalar kernels so every load agrees exactly.
  static std::vector<float> Logits(const Model& model) {
    auto session = Session::Create(model, {.kernels = &tensor::ScalarKernels()});
    EXPECT_TRUE(session.ok());
    const std::vector<int32_t> prompt = testing::Prompt(5, model.config().n_vocab);
    auto logits = (*session)->Prefill(prompt, 0);
    EXPECT_TRUE(logits.ok());
    return testing::Copy(*logits);
  }

  std::string CacheFile(const Model& model) const { return model.repacked().cache_path(); }

  fs::path dir_;
  std::string model_path_;
};

TEST_F(RepackCache, FirstLoadWritesTheCopyAndTheNextMapsIt) {
  auto memory = Model::Load(model_path_);  // no cache directory: repacked in memory
  ASSERT_TRUE(memory.ok()) << memory.status().ToString();
  EXPECT_EQ((*memory)->repacked().source(), RepackSource::kMemory);
  EXPECT_EQ((*memory)->repacked().cache_path(), "");
  const std::vector<float> want = Logits(**memory);

  auto first = Model::Load(model_path_, Cached());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->repacked().source(), RepackSource::kCacheWrite);
  EXPECT_EQ((*first)->repacked().cache_note(), "");
  ASSERT_TRUE(fs::exists(CacheFile(**first)));
  EXPECT_EQ(fs::file_size(CacheFile(**first)),
            RepackCacheFile::kHeaderBytes + (*first)->repacked().bytes());
  EXPECT_EQ(Logits(**first), want);

  auto second = Model::Load(model_path_, Cached());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)->repacked().source(), RepackSource::kCacheHit);
  EXPECT_EQ((*second)->repacked().matrices(), (*first)->repacked().matrices());
  EXPECT_EQ(CacheFile(**second), CacheFile(**first));
  EXPECT_EQ((*second)->weights().layers[0].wq.layout, tensor::WeightLayout::kRows8);
  EXPECT_EQ(Logits(**second), want);
  // No temporary file is left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "cache")) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(RepackCache, AChangedModelFileIsRepackedAgain) {
  auto first = Model::Load(model_path_, Cached());
  ASSERT_TRUE(first.ok());
  const std::string path = CacheFile(**first);
  first->reset();
  WriteModel(8);  // other weights, same size
  fs::last_write_time(model_path_, fs::last_write_time(model_path_) + std::chrono::seconds(5));
  auto fresh = Model::Load(model_path_, {});
  ASSERT_TRUE(fresh.ok());
  auto again = Model::Load(model_path_, Cached());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->repacked().source(), RepackSource::kCacheWrite);
  EXPECT_CONTAINS((*again)->repacked().cache_note(), "belongs to another model file");
  EXPECT_EQ(CacheFile(**again), path);  // replaced in place
  EXPECT_EQ(Logits(**again), Logits(**fresh));
}

TEST_F(RepackCache, SameSizeAndTimeButOtherBytesIsCaughtByTheFingerprint) {
  auto first = Model::Load(model_path_, Cached());
  ASSERT_TRUE(first.ok());
  first->reset();
  const auto mtime = fs::last_write_time(model_path_);
  WriteModel(9);
  fs::last_write_time(model_path_, mtime);
  auto again = Model::Load(model_path_, Cached());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  // The inode may be reused by the rewrite; the sampled bytes of the matrices differ anyway.
  EXPECT_EQ((*again)->repacked().source(), RepackSource::kCacheWrite);
}

TEST_F(RepackCache, TruncatedOrForeignCopiesAreRebuilt) {
  auto first = Model::Load(model_path_, Cached());
  ASSERT_TRUE(first.ok());
  const std::string path = CacheFile(**first);
  const std::vector<float> want = Logits(**first);
  first->reset();

  fs::resize_file(path, fs::file_size(path) - 100);
  auto truncated = Model::Load(model_path_, Cached());
  ASSERT_TRUE(truncated.ok()) << truncated.status().ToString();
  EXPECT_EQ((*truncated)->repacked().source(), RepackSource::kCacheWrite);
  EXPECT_CONTAINS((*truncated)->repacked().cache_note(), "wrong size");
  EXPECT_EQ(Logits(**truncated), want);
  truncated->reset();

  const auto size = fs::file_size(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << std::string(size, 'x');
  auto foreign = Model::Load(model_path_, Cached());
  ASSERT_TRUE(foreign.ok()) << foreign.status().ToString();
  EXPECT_EQ((*foreign)->repacked().source(), RepackSource::kCacheWrite);
  EXPECT_CONTAINS((*foreign)->repacked().cache_note(), "not a repacked copy");
  EXPECT_EQ(Logits(**foreign), want);
  foreign->reset();

  auto healed = Model::Load(model_path_, Cached());
  ASSERT_TRUE(healed.ok());
  EXPECT_EQ((*healed)->repacked().source(), RepackSource::kCacheHit);
}

TEST_F(RepackCache, AnUnwritableDirectoryFallsBackToMemoryWithANote) {
  std::ofstream(dir_ / "not-a-dir") << "file";
  LoadOptions o = Cached();
  o.repack.cache_dir = (dir_ / "not-a-dir" / "cache").string();
  auto model = Model::Load(model_path_, o);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->repacked().source(), RepackSource::kMemory);
  EXPECT_CONTAINS((*model)->repacked().cache_note(), "cannot create cache directory");
  EXPECT_EQ((*model)->repacked().cache_path(), "");
  auto memory = Model::Load(model_path_);
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(Logits(**model), Logits(**memory));
}

TEST_F(RepackCache, SmallModelsAndInMemoryImagesAreNotCached) {
  LoadOptions o = Cached();
  o.repack.cache_min_bytes = size_t{1} << 30;
  auto small = Model::Load(model_path_, o);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)->repacked().source(), RepackSource::kMemory);
  EXPECT_EQ((*small)->repacked().cache_note(), "");
  EXPECT_FALSE(fs::exists(dir_ / "cache"));

  auto built = testing::Build(Options("tiny", WeightFormat::kQ4_0), "x.gguf", Cached());
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->model->repacked().source(), RepackSource::kMemory);
  EXPECT_FALSE(fs::exists(dir_ / "cache"));
}

TEST(RepackCachePaths, OneCopyPerModelPathNamedAfterIt) {
  const std::string a = RepackCachePath("/c", "/models/a.gguf");
  EXPECT_EQ(a, RepackCachePath("/c", "/models/../models/a.gguf"));
  EXPECT_NE(a, RepackCachePath("/c", "/other/a.gguf"));
  EXPECT_EQ(a.rfind("/c/a-", 0), 0u) << a;
  EXPECT_EQ(a.substr(a.size() - 6), ".rows8");
}

TEST(RepackCachePaths, DefaultDirectoryFollowsTheEnvironment) {
  const char* saved[3] = {std::getenv("PTMO_CACHE_DIR"), std::getenv("XDG_CACHE_HOME"),
                          std::getenv("HOME")};
  const std::string keep[3] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "",
                               saved[2] ? saved[2] : ""};
  ::setenv("PTMO_CACHE_DIR", "/p", 1);
  EXPECT_EQ(DefaultRepackCacheDir(), "/p");
  ::unsetenv("PTMO_CACHE_DIR");
  ::setenv("XDG_CACHE_HOME", "/x", 1);
  EXPECT_EQ(DefaultRepackCacheDir(), "/x/ptmo/repacked");
  ::unsetenv("XDG_CACHE_HOME");
  ::setenv("HOME", "/h", 1);
  EXPECT_EQ(DefaultRepackCacheDir(), "/h/.cache/ptmo/repacked");
  ::unsetenv("HOME");
  EXPECT_EQ(DefaultRepackCacheDir(), "");
  const char* names[3] = {"PTMO_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 3; ++i) {
    if (saved[i] != nullptr) ::setenv(names[i], keep[i].c_str(), 1);
  }
}

}  // namespace
}  // namespace ptmo::engine
