#include "privacy/vision/face_detector.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

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

using CascadePool = ObjectPool<cv::CascadeClassifier>;

// A pool of the cascade at `path`, its first instance loaded now (to fail early on a missing or
// broken file), further ones lazily for concurrent callers.
Expected<std::unique_ptr<CascadePool>> MakeCascadePool(const std::string& path, size_t size) {
  PTMO_ASSIGN_OR_RETURN(auto first, LoadCascade(path));
  auto pool = std::make_unique<CascadePool>([path] { return LoadCascade(path); }, size);
  pool->Add(std::move(first));
  return pool;
}

}  // namespace

// dlib's detector keeps scratch state while it runs: one per concurrent caller.
struct FaceDetector::Hog {
  dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
};

FaceDetector::FaceDetector(FaceDetectorOptions options) : options_(std::move(options)) {}
FaceDetector::~FaceDetector() = default;

Expected<std::unique_ptr<FaceDetector>> FaceDetector::Create(const FaceDetectorOptions& options) {
  if (options.method == FaceMethod::kHog) {
    if (options.hog_side < 80 || options.hog_side > 4096) {
      return InvalidArgument("face detection: hog_side must be in [80, 4096], got " +
                             std::to_string(options.hog_side));
    }
    std::unique_ptr<FaceDetector> d(new FaceDetector(options));
    // Building the detector deserializes its model (~0.3 s): done once here, and further
    // instances for concurrent callers are copies.
    auto prototype = std::make_shared<const Hog>();
    d->hog_pool_ = std::make_unique<ObjectPool<Hog>>(
        [prototype] { return Expected<std::unique_ptr<Hog>>(std::make_unique<Hog>(*prototype)); },
        options.pool_size);
    d->hog_pool_->Add(std::make_unique<Hog>(*prototype));
    return d;
  }
  std::unique_ptr<FaceDetector> d(new FaceDetector(options));
  PTMO_ASSIGN_OR_RETURN(d->pool_, MakeCascadePool(options.cascade_path, options.pool_size));
  if (!options.second_cascade_path.empty()) {
    PTMO_ASSIGN_OR_RETURN(d->second_pool_,
                          MakeCascadePool(options.second_cascade_path, options.pool_size));
  }
  if (!options.verify_cascade_path.empty()) {
    if (options.verify_face_px < 24 || options.verify_padding < 0 || options.verify_padding > 1) {
      return InvalidArgument(
          "face verification needs verify_face_px >= 24 and verify_padding "
          "in [0, 1]");
    }
    PTMO_ASSIGN_OR_RETURN(d->verify_pool_,
                          MakeCascadePool(options.verify_cascade_path, options.pool_size));
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

Expected<std::vector<FaceHit>> FaceDetector::DetectHog(const cv::Mat& gray) const {
  std::vector<FaceHit> out;
  const double scale = double(options_.hog_side) / std::max(gray.cols, gray.rows);
  cv::Mat scaled;
  cv::resize(gray, scaled, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  if (!scaled.isContinuous()) scaled = scaled.clone();
  std::vector<std::pair<double, dlib::rectangle>> found;
  {
    PTMO_ASSIGN_OR_RETURN(auto hog, hog_pool_->Acquire());
    try {
      dlib::cv_image<unsigned char> image(scaled);
      hog->detector(image, found, options_.hog_threshold);
    } catch (const std::exception& e) {
      return Internal(std::string("face detection failed: ") + e.what());
    }
  }
  for (const auto& [score, r] : found) {
    FaceHit f;
    const long x = std::max(0L, r.left()), y = std::max(0L, r.top());
    const long right = std::min<long>(scaled.cols, r.right() + 1);
    const long bottom = std::min<long>(scaled.rows, r.bottom() + 1);
    if (right <= x || bottom <= y) continue;
    f.box = {int(std::lround(x / scale)), int(std::lround(y / scale)),
             int(std::lround((right - x) / scale)), int(std::lround((bottom - y) / scale))};
    // The SVM margin as a confidence: 0.5 at the threshold's default 0, rising with the margin.
    f.confidence = 1.0 / (1.0 + std::exp(-2.0 * score));
    out.push_back(f);
  }
  return out;
}

Expected<std::vector<FaceHit>> FaceDetector::Detect(const cv::Mat& gray) const {
  if (gray.empty()) return std::vector<FaceHit>{};
  PTMO_ASSIGN_OR_RETURN(std::vector<FaceHit> out,
                        hog_pool_ ? DetectHog(gray) : DetectCascade(gray));
  std::sort(out.begin(), out.end(),
            [](const FaceHit& a, const FaceHit& b) { return a.confidence > b.confidence; });
  return out;
}

Expected<std::vector<FaceHit>> FaceDetector::DetectCascade(const cv::Mat& gray) const {
  std::vector<FaceHit> out;
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
  if (verify_pool_) {
    std::vector<FaceHit> kept;
    for (const FaceHit& f : out) {
      PTMO_ASSIGN_OR_RETURN(bool ok, Verified(gray, f.box));
      if (ok) kept.push_back(f);
    }
    out = std::move(kept);
  }
  return out;
}

Expected<bool> FaceDetector::Verified(const cv::Mat& gray, const Box& face) const {
  if (face.width <= 0 || face.height <= 0) return false;
  const int pad = int(std::lround(face.width * options_.verify_padding));
  const cv::Rect crop =
      cv::Rect(face.x - pad, face.y - pad, face.width + 2 * pad, face.height + 2 * pad) &
      cv::Rect(0, 0, gray.cols, gray.rows);
  if (crop.empty()) return false;
  const int px = options_.verify_face_px;
  const double scale = double(px) / face.width;
  cv::Mat resized, eq;
  cv::resize(gray(crop), resized, cv::Size(), scale, scale,
             scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::equalizeHist(resized, eq);
  std::vector<cv::Rect> rects;
  std::vector<int> neighbors;
  PTMO_ASSIGN_OR_RETURN(auto cascade, verify_pool_->Acquire());
  try {
    // Only faces of about the candidate's size count: 0.6x to 1.5x.
    cascade->detectMultiScale(eq, rects, neighbors, 1.05, options_.verify_min_neighbors, 0,
                              cv::Size(px * 3 / 5, px * 3 / 5), cv::Size(px * 3 / 2, px * 3 / 2));
  } catch (const cv::Exception& e) {
    return Internal(std::string("face verification failed: ") + e.what());
  }
  return !rects.empty();
}

}  // namespace ptmo::privacy::vision
