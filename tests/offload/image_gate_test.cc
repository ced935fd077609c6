// The gateway's image stage: what leaves the device for each image_url part. Images are small
// and generated (OCR costs ~100 ms per image), the image analyzer is built once per suite.
#include "offload/image_gate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "offload/gateway.h"
#include "offload/test_backends.h"
#include "offload/test_images.h"
#include "privacy/vision/data_url.h"
#include "privacy/vision/image_decode.h"
#include "privacy/vision/metadata.h"
#include "privacy/vision/text_render.h"
#include "util/file.h"

namespace ptmo::offload {
namespace {

namespace fs = std::filesystem;
namespace vision = privacy::vision;
using nlohmann::json;
using testing::CannedLocal;
using testing::ScriptedCloud;

using testing::BlankPng;
using testing::SharedImageGuard;

std::string DataUrl(const std::string& bytes, std::string_view type = "image/png") {
  return testing::ImageDataUrl(bytes, type);
}

// --- Pure helpers (no image analysis) ---

TEST(ImageGateHelpers, Sha256AndBase64MatchTheStandardVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(ImageGateHelpers, UploadedImagesAddTheirCostByNoisyOrAndWithheldOnesNothing) {
  std::vector<ImageVerdict> v(2);
  v[0].action = ImageAction::kSent;
  v[0].cost = 0.5;
  v[1].action = ImageAction::kWithheld;
  v[1].cost = 0.9;  // ignored: it never leaves
  EXPECT_DOUBLE_EQ(CombinedPrivacyCost(0.0, {}), 0.0);
  EXPECT_DOUBLE_EQ(CombinedPrivacyCost(0.2, {}), 0.2);
  EXPECT_DOUBLE_EQ(CombinedPrivacyCost(0.0, v), 0.5);
  EXPECT_DOUBLE_EQ(CombinedPrivacyCost(0.5, v), 0.75);
  v[1].action = ImageAction::kRedacted;
  EXPECT_NEAR(CombinedPrivacyCost(0.0, v), 1 - 0.5 * 0.1, 1e-12);
  EXPECT_LE(CombinedPrivacyCost(1.0, v), 1.0);
}

TEST(ImageGateHelpers, ApplyingVerdictsSwapsInRedactedCopiesAndDropsWithheldImages) {
  backend::Request r;
  r.messages = {{"user", "a"}, {"user", "b"}};
  r.messages[0].images = {{"data:image/png;base64,AAAA", "messages[0].content[1]"}};
  r.messages[1].images = {{"data:image/png;base64,BBBB", "messages[1].content[1]"},
                          {"data:image/png;base64,CCCC", "messages[1].content[2]"}};
  std::vector<ImageVerdict> v(3);
  v[0].message = 0;
  v[0].action = ImageAction::kWithheld;
  v[1].message = 1;
  v[1].action = ImageAction::kRedacted;
  v[1].data_url = "data:image/png;base64,REDACTED";
  v[2].message = 1;
  v[2].action = ImageAction::kSent;
  v[2].data_url = "data:image/png;base64,CCCC";
  ApplyImageVerdicts(v, &r);
  EXPECT_TRUE(r.messages[0].images.empty());
  ASSERT_EQ(r.messages[1].images.size(), 2u);
  EXPECT_EQ(r.messages[1].images[0].url, "data:image/png;base64,REDACTED");
  EXPECT_EQ(r.messages[1].images[0].param, "messages[1].content[1]");
  EXPECT_EQ(r.messages[1].images[1].url, "data:image/png;base64,CCCC");
}

TEST(ImageGateHelpers, ImagesWithoutVerdictsAreDroppedFailClosed) {
  backend::Request r;
  r.messages = {{"user", "a"}};
  r.messages[0].images = {{"data:image/png;base64,AAAA", "messages[0].content[1]"}};
  ApplyImageVerdicts({}, &r);
  EXPECT_TRUE(r.messages[0].images.empty());
}

// --- The gateway with the real image guard ---

class GatewayImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(SharedImageGuard().images);
    text_ = SharedImageGuard().text;
    images_ = SharedImageGuard().images;
    auto font = vision::TextRenderer::Create(vision::kDejaVuSans);
    ASSERT_TRUE(font.ok()) << font.status().message();
    font_ = std::shared_ptr<const vision::TextRenderer>(std::move(*font));
  }
  static void TearDownTestSuite() {
    images_.reset();
    text_.reset();
    font_.reset();
  }

  void SetUp() override {
    dir_ = testing::FreshTestDir("ptmo_image_gate_test");
    Build();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Build(ThresholdRoutes routes = {}, ImageGateOptions image_options = {},
             bool with_guard = true) {
    cloud_ = std::make_shared<ScriptedCloud>();
    local_ = std::make_shared<CannedLocal>();
    GatewayParts parts;
    parts.analyzer = text_;
    parts.local = local_;
    parts.clouds = {cloud_};
    auto ledger = privacy::BudgetLedger::Open((dir_ / "budget.db").string(), {1.0, 3600});
    ASSERT_TRUE(ledger.ok()) << ledger.status().message();
    parts.ledger = std::move(*ledger);
    auto audit = privacy::AuditLog::Open((dir_ / "audit.db").string());
    ASSERT_TRUE(audit.ok()) << audit.status().message();
    audit_ = std::move(*audit);
    parts.audit = audit_;
    parts.policy =
        policy_ ? policy_ : std::shared_ptr<const RoutePolicy>(MakeThresholdPolicy(routes));
    if (with_guard) parts.images = images_;
    GatewayOptions options;
    options.images = image_options;
    auto gw = Gateway::Create(options, std::move(parts));
    ASSERT_TRUE(gw.ok()) << gw.status().message();
    gateway_ = std::move(*gw);
  }

  // One user message: a text part, then the images.
  ServiceRequest Chat(const std::string& text, const std::vector<std::string>& urls) {
    ServiceRequest r;
    r.request_id = "req-" + std::to_string(++counter_);
    r.user_id = "alice";
    r.request.model = "ptmo";
    r.request.messages = {{"user", text}};
    for (size_t i = 0; i < urls.size(); ++i) {
      r.request.messages[0].images.push_back(
          {urls[i], "messages[0].content[" + std::to_string(i + 1) + "]"});
    }
    return r;
  }

  // White image with `lines` drawn at 24 px (readable by the OCR).
  static std::string TextPng(const std::vector<std::string>& lines) {
    cv::Mat img(int(lines.size()) * 40 + 30, 520, CV_8UC3, cv::Scalar(255, 255, 255));
    for (size_t i = 0; i < lines.size(); ++i) {
      font_->Draw(img, lines[i], 15, 15 + int(i) * 40, 24, cv::Scalar(0, 0, 0));
    }
    return *vision::EncodeImage(img, vision::ImageFormat::kPng);
  }
  // The shipped face photo with camera metadata added.
  static std::string FaceJpegWithExif() {
    auto bytes = ReadFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    auto tagged = vision::WriteImageMetadata(
        *bytes, {{"Exif.Image.Make", "ExampleCam"}, {"Exif.Image.Model", "EC-100"}});
    EXPECT_TRUE(tagged.ok()) << tagged.status().message();
    return tagged.ok() ? *tagged : std::string();
  }

  // The decoded bytes of the i-th image the scripted cloud received in its last request.
  std::string ReceivedImage(size_t i) {
    EXPECT_FALSE(cloud_->received.empty());
    if (cloud_->received.empty()) return {};
    std::vector<backend::ImagePart> all;
    for (const auto& m : cloud_->received.back().messages) {
      all.insert(all.end(), m.images.begin(), m.images.end());
    }
    EXPECT_LT(i, all.size());
    if (i >= all.size()) return {};
    auto bytes = vision::DecodeDataUrl(all[i].url, size_t(64) << 20);
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    return bytes.ok() ? *bytes : std::string();
  }
  size_t ReceivedImageCount() {
    size_t n = 0;
    for (const auto& r : cloud_->received) {
      for (const auto& m : r.messages) n += m.images.size();
    }
    return n;
  }

  json MediaOfOnlyRow() {
    auto rows = audit_->Read({});
    EXPECT_TRUE(rows.ok());
    EXPECT_EQ(rows.ok() ? rows->size() : 0u, 1u);
    if (!rows.ok() || rows->size() != 1) return json();
    return json::parse((*rows)[0].media_json, nullptr, false);
  }

  static inline std::shared_ptr<const privacy::Analyzer> text_;
  static inline std::shared_ptr<const vision::ImageAnalyzer> images_;
  static inline std::shared_ptr<const vision::TextRenderer> font_;
  fs::path dir_;
  int counter_ = 0;
  std::shared_ptr<ScriptedCloud> cloud_;
  std::shared_ptr<CannedLocal> local_;
  std::shared_ptr<privacy::AuditLog> audit_;
  std::unique_ptr<Gateway> gateway_;
  std::shared_ptr<const RoutePolicy> policy_;  // when set, Build uses it instead of thresholds
};

// Sends everything to the cloud with only the images in `mask` (as a learned policy's action).
class CloudWithImagesPolicy : public RoutePolicy {
 public:
  explicit CloudWithImagesPolicy(uint32_t mask) : mask_(mask) {}
  std::string name() const override { return "test-mask"; }
  std::string version() const override { return "1"; }
  RouteDecision Decide(const RouteContext& context) const override {
    scores = context.image_scores;
    RouteDecision d;
    d.route = Route::kCloud;
    d.reason = "test policy";
    d.image_mask = mask_;
    return d;
  }
  mutable std::vector<double> scores;  // what the gateway passed (one request at a time)

 private:
  uint32_t mask_;
};

TEST_F(GatewayImageTest, ThePolicysImageChoiceNarrowsWhatIsUploaded) {
  auto policy = std::make_shared<CloudWithImagesPolicy>(0b10u);
  policy_ = policy;
  Build();
  const std::string first = BlankPng(), second = TextPng({"Blue sky over the harbour"});
  auto r = gateway_->Handle(Chat("Compare these", {DataUrl(first), DataUrl(second)}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "cloud");
  ASSERT_EQ(policy->scores.size(), 2u);  // the policy saw both images' measured scores
  ASSERT_EQ(r->privacy->images.size(), 2u);
  EXPECT_EQ(r->privacy->images[0].action, "withheld");
  EXPECT_EQ(r->privacy->images[1].action, "sent");
  ASSERT_EQ(ReceivedImageCount(), 1u);
  EXPECT_EQ(Sha256Hex(ReceivedImage(0)), Sha256Hex(second));
  json media = MediaOfOnlyRow();
  ASSERT_TRUE(media.is_object()) << media;
  EXPECT_EQ(media["images"][0]["sha256"], "withheld");

  // A text-only choice still goes to the cloud, without images.
  policy_ = std::make_shared<CloudWithImagesPolicy>(0u);
  Build();
  const size_t before = ReceivedImageCount();
  r = gateway_->Handle(Chat("Describe the weather", {DataUrl(first)}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "cloud");
  EXPECT_EQ(r->privacy->images[0].action, "withheld");
  EXPECT_EQ(ReceivedImageCount(), before);
}

TEST_F(GatewayImageTest, PublicImageIsSentByteForByte) {
  const std::string png = BlankPng();
  auto r = gateway_->Handle(Chat("What colour is this?", {DataUrl(png)}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "cloud");
  ASSERT_EQ(r->privacy->images.size(), 1u);
  EXPECT_EQ(r->privacy->images[0].level, "PUBLIC");
  EXPECT_EQ(r->privacy->images[0].action, "sent");
  EXPECT_EQ(r->privacy->images[0].param, "messages[0].content[1]");
  EXPECT_EQ(Sha256Hex(ReceivedImage(0)), Sha256Hex(png));
  EXPECT_EQ(cloud_->received.back().messages[0].content, "What colour is this?");

  json media = MediaOfOnlyRow();
  ASSERT_TRUE(media.is_object()) << media;
  ASSERT_EQ(media["images"].size(), 1u);
  EXPECT_EQ(media["images"][0]["action"], "sent");
  EXPECT_EQ(media["images"][0]["level"], "PUBLIC");
  EXPECT_EQ(media["images"][0]["sha256"], Sha256Hex(png));
  EXPECT_EQ(media["images"][0]["bytes_sent"], png.size());
  // The audit payload holds the image exactly as sent.
  auto rows = audit_->Read({});
  ASSERT_TRUE(rows.ok());
  EXPECT_NE((*rows)[0].payload.find(Base64Encode(png)), std::string::npos);
}

TEST_F(GatewayImageTest, FaceImageIsRedactedAndStrippedOfMetadataBeforeSending) {
  const std::string jpeg = FaceJpegWithExif();
  ASSERT_FALSE(jpeg.empty());
  auto before = vision::ReadImageMetadata(jpeg);
  ASSERT_TRUE(before.ok());
  ASSERT_FALSE(before->empty());  // the fixture really carries metadata
  auto r =
      gateway_->Handle(Chat("Describe the scene.", {DataUrl(jpeg, "image/jpeg")}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->privacy->images.size(), 1u);
  EXPECT_EQ(r->privacy->images[0].level, "SEMI_SENSITIVE");
  EXPECT_EQ(r->privacy->images[0].action, "redacted");
  EXPECT_NE(r->privacy->route, "local");

  const std::string sent = ReceivedImage(0);
  ASSERT_FALSE(sent.empty());
  EXPECT_NE(Sha256Hex(sent), Sha256Hex(jpeg));
  auto decoded = vision::DecodeImage(sent, {});
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  auto after = vision::ReadImageMetadata(sent);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  // The face detector no longer finds the blurred face.
  vision::ImageOptions o;
  o.run_ocr = false;
  auto again = images_->AnalyzeImage(sent, o);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->faces.empty());

  json media = MediaOfOnlyRow();
  ASSERT_EQ(media["images"].size(), 1u);
  EXPECT_EQ(media["images"][0]["action"], "redacted");
  EXPECT_EQ(media["images"][0]["sha256"], Sha256Hex(sent));
  EXPECT_EQ(media["images"][0]["redacted"]["faces"], 1);
  EXPECT_EQ(media["images"][0]["redacted"]["metadata_dropped"], true);
  // The redacted image's residual risk is charged although the text is public.
  EXPECT_GT(r->privacy->privacy_cost, 0.0);
}

TEST_F(GatewayImageTest, AnImageWithoutTextStillGoesOutWhenItsRedactedCopyMay) {
  ServiceRequest r = Chat("", {DataUrl(FaceJpegWithExif(), "image/jpeg")});
  auto out = gateway_->Handle(r, {}, nullptr);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->privacy->route, "hybrid");
  EXPECT_TRUE(out->privacy->fallback.empty()) << out->privacy->fallback;
  ASSERT_EQ(out->privacy->images.size(), 1u);
  EXPECT_EQ(out->privacy->images[0].action, "redacted");
  EXPECT_EQ(ReceivedImageCount(), 1u);
  EXPECT_EQ(local_->calls, 0);
}

TEST_F(GatewayImageTest, PaymentCardImageNeverLeavesAndTheDeviceAnswers) {
  const std::string card = TextPng({"EXAMPLE BANK", "4111 1111 1111 1111", "VALID THRU 08/29"});
  auto r = gateway_->Handle(Chat("What is on this card?", {DataUrl(card)}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->level, "PRIVATE");
  EXPECT_EQ(r->privacy->route, "local");
  ASSERT_EQ(r->privacy->images.size(), 1u);
  EXPECT_EQ(r->privacy->images[0].level, "PRIVATE");
  EXPECT_EQ(r->privacy->images[0].action, "withheld");
  bool said_so = false;
  for (const std::string& reason : r->privacy->reasons) {
    said_so |= reason.find("images withheld") != std::string::npos;
  }
  EXPECT_TRUE(said_so);
  EXPECT_TRUE(cloud_->received.empty());
  EXPECT_EQ(local_->calls, 1);
  json media = MediaOfOnlyRow();
  EXPECT_EQ(media["images"][0]["sha256"], "withheld");
  EXPECT_EQ(media["images"][0]["bytes_sent"], 0);
}

TEST_F(GatewayImageTest, WithPrivateRoutedHybridTheTextGoesButThePrivateImageStays) {
  ThresholdRoutes routes;
  routes.for_private = Route::kHybrid;
  Build(routes);
  const std::string card = TextPng({"EXAMPLE BANK", "4111 1111 1111 1111", "VALID THRU 08/29"});
  const std::string blank = BlankPng();
  auto r =
      gateway_->Handle(Chat("Compare these two.", {DataUrl(card), DataUrl(blank)}), {}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->privacy->route, "hybrid");
  ASSERT_EQ(r->privacy->images.size(), 2u);
  EXPECT_EQ(r->privacy->images[0].action, "withheld");
  EXPECT_EQ(r->privacy->images[1].action, "sent");
  ASSERT_EQ(ReceivedImageCount(), 1u);
  EXPECT_EQ(Sha256Hex(ReceivedImage(0)), Sha256Hex(blank));
  EXPECT_EQ(cloud_->received.back().messages[0].content, "Compare these two.");
  auto rows = audit_->Read({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].payload.find(Base64Encode(card)), std::string::npos);
  EXPECT_EQ((*rows)[0].payload.find("4111"), std::string::npos);
}

TEST_F(GatewayImageTest, RemoteImageUrlIsRefusedNamingThePartAndNeverFetched) {
  auto r = gateway_->Handle(Chat("What is this?", {"https://example.com/cat.png"}), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("Invalid 'messages[0].content[1]'", 0), 0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("data: URL"), std::string::npos);
  EXPECT_TRUE(cloud_->received.empty());
  EXPECT_EQ(local_->calls, 0);
  auto rows = audit_->Read({});
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());
}

TEST_F(GatewayImageTest, NonImageDataUrlIsRefused) {
  auto r = gateway_->Handle(Chat("Read this.", {"data:text/plain;base64,aGVsbG8="}), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("messages[0].content[1]"), std::string::npos);
  EXPECT_TRUE(cloud_->received.empty());
}

TEST_F(GatewayImageTest, TruncatedPngIsRefusedAndNothingIsSent) {
  const std::string png = BlankPng();
  const std::string cut = png.substr(0, png.size() / 2);
  auto r =
      gateway_->Handle(Chat("What is this?", {DataUrl(BlankPng()), DataUrl(cut)}), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("Invalid 'messages[0].content[2]'", 0), 0u)
      << r.status().message();
  EXPECT_TRUE(cloud_->received.empty());
  EXPECT_EQ(local_->calls, 0);
}

TEST_F(GatewayImageTest, ImageAboveTheSizeLimitIsRefused) {
  ImageGateOptions small;
  small.max_image_bytes = 64;
  Build({}, small);
  const std::string png = BlankPng();
  ASSERT_GT(png.size(), 64u);
  auto r = gateway_->Handle(Chat("What is this?", {DataUrl(png)}), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("limit of 64 bytes"), std::string::npos)
      << r.status().message();
  EXPECT_TRUE(cloud_->received.empty());
}

TEST_F(GatewayImageTest, WithoutTheImageGuardImagesAreRefused) {
  Build({}, {}, /*with_guard=*/false);
  auto r = gateway_->Handle(Chat("What is this?", {DataUrl(BlankPng())}), {}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(cloud_->received.empty());
  // Text-only requests still work.
  auto text = gateway_->Handle(Chat("What is Python?", {}), {}, nullptr);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_TRUE(text->privacy->images.empty());
}

}  // namespace
}  // namespace ptmo::offload
