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

struct FaceDetectorOptions {
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
  // Overlapping raw detections needed to report a face; higher means fewer false faces.
  // 3 with upscale_below 960 kept false faces at 0.017 per no-face image (docs/vision.md).
  int min_neighbors = 3;
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
};

}  // namespace ptmo::privacy::vision
