// What the image privacy guard reports about one image: faces, OCR words, PII mapped to image
// regions, identity documents, QR payloads, metadata, and per-modality risks.
//
// Plain data; safe to copy and to share read-only between threads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "privacy/analyzer.h"
#include "privacy/core/entity.h"

namespace ptmo::privacy::vision {

// An axis-aligned rectangle in pixels of the decoded image (origin top-left).
struct Box {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int area() const { return width * height; }
  bool empty() const { return width <= 0 || height <= 0; }
};

// The smallest box holding both (an empty box is ignored).
Box Union(const Box& a, const Box& b);
// Intersection area over union area, 0 when either is empty.
double IntersectionOverUnion(const Box& a, const Box& b);

// A detected face. `confidence` is in [0,1]: the cascade's final-stage weight squashed by a
// logistic, so 0.5 means "just passed the last stage".
struct FaceHit {
  Box box;
  double confidence = 0.0;
};

// One word the OCR read. `begin`/`end` are byte offsets of the word in ImageAnalysis::ocr_text.
struct OcrWord {
  std::string text;
  Box box;
  double confidence = 0.0;  // Tesseract's word confidence in [0,1]
  size_t begin = 0;
  size_t end = 0;
};

// Where a piece of sensitive data was found in the image.
enum class RegionSource { kOcr, kCode, kDocument };
std::string_view RegionSourceName(RegionSource source);  // "ocr", "code", "document"

// A sensitive span of recognized text (OCR or a decoded code payload) mapped back to the image.
struct PiiRegion {
  EntityType type{};
  std::string text;        // the span's text as recognized
  std::vector<Box> boxes;  // one box per text line the span covers
  double score = 0.0;
  std::string recognizer;
  RegionSource source = RegionSource::kOcr;
};

// A machine-readable code found in the image (QR code or 1-D barcode, read with zbar).
// `decoded` is false only for a code that was located but could not be read; such a code
// is treated as possibly carrying personal data.
struct CodeHit {
  std::string kind;  // "QR_CODE", "EAN_13", "CODE_128", ...
  bool decoded = false;
  std::string payload;
  Box box;
  Analysis analysis;  // the privacy guard's analysis of the payload
};

// An identity or payment document recognised from the image's text.
struct DocumentHit {
  // "PASSPORT_MRZ" (ICAO 9303 TD3), "ID_CARD_MRZ" (TD1/TD2), "CREDIT_CARD", "KR_ID_CARD",
  // "DRIVER_LICENSE".
  std::string kind;
  bool validated = false;  // check digits (MRZ) or Luhn (card) passed
  Box box;                 // the region holding the document's key fields, when known
  std::vector<std::string> reasons;
};

// One metadata property that can identify a person, place or device.
struct MetadataField {
  std::string category;  // "gps", "serial", "owner", "timestamp", "device", "software"
  std::string key;       // "Exif.GPSInfo.GPSLatitude", "Xmp.dc.creator", ...
  std::string value;
};

// The risk of one modality of the image, for the policy: which images may go to the cloud
// as they are, which only after redaction, and which not at all.
struct ModalityRisk {
  std::string modality;  // "faces", "text", "documents", "codes", "metadata"
  double score = 0.0;    // in [0,1]
  Level level = Level::kPublic;
  // True when RedactImage removes this risk (faces blurred, text boxed, metadata dropped).
  bool redactable = true;
  std::vector<std::string> reasons;
};

struct ImageAnalysis {
  std::string format;  // "jpeg", "png", "webp"
  int width = 0;
  int height = 0;

  std::vector<FaceHit> faces;
  std::string ocr_text;  // words joined by spaces, lines by '\n'
  std::vector<OcrWord> words;
  Analysis text_analysis;  // the privacy guard on ocr_text
  std::vector<PiiRegion> pii;
  std::vector<CodeHit> codes;
  std::vector<DocumentHit> documents;
  std::vector<MetadataField> metadata;

  std::vector<ModalityRisk> modalities;
  double score = 0.0;  // the highest modality score
  Level level = Level::kPublic;
  std::vector<std::string> reasons;
  // Things the caller should know about the analysis itself ("OCR skipped: ...").
  std::vector<std::string> notes;
  double elapsed_ms = 0.0;  // wall time of AnalyzeImage
  // CPU time of the calling thread during AnalyzeImage (Tesseract runs on the calling thread
  // when OpenMP is limited to one thread: OMP_THREAD_LIMIT=1).
  double cpu_ms = 0.0;
};

}  // namespace ptmo::privacy::vision
