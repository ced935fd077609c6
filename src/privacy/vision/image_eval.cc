#include "privacy/vision/image_eval.h"

#include <algorithm>
#include <cmath>

#include "util/file.h"

namespace ptmo::privacy::vision {
namespace {

double Covered(const Box& label, const Box& det) {
  int x1 = std::max(label.x, det.x), y1 = std::max(label.y, det.y);
  int x2 = std::min(label.x + label.width, det.x + det.width);
  int y2 = std::min(label.y + label.height, det.y + det.height);
  if (x2 <= x1 || y2 <= y1 || label.empty()) return 0.0;
  return double(x2 - x1) * (y2 - y1) / label.area();
}

// Share of `label` covered by the (disjoint, one per text line) boxes of a detection.
double CoveredByAll(const Box& label, const std::vector<Box>& boxes) {
  double sum = 0;
  for (const Box& b : boxes) sum += Covered(label, b);
  return sum;
}

double Ratio(const Counts& c) {
  return c.expected == 0 ? 0.0 : double(c.found) / c.expected;
}

double Round3(double v) {
  return std::round(v * 1000) / 1000;
}

nlohmann::json CountsJson(const Counts& c) {
  return {{"expected", c.expected}, {"found", c.found}, {"recall", Round3(Ratio(c))}};
}

}  // namespace

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  size_t rank = size_t(std::ceil(p / 100.0 * double(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Expected<ImageEvalReport> EvaluateImageSet(const ImageAnalyzer& analyzer, const std::string& dir,
                                           const ImageOptions& options) {
  PTMO_ASSIGN_OR_RETURN(std::vector<ImageLabel> labels, ReadImageLabels(dir));
  ImageEvalReport r;
  for (const ImageLabel& l : labels) {
    PTMO_ASSIGN_OR_RETURN(std::string bytes,
                          ReadFile(dir + "/" + l.file, options.decode.max_bytes));
    auto a = analyzer.AnalyzeImage(bytes, options);
    if (!a.ok()) {
      r.failures.push_back(l.file + ": " + a.status().message());
      continue;
    }
    ++r.images;
    r.ms_all.push_back(a->elapsed_ms);
    r.cpu_ms_all.push_back(a->cpu_ms);
    if (l.kind == "mp1") {
      r.ms_mp1.push_back(a->elapsed_ms);
      r.cpu_ms_mp1.push_back(a->cpu_ms);
    }

    // Faces.
    std::vector<bool> det_used(a->faces.size(), false);
    for (const Box& f : l.faces) {
      ++r.faces.expected;
      for (size_t i = 0; i < a->faces.size(); ++i) {
        if (!det_used[i] && IntersectionOverUnion(f, a->faces[i].box) >= 0.3) {
          det_used[i] = true;
          ++r.faces.found;
          break;
        }
      }
    }
    int false_faces = int(std::count(det_used.begin(), det_used.end(), false));
    if (l.faces.empty()) {
      ++r.noface_images;
      r.false_faces_on_noface_images += false_faces;
    } else {
      ++r.face_images;
      r.false_faces_on_face_images += false_faces;
    }

    // PII regions.
    for (const PiiLabel& p : l.pii) {
      bool found = false;
      for (const PiiRegion& d : a->pii) {
        if (d.type != p.type) continue;
        found |= CoveredByAll(p.box, d.boxes) >= 0.5;
      }
      std::string type(EntityTypeName(p.type));
      for (Counts* c : {&r.pii_by_px[l.text_px], &r.pii_by_type[type], &r.pii_by_kind[l.kind]}) {
        ++c->expected;
        c->found += found;
      }
      if (l.text_px >= 14) {
        ++r.pii_at_least_14px.expected;
        r.pii_at_least_14px.found += found;
      }
    }
    for (const PiiRegion& d : a->pii) {
      if (d.type == EntityType::kDate || d.type == EntityType::kDateOfBirth) continue;
      ++r.detections;
      bool hit = false;
      for (const PiiLabel& p : l.pii) {
        if (p.type != d.type) continue;
        hit |= CoveredByAll(p.box, d.boxes) >= 0.5;
      }
      r.true_detections += hit;
    }

    std::string want(LevelName(l.level)), got(LevelName(a->level));
    ++r.level_confusion[want][got];
    r.level_correct += want == got;
  }
  return r;
}

nlohmann::json ReportToJson(const ImageEvalReport& r) {
  nlohmann::json j;
  j["images"] = r.images;
  j["faces"] = {
      {"labelled", r.faces.expected},
      {"found", r.faces.found},
      {"recall", Round3(Ratio(r.faces))},
      {"face_images", r.face_images},
      {"false_faces_per_face_image",
       Round3(r.face_images ? double(r.false_faces_on_face_images) / r.face_images : 0)},
      {"noface_images", r.noface_images},
      {"false_faces_per_noface_image",
       Round3(r.noface_images ? double(r.false_faces_on_noface_images) / r.noface_images : 0)}};
  nlohmann::json px = nlohmann::json::object(), type = nlohmann::json::object(),
                 kind = nlohmann::json::object();
  for (const auto& [k, c] : r.pii_by_px) px[std::to_string(k)] = CountsJson(c);
  for (const auto& [k, c] : r.pii_by_type) type[k] = CountsJson(c);
  for (const auto& [k, c] : r.pii_by_kind) kind[k] = CountsJson(c);
  j["pii"] = {{"recall_at_least_14px", Round3(Ratio(r.pii_at_least_14px))},
              {"labelled_at_least_14px", r.pii_at_least_14px.expected},
              {"precision", Round3(r.detections ? double(r.true_detections) / r.detections : 0)},
              {"detections", r.detections},
              {"by_text_px", px},
              {"by_type", type},
              {"by_kind", kind}};
  j["level"] = {{"accuracy", Round3(r.images ? double(r.level_correct) / r.images : 0)},
                {"confusion", r.level_confusion}};
  j["time_ms"] = {{"all_p50", Round3(Percentile(r.ms_all, 50))},
                  {"all_p99", Round3(Percentile(r.ms_all, 99))},
                  {"mp1_p50", Round3(Percentile(r.ms_mp1, 50))},
                  {"mp1_p99", Round3(Percentile(r.ms_mp1, 99))},
                  {"mp1_images", r.ms_mp1.size()}};
  j["cpu_ms"] = {{"all_p50", Round3(Percentile(r.cpu_ms_all, 50))},
                 {"all_p99", Round3(Percentile(r.cpu_ms_all, 99))},
                 {"mp1_p50", Round3(Percentile(r.cpu_ms_mp1, 50))},
                 {"mp1_p99", Round3(Percentile(r.cpu_ms_mp1, 99))}};
  j["failures"] = r.failures;
  return j;
}

}  // namespace ptmo::privacy::vision
