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
  if (!options.second_cascade_path.empty()) {
    PTMO_ASSIGN_OR_RETURN(auto second, LoadCascade(options.second_cascade_path));
    std::string path2 = options.second_cascade_path;
    d->second_pool_ = std::make_unique<ObjectPool<cv::CascadeClassifier>>(
        [path2] { return LoadCascade(path2); }, options.pool_size);
    d->second_pool_->Add(std::move(second));
  }
  return d;
}

namespace {

// Runs one cascade on `eq` and appends its faces, in the original image's pixels, to `out`.
Status RunCascade(ObjectPool<cv::CascadeClassifier>* pool, const cv::Mat& eq, double scale,
                  double scale_factor, int min_neighbors, int min_face, std::vector<FaceHit>* out) {
  std::vector<cv::Rect> rects;
  std::vector<int> neighbors;
  {
    PTMO_ASSIGN_OR_RETURN(auto cascade, pool->Acquire());
    try {
      cascade->detectMultiScale(eq, rects, neighbors, scale_factor, min_neighbors, 0,
                                cv::Size(min_face, min_face));
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
    double n = i < neighbors.size() ? neighbors[i] : min_neighbors;
    f.confidence = n / (n + 4.0);
    out->push_back(f);
  }
  return Status::Ok();
}

}  // namespace

Expected<std::vector<FaceHit>> FaceDetector::Detect(const cv::Mat& gray) const {
  std::vector<FaceHit> out;
  if (gray.empty()) return out;
  double scale = 1.0;
  cv::Mat small = gray;
  int longer = std::max(gray.cols, gray.rows);
  if (longer > options_.max_side) {
    scale = double(options_.max_side) / longer;
  } else if (longer < options_.upscale_below) {
    scale = std::min(2.0, double(options_.upscale_below) / longer);
  }
  if (scale != 1.0) {
    cv::resize(gray, small, cv::Size(), scale, scale,
               scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  cv::Mat eq;
  cv::equalizeHist(small, eq);
  PTMO_RETURN_IF_ERROR(RunCascade(pool_.get(), eq, scale, options_.scale_factor,
                                  options_.min_neighbors, options_.min_face, &out));
  if (second_pool_) {
    std::vector<FaceHit> more;
    PTMO_RETURN_IF_ERROR(RunCascade(second_pool_.get(), eq, scale, options_.scale_factor,
                                    options_.second_min_neighbors, options_.min_face, &more));
    // Union with non-maximum suppression: a face found by both is reported once.
    for (const FaceHit& m : more) {
      bool merged = false;
      for (FaceHit& f : out) {
        if (IntersectionOverUnion(f.box, m.box) >= 0.3) {
          if (m.confidence > f.confidence) f = m;
          merged = true;
          break;
        }
      }
      if (!merged) out.push_back(m);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FaceHit& a, const FaceHit& b) { return a.confidence > b.confidence; });
  return out;
}

}  // namespace ptmo::privacy::vision
