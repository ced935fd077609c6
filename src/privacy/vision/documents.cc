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

// Where the first (names) line of a TD3/TD2 MRZ lies given the box of its second line:
// ICAO 9303 puts the lines about 1.5-2.5 character heights apart, so the band from 2.5
// heights above the second line down to it holds the first line.
Box NameLineAbove(const Box& second) {
  int y1 = std::max(0, second.y - int(2.5 * second.height));
  return {second.x, y1, second.width, second.y - y1};
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

std::vector<DocumentHit> RecognizeMrzDocuments(const OcrResult& ocr,
                                               std::vector<PiiRegion>* regions) {
  std::vector<DocumentHit> docs;
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
    if (f.line_indices.size() == 1 && f.mrz.format != "TD1" && !boxes.empty()) {
      // A second line validated alone: the holder's names are on the line above, which OCR
      // lost, and must be covered too (the region is what redaction blacks out).
      boxes.insert(boxes.begin(), NameLineAbove(boxes.front()));
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
  return docs;
}

Box MrzBand(const OcrResult& ocr, int image_width, int image_height, int* line_px) {
  std::vector<int> heights;
  for (const Box& b : ocr.line_boxes) {
    if (!b.empty()) heights.push_back(b.height);
  }
  *line_px = 0;
  if (!heights.empty()) {
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    *line_px = heights[heights.size() / 2];
  }
  Box band;
  size_t start = 0, line = 0;
  const std::string& t = ocr.text;
  while (start <= t.size()) {
    size_t nl = t.find('\n', start);
    if (nl == std::string::npos) nl = t.size();
    if (line < ocr.line_boxes.size() &&
        !NormalizeMrzLine(std::string_view(t).substr(start, nl - start)).empty()) {
      band = Union(band, ocr.line_boxes[line]);
    }
    start = nl + 1;
    ++line;
  }
  if (!band.empty()) {
    // Two and a half lines each way: the other MRZ lines (1.6 lines apart) of a zone whose
    // first pass found only one.
    int margin =
        int(2.5 * std::max(std::min(band.height, 3 * std::max(1, *line_px)) / 2, *line_px));
    int y1 = std::max(0, band.y - margin);
    int y2 = std::min(image_height, band.y + band.height + margin);
    return {0, y1, image_width, y2 - y1};
  }
  const std::string sq = Squeeze(t);
  if (HasAny(sq, {"passport", "여권", "p<"})) {
    int y1 = image_height * 6 / 10;
    return {0, y1, image_width, image_height - y1};
  }
  return {};
}

namespace {

// ASCII upper-case words and the name labels, compared after stripping ':' and '/'.
std::string StripPunct(std::string_view w) {
  std::string out;
  for (char c : w) {
    if (c != ':' && c != '/' && c != ',' && c != '.') out.push_back(c);
  }
  return out;
}

bool IsNameLabel(const std::string& lower) {
  static const char* const kLabels[] = {"name", "names", "surname", "surnames", "given",
                                        "full", "성명",  "이름",    "성",       "성/이름"};
  for (const char* l : kLabels) {
    if (lower == l) return true;
  }
  return false;
}

// A word that can be part of a person's name: letters (Latin or Hangul), hyphen, apostrophe,
// and at least one letter.
bool IsNameWord(std::string_view w) {
  bool letter = false;
  size_t i = 0;
  while (i < w.size()) {
    unsigned char c = static_cast<unsigned char>(w[i]);
    if (std::isalpha(c)) {
      letter = true;
      ++i;
    } else if (c == '-' || c == '\'' || c == '.') {
      ++i;
    } else if (c >= 0xEA && c <= 0xED && i + 2 < w.size()) {  // U+AC00..U+D7A3 (Hangul)
      letter = true;
      i += 3;
    } else {
      return false;
    }
  }
  return letter;
}

bool IsUpperNameWord(std::string_view w) {
  size_t letters = 0;
  for (char ch : w) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isupper(c)) {
      ++letters;
    } else if (c != '-' && c != '\'' && c != '.') {
      return false;
    }
  }
  return letters >= 1;
}

bool IsCardWording(const std::string& upper) {
  static const char* const kWords[] = {
      "BANK",  "CREDIT",   "DEBIT",    "UNION",   "VISA",     "MASTERCARD",
      "VALID", "THRU",     "GOOD",     "EXPIRES", "MEMBER",   "SINCE",
      "CARD",  "PLATINUM", "GOLD",     "CLASSIC", "BUSINESS", "ELECTRONIC",
      "USE",   "ONLY",     "AMERICAN", "EXPRESS", "DISCOVER", "CORPORATE"};
  for (const char* w : kWords) {
    if (upper == w) return true;
  }
  return false;
}

}  // namespace

void FindLayoutNames(const OcrResult& ocr, const Analysis& text, bool card,
                     std::vector<PiiRegion>* regions) {
  // The words of each line, in order.
  std::vector<std::vector<size_t>> lines;
  for (size_t i = 0; i < ocr.words.size(); ++i) {
    size_t l = ocr.word_line[i];
    if (lines.size() <= l) lines.resize(l + 1);
    lines[l].push_back(i);
  }
  auto add = [&](const std::vector<size_t>& words, const char* recognizer, double score) {
    size_t begin = ocr.words[words.front()].begin, end = ocr.words[words.back()].end;
    bool known = std::any_of(text.spans.begin(), text.spans.end(), [&](const Span& s) {
      return s.type == EntityType::kPerson && s.begin < end && s.end > begin;
    });
    if (known) return;
    PiiRegion r;
    r.type = EntityType::kPerson;
    r.text = ocr.text.substr(begin, end - begin);
    r.boxes = BoxesForRange(ocr, begin, end);
    r.score = score;
    r.recognizer = recognizer;
    r.source = RegionSource::kOcr;
    regions->push_back(std::move(r));
  };
  for (const std::vector<size_t>& line : lines) {
    // Labelled value: skip the leading labels (and the "/" between two languages' labels).
    size_t k = 0;
    bool labelled = false;
    while (k < line.size()) {
      const std::string& w = ocr.words[line[k]].text;
      std::string bare = utf8::AsciiLower(StripPunct(w));
      if (bare.empty()) {
        ++k;
        continue;
      }
      if (!IsNameLabel(bare)) break;
      labelled = true;
      ++k;
    }
    if (labelled && k < line.size()) {
      std::vector<size_t> value;
      for (size_t j = k; j < line.size() && value.size() < 4; ++j) {
        if (!IsNameWord(ocr.words[line[j]].text)) break;
        value.push_back(line[j]);
      }
      if (!value.empty()) {
        add(value, "ocr_name_label", 0.85);
        continue;
      }
    }
    // The cardholder's name on a payment card.
    if (card && line.size() >= 2 && line.size() <= 4) {
      bool name = true;
      for (size_t wi : line) {
        const std::string& w = ocr.words[wi].text;
        if (!IsUpperNameWord(w) || IsCardWording(StripPunct(w))) {
          name = false;
          break;
        }
      }
      if (name) add(line, "ocr_cardholder", 0.8);
    }
  }
}

std::vector<DocumentHit> RecognizeDocuments(const OcrResult& ocr, const Analysis& text,
                                            std::vector<PiiRegion>* regions) {
  const std::string sq = Squeeze(ocr.text);
  // Machine-readable zones.
  std::vector<DocumentHit> docs = RecognizeMrzDocuments(ocr, regions);

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
  FindLayoutNames(ocr, text, !card_boxes.empty(), regions);
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
