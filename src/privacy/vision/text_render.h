// Renders UTF-8 text (Latin and Hangul) onto images with TrueType fonts, for making the
// labelled evaluation and test images. Uses stb_truetype from Debian's libstb-dev (header
// only, so nothing new to link), with fonts from fonts-dejavu-core and fonts-nanum.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace ptmo::privacy::vision {

// Debian's font files used by default.
inline constexpr const char* kDejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
inline constexpr const char* kDejaVuSansMono =
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
inline constexpr const char* kDejaVuSerif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";
inline constexpr const char* kNanumGothic = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf";

class TextRenderer {
 public:
  // Loads `primary` and optional `fallbacks` (consulted for code points the primary lacks,
  // e.g. Hangul). Errors: kNotFound naming a missing font file, kDataLoss for a file that is
  // not a TrueType font.
  static Expected<std::unique_ptr<TextRenderer>> Create(
      const std::string& primary, const std::vector<std::string>& fallbacks = {});
  ~TextRenderer();
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;

  // Draws `text` on `image` (8-bit BGR or gray) with its top-left at (x, y) and a line height
  // (ascent + descent) of `pixel_height`, alpha-blending `color`. Returns the box the line
  // occupies (ink and advance), clipped to nothing: drawing outside the image is skipped.
  // Thread-compatible: const, so one renderer may draw from several threads.
  Box Draw(cv::Mat& image, std::string_view text, int x, int y, int pixel_height,
           const cv::Scalar& color) const;

  // The width and height Draw would use, without drawing.
  Box Measure(std::string_view text, int pixel_height) const;

 private:
  struct Font;
  TextRenderer();
  Box Layout(cv::Mat* image, std::string_view text, int x, int y, int pixel_height,
             const cv::Scalar& color) const;
  std::vector<std::unique_ptr<Font>> fonts_;
};

}  // namespace ptmo::privacy::vision
