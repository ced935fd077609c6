#include "privacy/vision/text_render.h"

#include <algorithm>
#include <cmath>

#include "util/file.h"
#include "util/utf8.h"

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>

namespace ptmo::privacy::vision {

struct TextRenderer::Font {
  std::string data;  // stb_truetype reads glyphs from this buffer; it must outlive `info`
  stbtt_fontinfo info{};
};

TextRenderer::TextRenderer() = default;
TextRenderer::~TextRenderer() = default;

Expected<std::unique_ptr<TextRenderer>> TextRenderer::Create(
    const std::string& primary, const std::vector<std::string>& fallbacks) {
  std::unique_ptr<TextRenderer> r(new TextRenderer());
  std::vector<std::string> paths = {primary};
  paths.insert(paths.end(), fallbacks.begin(), fallbacks.end());
  for (const std::string& p : paths) {
    auto f = std::make_unique<Font>();
    auto data = ReadFile(p, size_t(64) << 20);
    if (!data.ok()) return NotFound("font '" + p + "': " + data.status().message());
    f->data = std::move(data).value();
    const auto* bytes = reinterpret_cast<const unsigned char*>(f->data.data());
    int offset = stbtt_GetFontOffsetForIndex(bytes, 0);
    if (offset < 0 || !stbtt_InitFont(&f->info, bytes, offset)) {
      return DataLoss("font '" + p + "' is not a TrueType font");
    }
    r->fonts_.push_back(std::move(f));
  }
  return r;
}

Box TextRenderer::Draw(cv::Mat& image, std::string_view text, int x, int y, int pixel_height,
                       const cv::Scalar& color) const {
  return Layout(&image, text, x, y, pixel_height, color);
}

Box TextRenderer::Measure(std::string_view text, int pixel_height) const {
  return Layout(nullptr, text, 0, 0, pixel_height, cv::Scalar());
}

Box TextRenderer::Layout(cv::Mat* image, std::string_view text, int x, int y, int pixel_height,
                         const cv::Scalar& color) const {
  const Font& main = *fonts_[0];
  float main_scale = stbtt_ScaleForPixelHeight(&main.info, float(pixel_height));
  int ascent, descent, gap;
  stbtt_GetFontVMetrics(&main.info, &ascent, &descent, &gap);
  float baseline = y + ascent * main_scale;
  float pen = float(x);
  std::vector<unsigned char> bitmap;
  int prev_glyph = 0;
  const Font* prev_font = nullptr;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    char32_t cp = utf8::Decode(text, i, &len);
    i += len;
    const Font* font = fonts_[0].get();
    int glyph = 0;
    for (const auto& f : fonts_) {
      glyph = stbtt_FindGlyphIndex(&f->info, int(cp));
      if (glyph != 0) {
        font = f.get();
        break;
      }
    }
    float scale = stbtt_ScaleForPixelHeight(&font->info, float(pixel_height));
    if (prev_font == font && prev_glyph != 0) {
      pen += scale * stbtt_GetGlyphKernAdvance(&font->info, prev_glyph, glyph);
    }
    int advance, lsb;
    stbtt_GetGlyphHMetrics(&font->info, glyph, &advance, &lsb);
    if (image != nullptr && cp != ' ') {
      float shift = pen - std::floor(pen);
      int x0, y0, x1, y1;
      stbtt_GetGlyphBitmapBoxSubpixel(&font->info, glyph, scale, scale, shift, 0, &x0, &y0, &x1,
                                      &y1);
      int w = x1 - x0, h = y1 - y0;
      if (w > 0 && h > 0) {
        bitmap.assign(size_t(w) * h, 0);
        stbtt_MakeGlyphBitmapSubpixel(&font->info, bitmap.data(), w, h, w, scale, scale, shift, 0,
                                      glyph);
        int ox = int(std::floor(pen)) + x0, oy = int(std::lround(baseline)) + y0;
        for (int r = 0; r < h; ++r) {
          int iy = oy + r;
          if (iy < 0 || iy >= image->rows) continue;
          for (int c = 0; c < w; ++c) {
            int ix = ox + c;
            if (ix < 0 || ix >= image->cols) continue;
            double alpha = bitmap[size_t(r) * w + c] / 255.0;
            if (alpha <= 0) continue;
            if (image->channels() == 3) {
              auto& px = image->at<cv::Vec3b>(iy, ix);
              for (int k = 0; k < 3; ++k) {
                px[k] = cv::saturate_cast<uchar>(px[k] * (1 - alpha) + color[k] * alpha);
              }
            } else {
              auto& px = image->at<uchar>(iy, ix);
              px = cv::saturate_cast<uchar>(px * (1 - alpha) + color[0] * alpha);
            }
          }
        }
      }
    }
    pen += advance * scale;
    prev_glyph = glyph;
    prev_font = font;
  }
  int height = int(std::ceil((ascent - descent) * main_scale));
  return Box{x, y, int(std::ceil(pen)) - x, height};
}

}  // namespace ptmo::privacy::vision
