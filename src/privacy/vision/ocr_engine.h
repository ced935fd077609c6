// Text recognition with Tesseract (Debian's tesseract-ocr-eng and tesseract-ocr-kor data):
// words with boxes, joined into one text whose byte offsets map back to the words.
#pragma once

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
};

struct OcrResult {
  std::string text;  // words joined by ' ', lines by '\n'
  std::vector<OcrWord> words;
  std::vector<size_t> word_line;  // text-line index of each word
  std::vector<Box> line_boxes;    // box of each text line
};

class OcrEngine {
 public:
  // Initialises one Tesseract instance to fail early (kNotFound naming the tessdata folder
  // and language when the traineddata is missing).
  static Expected<std::unique_ptr<OcrEngine>> Create(const OcrOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises the text in `gray` (8-bit, one channel). Thread-safe: Tesseract instances are
  // borrowed from a pool of at most pool_size.
  Expected<OcrResult> Recognize(const cv::Mat& gray) const;

  // Reads the machine-readable zone of a travel document inside `band` (pixels of `gray`):
  // an English-only Tesseract limited to A-Z, 0-9 and '<', in single-block page mode, on the
  // band enlarged so that its lines are about 40 px high (`line_px`: the line height if
  // known, else 0). Boxes are in `gray`'s pixels. The first pass's general settings read
  // long '<' runs as letters ("cececc"); this one cannot. Errors: kNotFound when eng
  // traineddata is missing, kInternal when Tesseract fails. Thread-safe (its own pool).
  Expected<OcrResult> RecognizeMrzBand(const cv::Mat& gray, const Box& band, int line_px) const;

 private:
  explicit OcrEngine(OcrOptions options);
  // Recognises `img` (already scaled by `scale` and cut at dx,dy of the caller's image) and
  // maps boxes back; words below `min_confidence` are dropped.
  Expected<OcrResult> Run(tesseract::TessBaseAPI* api, const cv::Mat& img, double scale, int dx,
                          int dy, double min_confidence) const;
  OcrOptions options_;
  std::unique_ptr<ObjectPool<tesseract::TessBaseAPI>> pool_;
  std::unique_ptr<ObjectPool<tesseract::TessBaseAPI>> mrz_pool_;  // made on first use
};

}  // namespace ptmo::privacy::vision
