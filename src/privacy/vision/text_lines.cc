#include "privacy/vision/text_lines.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ptmo::privacy::vision {
namespace {

constexpr int kMinSide = 8;  // smaller images hold no readable line
// The least 3x3 gray-level step (of 255) counted as a character stroke's edge.
constexpr double kMinStrokeEdge = 24;

struct LineBlob {
  cv::RotatedRect rect;
  double length = 0;
  double thickness = 0;
  double angle = 0;  // degrees, long side against the x axis, in (-45, 45]
};

// Ink runs joined along x by a closing of `gap` pixels, as blobs with their rotated extent.
std::vector<LineBlob> Blobs(const cv::Mat& ink, int gap) {
  cv::Mat joined;
  cv::morphologyEx(ink, joined, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(std::max(3, gap), 1)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(joined, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<LineBlob> out;
  for (const auto& c : contours) {
    if (c.size() < 3) continue;
    LineBlob b;
    b.rect = cv::minAreaRect(c);
    double w = b.rect.size.width, h = b.rect.size.height, a = b.rect.angle;
    if (h > w) {  // make the long side the "length"
      std::swap(w, h);
      a -= 90;
    }
    while (a > 45) a -= 90;
    while (a <= -45) a += 90;
    b.length = w;
    b.thickness = std::max(1.0, h);
    b.angle = a;
    out.push_back(b);
  }
  return out;
}

// The blobs long enough and thin enough to be lines of many characters.
std::vector<LineBlob> LongLines(const std::vector<LineBlob>& blobs, double min_width_fraction) {
  double longest = 0;
  for (const LineBlob& b : blobs) {
    if (b.length >= 8 * b.thickness) longest = std::max(longest, b.length);
  }
  std::vector<LineBlob> out;
  for (const LineBlob& b : blobs) {
    if (b.length >= 8 * b.thickness && b.length >= min_width_fraction * longest &&
        b.thickness >= 4) {
      out.push_back(b);
    }
  }
  return out;
}

double MedianAngle(std::vector<LineBlob> lines) {
  if (lines.empty()) return 0;
  std::nth_element(lines.begin(), lines.begin() + long(lines.size() / 2), lines.end(),
                   [](const LineBlob& a, const LineBlob& b) { return a.angle < b.angle; });
  return lines[lines.size() / 2].angle;
}

// The axis-aligned box, in the unrotated image, of `r` given in the rotated image (`inverse`
// maps rotated to original pixels).
Box BackToOriginal(const cv::Rect& r, const cv::Mat& inverse, const cv::Size& size) {
  std::vector<cv::Point2f> corners = {cv::Point2f(float(r.x), float(r.y)),
                                      cv::Point2f(float(r.x + r.width), float(r.y)),
                                      cv::Point2f(float(r.x), float(r.y + r.height)),
                                      cv::Point2f(float(r.x + r.width), float(r.y + r.height))};
  std::vector<cv::Point2f> back;
  cv::transform(corners, back, inverse);
  cv::Rect b = cv::boundingRect(back) & cv::Rect(0, 0, size.width, size.height);
  return {b.x, b.y, b.width, b.height};
}

}  // namespace

cv::Mat InkMask(const cv::Mat& gray) {
  if (gray.empty()) return {};
  cv::Mat smooth, mask;
  cv::GaussianBlur(gray, smooth, cv::Size(3, 3), 0);
  cv::threshold(smooth, mask, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  // Text covers far less of a page than its background: the minority class is the ink.
  if (cv::countNonZero(mask) * 2 > mask.rows * mask.cols) cv::bitwise_not(mask, mask);
  return mask;
}

std::vector<LineCrop> FindLongTextLines(const cv::Mat& gray, int char_gap_px,
                                        double min_width_fraction) {
  std::vector<LineCrop> out;
  if (gray.empty() || gray.rows < kMinSide || gray.cols < kMinSide) return out;
  double lo = 0, hi = 0;
  cv::minMaxLoc(gray, &lo, &hi);
  if (hi - lo < 16) return out;  // blank: no contrast to hold text
  cv::Mat ink = InkMask(gray);
  std::vector<LineBlob> lines = LongLines(Blobs(ink, char_gap_px), min_width_fraction);
  if (lines.empty()) return out;
  // Undo the common skew so that each line can be cut as an upright strip.
  double angle = std::clamp(MedianAngle(lines), -10.0, 10.0);
  cv::Point2f center(float(gray.cols) / 2, float(gray.rows) / 2);
  cv::Mat rot = cv::getRotationMatrix2D(center, angle, 1.0), inverse;
  cv::invertAffineTransform(rot, inverse);
  cv::Mat upright = gray, upright_ink = ink;
  if (std::abs(angle) > 0.2) {
    cv::warpAffine(gray, upright, rot, gray.size(), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
    cv::warpAffine(ink, upright_ink, rot, gray.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT);
  }
  std::vector<LineBlob> straight = LongLines(Blobs(upright_ink, char_gap_px), min_width_fraction);
  std::sort(straight.begin(), straight.end(),
            [](const LineBlob& a, const LineBlob& b) { return a.rect.center.y < b.rect.center.y; });
  const cv::Rect bounds(0, 0, gray.cols, gray.rows);
  for (const LineBlob& b : straight) {
    cv::Rect r = b.rect.boundingRect() & bounds;
    if (r.empty()) continue;
    int my = std::max(2, r.height * 2 / 5), mx = std::max(2, r.height);
    cv::Rect grown = cv::Rect(r.x - mx, r.y - my, r.width + 2 * mx, r.height + 2 * my) & bounds;
    LineCrop c;
    c.pixels = upright(grown).clone();
    c.box = BackToOriginal(r, inverse, gray.size());
    c.text_height = r.height;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Box> FindTextRegions(const cv::Mat& gray, int margin_px) {
  std::vector<Box> out;
  if (gray.empty() || gray.rows < kMinSide || gray.cols < kMinSide) return out;
  double lo = 0, hi = 0;
  cv::minMaxLoc(gray, &lo, &hi);
  if (hi - lo < 16) return out;
  // Strokes: a 3x3 morphological gradient is high on both edges of every character stroke.
  cv::Mat grad, strong;
  cv::morphologyEx(gray, grad, cv::MORPH_GRADIENT,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3)));
  double otsu = cv::threshold(grad, strong, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  // Otsu splits any histogram, even a smooth ramp's: a stroke needs a real edge.
  if (otsu < kMinStrokeEdge) cv::threshold(grad, strong, kMinStrokeEdge, 255, cv::THRESH_BINARY);
  // Characters of a word/line join along x; isolated noise pixels are opened away first.
  cv::Mat joined;
  cv::morphologyEx(strong, joined, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 3)));
  cv::morphologyEx(joined, joined, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 3)));
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
  std::vector<cv::Rect> boxes;
  const cv::Rect bounds(0, 0, gray.cols, gray.rows);
  for (int i = 1; i < n; ++i) {
    int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (w < 6 || h < 5) continue;  // specks
    cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT) - margin_px,
               stats.at<int>(i, cv::CC_STAT_TOP) - margin_px, w + 2 * margin_px, h + 2 * margin_px);
    boxes.push_back(r & bounds);
  }
  // Merge overlapping boxes until none overlap (text blocks become one box each).
  bool merged = true;
  while (merged) {
    merged = false;
    for (size_t i = 0; i < boxes.size() && !merged; ++i) {
      for (size_t j = i + 1; j < boxes.size(); ++j) {
        if ((boxes[i] & boxes[j]).area() > 0) {
          boxes[i] |= boxes[j];
          boxes.erase(boxes.begin() + long(j));
          merged = true;
          break;
        }
      }
    }
  }
  for (const cv::Rect& r : boxes) out.push_back({r.x, r.y, r.width, r.height});
  return out;
}

}  // namespace ptmo::privacy::vision
