#include "privacy/vision/barcodes.h"

#include <zbar.h>

#include <algorithm>
#include <memory>

namespace ptmo::privacy::vision {
namespace {

struct ScannerDeleter {
  void operator()(zbar::zbar_image_scanner_t* s) const { zbar::zbar_image_scanner_destroy(s); }
};
struct ImageDeleter {
  void operator()(zbar::zbar_image_t* i) const { zbar::zbar_image_destroy(i); }
};

// "QR-Code" -> "QR_CODE", "EAN-13" -> "EAN_13".
std::string KindName(const char* zbar_name) {
  std::string out = zbar_name == nullptr ? "BARCODE" : zbar_name;
  for (char& c : out) {
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

Expected<std::vector<DecodedBarcode>> DecodeBarcodes(const cv::Mat& gray) {
  std::vector<DecodedBarcode> out;
  if (gray.empty()) return out;
  if (gray.type() != CV_8UC1) return InvalidArgument("barcodes: expected an 8-bit gray image");
  cv::Mat img = gray.isContinuous() ? gray : gray.clone();
  std::unique_ptr<zbar::zbar_image_scanner_t, ScannerDeleter> scanner(
      zbar::zbar_image_scanner_create());
  std::unique_ptr<zbar::zbar_image_t, ImageDeleter> image(zbar::zbar_image_create());
  if (!scanner || !image) return Internal("barcodes: zbar could not allocate a scanner");
  zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_set_format(image.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image.get(), unsigned(img.cols), unsigned(img.rows));
  // zbar reads the buffer in place; no cleanup handler: `img` outlives the zbar image.
  zbar::zbar_image_set_data(image.get(), img.data, img.total(), nullptr);
  int n = zbar::zbar_scan_image(scanner.get(), image.get());
  if (n < 0) return Internal("barcodes: zbar failed to scan the image");
  for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(image.get()); s != nullptr;
       s = zbar::zbar_symbol_next(s)) {
    DecodedBarcode b;
    b.kind = KindName(zbar::zbar_get_symbol_name(zbar::zbar_symbol_get_type(s)));
    b.payload.assign(zbar::zbar_symbol_get_data(s), zbar::zbar_symbol_get_data_length(s));
    unsigned points = zbar::zbar_symbol_get_loc_size(s);
    int x1 = img.cols, y1 = img.rows, x2 = 0, y2 = 0;
    for (unsigned i = 0; i < points; ++i) {
      int x = zbar::zbar_symbol_get_loc_x(s, i), y = zbar::zbar_symbol_get_loc_y(s, i);
      x1 = std::min(x1, x);
      y1 = std::min(y1, y);
      x2 = std::max(x2, x);
      y2 = std::max(y2, y);
    }
    if (points > 0) {
      // A 1-D code is located by the scan lines that crossed it, often a thin strip: grow
      // the box to a third of its width, about a barcode's usual aspect, so redaction
      // covers the bars.
      int w = x2 - x1 + 1, h = y2 - y1 + 1;
      if (h < w / 3) {
        int grow = (w / 3 - h) / 2;
        y1 = std::max(0, y1 - grow);
        h = std::min(img.rows - y1, w / 3);
      }
      b.box = {x1, y1, w, std::max(1, h)};
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace ptmo::privacy::vision
