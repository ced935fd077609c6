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

// The machine-readable zones in `ocr` (the MRZ part of RecognizeDocuments), for a second OCR
// pass over an MRZ band. Appends one PASSPORT region per MRZ to `regions`. Pure; thread-safe.
std::vector<DocumentHit> RecognizeMrzDocuments(const OcrResult& ocr,
                                               std::vector<PiiRegion>* regions);

// Where a second, MRZ-only OCR pass should look, or an empty box when the first pass shows
// no sign of a travel document: the lines that look like MRZ text (with a margin of one and
// a half lines), else, when the text names a passport ("passport", "여권", "P<"), the bottom
// 40% of the image. `line_px` gets the typical line height the first pass saw (0: unknown).
Box MrzBand(const OcrResult& ocr, int image_width, int image_height, int* line_px);

// Person names that the document layout gives away, appended to `regions` (type PERSON,
// source kOcr) unless the text guard already found a person there:
// - the value after a name label at the start of a line ("Name:", "Surname", "Given names",
//   "성명", "이름", with "/" between bilingual labels), recognizer "ocr_name_label";
// - on a payment card (`card` true), a line of 2-4 upper-case words that are no card wording
//   (the cardholder's embossed name), recognizer "ocr_cardholder".
// Pure; thread-safe.
void FindLayoutNames(const OcrResult& ocr, const Analysis& text, bool card,
                     std::vector<PiiRegion>* regions);

}  // namespace ptmo::privacy::vision
