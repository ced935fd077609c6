// Saving and loading vaults: AES-256-GCM at rest, atomic writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "privacy/vault/sealed_file.h"
#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"
#include "util/file.h"

namespace ptmo::privacy {
namespace {

using testing::SpanOf;
using testing::TempDir;

VaultKey NewKey() {
  auto key = VaultKey::Generate();
  EXPECT_TRUE(key.ok());
  return *key;
}

// A vault holding one value in each restorable mode.
struct Filled {
  Vault vault{VaultOptions{.deterministic_seed = 1}};
  std::string text = "Ann Lee <ann@corp.example> card 4111 1111 1111 1111";
  std::string placeholder, surrogate, hash;
  Filled() {
    std::vector<Span> spans = {SpanOf(text, "Ann Lee", EntityType::kPerson),
                               SpanOf(text, "ann@corp.example", EntityType::kEmail),
                               SpanOf(text, "4111 1111 1111 1111", EntityType::kCreditCard)};
    placeholder = vault.Mask(text, spans, MaskMode::kPlaceholder)->text;
    surrogate = vault.Mask(text, spans, MaskMode::kSurrogate)->text;
    hash = vault.Mask(text, spans, MaskMode::kHash)->text;
  }
};

std::string Read(const std::string& path) {
  auto data = ReadFile(path);
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  return data.ok() ? *data : "";
}

// Plain write (no fsync: the tamper test writes a thousand variants).
void Write(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  ASSERT_TRUE(out.good()) << path;
}

TEST(VaultFile, SaveThenLoadRestoresEveryMode) {
  TempDir dir;
  Filled f;
  VaultKey key = NewKey();
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), key).ok());
  auto loaded = Vault::Load(dir.File("v.vault"), key);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->size(), 3u);
  EXPECT_EQ(loaded->Unmask(f.placeholder), f.text);
  EXPECT_EQ(loaded->Unmask(f.surrogate), f.text);
  EXPECT_EQ(loaded->Unmask(f.hash), f.text);
}

TEST(VaultFile, LoadedVaultKeepsPseudonymsAndNumbering) {
  TempDir dir;
  Filled f;
  VaultKey key = NewKey();
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), key).ok());
  auto loaded = Vault::Load(dir.File("v.vault"), key);
  ASSERT_TRUE(loaded.ok());
  std::string text = "Ann Lee and Bo Park, ann@corp.example";
  std::vector<Span> spans = {SpanOf(text, "Ann Lee", EntityType::kPerson),
                             SpanOf(text, "Bo Park", EntityType::kPerson),
                             SpanOf(text, "ann@corp.example", EntityType::kEmail)};
  auto m = loaded->Mask(text, spans, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->text, "<PERSON_1> and <PERSON_2>, <EMAIL_1>");
  // Same hash tag after reload: the HMAC key was saved too.
  auto h1 = f.vault.Mask(text, {spans[0]}, MaskMode::kHash);
  auto h2 = loaded->Mask(text, {spans[0]}, MaskMode::kHash);
  ASSERT_TRUE(h1.ok() && h2.ok());
  EXPECT_EQ(h1->replacements[0].pseudonym, h2->replacements[0].pseudonym);
}

TEST(VaultFile, FileIsPrivateAndHoldsNoPlaintext) {
  TempDir dir;
  Filled f;
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), NewKey()).ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("v.vault").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string data = Read(dir.File("v.vault"));
  EXPECT_EQ(data.substr(0, 8), std::string("PTMOVLT\0", 8));
  EXPECT_EQ(data.find("Ann"), std::string::npos);
  EXPECT_EQ(data.find("PERSON"), std::string::npos);
  EXPECT_EQ(data.find("4111"), std::string::npos);
}

TEST(VaultFile, EverySaveUsesAFreshNonce) {
  TempDir dir;
  Filled f;
  VaultKey key = NewKey();
  ASSERT_TRUE(f.vault.Save(dir.File("a"), key).ok());
  ASSERT_TRUE(f.vault.Save(dir.File("b"), key).ok());
  std::string a = Read(dir.File("a")), b = Read(dir.File("b"));
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a.substr(12, 12), b.substr(12, 12));
  EXPECT_NE(a, b);
}

TEST(VaultFile, WrongKeyFailsAuthentication) {
  TempDir dir;
  Filled f;
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), NewKey()).ok());
  auto loaded = Vault::Load(dir.File("v.vault"), NewKey());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(loaded.status().message(), "vault file '" + dir.File("v.vault") +
                                           "': authentication failed (wrong key or modified file)");
}

TEST(VaultFile, AnyChangedByteIsDetected) {
  TempDir dir;
  Filled f;
  VaultKey key = NewKey();
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), key).ok());
  const std::string good = Read(dir.File("v.vault"));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    Write(dir.File("bad.vault"), bad);
    auto loaded = Vault::Load(dir.File("bad.vault"), key);
    ASSERT_FALSE(loaded.ok()) << "byte " << i;
    if (i < 8) {
      EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << "magic byte " << i;
    } else if (i < 12) {
      EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition) << "version byte " << i;
    } else {
      EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << "byte " << i;
      EXPECT_NE(loaded.status().message().find("authentication failed"), std::string::npos);
    }
  }
}

TEST(VaultFile, TruncatedFileIsDetected) {
  TempDir dir;
  Filled f;
  VaultKey key = NewKey();
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), key).ok());
  const std::string good = Read(dir.File("v.vault"));
  for (size_t len : {size_t{0}, size_t{5}, size_t{12}, size_t{39}, size_t{40}, good.size() - 1}) {
    Write(dir.File("short.vault"), good.substr(0, len));
    auto loaded = Vault::Load(dir.File("short.vault"), key);
    ASSERT_FALSE(loaded.ok()) << len;
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << len;
  }
  Write(dir.File("short.vault"), good.substr(0, 30));
  EXPECT_NE(Vault::Load(dir.File("short.vault"), key).status().message().find("truncated"),
            std::string::npos);
}

TEST(VaultFile, MissingFileIsNotFound) {
  TempDir dir;
  auto loaded = Vault::Load(dir.File("none.vault"), NewKey());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_NE(loaded.status().message().find("none.vault"), std::string::npos);
}

TEST(VaultFile, AuthenticTablesThatAreNotAVaultAreRejected) {
  TempDir dir;
  VaultKey key = NewKey();
  for (std::string tables : {std::string("not json"), std::string("{\"format\":\"other\"}"),
                             std::string("{\"format\":\"ptmo-vault\",\"version\":1,\"hash_key\":"
                                         "\"\",\"entries\":[{\"type\":\"NOPE\",\"value\":\"x\"}]}"),
                             std::string("{\"format\":\"ptmo-vault\",\"version\":1,\"hash_key\":"
                                         "\"\",\"entries\":[{\"type\":\"PERSON\",\"value\":\"a\","
                                         "\"placeholder\":\"<P>\"},{\"type\":\"PERSON\",\"value\":"
                                         "\"b\",\"placeholder\":\"<P>\"}]}")}) {
    auto sealed = vault_internal::Seal(tables, key);
    ASSERT_TRUE(sealed.ok());
    Write(dir.File("odd.vault"), *sealed);
    auto loaded = Vault::Load(dir.File("odd.vault"), key);
    ASSERT_FALSE(loaded.ok()) << tables;
    EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss) << loaded.status().ToString();
  }
}

TEST(VaultFile, FailedSaveKeepsThePreviousFile) {
  TempDir dir;
  VaultKey key = NewKey();
  Filled f;
  ASSERT_TRUE(f.vault.Save(dir.File("v.vault"), key).ok());
  const std::string before = Read(dir.File("v.vault"));

  // Grow the vault, then make the write fail half way: a file size limit makes write()
  // fail with EFBIG (SIGXFSZ ignored), which works even for root.
  std::string more(5000, 'x');
  ASSERT_TRUE(f.vault
                  .Mask(more, {testing::MakeSpan(EntityType::kSecret, 0, more.size())},
                        MaskMode::kSurrogate)
                  .ok());
  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status st = f.vault.Save(dir.File("v.vault"), key);
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(dir.File("v.vault")), std::string::npos) << st.message();
  EXPECT_EQ(Read(dir.File("v.vault")), before);
  auto loaded = Vault::Load(dir.File("v.vault"), key);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Unmask(f.placeholder), f.text);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace ptmo::privacy
