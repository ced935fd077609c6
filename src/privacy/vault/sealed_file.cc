#include "privacy/vault/sealed_file.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <memory>

namespace ptmo::privacy::vault_internal {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

std::string Header() {
  std::string h(kSealedMagic);
  for (int i = 0; i < 4; ++i) h += static_cast<char>((kSealedVersion >> (8 * i)) & 0xFF);
  return h;
}

}  // namespace

Expected<std::string> Seal(std::string_view plaintext, const VaultKey& key) {
  std::string out = Header();
  std::string nonce(kSealedNonceSize, '\0');
  if (RAND_bytes(Bytes(nonce), static_cast<int>(nonce.size())) != 1) {
    return Internal("OpenSSL RAND_bytes failed to produce a nonce");
  }
  out += nonce;
  const size_t ct_at = out.size();
  out.resize(ct_at + plaintext.size() + kSealedTagSize);

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const std::string_view aad(out.data(), kSealedHeaderSize);
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSealedNonceSize),
                          nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1;
  size_t written = 0;
  // EVP lengths are int: feed large tables in pieces.
  for (size_t off = 0; ok && off < plaintext.size();) {
    size_t piece = std::min<size_t>(plaintext.size() - off, 1 << 30);
    ok = EVP_EncryptUpdate(ctx.get(), Bytes(out) + ct_at + written, &len, Bytes(plaintext) + off,
                           static_cast<int>(piece)) == 1;
    written += static_cast<size_t>(len);
    off += piece;
  }
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + ct_at + written, &len) == 1;
  written += ok ? static_cast<size_t>(len) : 0;
  ok = ok && written == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kSealedTagSize),
                           Bytes(out) + ct_at + written) == 1;
  if (!ok) return Internal("OpenSSL AES-256-GCM encryption failed");
  return out;
}

Expected<std::string> Unseal(std::string_view file, const VaultKey& key, const std::string& path) {
  const std::string name = "vault file '" + path + "'";
  if (file.size() < kSealedMagic.size() || file.substr(0, kSealedMagic.size()) != kSealedMagic) {
    return DataLoss(name + ": not a ptmo vault file (bad magic)");
  }
  if (file.size() < kSealedMinSize) {
    return DataLoss(name + ": truncated (" + std::to_string(file.size()) +
                    " bytes, a vault file has at least " + std::to_string(kSealedMinSize) + ")");
  }
  uint32_t version = 0;
  for (int i = 0; i < 4; ++i) {
    version |= uint32_t{static_cast<unsigned char>(file[kSealedMagic.size() + i])} << (8 * i);
  }
  if (version != kSealedVersion) {
    return FailedPrecondition(name + ": format version " + std::to_string(version) +
                              " is not supported (this build reads version " +
                              std::to_string(kSealedVersion) + ")");
  }
  const std::string_view aad = file.substr(0, kSealedHeaderSize);
  const std::string_view nonce = file.substr(kSealedHeaderSize, kSealedNonceSize);
  const size_t ct_at = kSealedHeaderSize + kSealedNonceSize;
  const std::string_view ct = file.substr(ct_at, file.size() - ct_at - kSealedTagSize);
  std::string tag(file.substr(file.size() - kSealedTagSize));

  std::string plain(ct.size(), '\0');
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kSealedNonceSize),
                          nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1;
  size_t written = 0;
  for (size_t off = 0; ok && off < ct.size();) {
    size_t piece = std::min<size_t>(ct.size() - off, 1 << 30);
    ok = EVP_DecryptUpdate(ctx.get(), Bytes(plain) + written, &len, Bytes(ct) + off,
                           static_cast<int>(piece)) == 1;
    written += static_cast<size_t>(len);
    off += piece;
  }
  if (!ok) return Internal(name + ": OpenSSL AES-256-GCM decryption could not start");
  ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kSealedTagSize),
                           tag.data()) == 1 &&
       EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + written, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return DataLoss(name + ": authentication failed (wrong key or modified file)");
  }
  return plain;
}

}  // namespace ptmo::privacy::vault_internal
