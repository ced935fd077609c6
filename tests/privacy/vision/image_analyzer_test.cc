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
  EXPECT_EQ(a.codes[0].kind, "QR_CODE");
  EXPECT_GT(a.codes[0].box.width, 100);
  ASSERT_TRUE(a.codes[0].decoded);
  EXPECT_EQ(a.codes[0].payload, "mailto:kim.minsu@example.com");
  const PiiRegion* p = FindPii(a, EntityType::kEmail);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->source, RegionSource::kCode);
  EXPECT_EQ(a.level, Level::kSemiSensitive);
  // Redaction covers it, and the redacted image holds no QR code any more.
  auto out = image_->RedactImage(png, a, {});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Analyze(*out, o).codes.empty());
}

// Bars of an EAN-13 code (GS1 General Specifications: L, G and R digit codes, the first
// digit chosen by the L/G parity of the left half), `module` pixels per module.
cv::Mat Ean13(const std::string& digits, int module, int height) {
  static const char* const kL[10] = {"0001101", "0011001", "0010011", "0111101", "0100011",
                                     "0110001", "0101111", "0111011", "0110111", "0001011"};
  static const char* const kParity[10] = {"LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
                                          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"};
  auto r_code = [](int d) {
    std::string r = kL[d];
    for (char& c : r) c = c == '0' ? '1' : '0';
    return r;
  };
  std::string bits = "101";
  const int first = digits[0] - '0';
  for (int i = 1; i <= 6; ++i) {
    int d = digits[size_t(i)] - '0';
    std::string r = r_code(d);
    bits += kParity[first][i - 1] == 'L' ? std::string(kL[d]) : std::string(r.rbegin(), r.rend());
  }
  bits += "01010";
  for (int i = 7; i <= 12; ++i) bits += r_code(digits[size_t(i)] - '0');
  bits += "101";
  const int quiet = 12 * module;
  cv::Mat img(height + 2 * quiet, int(bits.size()) * module + 2 * quiet, CV_8UC3,
              cv::Scalar(255, 255, 255));
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1') {
      cv::rectangle(img, cv::Rect(quiet + int(i) * module, quiet, module, height),
                    cv::Scalar(0, 0, 0), cv::FILLED);
    }
  }
  return img;
}

TEST_F(ImageAnalyzerTest, OneDimensionalBarcodeIsDecodedAndBoxed) {
  ImageOptions o;
  o.run_ocr = false;
  std::string png = *EncodeImage(Ean13("4006381333931", 3, 90), ImageFormat::kPng);
  ImageAnalysis a = Analyze(png, o);
  ASSERT_EQ(a.codes.size(), 1u);
  EXPECT_EQ(a.codes[0].kind, "EAN_13");
  EXPECT_TRUE(a.codes[0].decoded);
  EXPECT_EQ(a.codes[0].payload, "4006381333931");
  EXPECT_GT(a.codes[0].box.width, 200);
  EXPECT_GT(a.codes[0].box.height, 30);
  EXPECT_EQ(a.level, Level::kPublic);  // a product number is no personal data
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

TEST_F(ImageAnalyzerTest, TwoCascadesReportAFaceBothFindOnce) {
  auto bytes = ReadFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto gray = DecodeImage(*bytes, {});
  ASSERT_TRUE(gray.ok());
  cv::cvtColor(*gray, *gray, cv::COLOR_BGR2GRAY);
  FaceDetectorOptions o;
  o.method = FaceMethod::kCascade;
  o.second_cascade_path = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";
  o.upscale_below = 320;
  auto both = FaceDetector::Create(o);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  auto faces = (*both)->Detect(*gray);
  ASSERT_TRUE(faces.ok());
  ASSERT_EQ(faces->size(), 1u);
  // Boxes are in the input's pixels even though detection ran on an enlarged copy.
  EXPECT_GT((*faces)[0].box.width, 40);
  EXPECT_LT((*faces)[0].box.x + (*faces)[0].box.width, gray->cols + 2);
  o.second_cascade_path = "/no/such/cascade.xml";
  EXPECT_EQ(FaceDetector::Create(o).status().code(), StatusCode::kNotFound);
}

TEST_F(ImageAnalyzerTest, PassportMrzWithAMiscountedFillerRunIsReadBySecondPass) {
  // A passport page whose MRZ fillers a general OCR pass misreads; the MRZ-only pass reads
  // it. Drawn smaller (18 px), like a photographed document.
  auto lines = BuildTd3("KOR", "CLARK", "ROBERT", "M00123991", "KOR", "800818", 'M', "380612", "");
  cv::Mat img(18 * 16, 18 * 30, CV_8UC3, cv::Scalar(240, 240, 240));
  font_->Draw(img, "PASSPORT  여권", 18, 9, 18, cv::Scalar(30, 30, 30));
  font_->Draw(img, "Surname / 성  CLARK", 18, 45, 18, cv::Scalar(30, 30, 30));
  mono_->Draw(img, lines[0], 18, img.rows - 76, 18, cv::Scalar(30, 30, 30));
  mono_->Draw(img, lines[1], 18, img.rows - 47, 18, cv::Scalar(30, 30, 30));
  std::string png = *EncodeImage(img, ImageFormat::kPng);
  ImageAnalysis a = Analyze(png);
  bool valid_mrz = false;
  for (const DocumentHit& d : a.documents) valid_mrz |= d.kind == "PASSPORT_MRZ" && d.validated;
  EXPECT_TRUE(valid_mrz) << a.ocr_text;
  EXPECT_EQ(a.level, Level::kPrivate);
  // The surname next to its label is a person's name.
  bool surname = false;
  for (const PiiRegion& p : a.pii) surname |= p.type == EntityType::kPerson && p.text == "CLARK";
  EXPECT_TRUE(surname) << a.ocr_text;
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

namespace ptmo::privacy::vision {
namespace {

TEST_F(ImageAnalyzerTest, TiltedNoisySmallMrzIsReadLineByLineAndCoversBothLines) {
  // 16 px monospaced MRZ, tilted 2 degrees, light Gaussian noise: validated (the deskewed
  // per-line reading or the whole band), and the region reaches both lines.
  auto lines = BuildTd3("KOR", "TAYLOR", "MARY", "M39170841", "KOR", "800713", 'F', "340612", "");
  const int px = 16;
  cv::Mat img(px * 16, px * 30, CV_8UC3, cv::Scalar(235, 235, 235));
  font_->Draw(img, "PASSPORT  여권", px, px / 2, px, cv::Scalar(30, 30, 30));
  Box a = mono_->Draw(img, lines[0], px, img.rows - int(px * 4.2), px, cv::Scalar(30, 30, 30));
  Box b = mono_->Draw(img, lines[1], px, img.rows - int(px * 2.6), px, cv::Scalar(30, 30, 30));
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(img.cols / 2.f, img.rows / 2.f), -2, 1.0);
  cv::warpAffine(img, img, rot, img.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat noise(img.size(), CV_16SC3);
  cv::randn(noise, 0, 6);
  cv::Mat noisy;
  img.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(img, CV_8UC3);
  ImageAnalysis r = Analyze(*EncodeImage(img, ImageFormat::kPng));
  const DocumentHit* mrz = nullptr;
  for (const DocumentHit& d : r.documents) {
    if (d.kind == "PASSPORT_MRZ" && d.validated) mrz = &d;
  }
  ASSERT_NE(mrz, nullptr) << r.ocr_text;
  // The redacted area reaches both lines (tilted, so only roughly where they were drawn).
  Box both = Union(a, b);
  EXPECT_LE(mrz->box.y, both.y + both.height / 3);
  EXPECT_GE(mrz->box.y + mrz->box.height, both.y + both.height * 2 / 3);
}

TEST_F(ImageAnalyzerTest, LargeImageIsReadInItsTextRegionsOnly) {
  // A 1024x1024 page with a text block in one corner: the e-mail is found with its box in
  // page coordinates, although OCR reads only the text region.
  cv::Mat img(1024, 1024, CV_8UC3, cv::Scalar(250, 250, 250));
  font_->Draw(img, "Meeting notes", 600, 700, 24, cv::Scalar(0, 0, 0));
  Box want = font_->Draw(img, "jane.doe@example.com", 600, 740, 24, cv::Scalar(0, 0, 0));
  ImageAnalysis r = Analyze(*EncodeImage(img, ImageFormat::kPng));
  const PiiRegion* email = FindPii(r, EntityType::kEmail);
  ASSERT_NE(email, nullptr) << r.ocr_text;
  ASSERT_FALSE(email->boxes.empty());
  EXPECT_GT(IntersectionOverUnion(email->boxes[0], want), 0.5);
}

}  // namespace
}  // namespace ptmo::privacy::vision
