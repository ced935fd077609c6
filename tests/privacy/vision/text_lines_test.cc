#include "privacy/vision/text_lines.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "privacy/vision/ocr_engine.h"

namespace ptmo::privacy::vision {
namespace {

// A light page with two long monospaced lines of MRZ-like text near the bottom, rotated by
// `degrees`, and a short word at the top.
cv::Mat MrzPage(double degrees) {
  cv::Mat page(240, 800, CV_8UC1, cv::Scalar(225));
  cv::putText(page, "PASSPORT", {20, 40}, cv::FONT_HERSHEY_SIMPLEX, 0.8, cv::Scalar(30), 2);
  cv::putText(page, "P<KORCLARK<<ROBERT<<<<<<<<<<<<<<<<<<<<<", {20, 160}, cv::FONT_HERSHEY_PLAIN,
              1.4, cv::Scalar(30), 2);
  cv::putText(page, "M001239911KOR8008183M3806122<<<<<<<<<<<02", {20, 195}, cv::FONT_HERSHEY_PLAIN,
              1.4, cv::Scalar(30), 2);
  if (degrees != 0) {
    cv::Mat rot = cv::getRotationMatrix2D({400, 120}, degrees, 1.0);
    cv::warpAffine(page, page, rot, page.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  }
  return page;
}

bool Inside(const Box& inner, const Box& outer) {
  return inner.x >= outer.x && inner.y >= outer.y &&
         inner.x + inner.width <= outer.x + outer.width &&
         inner.y + inner.height <= outer.y + outer.height;
}

TEST(FindLongTextLines, FindsBothMrzLinesTopToBottomAndNotTheShortWord) {
  auto lines = FindLongTextLines(MrzPage(0), 12);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_LT(lines[0].box.y, lines[1].box.y);
  for (const LineCrop& l : lines) {
    EXPECT_GT(l.box.width, 400);
    EXPECT_GT(l.box.y, 120);
    EXPECT_GE(l.text_height, 10);
    EXPECT_LE(l.text_height, 30);
    EXPECT_GT(l.pixels.cols, l.box.width);  // cut with a margin
  }
}

TEST(FindLongTextLines, DeskewsRotatedLinesIntoUprightStrips) {
  auto straight = FindLongTextLines(MrzPage(0), 12);
  auto rotated = FindLongTextLines(MrzPage(4), 12);
  ASSERT_EQ(rotated.size(), 2u);
  ASSERT_EQ(straight.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    // Upright again: the ink is about as thin as in the unrotated page (a skewed line of
    // 500 px at 4 degrees would be 35 px taller).
    EXPECT_LE(rotated[i].text_height, straight[i].text_height + 8) << i;
    // The box in the input covers the tilted line, so it is taller than the upright one.
    EXPECT_GT(rotated[i].box.height, straight[i].box.height) << i;
  }
}

TEST(FindLongTextLines, ReturnsNothingForEmptyBlankOrTinyImages) {
  EXPECT_TRUE(FindLongTextLines(cv::Mat(), 8).empty());
  EXPECT_TRUE(FindLongTextLines(cv::Mat(200, 300, CV_8UC1, cv::Scalar(128)), 8).empty());
  EXPECT_TRUE(FindLongTextLines(cv::Mat(1, 1, CV_8UC1, cv::Scalar(0)), 8).empty());
  EXPECT_TRUE(FindLongTextLines(cv::Mat(4, 500, CV_8UC1, cv::Scalar(0)), 8).empty());
  // Shapes only: a filled circle is no line of characters.
  cv::Mat shapes(200, 300, CV_8UC1, cv::Scalar(220));
  cv::circle(shapes, {150, 100}, 60, cv::Scalar(20), cv::FILLED);
  EXPECT_TRUE(FindLongTextLines(shapes, 8).empty());
}

TEST(FindTextRegions, BoxesTheTextBlockAndNotTheEmptyPage) {
  cv::Mat page(1000, 1000, CV_8UC1, cv::Scalar(230));
  cv::putText(page, "Call 010-1234-5678", {60, 100}, cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(20),
              2);
  cv::putText(page, "mail jane@example.com", {60, 150}, cv::FONT_HERSHEY_SIMPLEX, 0.9,
              cv::Scalar(20), 2);
  auto regions = FindTextRegions(page, 10);
  ASSERT_FALSE(regions.empty());
  Box all;
  double area = 0;
  for (const Box& b : regions) {
    all = Union(all, b);
    area += b.area();
  }
  EXPECT_TRUE(Inside({60, 75, 300, 80}, all));
  EXPECT_LT(area, 0.1 * page.rows * page.cols);  // the empty rest of the page is skipped
  for (size_t i = 0; i < regions.size(); ++i) {
    for (size_t j = i + 1; j < regions.size(); ++j) {
      EXPECT_EQ(IntersectionOverUnion(regions[i], regions[j]), 0.0);  // merged
    }
  }
}

TEST(FindTextRegions, ReturnsNothingForEmptyBlankOrTinyImages) {
  EXPECT_TRUE(FindTextRegions(cv::Mat(), 10).empty());
  EXPECT_TRUE(FindTextRegions(cv::Mat(500, 500, CV_8UC1, cv::Scalar(200)), 10).empty());
  EXPECT_TRUE(FindTextRegions(cv::Mat(3, 3, CV_8UC1, cv::Scalar(0)), 10).empty());
  // A smooth gradient has no strokes.
  cv::Mat ramp(300, 300, CV_8UC1);
  for (int y = 0; y < ramp.rows; ++y) ramp.row(y).setTo(cv::Scalar(y * 255 / ramp.rows));
  EXPECT_TRUE(FindTextRegions(ramp, 10).empty());
}

TEST(AppendOcrResult, ShiftsOffsetsAndLineIndices) {
  OcrResult a, b;
  a.text = "hello";
  a.words = {{"hello", {0, 0, 50, 10}, 0.9, 0, 5}};
  a.word_line = {0};
  a.line_boxes = {{0, 0, 50, 10}};
  b.text = "jane@example.com";
  b.words = {{"jane@example.com", {100, 200, 160, 10}, 0.9, 0, 16}};
  b.word_line = {0};
  b.line_boxes = {{100, 200, 160, 10}};
  OcrResult all;
  AppendOcrResult(a, &all);
  AppendOcrResult(b, &all);
  AppendOcrResult(OcrResult{}, &all);  // nothing read in a region: no empty line
  EXPECT_EQ(all.text, "hello\njane@example.com");
  ASSERT_EQ(all.words.size(), 2u);
  EXPECT_EQ(all.text.substr(all.words[1].begin, all.words[1].end - all.words[1].begin),
            "jane@example.com");
  EXPECT_EQ(all.word_line, (std::vector<size_t>{0, 1}));
  ASSERT_EQ(all.line_boxes.size(), 2u);
  EXPECT_EQ(all.line_boxes[1].y, 200);
}

}  // namespace
}  // namespace ptmo::privacy::vision
