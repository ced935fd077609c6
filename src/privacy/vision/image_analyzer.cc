#include "privacy/vision/image_analyzer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <opencv2/imgproc.hpp>

#include "privacy/vision/barcodes.h"
#include "privacy/vision/documents.h"
#include "privacy/vision/metadata.h"
#include "util/utf8.h"

namespace ptmo::privacy::vision {
namespace {

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

Level LevelFor(double score, const ImageOptions& o) {
  if (score >= o.private_at) return Level::kPrivate;
  if (score >= o.semi_sensitive_at) return Level::kSemiSensitive;
  return Level::kPublic;
}

// QR codes and 1-D barcodes, decoded by zbar; each text payload is scanned by the text guard
// like OCR text, and its PII is mapped to the code's box.
Status DecodeCodes(const cv::Mat& gray, const Analyzer& text, ImageAnalysis* a) {
  PTMO_ASSIGN_OR_RETURN(std::vector<DecodedBarcode> found, DecodeBarcodes(gray));
  for (DecodedBarcode& b : found) {
    CodeHit c;
    c.kind = std::move(b.kind);
    c.box = b.box;
    c.decoded = true;
    c.payload = std::move(b.payload);
    if (utf8::IsValid(c.payload)) {
      PTMO_ASSIGN_OR_RETURN(c.analysis, text.Analyze(c.payload));
    } else {
      c.analysis.reasons.push_back("binary code payload (not scanned)");
    }
    for (const Span& s : c.analysis.spans) {
      PiiRegion r;
      r.type = s.type;
      r.text = c.payload.substr(s.begin, s.end - s.begin);
      r.boxes = {c.box};
      r.score = s.score;
      r.recognizer = s.recognizer;
      r.source = RegionSource::kCode;
      a->pii.push_back(std::move(r));
    }
    a->codes.push_back(std::move(c));
  }
  return Status::Ok();
}

bool IsMrz(const DocumentHit& d) {
  return d.kind == "PASSPORT_MRZ" || d.kind == "ID_CARD_MRZ";
}

// The general OCR pass reads an MRZ's long '<' runs as letters or drops them, so its lines
// come out too short to validate. When the first pass shows a machine-readable zone (or a
// passport) but no validated one, the MRZ band is read again with the MRZ alphabet only; a
// validated result replaces the first pass's MRZ findings.
Status ReadMrzAgain(const OcrEngine& engine, const cv::Mat& gray, const OcrResult& first,
                    ImageAnalysis* a) {
  bool validated = std::any_of(a->documents.begin(), a->documents.end(),
                               [](const DocumentHit& d) { return IsMrz(d) && d.validated; });
  if (validated) return Status::Ok();
  int line_px = 0;
  Box band = MrzBand(first, gray.cols, gray.rows, &line_px);
  if (band.empty()) return Status::Ok();
  // Only a reading whose check digits all pass is taken: an unvalidated MRZ is no better
  // than the first pass's.
  auto validates = [](const OcrResult& reading) {
    std::vector<PiiRegion> unused;
    std::vector<DocumentHit> docs = RecognizeMrzDocuments(reading, &unused);
    return std::any_of(docs.begin(), docs.end(), [](const DocumentHit& d) { return d.validated; });
  };
  PTMO_ASSIGN_OR_RETURN(OcrResult second, engine.RecognizeMrzBand(gray, band, line_px, validates));
  std::vector<PiiRegion> regions;
  std::vector<DocumentHit> docs = RecognizeMrzDocuments(second, &regions);
  bool better =
      std::any_of(docs.begin(), docs.end(), [](const DocumentHit& d) { return d.validated; });
  if (!better) return Status::Ok();
  a->documents.erase(std::remove_if(a->documents.begin(), a->documents.end(), IsMrz),
                     a->documents.end());
  a->pii.erase(std::remove_if(a->pii.begin(), a->pii.end(),
                              [](const PiiRegion& r) { return r.recognizer == "mrz"; }),
               a->pii.end());
  for (DocumentHit& d : docs) {
    d.reasons.push_back("read by the MRZ-only second OCR pass");
    a->documents.push_back(std::move(d));
  }
  for (PiiRegion& r : regions) a->pii.push_back(std::move(r));
  return Status::Ok();
}

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

}  // namespace

Box Union(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  int x1 = std::min(a.x, b.x), y1 = std::min(a.y, b.y);
  int x2 = std::max(a.x + a.width, b.x + b.width), y2 = std::max(a.y + a.height, b.y + b.height);
  return {x1, y1, x2 - x1, y2 - y1};
}

double IntersectionOverUnion(const Box& a, const Box& b) {
  if (a.empty() || b.empty()) return 0.0;
  int x1 = std::max(a.x, b.x), y1 = std::max(a.y, b.y);
  int x2 = std::min(a.x + a.width, b.x + b.width), y2 = std::min(a.y + a.height, b.y + b.height);
  if (x2 <= x1 || y2 <= y1) return 0.0;
  double inter = double(x2 - x1) * (y2 - y1);
  return inter / (double(a.area()) + b.area() - inter);
}

std::string_view RegionSourceName(RegionSource source) {
  switch (source) {
    case RegionSource::kOcr: return "ocr";
    case RegionSource::kCode: return "code";
    case RegionSource::kDocument: return "document";
  }
  return "?";
}

ImageAnalyzer::~ImageAnalyzer() = default;

Expected<std::unique_ptr<ImageAnalyzer>> ImageAnalyzer::Create(const ImageAnalyzerConfig& config,
                                                               const Analyzer* text_analyzer) {
  if (text_analyzer == nullptr) return InvalidArgument("ImageAnalyzer needs a text analyzer");
  InitMetadataLibrary();
  std::unique_ptr<ImageAnalyzer> a(new ImageAnalyzer());
  a->text_analyzer_ = text_analyzer;
  if (config.load_faces) {
    PTMO_ASSIGN_OR_RETURN(a->faces_, FaceDetector::Create(config.faces));
  }
  if (config.load_ocr) {
    PTMO_ASSIGN_OR_RETURN(a->ocr_, OcrEngine::Create(config.ocr));
  }
  return a;
}

Expected<ImageAnalysis> ImageAnalyzer::AnalyzeImage(std::string_view bytes,
                                                    const ImageOptions& options) const {
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = ThreadCpuMs();
  ImageHeader header;
  PTMO_ASSIGN_OR_RETURN(cv::Mat bgr, DecodeImage(bytes, options.decode, &header));
  ImageAnalysis a;
  a.format = std::string(ImageFormatName(header.format));
  a.width = bgr.cols;
  a.height = bgr.rows;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);

  if (options.read_metadata) {
    auto md = ReadImageMetadata(bytes);
    if (md.ok()) {
      a.metadata = std::move(md).value();
    } else {
      a.notes.push_back("metadata not read: " + md.status().message());
    }
  }
  if (options.detect_faces && faces_ == nullptr) {
    a.notes.push_back("faces not detected: the analyzer was created without a face detector");
  } else if (options.detect_faces) {
    PTMO_ASSIGN_OR_RETURN(a.faces, faces_->Detect(gray));
  }
  if (options.run_ocr && ocr_ == nullptr) {
    a.notes.push_back("text not read: the analyzer was created without OCR");
  } else if (options.run_ocr) {
    PTMO_ASSIGN_OR_RETURN(OcrResult ocr, ocr_->Recognize(gray));
    PTMO_ASSIGN_OR_RETURN(a.text_analysis, text_analyzer_->Analyze(ocr.text));
    for (const Span& s : a.text_analysis.spans) {
      PiiRegion r;
      r.type = s.type;
      r.text = ocr.text.substr(s.begin, s.end - s.begin);
      r.boxes = BoxesForRange(ocr, s.begin, s.end);
      r.score = s.score;
      r.recognizer = s.recognizer;
      r.source = RegionSource::kOcr;
      a.pii.push_back(std::move(r));
    }
    a.documents = RecognizeDocuments(ocr, a.text_analysis, &a.pii);
    if (options.mrz_second_pass) {
      PTMO_RETURN_IF_ERROR(ReadMrzAgain(*ocr_, gray, ocr, &a));
    }
    a.ocr_text = std::move(ocr.text);
    a.words = std::move(ocr.words);
  }
  if (options.decode_codes) {
    PTMO_RETURN_IF_ERROR(DecodeCodes(gray, *text_analyzer_, &a));
  }
  ScoreImage(&a, options);
  a.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  a.cpu_ms = ThreadCpuMs() - cpu0;
  return a;
}

void ScoreImage(ImageAnalysis* a, const ImageOptions& o) {
  a->modalities.clear();
  auto add = [&](ModalityRisk m) {
    m.level = LevelFor(m.score, o);
    a->modalities.push_back(std::move(m));
  };
  if (!a->faces.empty()) {
    // A face is biometric data that identifies a person (GDPR Art. 9 when used to identify).
    ModalityRisk m{"faces", 0.0, Level::kPublic, true, {}};
    double best = 0;
    for (const FaceHit& f : a->faces) best = std::max(best, f.confidence);
    m.score = std::min(0.65, 0.45 + 0.05 * double(a->faces.size()) + 0.1 * best);
    m.reasons.push_back(std::to_string(a->faces.size()) + " face(s) detected, best confidence " +
                        Fmt(best));
    add(std::move(m));
  }
  if (!a->ocr_text.empty()) {
    ModalityRisk m{"text", a->text_analysis.score, Level::kPublic, true, {}};
    m.redactable = a->text_analysis.topics.empty();  // a topic is not confined to boxes
    m.reasons = a->text_analysis.reasons;
    add(std::move(m));
  }
  if (!a->documents.empty()) {
    ModalityRisk m{"documents", 0.0, Level::kPublic, false, {}};
    for (const DocumentHit& d : a->documents) {
      m.score = std::max(m.score, d.validated ? 1.0 : 0.6);
      m.reasons.push_back(d.kind + (d.validated ? " (validated)" : " (layout only)"));
    }
    add(std::move(m));
  }
  if (!a->codes.empty()) {
    ModalityRisk m{"codes", 0.0, Level::kPublic, true, {}};
    for (const CodeHit& c : a->codes) {
      if (!c.decoded) {
        // Unknown content: as risky as a contact detail until it can be read.
        m.score = std::max(m.score, 0.5);
        m.reasons.push_back(c.kind + " found but not decoded");
        continue;
      }
      m.score = std::max(m.score, c.analysis.score);
      m.reasons.push_back(c.kind + " decoded, payload " + std::string(LevelName(c.analysis.level)));
    }
    add(std::move(m));
  }
  if (!a->metadata.empty()) {
    ModalityRisk m{"metadata", 0.0, Level::kPublic, true, {}};
    auto has = [&](const char* cat) {
      return std::any_of(a->metadata.begin(), a->metadata.end(),
                         [cat](const MetadataField& f) { return f.category == cat; });
    };
    if (has("gps")) {
      m.score = std::max(m.score, 0.8);
      m.reasons.push_back("GPS position in metadata");
    }
    if (has("owner") || has("serial")) {
      m.score = std::max(m.score, 0.5);
      m.reasons.push_back("owner name or device serial number in metadata");
    }
    if (has("text")) {
      m.score = std::max(m.score, 0.3);
      m.reasons.push_back("free-text description in metadata");
    }
    if (has("timestamp") || has("device")) {
      m.score = std::max(m.score, 0.1);
      m.reasons.push_back("capture time or camera model in metadata");
    }
    add(std::move(m));
  }
  a->score = 0;
  a->reasons.clear();
  for (const ModalityRisk& m : a->modalities) {
    a->score = std::max(a->score, m.score);
    for (const std::string& r : m.reasons) {
      if (m.score >= o.semi_sensitive_at) a->reasons.push_back(m.modality + ": " + r);
    }
  }
  a->level = LevelFor(a->score, o);
}

Expected<std::string> ImageAnalyzer::RedactImage(std::string_view bytes,
                                                 const ImageAnalysis& analysis,
                                                 const RedactOptions& options,
                                                 const DecodeLimits& limits) const {
  ImageHeader header;
  PTMO_ASSIGN_OR_RETURN(cv::Mat img, DecodeImage(bytes, limits, &header));
  if (img.cols != analysis.width || img.rows != analysis.height) {
    return InvalidArgument("redaction: the analysis is of a " + std::to_string(analysis.width) +
                           "x" + std::to_string(analysis.height) + " image, this one is " +
                           std::to_string(img.cols) + "x" + std::to_string(img.rows));
  }
  const cv::Rect bounds(0, 0, img.cols, img.rows);
  auto clip = [&](const Box& b, double grow) {
    int gx = int(std::lround(b.width * grow)) + 2, gy = int(std::lround(b.height * grow)) + 2;
    return cv::Rect(b.x - gx, b.y - gy, b.width + 2 * gx, b.height + 2 * gy) & bounds;
  };
  if (options.redact_faces) {
    for (const FaceHit& f : analysis.faces) {
      cv::Rect r = clip(f.box, 0.15);
      if (r.empty()) continue;
      cv::Mat roi = img(r);
      if (options.faces == RedactOptions::FaceStyle::kBox) {
        roi.setTo(cv::Scalar(0, 0, 0));
        continue;
      }
      // Pixelate to an 8x8 grid, then blur the blocks: nothing of the face's detail survives.
      cv::Mat tiny;
      cv::resize(roi, tiny, cv::Size(8, 8), 0, 0, cv::INTER_AREA);
      cv::resize(tiny, roi, roi.size(), 0, 0, cv::INTER_NEAREST);
      int k = std::max(3, (std::min(r.width, r.height) / 4) | 1);
      cv::GaussianBlur(roi, roi, cv::Size(k, k), 0);
    }
  }
  if (options.redact_text) {
    for (const PiiRegion& p : analysis.pii) {
      for (const Box& b : p.boxes) {
        cv::Rect r = clip(b, 0.0);
        if (!r.empty()) img(r).setTo(cv::Scalar(0, 0, 0));
      }
    }
    for (const DocumentHit& d : analysis.documents) {
      cv::Rect r = clip(d.box, 0.0);
      if (!r.empty()) img(r).setTo(cv::Scalar(0, 0, 0));
    }
    for (const CodeHit& c : analysis.codes) {
      if (c.decoded && c.analysis.spans.empty()) continue;  // a public payload stays readable
      cv::Rect r = clip(c.box, 0.05);
      if (!r.empty()) img(r).setTo(cv::Scalar(0, 0, 0));
    }
  }
  return EncodeImage(img, options.format.value_or(header.format), options.quality);
}

}  // namespace ptmo::privacy::vision
