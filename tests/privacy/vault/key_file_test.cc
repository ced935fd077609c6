// The vault key file: created 0600, refused when others can read it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <thread>
#include <vector>

#include "privacy/vault/vault_key.h"
#include "privacy/vault/vault_test_util.h"
#include "util/file.h"

namespace ptmo::privacy {
namespace {

using testing::TempDir;

TEST(KeyFile, IsCreatedWithMode0600AndReloadsTheSameKey) {
  TempDir dir;
  const std::string path = dir.File("vault.key");
  auto created = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->size(), 65u) << "64 hex digits and a newline";
  auto again = LoadOrCreateKeyFile(path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *created);
  auto loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(*loaded == *created);
}

TEST(KeyFile, TwoNewKeyFilesDiffer) {
  TempDir dir;
  auto a = LoadOrCreateKeyFile(dir.File("a.key"));
  auto b = LoadOrCreateKeyFile(dir.File("b.key"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(*a == *b);
}

TEST(KeyFile, RefusesAGroupOrWorldReadableFile) {
  TempDir dir;
  const std::string path = dir.File("open.key");
  ASSERT_TRUE(WriteFileAtomic(path, std::string(64, 'a') + "\n", 0644).ok());
  for (bool create : {false, true}) {
    auto key = create ? LoadOrCreateKeyFile(path) : LoadKeyFile(path);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(key.status().message().find("mode 0644"), std::string::npos)
        << key.status().message();
    EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_FALSE(LoadKeyFile(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(LoadKeyFile(path).ok());
}

TEST(KeyFile, AcceptsRawBytesAndRejectsMalformedContent) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("raw.key"), std::string(32, '\x07'), 0600).ok());
  EXPECT_TRUE(LoadKeyFile(dir.File("raw.key")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.File("short.key"), "abcd\n", 0600).ok());
  auto bad = LoadKeyFile(dir.File("short.key"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("64 hex digits"), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(dir.File("nothex.key"), std::string(64, 'z'), 0600).ok());
  EXPECT_FALSE(LoadKeyFile(dir.File("nothex.key")).ok());
}

TEST(KeyFile, MissingFileIsNotFoundForLoadKeyFile) {
  TempDir dir;
  auto key = LoadKeyFile(dir.File("none.key"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kNotFound);
}

TEST(KeyFile, RacingCreatorsEndUpWithOneKey) {
  TempDir dir;
  const std::string path = dir.File("race.key");
  std::vector<std::optional<VaultKey>> keys(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      auto k = LoadOrCreateKeyFile(path);
      if (k.ok()) keys[i] = *k;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& k : keys) {
    ASSERT_TRUE(k.has_value());
    EXPECT_TRUE(*k == *keys[0]);
  }
}

TEST(VaultKeyBytes, FromBytesNeedsExactly32Bytes) {
  EXPECT_TRUE(VaultKey::FromBytes(std::string(32, 'k')).ok());
  EXPECT_EQ(VaultKey::FromBytes("short").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ptmo::privacy
