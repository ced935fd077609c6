// End-to-end tests of the image guard on small rendered images (Tesseract is slow: images
// stay a few hundred pixels wide, and the analyzers are built once per test suite).
#include "privacy/vision/image_analyzer.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <thread>

#include "privacy/vision/metadata.h"
#include "privacy/vision/mrz.h"
#include "privacy/vision/text_render.h"
#include "util/file.h"

namespace ptmo::privacy::vision {
namespace {

class ImageAnalyzerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    AnalyzerOptions o;
    o.enable_ner = false;  // rules only: fast, and no model file needed
    auto text = Analyzer::Create(o);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    text_ = std::move(text).value().release();
    auto image = ImageAnalyzer::Create({}, text_);
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    image_ = std::move(image).value().release();
    auto font = TextRenderer::Create(kDejaVuSans, {kNanumGothic});
    ASSERT_TRUE(font.ok());
    font_ = std::move(font).value().release();
    auto mono = TextRenderer::Create(kDejaVuSansMono);
    ASSERT_TRUE(mono.ok());
    mono_ = std::move(mono).value().release();
  }
  static void TearDownTestSuite() {
    delete image_;
    delete text_;
    delete font_;
    delete mono_;
  }

  // A white image with `lines` drawn at 24 px; returns PNG bytes.
  static std::string TextImage(const std::vector<std::string>& lines, int w = 520,
                               Box* first_line = nullptr) {
    cv::Mat img(int(lines.size()) * 40 + 30, w, CV_8UC3, cv::Scalar(255, 255, 255));
    for (size_t i = 0; i < lines.size(); ++i) {
      Box b = font_->Draw(img, lines[i], 15, 15 + int(i) * 40, 24, cv::Scalar(0, 0, 0));
      if (i == 0 && first_line != nullptr) *first_line = b;
    }
    return *EncodeImage(img, ImageFormat::kPng);
  }

  static ImageAnalysis Analyze(const std::string& bytes, ImageOptions o = {}) {
    auto a = image_->AnalyzeImage(bytes, o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : ImageAnalysis();
  }

  static const PiiRegion* FindPii(const ImageAnalysis& a, EntityType t) {
    for (const PiiRegion& p : a.pii) {
      if (p.type == t) return &p;
    }
    return nullptr;
  }

  static inline Analyzer* text_ = nullptr;
  static inline ImageAnalyzer* image_ = nullptr;
  static inline TextRenderer* font_ = nullptr;
  static inline TextRenderer* mono_ = nullptr;
};

TEST_F(ImageAnalyzerTest, BlankImageIsPublicWithNothingFound) {
  cv::Mat img(120, 160, CV_8UC3, cv::Scalar(240, 240, 240));
  ImageAnalysis a = Analyze(*EncodeImage(img, ImageFormat::kJpeg));
  EXPECT_EQ(a.format, "jpeg");
  EXPECT_EQ(a.width, 160);
  EXPECT_TRUE(a.faces.empty());
  EXPECT_TRUE(a.pii.empty());
  EXPECT_EQ(a.level, Level::kPublic);
}

TEST_F(ImageAnalyzerTest, EmailInScreenshotIsMappedToItsWordBox) {
  Box line;
  ImageAnalysis a =
      Analyze(TextImage({"Email: sarah.miller@example.com", "See you at lunch."}, 520, &line));
  const PiiRegion* p = FindPii(a, EntityType::kEmail);
  ASSERT_NE(p, nullptr) << a.ocr_text;
  EXPECT_EQ(p->text, "sarah.miller@example.com");
  ASSERT_EQ(p->boxes.size(), 1u);
  // The box lies on the first line, right of the "Email:" label.
  EXPECT_GT(p->boxes[0].x, line.x + 40);
  EXPECT_LT(std::abs(p->boxes[0].y - line.y), 20);
  EXPECT_EQ(a.level, Level::kSemiSensitive);
}

TEST_F(ImageAnalyzerTest, CardNumberMakesTheImagePrivate) {
  ImageAnalysis a = Analyze(TextImage({"EXAMPLE BANK", "4111 1111 1111 1111", "VALID THRU 08/29"}));
  ASSERT_NE(FindPii(a, EntityType::kCreditCard), nullptr) << a.ocr_text;
  ASSERT_FALSE(a.documents.empty());
  EXPECT_EQ(a.documents[0].kind, "CREDIT_CARD");
  EXPECT_TRUE(a.documents[0].validated);
  EXPECT_EQ(a.level, Level::kPrivate);
}

TEST_F(ImageAnalyzerTest, LuhnInvalidCardNumberIsNotAPaymentCard) {
  ImageAnalysis a = Analyze(TextImage({"EXAMPLE BANK", "4111 1111 1111 1112"}));
  EXPECT_EQ(FindPii(a, EntityType::kCreditCard), nullptr);
  EXPECT_NE(a.level, Level::kPrivate);
}

TEST_F(ImageAnalyzerTest, KoreanResidentNumberIsFoundInKoreanText) {
  ImageAnalysis a = Analyze(TextImage({"주민등록번호: 900101-1234568", "연락처: 010-2345-6789"}));
  EXPECT_NE(FindPii(a, EntityType::kKrRrn), nullptr) << a.ocr_text;
  EXPECT_EQ(a.level, Level::kPrivate);
}

TEST_F(ImageAnalyzerTest, PassportMrzIsValidatedAndPrivate) {
  auto lines = BuildTd3("UTO", "ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", "740812", 'F',
                        "320415", "ZE184226B");
  cv::Mat img(140, 760, CV_8UC3, cv::Scalar(245, 245, 245));
  mono_->Draw(img, lines[0], 10, 30, 26, cv::Scalar(0, 0, 0));
  mono_->Draw(img, lines[1], 10, 75, 26, cv::Scalar(0, 0, 0));
  ImageAnalysis a = Analyze(*EncodeImage(img, ImageFormat::kPng));
  ASSERT_FALSE(a.documents.empty()) << a.ocr_text;
  EXPECT_EQ(a.documents[0].kind, "PASSPORT_MRZ");
  EXPECT_TRUE(a.documents[0].validated) << a.documents[0].reasons.back() << "\n" << a.ocr_text;
  EXPECT_EQ(a.level, Level::kPrivate);
}

TEST_F(ImageAnalyzerTest, QrCodeIsLocatedAndItsPayloadScannedWhenDecodable) {
  cv::Ptr<cv::QRCodeEncoder> enc = cv::QRCodeEncoder::create();
  cv::Mat qr;
  enc->encode("mailto:kim.minsu@example.com", qr);
  cv::Mat big, img(240, 240, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::resize(qr, big, cv::Size(qr.cols * 6, qr.rows * 6), 0, 0, cv::INTER_NEAREST);
  cv::Mat color;
  cv::cvtColor(big, color, cv::COLOR_GRAY2BGR);
  color.copyTo(img(cv::Rect(20, 20, color.cols, color.rows)));
  ImageOptions o;
  o.run_ocr = false;
  std::string png = *EncodeImage(img, ImageFormat::kPng);
  ImageAnalysis a = Analyze(png, o);
  ASSERT_EQ(a.codes.size(), 1u);
  EXPECT_GT(a.codes[0].box.width, 100);
  if (a.codes[0].decoded) {
    EXPECT_EQ(a.codes[0].payload, "mailto:kim.minsu@example.com");
    const PiiRegion* p = FindPii(a, EntityType::kEmail);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->source, RegionSource::kCode);
  } else {
    // Debian's OpenCV 4.6 has no QR decoder (quirc): the code counts as possibly personal.
    EXPECT_EQ(a.level, Level::kSemiSensitive);
  }
  // Either way redaction covers it, and the redacted image holds no QR code any more.
  auto out = image_->RedactImage(png, a, {});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Analyze(*out, o).codes.empty());
}

TEST_F(ImageAnalyzerTest, GpsMetadataIsFoundAndMakesImagePrivate) {
  cv::Mat img(60, 80, CV_8UC3, cv::Scalar(90, 120, 150));
  auto tagged = WriteImageMetadata(*EncodeImage(img, ImageFormat::kJpeg),
                                   {{"Exif.GPSInfo.GPSLatitudeRef", "N"},
                                    {"Exif.GPSInfo.GPSLatitude", "37/1 33/1 59/1"},
                                    {"Exif.GPSInfo.GPSLongitudeRef", "E"},
                                    {"Exif.GPSInfo.GPSLongitude", "126/1 58/1 41/1"},
                                    {"Exif.Photo.BodySerialNumber", "SN-0042-7781"}});
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  ImageOptions o;
  o.run_ocr = false;
  ImageAnalysis a = Analyze(*tagged, o);
  bool position = false, serial = false;
  for (const MetadataField& m : a.metadata) {
    if (m.key == "Position") {
      position = true;
      EXPECT_EQ(m.value, "37.56639, 126.97806");
    }
    serial |= m.category == "serial";
  }
  EXPECT_TRUE(position);
  EXPECT_TRUE(serial);
  EXPECT_EQ(a.level, Level::kPrivate);
}

TEST_F(ImageAnalyzerTest, DetectsTheFaceInTheShippedFixture) {
  auto bytes = ReadFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ImageOptions o;
  o.run_ocr = false;
  ImageAnalysis a = Analyze(*bytes, o);
  ASSERT_EQ(a.faces.size(), 1u);
  EXPECT_GT(a.faces[0].box.width, 40);
  EXPECT_EQ(a.level, Level::kSemiSensitive);
}

TEST_F(ImageAnalyzerTest, RedactionBoxesPiiBlursFacesAndDropsMetadata) {
  Box line;
  std::string png = TextImage({"Phone: (415) 555-0132", "Nothing else here."}, 520, &line);
  auto tagged = WriteImageMetadata(png, {{"Exif.Image.Artist", "Sarah Miller"}});
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  ImageAnalysis a = Analyze(*tagged);
  const PiiRegion* p = FindPii(a, EntityType::kPhone);
  ASSERT_NE(p, nullptr) << a.ocr_text;
  auto out = image_->RedactImage(*tagged, a, {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto md = ReadImageMetadata(*out);
  ASSERT_TRUE(md.ok());
  EXPECT_TRUE(md->empty());
  auto pixels = DecodeImage(*out, {});
  ASSERT_TRUE(pixels.ok());
  const Box& b = p->boxes[0];
  cv::Scalar inside = cv::mean((*pixels)(cv::Rect(b.x, b.y, b.width, b.height)));
  EXPECT_LT(inside[0], 5.0);  // black box
  // The second line, with no PII, is untouched (mostly white).
  cv::Scalar below = cv::mean((*pixels)(cv::Rect(15, 60, 200, 25)));
  EXPECT_GT(below[0], 180.0);
  // Re-analysing the redacted image finds no phone number.
  ImageAnalysis again = Analyze(*out);
  EXPECT_EQ(FindPii(again, EntityType::kPhone), nullptr) << again.ocr_text;
}

TEST_F(ImageAnalyzerTest, RedactionRefusesAnAnalysisOfAnotherImage) {
  cv::Mat img(50, 50, CV_8UC3, cv::Scalar(1, 2, 3));
  ImageAnalysis other;
  other.width = 10;
  other.height = 10;
  auto out = image_->RedactImage(*EncodeImage(img, ImageFormat::kPng), other, {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImageAnalyzerTest, BadInputsGiveClearErrors) {
  EXPECT_EQ(image_->AnalyzeImage("GIF89a....", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(image_->AnalyzeImage("not an image at all", {}).status().code(),
            StatusCode::kInvalidArgument);
  std::string jpeg =
      *EncodeImage(cv::Mat(100, 100, CV_8UC3, cv::Scalar(9, 9, 9)), ImageFormat::kJpeg);
  auto cut = image_->AnalyzeImage(jpeg.substr(0, jpeg.size() / 2), {});
  EXPECT_EQ(cut.status().code(), StatusCode::kDataLoss);
}

TEST_F(ImageAnalyzerTest, ServesSeveralThreadsAtOnce) {
  std::string png = TextImage({"Email: david.clark@example.com"}, 420);
  std::vector<int> found(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto a = image_->AnalyzeImage(png, {});
      if (a.ok() && FindPii(*a, EntityType::kEmail) != nullptr) found[size_t(t)] = 1;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(found, std::vector<int>(4, 1));
}

}  // namespace
}  // namespace ptmo::privacy::vision
