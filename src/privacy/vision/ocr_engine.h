// Text recognition with Tesseract (Debian's tesseract-ocr-eng and tesseract-ocr-kor data):
// words with boxes, joined into one text whose byte offsets map back to the words.
#pragma once

#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace ptmo::privacy::vision {

template <typename T>
class ObjectPool;

struct OcrOptions {
  std::string tessdata_dir = "/usr/share/tesseract-ocr/5/tessdata";
  std::string languages = "eng+kor";  // Tesseract's "a+b" list
  // Words below this confidence (0-100 scale in Tesseract, here [0,1]) are dropped.
  double min_word_confidence = 0.3;
  // Text lines shorter than this many pixels are enlarged 2x before recognition would be
  // ideal; instead, images whose longer side is below upscale_below are enlarged 2x.
  int upscale_below = 500;
  // Images are shrunk so that their longer side is at most this (time bound).
  int max_side = 2400;
  size_t pool_size = 2;
  // Images of at least this many pixels (after scaling) are OCR'd only where FindTextRegions
  // finds text-like structure, when those regions cover at most `region_max_share` of the
  // image; smaller images, and pages full of structure, are read whole. 0 turns it off.
  int region_min_pixels = 500000;
  double region_max_share = 0.5;
};

struct OcrResult {
  std::string text;  // words joined by ' ', lines by '\n'
  std::vector<OcrWord> words;
  std::vector<size_t> word_line;  // text-line index of each word
  std::vector<Box> line_boxes;    // box of each text line
};

// Appends `part` (read from another region of the same image) to `into`: its text after a
// line break, word offsets and line indices shifted to match.
void AppendOcrResult(OcrResult part, OcrResult* into);

class OcrEngine {
 public:
  // Initialises one Tesseract instance to fail early (kNotFound naming the tessdata folder
  // and language when the traineddata is missing).
  static Expected<std::unique_ptr<OcrEngine>> Create(const OcrOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises the text in `gray` (8-bit, one channel); a large image only inside its
  // text-like regions (OcrOptions::region_min_pixels), their results appended top to bottom.
  // Thread-safe: Tesseract instances are borrowed from a pool of at most pool_size.
  Expected<OcrResult> Recognize(const cv::Mat& gray) const;

  // Reads the machine-readable zone of a travel document inside `band` (pixels of `gray`)
  // with an English-only Tesseract limited to A-Z, 0-9 and '<' (the first pass's general
  // settings read long '<' runs as letters, "cececc"; this one cannot). Readings are tried
  // from the most to the least targeted until `accept` takes one:
  //   1. each long text line of the band found by FindLongTextLines (deskewed), read on its
  //      own in single-line mode, scaled to a cap height of about 36 px; gray, then Otsu-
  //      binarised (noise), then at a smaller scale;
  //   2. the whole band in single-block mode, lines scaled to about 40 px (`line_px`: the
  //      line height if known, else 0).
  // Returns the accepted reading (an empty `accept` takes the first), else the last one tried. Line
  // readings hold one word per line whose box is the line's box. Boxes are in `gray`'s pixels.
  // Errors: kNotFound when eng traineddata is missing, kInternal when Tesseract fails. Thread-safe
  // (its own pool).
  using MrzAccept = std::function<bool(const OcrResult&)>;
  Expected<OcrResult> RecognizeMrzBand(const cv::Mat& gray, const Box& band, int line_px,
                                       const MrzAccept& accept) const;

 private:
  explicit OcrEngine(OcrOptions options);
  // Recognises `img` (already scaled by `scale` and cut at dx,dy of the caller's image) and
  // maps boxes back; words below `min_confidence` are dropped.
  Expected<OcrResult> Run(tesseract::TessBaseAPI* api, const cv::Mat& img, double scale, int dx,
                          int dy, double min_confidence) const;
  // The text-like regions of `img` to OCR one by one, or none to read `img` whole (small
  // image, no structure found, or structure nearly everywhere).
  std::vector<Box> RegionsWorthReading(const cv::Mat& img) const;
  OcrOptions options_;
  std::unique_ptr<ObjectPool<tesseract::TessBaseAPI>> pool_;
  std::unique_ptr<ObjectPool<tesseract::TessBaseAPI>> mrz_pool_;  // made on first use
};

}  // namespace ptmo::privacy::vision
