// Decoding untrusted image bytes with bounded memory: the format and dimensions are read
// from the header first, and an image that would decode to too many pixels is refused before
// any pixel buffer is allocated (decompression bombs). Truncated files are refused instead of
// being decoded into a half-gray picture.
//
// All functions are thread-safe.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "util/status.h"

namespace ptmo::privacy::vision {

enum class ImageFormat { kJpeg, kPng, kWebp };
std::string_view ImageFormatName(ImageFormat format);  // "jpeg", "png", "webp"

struct ImageHeader {
  ImageFormat format{};
  int64_t width = 0;
  int64_t height = 0;
};

struct DecodeLimits {
  size_t max_bytes = size_t(32) << 20;  // encoded size
  int64_t max_pixels = 40'000'000;      // width * height from the header
  int64_t max_side = 20'000;            // either dimension
};

// Reads the format and the declared dimensions without decoding pixels. Errors:
// kInvalidArgument for an unknown or unsupported format (naming it when recognisable: GIF,
// BMP, TIFF, PDF, ...) and for a header that is cut short or declares zero dimensions.
Expected<ImageHeader> ReadImageHeader(std::string_view bytes);

// Checks the header against `limits`, checks that the file is complete (JPEG EOI marker,
// PNG IEND chunk, RIFF size), and decodes to 8-bit BGR. Errors: kResourceExhausted above a
// limit (naming it), kDataLoss for a truncated or corrupt file, kInvalidArgument as for
// ReadImageHeader.
Expected<cv::Mat> DecodeImage(std::string_view bytes, const DecodeLimits& limits,
                              ImageHeader* header_out = nullptr);

// Every check DecodeImage makes before decoding (format, declared size against `limits`,
// completeness), without decoding: cheap enough to run on each input before loading models,
// so a bad file fails in milliseconds. Returns the header. Errors: as DecodeImage, except
// corrupt pixel data, which only decoding finds.
Expected<ImageHeader> CheckImageBytes(std::string_view bytes, const DecodeLimits& limits);

// Encodes `image` (8-bit BGR) as `format`. The output carries no metadata (no EXIF, XMP or
// ICC chunk is written). Errors: kInternal when the encoder fails.
Expected<std::string> EncodeImage(const cv::Mat& image, ImageFormat format, int jpeg_quality = 90);

}  // namespace ptmo::privacy::vision
