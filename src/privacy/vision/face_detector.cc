#include "privacy/vision/face_detector.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "privacy/vision/object_pool.h"

namespace ptmo::privacy::vision {
namespace {

Expected<std::unique_ptr<cv::CascadeClassifier>> LoadCascade(const std::string& path) {
  if (!std::ifstream(path).good()) {
    return NotFound("face cascade '" + path + "' not found (install Debian's opencv-data package)");
  }
  auto c = std::make_unique<cv::CascadeClassifier>();
  try {
    if (!c->load(path)) return DataLoss("face cascade '" + path + "' could not be loaded");
  } catch (const cv::Exception& e) {
    return DataLoss("face cascade '" + path + "': " + e.what());
  }
  return c;
}

}  // namespace

FaceDetector::FaceDetector(FaceDetectorOptions options) : options_(std::move(options)) {}
FaceDetector::~FaceDetector() = default;

Expected<std::unique_ptr<FaceDetector>> FaceDetector::Create(const FaceDetectorOptions& options) {
  PTMO_ASSIGN_OR_RETURN(auto first, LoadCascade(options.cascade_path));
  std::unique_ptr<FaceDetector> d(new FaceDetector(options));
  std::string path = options.cascade_path;
  d->pool_ = std::make_unique<ObjectPool<cv::CascadeClassifier>>(
      [path] { return LoadCascade(path); }, options.pool_size);
  d->pool_->Add(std::move(first));
  return d;
}

Expected<std::vector<FaceHit>> FaceDetector::Detect(const cv::Mat& gray) const {
  std::vector<FaceHit> out;
  if (gray.empty()) return out;
  double scale = 1.0;
  cv::Mat small = gray;
  int longer = std::max(gray.cols, gray.rows);
  if (longer > options_.max_side) {
    scale = double(options_.max_side) / longer;
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  }
  cv::Mat eq;
  cv::equalizeHist(small, eq);
  std::vector<cv::Rect> rects;
  std::vector<int> neighbors;
  {
    PTMO_ASSIGN_OR_RETURN(auto cascade, pool_->Acquire());
    try {
      cascade->detectMultiScale(eq, rects, neighbors, options_.scale_factor, options_.min_neighbors,
                                0, cv::Size(options_.min_face, options_.min_face));
    } catch (const cv::Exception& e) {
      return Internal(std::string("face detection failed: ") + e.what());
    }
  }
  for (size_t i = 0; i < rects.size(); ++i) {
    const cv::Rect& r = rects[i];
    FaceHit f;
    f.box = {int(std::lround(r.x / scale)), int(std::lround(r.y / scale)),
             int(std::lround(r.width / scale)), int(std::lround(r.height / scale))};
    // More overlapping raw detections mean a surer face: n/(n+4) is 0.5 at 4 neighbours and
    // 0.9 at 36.
    double n = i < neighbors.size() ? neighbors[i] : options_.min_neighbors;
    f.confidence = n / (n + 4.0);
    out.push_back(f);
  }
  std::sort(out.begin(), out.end(),
            [](const FaceHit& a, const FaceHit& b) { return a.confidence > b.confidence; });
  return out;
}

}  // namespace ptmo::privacy::vision
