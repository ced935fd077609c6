#include "privacy/vision/image_json.h"

#include <cmath>

namespace ptmo::privacy::vision {
namespace {

nlohmann::json BoxJson(const Box& b) {
  return nlohmann::json::array({b.x, b.y, b.width, b.height});
}
double R3(double v) {
  return std::round(v * 1000) / 1000;
}

}  // namespace

nlohmann::json ImageAnalysisToJson(const ImageAnalysis& a, bool include_text) {
  nlohmann::json j;
  j["format"] = a.format;
  j["width"] = a.width;
  j["height"] = a.height;
  j["level"] = LevelName(a.level);
  j["score"] = R3(a.score);
  j["reasons"] = a.reasons;
  nlohmann::json mods = nlohmann::json::array();
  for (const ModalityRisk& m : a.modalities) {
    mods.push_back({{"modality", m.modality},
                    {"score", R3(m.score)},
                    {"level", LevelName(m.level)},
                    {"redactable", m.redactable},
                    {"reasons", m.reasons}});
  }
  j["modalities"] = mods;
  nlohmann::json faces = nlohmann::json::array();
  for (const FaceHit& f : a.faces)
    faces.push_back({{"box", BoxJson(f.box)}, {"confidence", R3(f.confidence)}});
  j["faces"] = faces;
  nlohmann::json pii = nlohmann::json::array();
  for (const PiiRegion& p : a.pii) {
    nlohmann::json boxes = nlohmann::json::array();
    for (const Box& b : p.boxes) boxes.push_back(BoxJson(b));
    nlohmann::json e = {{"type", EntityTypeName(p.type)},
                        {"boxes", boxes},
                        {"score", R3(p.score)},
                        {"recognizer", p.recognizer},
                        {"source", RegionSourceName(p.source)}};
    if (include_text) e["text"] = p.text;
    pii.push_back(e);
  }
  j["pii"] = pii;
  nlohmann::json docs = nlohmann::json::array();
  for (const DocumentHit& d : a.documents) {
    docs.push_back({{"kind", d.kind},
                    {"validated", d.validated},
                    {"box", BoxJson(d.box)},
                    {"reasons", d.reasons}});
  }
  j["documents"] = docs;
  nlohmann::json codes = nlohmann::json::array();
  for (const CodeHit& c : a.codes) {
    nlohmann::json e = {{"kind", c.kind},
                        {"decoded", c.decoded},
                        {"box", BoxJson(c.box)},
                        {"level", LevelName(c.analysis.level)},
                        {"score", R3(c.analysis.score)}};
    if (include_text) e["payload"] = c.payload;
    codes.push_back(e);
  }
  j["codes"] = codes;
  nlohmann::json md = nlohmann::json::array();
  for (const MetadataField& m : a.metadata) {
    nlohmann::json e = {{"category", m.category}, {"key", m.key}};
    if (include_text) e["value"] = m.value;
    md.push_back(e);
  }
  j["metadata"] = md;
  if (include_text) j["ocr_text"] = a.ocr_text;
  j["words"] = a.words.size();
  j["notes"] = a.notes;
  j["elapsed_ms"] = R3(a.elapsed_ms);
  j["cpu_ms"] = R3(a.cpu_ms);
  return j;
}

}  // namespace ptmo::privacy::vision
