// Scores the image privacy guard against a labelled set (see image_dataset.h): face recall
// and false faces per image, OCR-PII span recall/precision by text size and type, level
// accuracy, and analysis time.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "privacy/vision/image_analyzer.h"
#include "privacy/vision/image_dataset.h"

namespace ptmo::privacy::vision {

struct Counts {
  int expected = 0;  // labelled items
  int found = 0;     // labelled items matched by a detection
};

struct ImageEvalReport {
  int images = 0;
  // Faces: a labelled face is found when a detection overlaps it with IoU >= 0.3.
  Counts faces;
  int face_images = 0;
  int false_faces_on_face_images = 0;
  int noface_images = 0;  // images labelled with no face (every kind but face and mp1)
  int false_faces_on_noface_images = 0;
  // PII: a labelled span is found when a detected region of the same type covers at least
  // half of its box. Detections of dates are not scored (dates are not labelled).
  std::map<int, Counts> pii_by_px;            // by text line height
  std::map<std::string, Counts> pii_by_type;  // by entity type
  std::map<std::string, Counts> pii_by_kind;  // by image kind
  Counts pii_at_least_14px;
  int detections = 0;       // scored detected regions
  int true_detections = 0;  // of those, covering a labelled span of their type
  // Levels.
  int level_correct = 0;
  std::map<std::string, std::map<std::string, int>> level_confusion;  // [expected][predicted]
  // Time per image (AnalyzeImage, in-process, this machine).
  std::vector<double> ms_all;
  std::vector<double> ms_mp1;
  // CPU time of the analysing thread: the one-core cost, unaffected by other processes.
  std::vector<double> cpu_ms_all;
  std::vector<double> cpu_ms_mp1;
  std::vector<std::string> failures;  // files that failed to analyse
};

// Analyses every labelled image in `dir` with `analyzer` and scores it. Errors: those of
// ReadImageLabels and reading the image files.
Expected<ImageEvalReport> EvaluateImageSet(const ImageAnalyzer& analyzer, const std::string& dir,
                                           const ImageOptions& options);

// Percentile `p` in [0,100] of `v` (nearest rank); 0 for an empty vector.
double Percentile(std::vector<double> v, double p);

nlohmann::json ReportToJson(const ImageEvalReport& r);

}  // namespace ptmo::privacy::vision
