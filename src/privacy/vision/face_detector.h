// Frontal face detection with an OpenCV cascade from Debian's opencv-data package.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace cv {
class CascadeClassifier;
}

namespace ptmo::privacy::vision {

template <typename T>
class ObjectPool;

// Which detector finds the candidate faces.
enum class FaceMethod {
  kHog,      // dlib's HOG + linear SVM frontal face detector (built into libdlib, no model file)
  kCascade,  // an OpenCV cascade (cascade_path), optionally a second one and a verifier
};

struct FaceDetectorOptions {
  // HOG found 0.93-0.95 of the evaluation set's faces at <= 0.008 false faces per no-face
  // image on two generated sets, against 0.83-0.90 for the best cascade setting
  // (docs/vision.md).
  FaceMethod method = FaceMethod::kHog;
  // HOG: images are scaled so that their longer side is this, and detections scoring above
  // the threshold are kept. The detector's window is 80 px, so faces smaller than 80/800 of
  // the longer side are missed; 800 costs ~30 ms per image (960: ~47 ms, same recall on the
  // evaluation set). dlib's default threshold is 0; -0.5 found more faces at no more false
  // ones.
  int hog_side = 800;
  double hog_threshold = -0.5;

  // A cascade XML file (Haar or LBP). The improved LBP cascade found more faces with fewer
  // false ones than the Haar cascades on the evaluation set, at half their time
  // (docs/vision.md).
  std::string cascade_path = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml";
  // The image is shrunk so that its longer side is at most this before detection (speed);
  // boxes are reported in the original image's pixels.
  int max_side = 640;
  // Smallest face searched for, in pixels of the shrunk image.
  int min_face = 24;
  double scale_factor = 1.1;
  // Overlapping raw detections needed for a candidate face. 1 finds the most faces; the
  // verification cascade below removes the false ones this lets through (docs/vision.md).
  int min_neighbors = 1;
  // A second cascade (empty: none) whose faces are added to the first's; a face both find
  // (IoU >= 0.3) is reported once, with the higher confidence. Cascades trained on
  // different features miss different faces.
  std::string second_cascade_path;
  int second_min_neighbors = 4;
  // Images whose longer side is below this are enlarged (up to 2x) to reach it first, so
  // that faces near min_face are searched at more scales.
  // 960 (2x for the usual 480-px photo) raised recall on the evaluation set from 0.69 to
  // 0.81; images above max_side are shrunk instead.
  int upscale_below = 960;
  // Verification (empty path: none): every candidate is kept only if this cascade, trained
  // on other features, also finds a face in the candidate's box (padded by
  // verify_padding of its width on each side, rescaled so the face is verify_face_px wide).
  // The Haar alt2 cascade on LBP candidates cut false faces from 0.13 to 0.008 per no-face
  // image at no loss of recall on the evaluation set; a crop costs far less than a scan.
  std::string verify_cascade_path =
      "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";
  int verify_min_neighbors = 1;
  int verify_face_px = 64;
  double verify_padding = 0.25;
  size_t pool_size = 4;
};

class FaceDetector {
 public:
  // Loads the cascade once (to fail early on a missing file: kNotFound naming it).
  static Expected<std::unique_ptr<FaceDetector>> Create(const FaceDetectorOptions& options);
  ~FaceDetector();
  FaceDetector(const FaceDetector&) = delete;
  FaceDetector& operator=(const FaceDetector&) = delete;

  // Faces in `gray` (8-bit, one channel), highest confidence first. Thread-safe: cascades are
  // borrowed from a pool of at most pool_size.
  Expected<std::vector<FaceHit>> Detect(const cv::Mat& gray) const;

 private:
  explicit FaceDetector(FaceDetectorOptions options);
  FaceDetectorOptions options_;
  std::unique_ptr<ObjectPool<cv::CascadeClassifier>> pool_;
  std::unique_ptr<ObjectPool<cv::CascadeClassifier>> second_pool_;  // null without a second
  std::unique_ptr<ObjectPool<cv::CascadeClassifier>> verify_pool_;  // null: no verification
  struct Hog;
  std::unique_ptr<ObjectPool<Hog>> hog_pool_;  // kHog only
  // The two methods' faces, unsorted (Detect sorts).
  Expected<std::vector<FaceHit>> DetectHog(const cv::Mat& gray) const;
  Expected<std::vector<FaceHit>> DetectCascade(const cv::Mat& gray) const;
  // Whether the verification cascade finds a face in `face` of `gray`.
  Expected<bool> Verified(const cv::Mat& gray, const Box& face) const;
};

}  // namespace ptmo::privacy::vision
