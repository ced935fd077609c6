#include "privacy/vision/image_decode.h"

#include <opencv2/imgcodecs.hpp>
#include <vector>

namespace ptmo::privacy::vision {
namespace {

uint32_t Be16(std::string_view b, size_t i) {
  return (uint32_t(uint8_t(b[i])) << 8) | uint8_t(b[i + 1]);
}
uint32_t Be32(std::string_view b, size_t i) {
  return (Be16(b, i) << 16) | Be16(b, i + 2);
}
uint32_t Le16(std::string_view b, size_t i) {
  return uint32_t(uint8_t(b[i])) | (uint32_t(uint8_t(b[i + 1])) << 8);
}
uint32_t Le24(std::string_view b, size_t i) {
  return Le16(b, i) | (uint32_t(uint8_t(b[i + 2])) << 16);
}
uint32_t Le32(std::string_view b, size_t i) {
  return Le16(b, i) | (Le16(b, i + 2) << 16);
}

bool StartsWith(std::string_view b, std::string_view prefix) {
  return b.substr(0, prefix.size()) == prefix;
}

// Names formats we recognise but do not decode, so the error says what the file is.
const char* UnsupportedFormatName(std::string_view b) {
  if (StartsWith(b, "GIF87a") || StartsWith(b, "GIF89a")) return "GIF";
  if (StartsWith(b, "BM")) return "BMP";
  if (StartsWith(b, std::string_view("II*\0", 4)) || StartsWith(b, std::string_view("MM\0*", 4)))
    return "TIFF";
  if (StartsWith(b, "%PDF")) return "PDF";
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp") return "HEIF/AVIF/MP4";
  if (StartsWith(b, "<svg") || StartsWith(b, "<?xml")) return "SVG/XML";
  if (StartsWith(b, std::string_view("\0\0\0\x0cjP  ", 8))) return "JPEG 2000";
  return nullptr;
}

Expected<ImageHeader> JpegHeader(std::string_view b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (uint8_t(b[i]) != 0xFF)
      return InvalidArgument("JPEG: marker expected at byte " + std::to_string(i));
    while (i < b.size() && uint8_t(b[i]) == 0xFF) ++i;  // fill bytes
    if (i >= b.size()) break;
    uint8_t m = uint8_t(b[i++]);
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // no length
    if (m == 0xD9 || m == 0xDA) {
      return DataLoss("JPEG: no frame header (SOF) before the image data");
    }
    if (i + 2 > b.size()) break;
    uint32_t len = Be16(b, i);
    if (len < 2)
      return DataLoss("JPEG: segment length " + std::to_string(len) + " at byte " +
                      std::to_string(i));
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (i + 7 > b.size()) break;
      ImageHeader h;
      h.format = ImageFormat::kJpeg;
      h.height = Be16(b, i + 3);
      h.width = Be16(b, i + 5);
      return h;
    }
    i += len;
  }
  return DataLoss("JPEG: file ends before the frame header (truncated)");
}

Expected<ImageHeader> PngHeader(std::string_view b) {
  if (b.size() < 24 || b.substr(12, 4) != "IHDR") {
    return DataLoss("PNG: missing or truncated IHDR header");
  }
  ImageHeader h;
  h.format = ImageFormat::kPng;
  h.width = Be32(b, 16);
  h.height = Be32(b, 20);
  return h;
}

Expected<ImageHeader> WebpHeader(std::string_view b) {
  if (b.size() < 30) return DataLoss("WebP: header truncated");
  ImageHeader h;
  h.format = ImageFormat::kWebp;
  std::string_view chunk = b.substr(12, 4);
  if (chunk == "VP8 ") {
    if (b.substr(23, 3) != "\x9d\x01\x2a") return DataLoss("WebP: bad VP8 start code");
    h.width = Le16(b, 26) & 0x3FFF;
    h.height = Le16(b, 28) & 0x3FFF;
  } else if (chunk == "VP8L") {
    if (uint8_t(b[20]) != 0x2F) return DataLoss("WebP: bad VP8L signature");
    uint32_t bits = Le32(b, 21);
    h.width = int64_t(bits & 0x3FFF) + 1;
    h.height = int64_t((bits >> 14) & 0x3FFF) + 1;
  } else if (chunk == "VP8X") {
    h.width = int64_t(Le24(b, 24)) + 1;
    h.height = int64_t(Le24(b, 27)) + 1;
  } else {
    return InvalidArgument("WebP: unknown first chunk '" + std::string(chunk) + "'");
  }
  return h;
}

// Whether the file holds its end marker: a cut-off download decodes "successfully" in
// libjpeg (gray bottom) and must be refused instead.
Status CheckComplete(std::string_view b, ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      if (b.rfind("\xFF\xD9") == std::string_view::npos)
        return DataLoss("JPEG: no end-of-image marker (file truncated)");
      break;
    case ImageFormat::kPng:
      if (b.rfind(std::string_view("IEND\xAE\x42\x60\x82", 8)) == std::string_view::npos)
        return DataLoss("PNG: no IEND chunk (file truncated)");
      break;
    case ImageFormat::kWebp: {
      uint64_t declared = uint64_t(Le32(b, 4)) + 8;
      if (declared > b.size())
        return DataLoss("WebP: RIFF declares " + std::to_string(declared) +
                        " bytes but the file has " + std::to_string(b.size()) + " (truncated)");
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
    case ImageFormat::kWebp: return "webp";
  }
  return "?";
}

Expected<ImageHeader> ReadImageHeader(std::string_view b) {
  Expected<ImageHeader> h = InvalidArgument("empty");
  if (b.empty()) return InvalidArgument("image is empty (0 bytes)");
  if (StartsWith(b, "\xFF\xD8\xFF")) {
    h = JpegHeader(b);
  } else if (StartsWith(b, "\x89PNG\r\n\x1a\n")) {
    h = PngHeader(b);
  } else if (b.size() >= 12 && StartsWith(b, "RIFF") && b.substr(8, 4) == "WEBP") {
    h = WebpHeader(b);
  } else if (const char* name = UnsupportedFormatName(b)) {
    return InvalidArgument(std::string("unsupported image format ") + name +
                           " (supported: JPEG, PNG, WebP)");
  } else {
    return InvalidArgument("not an image: unknown file signature (supported: JPEG, PNG, WebP)");
  }
  if (!h.ok()) return h;
  if (h->width <= 0 || h->height <= 0) {
    return InvalidArgument(std::string(ImageFormatName(h->format)) + ": header declares " +
                           std::to_string(h->width) + "x" + std::to_string(h->height) + " pixels");
  }
  return h;
}

Expected<ImageHeader> CheckImageBytes(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return ResourceExhausted("image is " + std::to_string(bytes.size()) +
                             " bytes, above the limit of " + std::to_string(limits.max_bytes));
  }
  PTMO_ASSIGN_OR_RETURN(ImageHeader h, ReadImageHeader(bytes));
  if (h.width > limits.max_side || h.height > limits.max_side ||
      h.width * h.height > limits.max_pixels) {
    return ResourceExhausted(std::string(ImageFormatName(h.format)) + ": declared size " +
                             std::to_string(h.width) + "x" + std::to_string(h.height) +
                             " is above the limit of " + std::to_string(limits.max_pixels) +
                             " pixels or " + std::to_string(limits.max_side) + " per side");
  }
  PTMO_RETURN_IF_ERROR(CheckComplete(bytes, h.format));
  return h;
}

Expected<cv::Mat> DecodeImage(std::string_view bytes, const DecodeLimits& limits,
                              ImageHeader* header_out) {
  PTMO_ASSIGN_OR_RETURN(ImageHeader h, CheckImageBytes(bytes, limits));
  cv::Mat out;
  try {
    cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    out = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    return DataLoss(std::string(ImageFormatName(h.format)) + ": corrupt image data (" + e.what() +
                    ")");
  }
  if (out.empty()) {
    return DataLoss(std::string(ImageFormatName(h.format)) +
                    ": corrupt image data (decoder failed)");
  }
  if (header_out != nullptr) *header_out = h;
  return out;
}

Expected<std::string> EncodeImage(const cv::Mat& image, ImageFormat format, int jpeg_quality) {
  std::vector<uchar> buf;
  std::vector<int> params;
  const char* ext = ".png";
  if (format == ImageFormat::kJpeg) {
    ext = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
  } else if (format == ImageFormat::kWebp) {
    ext = ".webp";
    params = {cv::IMWRITE_WEBP_QUALITY, jpeg_quality};
  }
  try {
    if (!cv::imencode(ext, image, buf, params))
      return Internal(std::string("encoding ") + ext + " failed");
  } catch (const cv::Exception& e) {
    return Internal(std::string("encoding ") + ext + " failed: " + e.what());
  }
  return std::string(buf.begin(), buf.end());
}

}  // namespace ptmo::privacy::vision
