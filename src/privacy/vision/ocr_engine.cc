#include "privacy/vision/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "privacy/vision/object_pool.h"
#include "privacy/vision/text_lines.h"
#include "util/utf8.h"

namespace ptmo::privacy::vision {
namespace {

Expected<std::unique_ptr<tesseract::TessBaseAPI>> MakeApi(const OcrOptions& o) {
  size_t start = 0;
  while (start <= o.languages.size()) {
    size_t plus = o.languages.find('+', start);
    if (plus == std::string::npos) plus = o.languages.size();
    std::string lang = o.languages.substr(start, plus - start);
    std::string file = o.tessdata_dir + "/" + lang + ".traineddata";
    if (!std::ifstream(file).good()) {
      return NotFound("OCR language data '" + file + "' not found (install tesseract-ocr-" + lang +
                      ")");
    }
    start = plus + 1;
  }
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  // Only the LSTM engine: Debian's traineddata files are the fast LSTM models.
  if (api->Init(o.tessdata_dir.c_str(), o.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return DataLoss("OCR: Tesseract could not load '" + o.languages + "' from '" + o.tessdata_dir +
                    "'");
  }
  api->SetVariable("debug_file", "/dev/null");
  api->SetVariable("user_defined_dpi", "300");  // silences "Estimating resolution"
  api->SetPageSegMode(tesseract::PSM_SPARSE_TEXT);
  return api;
}

// An English-only instance for machine-readable zones: the MRZ alphabet only, one block of
// lines, no dictionaries (an MRZ holds no words).
Expected<std::unique_ptr<tesseract::TessBaseAPI>> MakeMrzApi(const OcrOptions& o) {
  OcrOptions eng = o;
  eng.languages = "eng";
  PTMO_ASSIGN_OR_RETURN(auto api, MakeApi(eng));
  api->SetVariable("tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
  api->SetVariable("load_system_dawg", "0");
  api->SetVariable("load_freq_dawg", "0");
  api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  return api;
}

// `img` with dark ink on a light ground: inverted when its mean is dark (light text on a dark
// panel). Tesseract reads a low-confidence line a second time inverted; handed over this way,
// each line is read once.
cv::Mat DarkOnLight(const cv::Mat& img) {
  if (cv::mean(img)[0] >= 128) return img;
  cv::Mat inverted;
  cv::bitwise_not(img, inverted);
  return inverted;
}

}  // namespace

void AppendOcrResult(OcrResult part, OcrResult* into) {
  if (part.text.empty()) return;
  if (!into->text.empty()) into->text.push_back('\n');
  const size_t offset = into->text.size(), line_offset = into->line_boxes.size();
  into->text += part.text;
  for (OcrWord& w : part.words) {
    w.begin += offset;
    w.end += offset;
    into->words.push_back(std::move(w));
  }
  for (size_t line : part.word_line) into->word_line.push_back(line + line_offset);
  for (const Box& b : part.line_boxes) into->line_boxes.push_back(b);
}

OcrEngine::OcrEngine(OcrOptions options) : options_(std::move(options)) {}
OcrEngine::~OcrEngine() = default;

Expected<std::unique_ptr<OcrEngine>> OcrEngine::Create(const OcrOptions& options) {
  PTMO_ASSIGN_OR_RETURN(auto first, MakeApi(options));
  std::unique_ptr<OcrEngine> e(new OcrEngine(options));
  OcrOptions copy = options;
  e->pool_ = std::make_unique<ObjectPool<tesseract::TessBaseAPI>>([copy] { return MakeApi(copy); },
                                                                  options.pool_size);
  e->pool_->Add(std::move(first));
  e->mrz_pool_ = std::make_unique<ObjectPool<tesseract::TessBaseAPI>>(
      [copy] { return MakeMrzApi(copy); }, options.pool_size);
  return e;
}

Expected<OcrResult> OcrEngine::Recognize(const cv::Mat& gray) const {
  if (gray.empty()) return OcrResult{};
  cv::Mat img = gray;
  double scale = 1.0;
  int longer = std::max(gray.cols, gray.rows);
  if (longer < options_.upscale_below) {
    scale = 2.0;
  } else if (longer > options_.max_side) {
    scale = double(options_.max_side) / longer;
  }
  if (scale != 1.0) {
    cv::resize(gray, img, cv::Size(), scale, scale, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  }
  PTMO_ASSIGN_OR_RETURN(auto api, pool_->Acquire());
  std::vector<Box> regions = RegionsWorthReading(img);
  if (regions.empty()) return Run(&*api, img, scale, 0, 0, options_.min_word_confidence);
  OcrResult all;
  for (const Box& b : regions) {
    cv::Rect r(b.x, b.y, b.width, b.height);
    PTMO_ASSIGN_OR_RETURN(OcrResult part,
                          Run(&*api, DarkOnLight(img(r)), scale, int(std::lround(b.x / scale)),
                              int(std::lround(b.y / scale)), options_.min_word_confidence));
    AppendOcrResult(std::move(part), &all);
  }
  return all;
}

std::vector<Box> OcrEngine::RegionsWorthReading(const cv::Mat& img) const {
  if (options_.region_min_pixels <= 0 || double(img.rows) * img.cols < options_.region_min_pixels)
    return {};
  // A margin of a line height or so keeps the words whole and gives Tesseract a border.
  std::vector<Box> regions = FindTextRegions(img, 12);
  double covered = 0;
  for (const Box& b : regions) covered += b.area();
  if (regions.empty() || covered > options_.region_max_share * img.rows * img.cols) return {};
  std::sort(regions.begin(), regions.end(),
            [](const Box& a, const Box& b) { return a.y != b.y ? a.y < b.y : a.x < b.x; });
  return regions;
}

namespace {

enum class LineLook { kGray, kBinary };

// One MRZ line made ready for Tesseract: scaled to a cap height of `cap_px`, dark ink on a
// light ground, optionally Otsu-binarised (noise and JPEG ringing go), with a border (the
// LSTM reads characters that touch the image edge badly).
cv::Mat PrepareMrzLine(const LineCrop& line, double cap_px, LineLook look) {
  double scale = std::clamp(cap_px / std::max(1, line.text_height), 0.5, 6.0);
  cv::Mat img;
  cv::resize(line.pixels, img, cv::Size(), scale, scale,
             scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  img = DarkOnLight(img);
  if (look == LineLook::kBinary) {
    cv::GaussianBlur(img, img, cv::Size(5, 5), 0);
    cv::threshold(img, img, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  }
  int border = std::max(8, int(cap_px / 2));
  cv::copyMakeBorder(img, img, border, border, border, border, cv::BORDER_CONSTANT,
                     cv::Scalar(255));
  return img;
}

}  // namespace

Expected<OcrResult> OcrEngine::RecognizeMrzBand(const cv::Mat& gray, const Box& band, int line_px,
                                                const MrzAccept& accept) const {
  cv::Rect r =
      cv::Rect(band.x, band.y, band.width, band.height) & cv::Rect(0, 0, gray.cols, gray.rows);
  if (r.empty()) return OcrResult{};
  auto accepted = [&accept](const OcrResult& reading) { return !accept || accept(reading); };
  PTMO_ASSIGN_OR_RETURN(auto api, mrz_pool_->Acquire());
  // Characters of a monospaced MRZ line are about 0.6 line heights apart; an unknown line
  // height is taken as a tenth of the band (an MRZ band holds 2-3 lines and their gaps).
  const double line = line_px > 0 ? line_px : r.height / 10.0;
  std::vector<LineCrop> lines = FindLongTextLines(gray(r), int(std::lround(0.6 * line)));
  // The MRZ is the bottom of a document: at most its 3 lines are read.
  if (lines.size() > 3) lines.erase(lines.begin(), lines.end() - 3);
  const std::pair<double, LineLook> looks[] = {
      {36.0, LineLook::kGray}, {36.0, LineLook::kBinary}, {26.0, LineLook::kGray}};
  OcrResult last;
  if (!lines.empty()) {
    for (const auto& [cap_px, look] : looks) {
      OcrResult reading;
      api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
      for (const LineCrop& l : lines) {
        auto text = Run(&*api, PrepareMrzLine(l, cap_px, look), 1.0, 0, 0, 0.0);
        if (!text.ok()) {
          api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
          return text.status();
        }
        std::string joined;
        for (const OcrWord& w : text->words) joined += w.text;
        if (joined.empty()) continue;
        if (!reading.text.empty()) reading.text.push_back('\n');
        OcrWord w;
        w.text = joined;
        w.box = {r.x + l.box.x, r.y + l.box.y, l.box.width, l.box.height};
        w.confidence = 0.0;
        w.begin = reading.text.size();
        reading.text += joined;
        w.end = reading.text.size();
        reading.word_line.push_back(reading.line_boxes.size());
        reading.line_boxes.push_back(w.box);
        reading.words.push_back(std::move(w));
      }
      api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
      if (accepted(reading)) return reading;
      last = std::move(reading);
    }
  }
  // The whole band: Tesseract's own line finding, for bands where the lines were not found.
  double scale = std::clamp(40.0 / std::max(1.0, line), 0.5, 4.0);
  cv::Mat img;
  cv::resize(gray(r), img, cv::Size(), scale, scale, scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  // No confidence floor: an MRZ line is one long "word" that Tesseract rates low, and the
  // check digits decide whether it is kept.
  PTMO_ASSIGN_OR_RETURN(OcrResult whole, Run(&*api, img, scale, r.x, r.y, 0.0));
  if (accepted(whole) || last.text.empty()) return whole;
  return last;
}

Expected<OcrResult> OcrEngine::Run(tesseract::TessBaseAPI* api, const cv::Mat& image, double scale,
                                   int dx, int dy, double min_confidence) const {
  OcrResult out;
  cv::Mat img = image.isContinuous() ? image : image.clone();
  auto to_box = [scale, dx, dy](int x1, int y1, int x2, int y2) {
    return Box{dx + int(std::floor(x1 / scale)), dy + int(std::floor(y1 / scale)),
               int(std::ceil((x2 - x1) / scale)), int(std::ceil((y2 - y1) / scale))};
  };
  api->SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
  if (api->Recognize(nullptr) != 0) {
    api->Clear();
    return Internal("OCR: Tesseract failed to recognise the image");
  }
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  size_t line = 0;
  bool any_line = false;
  bool line_has_words = false;
  if (it) {
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) && line_has_words) {
        out.text.push_back('\n');
        ++line;
        line_has_words = false;
      }
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word) continue;
      std::string w(word.get());
      double conf = it->Confidence(tesseract::RIL_WORD) / 100.0;
      if (w.empty() || conf < min_confidence || !utf8::IsValid(w)) continue;
      int x1, y1, x2, y2;
      if (!it->BoundingBox(tesseract::RIL_WORD, &x1, &y1, &x2, &y2)) continue;
      if (line_has_words) out.text.push_back(' ');
      OcrWord ow;
      ow.text = w;
      ow.box = to_box(x1, y1, x2, y2);
      ow.confidence = conf;
      ow.begin = out.text.size();
      out.text += w;
      ow.end = out.text.size();
      if (out.line_boxes.size() <= line) out.line_boxes.resize(line + 1);
      out.line_boxes[line] = Union(out.line_boxes[line], ow.box);
      out.words.push_back(std::move(ow));
      out.word_line.push_back(line);
      line_has_words = true;
      any_line = true;
    } while (it->Next(tesseract::RIL_WORD));
  }
  (void)any_line;
  api->Clear();
  return out;
}

}  // namespace ptmo::privacy::vision
