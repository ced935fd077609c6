// GET /metrics counts the request bytes the gateway reports having sent off the device.
#include <gtest/gtest.h>
#include <httplib.h>

#include "server/http_server.h"
#include "server/metrics.h"

namespace ptmo::server {
namespace {

// A gateway double whose every answer says it sent `bytes` to the cloud.
class SendsBytes : public offload::Service {
 public:
  explicit SendsBytes(uint64_t bytes) : bytes_(bytes) {}
  std::vector<std::string> models() const override { return {"ptmo"}; }
  Expected<offload::ServiceResponse> Handle(const offload::ServiceRequest&,
                                            const backend::DeltaCallback& on_delta,
                                            const backend::CancelToken*) override {
    offload::ServiceResponse out;
    out.result.text = "ok";
    if (on_delta) on_delta("ok");
    out.privacy = offload::PrivacyReport{};
    out.privacy->route = "cloud";
    out.privacy->bytes_sent = bytes_;
    return out;
  }
  const privacy::Analyzer* analyzer() const override { return nullptr; }

 private:
  uint64_t bytes_;
};

TEST(MetricsBytesSent, RendersTheTotal) {
  Metrics m;
  m.ObserveRoute("cloud", 2, 100);
  m.ObserveRoute("cloud", 0, 23);
  EXPECT_NE(m.Render().find("ptmo_cloud_bytes_sent_total 123\n"), std::string::npos) << m.Render();
}

TEST(MetricsBytesSent, ServerAddsWhatEachAnswerSent) {
  HttpServerOptions o;
  o.port = 0;
  o.allow_anonymous = true;
  auto server = HttpServer::Create(o, std::make_shared<SendsBytes>(321));
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->Start().ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  const std::string body = R"({"model":"ptmo","messages":[{"role":"user","content":"hi"}]})";
  auto plain = client.Post("/v1/chat/completions", body, "application/json");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200) << plain->body;
  const std::string streamed =
      R"({"model":"ptmo","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  auto stream = client.Post("/v1/chat/completions", streamed, "application/json");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 200) << stream->body;
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ptmo_cloud_bytes_sent_total 642\n"), std::string::npos)
      << metrics->body;
  (*server)->Stop();
}

}  // namespace
}  // namespace ptmo::server
