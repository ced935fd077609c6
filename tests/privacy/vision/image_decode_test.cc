#include "privacy/vision/image_decode.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace ptmo::privacy::vision {
namespace {

cv::Mat Sample(int w = 64, int h = 48) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(200, 180, 160));
  cv::circle(m, {w / 2, h / 2}, h / 3, cv::Scalar(10, 20, 30), -1);
  return m;
}

std::string Encoded(ImageFormat f, int w = 64, int h = 48) {
  auto e = EncodeImage(Sample(w, h), f);
  EXPECT_TRUE(e.ok());
  return e.ok() ? *e : std::string();
}

// A PNG signature and IHDR declaring w x h pixels, followed by nothing of substance.
std::string PngHeaderOnly(uint32_t w, uint32_t h) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  s += std::string("\0\0\0\x0dIHDR", 8);
  for (uint32_t v : {w, h}) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(char((v >> shift) & 0xFF));
  }
  s += std::string("\x08\x02\0\0\0", 5);
  s += "junkjunkIEND\xAE\x42\x60\x82";
  return s;
}

TEST(ReadImageHeader, ReadsDimensionsOfEveryFormat) {
  for (ImageFormat f : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp}) {
    auto h = ReadImageHeader(Encoded(f, 70, 30));
    ASSERT_TRUE(h.ok()) << ImageFormatName(f) << ": " << h.status().ToString();
    EXPECT_EQ(h->format, f);
    EXPECT_EQ(h->width, 70);
    EXPECT_EQ(h->height, 30);
  }
}

TEST(ReadImageHeader, NamesUnsupportedFormats) {
  auto gif = ReadImageHeader("GIF89a\x01\x00\x01\x00");
  ASSERT_FALSE(gif.ok());
  EXPECT_EQ(gif.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(gif.status().message().find("GIF"), std::string::npos);
  auto bmp = ReadImageHeader("BM\x36\x00\x00\x00");
  EXPECT_NE(bmp.status().message().find("BMP"), std::string::npos);
}

TEST(ReadImageHeader, RejectsNonImagesAndEmptyInput) {
  EXPECT_EQ(ReadImageHeader("").status().code(), StatusCode::kInvalidArgument);
  auto text = ReadImageHeader("hello, this is a text file");
  EXPECT_NE(text.status().message().find("not an image"), std::string::npos);
}

TEST(DecodeImage, DecodesEveryFormatToBgr) {
  for (ImageFormat f : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp}) {
    auto m = DecodeImage(Encoded(f), {});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->cols, 64);
    EXPECT_EQ(m->rows, 48);
    EXPECT_EQ(m->channels(), 3);
  }
}

TEST(DecodeImage, RefusesDecompressionBombFromItsHeader) {
  auto m = DecodeImage(PngHeaderOnly(100000, 100000), {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(m.status().message().find("100000x100000"), std::string::npos);
}

TEST(DecodeImage, RefusesImagesAboveThePixelLimit) {
  DecodeLimits limits;
  limits.max_pixels = 1000;
  EXPECT_EQ(DecodeImage(Encoded(ImageFormat::kPng), limits).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(DecodeImage, RefusesFilesAboveTheByteLimit) {
  DecodeLimits limits;
  limits.max_bytes = 10;
  EXPECT_EQ(DecodeImage(Encoded(ImageFormat::kPng), limits).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(DecodeImage, RefusesTruncatedFilesOfEveryFormat) {
  for (ImageFormat f : {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp}) {
    std::string bytes = Encoded(f, 120, 90);
    for (size_t keep : {size_t(20), bytes.size() / 2, bytes.size() - 3}) {
      auto m = DecodeImage(std::string_view(bytes).substr(0, keep), {});
      ASSERT_FALSE(m.ok()) << ImageFormatName(f) << " cut at " << keep;
      EXPECT_EQ(m.status().code(), StatusCode::kDataLoss)
          << ImageFormatName(f) << ": " << m.status().ToString();
    }
  }
}

TEST(DecodeImage, RefusesCorruptPixelData) {
  std::string bytes = Encoded(ImageFormat::kPng, 120, 90);
  for (size_t i = 60; i < bytes.size() - 20; ++i) bytes[i] = char(i * 7);
  auto m = DecodeImage(bytes, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kDataLoss);
}

TEST(CheckImageBytes, RunsTheCheapChecksWithoutDecoding) {
  auto h = CheckImageBytes(Encoded(ImageFormat::kPng), {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->format, ImageFormat::kPng);
  EXPECT_EQ(h->width, 64);
  EXPECT_EQ(CheckImageBytes(PngHeaderOnly(100000, 100000), {}).status().code(),
            StatusCode::kResourceExhausted);
  std::string jpeg = Encoded(ImageFormat::kJpeg);
  EXPECT_EQ(CheckImageBytes(std::string_view(jpeg).substr(0, jpeg.size() / 2), {}).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(CheckImageBytes("GIF89a\x01\x00", {}).status().code(), StatusCode::kInvalidArgument);
  // Garbage between an intact header and end marker passes: only decoding can find it.
  EXPECT_TRUE(CheckImageBytes(PngHeaderOnly(64, 48), {}).ok());
  EXPECT_FALSE(DecodeImage(PngHeaderOnly(64, 48), {}).ok());
}

TEST(EncodeImage, WritesNoMetadataSegments) {
  std::string jpeg = Encoded(ImageFormat::kJpeg);
  EXPECT_EQ(jpeg.find("Exif"), std::string::npos);
  EXPECT_EQ(jpeg.find("http://ns.adobe.com/xap"), std::string::npos);
}

}  // namespace
}  // namespace ptmo::privacy::vision
