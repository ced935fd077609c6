// Shared pieces of the gateway tests that carry images (offload and server): the real image
// guard, built once per test binary, and small generated images. The text guard is rules-only
// (no NER model file needed, and fast); OCR still costs ~100 ms per image, so tests keep images
// tiny and few.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "offload/image_gate.h"
#include "privacy/analyzer.h"
#include "privacy/vision/image_analyzer.h"
#include "privacy/vision/image_decode.h"

namespace ptmo::offload::testing {

struct ImageGuard {
  std::shared_ptr<const privacy::Analyzer> text;
  std::shared_ptr<const privacy::vision::ImageAnalyzer> images;
};

// Built on first use and kept for the whole binary: creating Tesseract and the cascades per test
// would dominate the run time.
inline const ImageGuard& SharedImageGuard() {
  static const ImageGuard guard = [] {
    ImageGuard g;
    privacy::AnalyzerOptions o;
    o.enable_ner = false;
    auto text = privacy::Analyzer::Create(o);
    EXPECT_TRUE(text.ok()) << text.status().message();
    if (!text.ok()) return g;
    g.text = std::shared_ptr<const privacy::Analyzer>(std::move(*text));
    auto images = privacy::vision::ImageAnalyzer::Create({}, g.text.get());
    EXPECT_TRUE(images.ok()) << images.status().message();
    if (images.ok()) {
      g.images = std::shared_ptr<const privacy::vision::ImageAnalyzer>(std::move(*images));
    }
    return g;
  }();
  return guard;
}

// A plain-colour PNG: nothing in it for the guard to find.
inline std::string BlankPng(int width = 80, int height = 60) {
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(200, 220, 240));
  auto png = privacy::vision::EncodeImage(img, privacy::vision::ImageFormat::kPng);
  EXPECT_TRUE(png.ok()) << png.status().message();
  return png.ok() ? *png : std::string();
}

inline std::string ImageDataUrl(const std::string& bytes, std::string_view type = "image/png") {
  return "data:" + std::string(type) + ";base64," + Base64Encode(bytes);
}

// An empty directory of its own for the current test (process id + test name), replaced if a
// crashed earlier run left one behind.
inline std::filesystem::path FreshTestDir(std::string_view prefix) {
  namespace fs = std::filesystem;
  fs::path dir =
      fs::temp_directory_path() / (std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace ptmo::offload::testing
