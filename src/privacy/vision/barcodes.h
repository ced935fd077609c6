// QR codes and 1-D barcodes (EAN/UPC, Code 128, Code 39, ...) read with zbar (Debian's
// libzbar), which OpenCV 4.6 as Debian builds it cannot do: its QR decoder needs quirc and its
// 1-D reader lives in opencv_contrib.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace ptmo::privacy::vision {

struct DecodedBarcode {
  std::string kind;     // "QR_CODE", "EAN_13", "CODE_128", ... (zbar's name, '-' as '_')
  std::string payload;  // the decoded bytes (not necessarily UTF-8)
  Box box;              // in pixels of the scanned image
};

// Finds and decodes every barcode in `gray` (8-bit, one channel). Codes zbar finds but cannot
// decode are not reported. Errors: kInternal when zbar fails on the image. Thread-safe (a
// scanner per call; zbar scanners are not shared).
Expected<std::vector<DecodedBarcode>> DecodeBarcodes(const cv::Mat& gray);

}  // namespace ptmo::privacy::vision
