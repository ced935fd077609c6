#include "privacy/vision/data_url.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::vision {
namespace {

TEST(DecodeDataUrl, DecodesBase64ImageBytes) {
  auto r = DecodeDataUrl("data:image/png;base64,iVBORw0K", 1024);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, std::string("\x89PNG\r\n", 6));
}

TEST(DecodeDataUrl, AcceptsUpperCaseSchemeAndWhitespaceInData) {
  auto r = DecodeDataUrl("DATA:image/jpeg;base64,/9j/\n4A==", 1024);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->substr(0, 3), "\xFF\xD8\xFF");
}

TEST(DecodeDataUrl, RefusesNonImageMediaType) {
  auto r = DecodeDataUrl("data:text/plain;base64,aGVsbG8=", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("text/plain"), std::string::npos);
}

TEST(DecodeDataUrl, RefusesUnsupportedImageType) {
  auto r = DecodeDataUrl("data:image/gif;base64,R0lGODlh", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("image/gif"), std::string::npos);
}

TEST(DecodeDataUrl, RefusesRemoteUrlsAndPercentEncoding) {
  EXPECT_FALSE(DecodeDataUrl("https://example.com/a.png", 1024).ok());
  EXPECT_FALSE(DecodeDataUrl("data:image/png,%89PNG", 1024).ok());
  EXPECT_FALSE(DecodeDataUrl("data:image/png;base64", 1024).ok());
}

TEST(DecodeDataUrl, RefusesInvalidBase64) {
  auto r = DecodeDataUrl("data:image/png;base64,iVB*Rw0K", 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(DecodeDataUrl, RefusesOversizedPayloadBeforeDecoding) {
  std::string url = "data:image/png;base64," + std::string(4000, 'A');
  auto r = DecodeDataUrl(url, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace ptmo::privacy::vision
