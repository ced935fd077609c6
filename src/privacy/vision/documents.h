// Identity and payment documents recognised from an image's OCR text: passport and ID-card
// machine-readable zones (with ICAO 9303 check digits), payment cards (Luhn-valid numbers
// near card wording), Korean resident registration cards and driver's licences.
#pragma once

#include <vector>

#include "privacy/analyzer.h"
#include "privacy/vision/image_types.h"
#include "privacy/vision/ocr_engine.h"

namespace ptmo::privacy::vision {

// The boxes of OCR words overlapping bytes [begin, end) of ocr.text, one box per text line.
std::vector<Box> BoxesForRange(const OcrResult& ocr, size_t begin, size_t end);

// Documents found in `ocr` given the text guard's `text` analysis of ocr.text. MRZ lines are
// also appended to `regions` (type PASSPORT, source kDocument) so they get redacted, and so
// are card numbers that the text guard missed because OCR spaced their digit groups oddly
// (type CREDIT_CARD, recognizer "ocr_card", issuer and Luhn checked). Pure; thread-safe.
std::vector<DocumentHit> RecognizeDocuments(const OcrResult& ocr, const Analysis& text,
                                            std::vector<PiiRegion>* regions);

}  // namespace ptmo::privacy::vision
