#include "privacy/vision/documents.h"

#include <algorithm>
#include <cctype>

#include "privacy/validators/card.h"
#include "privacy/vision/mrz.h"
#include "util/utf8.h"

namespace ptmo::privacy::vision {
namespace {

// The OCR text without spaces, lower-cased (ASCII), so "VALID  THRU" and "주 민 등 록 증"
// match their keywords.
std::string Squeeze(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\t') out.push_back(c);
  }
  return utf8::AsciiLower(out);
}

bool HasAny(const std::string& squeezed, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (squeezed.find(w) != std::string::npos) return true;
  }
  return false;
}

Box UnionAll(const std::vector<Box>& boxes) {
  Box b;
  for (const Box& x : boxes) b = Union(b, x);
  return b;
}

// Card numbers whose digit groups OCR spaced oddly ("4111 1111 11111111") escape the text
// recognizer's grouping rules: runs of digits, spaces and dashes are re-read here, and a run
// holding 13-19 digits that passes the issuer and Luhn checks is a card number.
void FindSpacedCardNumbers(const OcrResult& ocr, const Analysis& text,
                           std::vector<PiiRegion>* regions, std::vector<Box>* card_boxes) {
  const std::string& t = ocr.text;
  size_t i = 0;
  while (i < t.size()) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) {
      ++i;
      continue;
    }
    size_t begin = i, last_digit = i;
    std::string digits;
    while (i < t.size() &&
           (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == ' ' || t[i] == '-')) {
      if (std::isdigit(static_cast<unsigned char>(t[i]))) {
        digits.push_back(t[i]);
        last_digit = i;
      }
      ++i;
    }
    size_t end = last_digit + 1;
    if (digits.size() < 13 || digits.size() > 19 || !validators::IsValidCardNumber(digits)) {
      continue;
    }
    bool known = std::any_of(text.spans.begin(), text.spans.end(), [&](const Span& s) {
      return s.type == EntityType::kCreditCard && s.begin < end && s.end > begin;
    });
    if (known) continue;
    PiiRegion r;
    r.type = EntityType::kCreditCard;
    r.text = t.substr(begin, end - begin);
    r.boxes = BoxesForRange(ocr, begin, end);
    r.score = 1.0;
    r.recognizer = "ocr_card";
    r.source = RegionSource::kOcr;
    for (const Box& b : r.boxes) card_boxes->push_back(b);
    regions->push_back(std::move(r));
  }
}

}  // namespace

std::vector<Box> BoxesForRange(const OcrResult& ocr, size_t begin, size_t end) {
  std::vector<std::pair<size_t, Box>> per_line;
  for (size_t i = 0; i < ocr.words.size(); ++i) {
    const OcrWord& w = ocr.words[i];
    if (w.begin >= end || w.end <= begin) continue;
    size_t line = ocr.word_line[i];
    if (!per_line.empty() && per_line.back().first == line) {
      per_line.back().second = Union(per_line.back().second, w.box);
    } else {
      per_line.push_back({line, w.box});
    }
  }
  std::vector<Box> out;
  for (auto& [line, box] : per_line) out.push_back(box);
  return out;
}

std::vector<DocumentHit> RecognizeDocuments(const OcrResult& ocr, const Analysis& text,
                                            std::vector<PiiRegion>* regions) {
  std::vector<DocumentHit> docs;
  const std::string sq = Squeeze(ocr.text);

  // Machine-readable zones.
  for (const FoundMrz& f : FindMrz(ocr.text)) {
    DocumentHit d;
    bool passport =
        f.mrz.format == "TD3" && !f.mrz.document_code.empty() && f.mrz.document_code[0] == 'P';
    d.kind = passport ? "PASSPORT_MRZ" : "ID_CARD_MRZ";
    d.validated = f.mrz.valid();
    std::vector<Box> boxes;
    for (size_t li : f.line_indices) {
      if (li < ocr.line_boxes.size()) boxes.push_back(ocr.line_boxes[li]);
    }
    d.box = UnionAll(boxes);
    d.reasons.push_back("ICAO 9303 " + f.mrz.format + " machine-readable zone, " +
                        std::to_string(f.mrz.checks_passed) + "/" +
                        std::to_string(f.mrz.checks_total) + " check digits valid");
    for (const std::string& c : f.mrz.failed_checks)
      d.reasons.push_back("check digit failed: " + c);
    PiiRegion r;
    r.type = EntityType::kPassport;
    for (const std::string& l : f.mrz.lines) r.text += (r.text.empty() ? "" : "\n") + l;
    r.boxes = boxes;
    r.score = d.validated ? 1.0 : 0.6;
    r.recognizer = "mrz";
    r.source = RegionSource::kDocument;
    regions->push_back(std::move(r));
    docs.push_back(std::move(d));
  }

  std::vector<Box> card_boxes, rrn_boxes, license_boxes;
  for (const Span& s : text.spans) {
    if (s.type == EntityType::kCreditCard) {
      for (const Box& b : BoxesForRange(ocr, s.begin, s.end)) card_boxes.push_back(b);
    } else if (s.type == EntityType::kKrRrn) {
      for (const Box& b : BoxesForRange(ocr, s.begin, s.end)) rrn_boxes.push_back(b);
    } else if (s.type == EntityType::kDriverLicense) {
      for (const Box& b : BoxesForRange(ocr, s.begin, s.end)) license_boxes.push_back(b);
    }
  }

  FindSpacedCardNumbers(ocr, text, regions, &card_boxes);

  // Payment cards: a Luhn-valid number (the recognizer validates it) is enough; card wording
  // ("valid thru", an expiry, a scheme name) is recorded as layout evidence.
  bool card_words = HasAny(sq, {"validthru", "goodthru", "validfrom", "expires", "exp.",
                                "cardholder", "visa", "mastercard", "debit", "credit", "카드"});
  if (!card_boxes.empty()) {
    DocumentHit d;
    d.kind = "CREDIT_CARD";
    d.validated = true;
    d.box = UnionAll(card_boxes);
    d.reasons.push_back("payment card number with valid Luhn checksum");
    if (card_words) d.reasons.push_back("card layout wording (valid thru / scheme name)");
    docs.push_back(std::move(d));
  }

  bool rrn_words = HasAny(sq, {"주민등록증", "주민등록번호", "residentregistration"});
  if (!rrn_boxes.empty() || rrn_words) {
    DocumentHit d;
    d.kind = "KR_ID_CARD";
    d.validated = !rrn_boxes.empty();
    d.box = UnionAll(rrn_boxes);
    if (rrn_words) d.reasons.push_back("resident registration card wording");
    if (d.validated) d.reasons.push_back("Korean resident registration number (validated)");
    docs.push_back(std::move(d));
  }

  bool license_words = HasAny(
      sq, {"driverlicense", "driver'slicense", "driverslicence", "drivinglicence", "운전면허증"});
  if (license_words) {
    DocumentHit d;
    d.kind = "DRIVER_LICENSE";
    d.validated = !license_boxes.empty();
    d.box = UnionAll(license_boxes);
    d.reasons.push_back("driver's licence wording");
    if (d.validated) d.reasons.push_back("driver's licence number");
    docs.push_back(std::move(d));
  }
  return docs;
}

}  // namespace ptmo::privacy::vision
