#include "privacy/vision/text_render.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace ptmo::privacy::vision {
namespace {

int InkPixels(const cv::Mat& img, const Box& b) {
  cv::Mat gray;
  cv::cvtColor(img(cv::Rect(b.x, b.y, b.width, b.height) & cv::Rect(0, 0, img.cols, img.rows)),
               gray, cv::COLOR_BGR2GRAY);
  return cv::countNonZero(gray < 128);
}

TEST(TextRenderer, DrawsLatinAndHangulInk) {
  auto r = TextRenderer::Create(kDejaVuSans, {kNanumGothic});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const char* text : {"Hello 123", "주민등록증"}) {
    cv::Mat img(60, 300, CV_8UC3, cv::Scalar(255, 255, 255));
    Box b = (*r)->Draw(img, text, 5, 10, 24, cv::Scalar(0, 0, 0));
    EXPECT_GT(b.width, 50) << text;
    EXPECT_GT(InkPixels(img, b), 60) << text;
  }
}

TEST(TextRenderer, HangulWithoutFallbackFontDrawsOnlyMissingGlyphBoxes) {
  auto latin = TextRenderer::Create(kDejaVuSans);
  auto both = TextRenderer::Create(kDejaVuSans, {kNanumGothic});
  ASSERT_TRUE(latin.ok() && both.ok());
  cv::Mat a(60, 300, CV_8UC3, cv::Scalar(255, 255, 255)), b = a.clone();
  Box ba = (*latin)->Draw(a, "한국어", 5, 10, 24, cv::Scalar(0, 0, 0));
  Box bb = (*both)->Draw(b, "한국어", 5, 10, 24, cv::Scalar(0, 0, 0));
  EXPECT_GT(InkPixels(b, bb), InkPixels(a, ba));
}

TEST(TextRenderer, MeasureMatchesDrawAndGrowsWithSize) {
  auto r = TextRenderer::Create(kDejaVuSansMono);
  ASSERT_TRUE(r.ok());
  cv::Mat img(80, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  Box drawn = (*r)->Draw(img, "P<UTO<<", 0, 0, 20, cv::Scalar(0, 0, 0));
  Box measured = (*r)->Measure("P<UTO<<", 20);
  EXPECT_EQ(drawn.width, measured.width);
  EXPECT_GT((*r)->Measure("P<UTO<<", 40).width, measured.width * 3 / 2);
}

TEST(TextRenderer, ClipsTextOutsideTheImage) {
  auto r = TextRenderer::Create(kDejaVuSans);
  ASSERT_TRUE(r.ok());
  cv::Mat img(20, 20, CV_8UC3, cv::Scalar(255, 255, 255));
  (*r)->Draw(img, "outside", -500, -500, 30, cv::Scalar(0, 0, 0));
  (*r)->Draw(img, "partly", 10, 10, 30, cv::Scalar(0, 0, 0));
  SUCCEED();
}

TEST(TextRenderer, ReportsMissingAndInvalidFonts) {
  auto missing = TextRenderer::Create("/nonexistent/font.ttf");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto not_font = TextRenderer::Create(std::string(PTMO_SOURCE_DIR) + "/CMakeLists.txt");
  ASSERT_FALSE(not_font.ok());
  EXPECT_EQ(not_font.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ptmo::privacy::vision
