// The leakage audit and images: image parts in payloads are not scanned as text, and the
// gateway's per-image decisions (media_json) are counted, a PRIVATE image uploaded is a leak.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "privacy/audit/leakage.h"
#include "privacy/budget/temp_dir.h"

namespace ptmo::privacy {
namespace {

using nlohmann::json;
using ptmo::testing::TempDir;

class LeakageImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AnalyzerOptions o;
    o.enable_ner = false;
    auto a = Analyzer::Create(o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    analyzer_ = std::move(a).value();
    auto log = AuditLog::Open(dir_.File("audit.db"));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }

  void Add(const std::string& payload, const json& images) {
    AuditRecord r;
    r.request_id = "req-" + std::to_string(++n_);
    r.user_id = "alice";
    r.route = payload.empty() ? AuditRoute::kLocal : AuditRoute::kCloud;
    r.destination = payload.empty() ? "" : "openai";
    r.payload = payload;
    r.media_json = json{{"images", images}}.dump();
    auto id = log_->Append(r);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
  }

  LeakageReport Audit() {
    auto report = AuditLeakage(*log_, *analyzer_, {});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : LeakageReport{};
  }

  static std::string BodyWithImage(const std::string& text, const std::string& url) {
    json content = json::array({{{"type", "text"}, {"text", text}},
                                {{"type", "image_url"}, {"image_url", {{"url", url}}}}});
    return json{{"model", "gpt-4o-mini"},
                {"messages", json::array({{{"role", "user"}, {"content", content}}})}}
        .dump();
  }

  TempDir dir_;
  std::unique_ptr<Analyzer> analyzer_;
  std::unique_ptr<AuditLog> log_;
  int n_ = 0;
};

TEST_F(LeakageImagesTest, CountsImagesByActionAndRedactedOrPublicOnesAreNoLeak) {
  // The data: URL holds text that would look like PII if it were scanned as text.
  Add(BodyWithImage("Describe it.", "data:image/png;base64,sarah.miller@example.com"),
      json::array({{{"level", "PUBLIC"}, {"action", "sent"}},
                   {{"level", "SEMI_SENSITIVE"}, {"action", "redacted"}},
                   {{"level", "PRIVATE"}, {"action", "withheld"}}}));
  Add("", json::array({{{"level", "PRIVATE"}, {"action", "withheld"}}}));
  LeakageReport r = Audit();
  EXPECT_EQ(r.images_sent, 1);
  EXPECT_EQ(r.images_redacted, 1);
  EXPECT_EQ(r.images_withheld, 2);
  EXPECT_EQ(r.private_images_uploaded, 0);
  EXPECT_EQ(r.pii_spans, 0);
  EXPECT_FALSE(r.leaked());
}

TEST_F(LeakageImagesTest, PrivateImageUploadedIsALeak) {
  Add(BodyWithImage("Describe it.", "data:image/png;base64,AAAA"),
      json::array({{{"level", "PRIVATE"}, {"action", "sent"}}}));
  LeakageReport r = Audit();
  EXPECT_EQ(r.private_images_uploaded, 1);
  EXPECT_TRUE(r.leaked());
}

TEST_F(LeakageImagesTest, TextNextToAnImageIsStillScanned) {
  Add(BodyWithImage("Mail sarah.miller@example.com", "data:image/png;base64,AAAA"),
      json::array({{{"level", "PUBLIC"}, {"action", "sent"}}}));
  LeakageReport r = Audit();
  EXPECT_EQ(r.payloads_with_pii, 1);
  EXPECT_TRUE(r.leaked());
}

}  // namespace
}  // namespace ptmo::privacy
