// The image privacy guard: measures an image's sensitivity on its pixels (faces, OCR'd text
// through the text guard, identity documents, QR payloads) and its metadata, and redacts it.
//
// Typical use (the gateway, per image_url content part):
//   PTMO_ASSIGN_OR_RETURN(std::string bytes, DecodeDataUrl(url, options.decode.max_bytes));
//   PTMO_ASSIGN_OR_RETURN(ImageAnalysis a, analyzer->AnalyzeImage(bytes, options));
//   if (a.level == Level::kPrivate) ... keep local, or send RedactImage(bytes, a, {}) ...
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "privacy/analyzer.h"
#include "privacy/vision/data_url.h"
#include "privacy/vision/face_detector.h"
#include "privacy/vision/image_decode.h"
#include "privacy/vision/image_types.h"
#include "privacy/vision/ocr_engine.h"
#include "util/status.h"

namespace ptmo::privacy::vision {

// What to load once.
struct ImageAnalyzerConfig {
  FaceDetectorOptions faces;
  OcrOptions ocr;
  // False skips loading the cascade / Tesseract (start-up time) for callers that never ask
  // for faces / OCR; AnalyzeImage then notes that the step was not run.
  bool load_faces = true;
  bool load_ocr = true;
};

// What to do per call.
struct ImageOptions {
  DecodeLimits decode;
  bool detect_faces = true;
  bool run_ocr = true;
  bool decode_codes = true;
  bool read_metadata = true;
  // A second OCR pass, limited to the MRZ alphabet, over the band where a travel document's
  // machine-readable zone is (when the first pass shows one but could not validate it).
  bool mrz_second_pass = true;
  // Score at which an image is SEMI_SENSITIVE / PRIVATE (the text classifier's defaults).
  double semi_sensitive_at = 0.3;
  double private_at = 0.7;
};

struct RedactOptions {
  enum class FaceStyle { kBlur, kBox };
  FaceStyle faces = FaceStyle::kBlur;
  bool redact_text = true;  // black boxes over PII text, MRZ lines and PII QR codes
  bool redact_faces = true;
  // Output format; nullopt keeps the input's format.
  std::optional<ImageFormat> format;
  int quality = 90;  // JPEG/WebP
};

class ImageAnalyzer {
 public:
  // Loads the face cascade and one Tesseract instance (more are made on demand, up to the
  // pool sizes). `text_analyzer` scans the recognised text and QR payloads; it is not owned
  // and must outlive this object. Errors: kNotFound naming a missing cascade or traineddata.
  static Expected<std::unique_ptr<ImageAnalyzer>> Create(const ImageAnalyzerConfig& config,
                                                         const Analyzer* text_analyzer);
  ~ImageAnalyzer();
  ImageAnalyzer(const ImageAnalyzer&) = delete;
  ImageAnalyzer& operator=(const ImageAnalyzer&) = delete;

  // Analyzes one encoded image (JPEG, PNG or WebP). Errors: those of DecodeImage (unsupported
  // format, decompression bomb, truncated or corrupt file), and of the text analyzer.
  // Metadata that exiv2 cannot parse is noted, not fatal. Thread-safe.
  Expected<ImageAnalysis> AnalyzeImage(std::string_view bytes, const ImageOptions& options) const;

  // Returns the image re-encoded with faces blurred (or boxed), PII text regions, MRZ lines
  // and PII-carrying QR codes covered by black boxes, and no metadata at all (the pixels are
  // decoded and encoded afresh). `analysis` must come from AnalyzeImage on the same bytes.
  // Errors: as DecodeImage, kInvalidArgument when the analysis's size differs from the
  // image's, kInternal when encoding fails. Never returns a partly redacted image. Thread-safe.
  Expected<std::string> RedactImage(std::string_view bytes, const ImageAnalysis& analysis,
                                    const RedactOptions& options,
                                    const DecodeLimits& limits = {}) const;

 private:
  ImageAnalyzer() = default;

  const Analyzer* text_analyzer_ = nullptr;
  std::unique_ptr<FaceDetector> faces_;
  std::unique_ptr<OcrEngine> ocr_;
};

// Fills analysis->modalities, score, level and reasons from its findings (faces, PII,
// documents, codes, metadata). Exposed for tests and for policies that adjust findings.
void ScoreImage(ImageAnalysis* analysis, const ImageOptions& options);

}  // namespace ptmo::privacy::vision
