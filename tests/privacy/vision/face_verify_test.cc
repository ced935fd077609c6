// The face detector: dlib's HOG detector (the default), and the cascade path's verification
// stage, where a second cascade must confirm each candidate.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "privacy/vision/face_detector.h"
#include "privacy/vision/image_decode.h"
#include "util/file.h"

namespace ptmo::privacy::vision {
namespace {

cv::Mat AstronautGray() {
  auto bytes = ReadFile(std::string(PTMO_SOURCE_DIR) + "/data/vision/astronaut_face.jpg");
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return {};
  auto img = DecodeImage(*bytes, {});
  EXPECT_TRUE(img.ok());
  if (!img.ok()) return {};
  cv::Mat gray;
  cv::cvtColor(*img, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

TEST(FaceDetection, TheDefaultHogDetectorFindsTheShippedFace) {
  cv::Mat gray = AstronautGray();
  ASSERT_FALSE(gray.empty());
  auto detector = FaceDetector::Create({});
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  auto faces = (*detector)->Detect(gray);
  ASSERT_TRUE(faces.ok());
  EXPECT_EQ(faces->size(), 1u);
}

TEST(FaceVerification, AVerifierThatFindsNoFaceRemovesTheCandidates) {
  cv::Mat gray = AstronautGray();
  ASSERT_FALSE(gray.empty());
  FaceDetectorOptions o;
  o.method = FaceMethod::kCascade;
  auto verified = FaceDetector::Create(o);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  auto kept = (*verified)->Detect(gray);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), 1u);
  o.verify_cascade_path = "";
  auto unverified = FaceDetector::Create(o);
  ASSERT_TRUE(unverified.ok());
  auto candidates = (*unverified)->Detect(gray);
  ASSERT_TRUE(candidates.ok());
  ASSERT_GE(candidates->size(), 1u);
  // A cutlery cascade finds no fork in a face crop, so every candidate is dropped.
  o.verify_cascade_path = "/usr/share/opencv4/lbpcascades/lbpcascade_silverware.xml";
  auto strict = FaceDetector::Create(o);
  ASSERT_TRUE(strict.ok()) << strict.status().ToString();
  auto faces = (*strict)->Detect(gray);
  ASSERT_TRUE(faces.ok());
  EXPECT_TRUE(faces->empty());
}

TEST(FaceDetection, BlankAndTinyImagesHaveNoFaces) {
  for (FaceMethod method : {FaceMethod::kHog, FaceMethod::kCascade}) {
    FaceDetectorOptions o;
    o.method = method;
    auto detector = FaceDetector::Create(o);
    ASSERT_TRUE(detector.ok());
    for (cv::Size size : {cv::Size(1, 1), cv::Size(7, 300), cv::Size(640, 480)}) {
      auto faces = (*detector)->Detect(cv::Mat(size, CV_8UC1, cv::Scalar(128)));
      ASSERT_TRUE(faces.ok()) << size;
      EXPECT_TRUE(faces->empty()) << size;
    }
  }
}

TEST(FaceDetection, HogBoxesAreInTheInputsPixels) {
  cv::Mat gray = AstronautGray();
  ASSERT_FALSE(gray.empty());
  auto detector = FaceDetector::Create({});
  ASSERT_TRUE(detector.ok());
  cv::Mat big;
  cv::resize(gray, big, cv::Size(), 3.0, 3.0);  // detection runs on a copy at hog_side
  auto small_faces = (*detector)->Detect(gray);
  auto big_faces = (*detector)->Detect(big);
  ASSERT_TRUE(small_faces.ok() && big_faces.ok());
  ASSERT_EQ(small_faces->size(), 1u);
  ASSERT_EQ(big_faces->size(), 1u);
  const Box& s = (*small_faces)[0].box;
  const Box& b = (*big_faces)[0].box;
  EXPECT_NEAR(b.x, 3 * s.x, 0.15 * b.width);
  EXPECT_NEAR(b.width, 3 * s.width, 0.15 * b.width);
  EXPECT_LE(b.x + b.width, big.cols);
  EXPECT_GT((*small_faces)[0].confidence, 0.0);
  EXPECT_LE((*small_faces)[0].confidence, 1.0);
}

TEST(FaceDetection, BadHogSideIsAnError) {
  FaceDetectorOptions o;
  o.hog_side = 10;
  auto d = FaceDetector::Create(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("hog_side"), std::string::npos);
}

TEST(FaceVerification, BadVerifierSettingsAreErrorsNamingThem) {
  FaceDetectorOptions o;
  o.method = FaceMethod::kCascade;
  o.verify_cascade_path = "/no/such/verifier.xml";
  auto missing = FaceDetector::Create(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/no/such/verifier.xml"), std::string::npos);
  o = {};
  o.method = FaceMethod::kCascade;
  o.verify_face_px = 8;
  auto small = FaceDetector::Create(o);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(small.status().message().find("verify_face_px"), std::string::npos);
  o = {};
  o.method = FaceMethod::kCascade;
  o.verify_padding = -0.5;
  EXPECT_EQ(FaceDetector::Create(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ptmo::privacy::vision
