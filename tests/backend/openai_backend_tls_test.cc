// OpenAIBackend over HTTPS against a local TLS server whose certificate the test makes with
// OpenSSL (a throwaway CA-less self-signed certificate for 127.0.0.1): the success path with
// the certificate as ca_file, plain and streaming, and the refusals — unknown issuer, a
// certificate for another host, an empty ca_file bundle — that must never fall back to an
// unverified connection.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "backend/openai_backend.h"

namespace ptmo::backend {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A self-signed certificate and its key, written as PEM files into a scratch folder.
struct TestCertificate {
  std::string cert_path;
  std::string key_path;
};

// `subject_alt_name` in OpenSSL's config syntax, e.g. "IP:127.0.0.1" or "DNS:example.com".
TestCertificate MakeSelfSigned(const std::string& dir, const std::string& name,
                               const std::string& subject_alt_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  EXPECT_NE(key, nullptr);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, subject_alt_name},
                            std::pair{NID_basic_constraints, std::string("critical,CA:TRUE")}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    EXPECT_NE(ext, nullptr);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  EXPECT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);

  TestCertificate out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  FILE* f = std::fopen(out.cert_path.c_str(), "w");
  EXPECT_NE(f, nullptr);
  PEM_write_X509(f, cert.get());
  std::fclose(f);
  f = std::fopen(out.key_path.c_str(), "w");
  EXPECT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  return out;
}

// An OpenAI imitation over TLS answering "secure hello", plain or as server-sent events.
class TlsFakeOpenAI {
 public:
  explicit TlsFakeOpenAI(const TestCertificate& cert)
      : server_(cert.cert_path.c_str(), cert.key_path.c_str()) {
    EXPECT_TRUE(server_.is_valid());
    server_.Post("/v1/chat/completions", [](const httplib::Request& req, httplib::Response& res) {
      const json body = json::parse(req.body);
      if (body.value("stream", false)) {
        std::string sse;
        for (const char* piece : {"secure", " hello"}) {
          json chunk = {{"object", "chat.completion.chunk"},
                        {"model", "tls-model"},
                        {"choices", {{{"index", 0}, {"delta", {{"content", piece}}}}}}};
          sse += "data: " + chunk.dump() + "\n\n";
        }
        sse += "data: [DONE]\n\n";
        res.set_content(sse, "text/event-stream");
        return;
      }
      json reply = {{"object", "chat.completion"},
                    {"model", "tls-model"},
                    {"choices",
                     {{{"index", 0},
                       {"message", {{"role", "assistant"}, {"content", "secure hello"}}},
                       {"finish_reason", "stop"}}}},
                    {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 2}}}};
      res.set_content(reply.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(2ms);
  }
  ~TlsFakeOpenAI() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
};

class OpenAIBackendTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ptmo_tls_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  OpenAIBackendOptions Options(const std::string& url) const {
    OpenAIBackendOptions o;
    o.name = "cloud:tls";
    o.base_url = url;
    o.models = {"tls-model"};
    o.connect_timeout_s = 5;
    o.read_timeout_s = 5;
    o.max_retries = 0;
    return o;
  }
  static Request Chat() {
    Request r;
    r.messages = {{"user", "hi over TLS", json::object(), {}}};
    return r;
  }
  // The error Generate gives with `o`, after checking it is one.
  static Status GenerateError(const OpenAIBackendOptions& o) {
    auto backend = OpenAIBackend::Open(o);
    EXPECT_TRUE(backend.ok()) << backend.status().ToString();
    if (!backend.ok()) return backend.status();
    auto result = (*backend)->Generate(Chat(), nullptr, nullptr);
    EXPECT_FALSE(result.ok()) << "an unverifiable server was trusted: " << result->text;
    return result.ok() ? Status::Ok() : result.status();
  }

  std::string dir_;
};

TEST_F(OpenAIBackendTlsTest, TalksToAServerWhoseCertificateIsInCaFile) {
  TestCertificate cert = MakeSelfSigned(dir_, "loopback", "IP:127.0.0.1");
  TlsFakeOpenAI server(cert);
  OpenAIBackendOptions o = Options(server.Url());
  o.ca_file = cert.cert_path;
  auto backend = OpenAIBackend::Open(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();

  auto plain = (*backend)->Generate(Chat(), nullptr, nullptr);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->text, "secure hello");
  EXPECT_EQ(plain->usage.completion_tokens, 2);

  std::string streamed;
  auto stream = (*backend)->Generate(
      Chat(),
      [&](std::string_view delta) {
        streamed += delta;
        return true;
      },
      nullptr);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  EXPECT_EQ(streamed, "secure hello");
  EXPECT_EQ(stream->text, "secure hello");
}

TEST_F(OpenAIBackendTlsTest, RefusesACertificateFromAnUnknownIssuer) {
  TestCertificate served = MakeSelfSigned(dir_, "served", "IP:127.0.0.1");
  TestCertificate other = MakeSelfSigned(dir_, "other", "IP:127.0.0.1");
  TlsFakeOpenAI server(served);
  OpenAIBackendOptions o = Options(server.Url());
  o.ca_file = other.cert_path;  // trusts a different certificate with the same name
  Status st = GenerateError(o);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("cloud:tls"), std::string::npos) << st.ToString();
}

TEST_F(OpenAIBackendTlsTest, RefusesASelfSignedServerWithTheSystemCas) {
  TestCertificate cert = MakeSelfSigned(dir_, "loopback", "IP:127.0.0.1");
  TlsFakeOpenAI server(cert);
  Status st = GenerateError(Options(server.Url()));  // no ca_file: OpenSSL's default paths
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
}

TEST_F(OpenAIBackendTlsTest, RefusesACertificateIssuedForAnotherHost) {
  TestCertificate cert = MakeSelfSigned(dir_, "elsewhere", "DNS:api.example.com");
  TlsFakeOpenAI server(cert);
  OpenAIBackendOptions o = Options(server.Url());
  o.ca_file = cert.cert_path;  // trusted, but not for 127.0.0.1
  Status st = GenerateError(o);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
}

TEST_F(OpenAIBackendTlsTest, VerificationCanOnlyBeSkippedExplicitly) {
  TestCertificate cert = MakeSelfSigned(dir_, "loopback", "IP:127.0.0.1");
  TlsFakeOpenAI server(cert);
  OpenAIBackendOptions o = Options(server.Url());
  o.verify_certificate = false;
  auto backend = OpenAIBackend::Open(o);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto result = (*backend)->Generate(Chat(), nullptr, nullptr);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->text, "secure hello");
}

TEST_F(OpenAIBackendTlsTest, AMissingCaFileIsAnOpenError) {
  OpenAIBackendOptions o = Options("https://127.0.0.1:1");
  o.ca_file = dir_ + "/missing.pem";
  auto backend = OpenAIBackend::Open(o);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(backend.status().message().find("missing.pem"), std::string::npos)
      << backend.status().ToString();
}

}  // namespace
}  // namespace ptmo::backend
