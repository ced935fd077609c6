// A labelled image set for evaluating the image privacy guard, made from scratch: text with
// known PII rendered onto backgrounds, document-like cards (payment card, passport data page
// with MRZ, Korean ID card) at several text sizes, rotations and noise levels; faces from a
// Debian-packaged sample (scikit-image's LFW subset, python3-skimage) placed on backgrounds;
// and images with no faces and no PII. Labels go to labels.jsonl beside the images.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "privacy/core/entity.h"
#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace ptmo::privacy::vision {

// One piece of PII drawn on an image, with the box it occupies.
struct PiiLabel {
  EntityType type{};
  std::string text;
  Box box;
};

struct ImageLabel {
  std::string file;     // relative to the data set folder
  std::string kind;     // "text", "card", "passport", "kr_id", "face", "noface", "mp1"
  int text_px = 0;      // line height of the rendered text (0: none)
  double rotation = 0;  // degrees
  double noise = 0;     // Gaussian noise sigma (8-bit levels)
  Level level = Level::kPublic;
  std::vector<Box> faces;
  std::vector<PiiLabel> pii;
};

struct DatasetOptions {
  std::string out_dir;
  uint64_t seed = 7;
  int per_kind = 24;  // images per kind (text kinds are spread over sizes/rotations/noise)
  // scikit-image's lfw_subset.npy (100 faces then 100 non-faces, 25x25 float64); empty:
  // the path python3-skimage installs it to, when present.
  std::string lfw_npy;
  int mp1_images = 10;  // 1024x1024 mixed images for timing
};

// Writes the images and labels.jsonl into options.out_dir (created if missing). Reports in
// `notes` what could not be made honestly (e.g. no face source installed). Errors: kNotFound
// for missing fonts, kInternal for I/O failures (naming the path).
Expected<std::vector<ImageLabel>> GenerateImageDataset(const DatasetOptions& options,
                                                       std::vector<std::string>* notes);

// Reads labels.jsonl from `dir`. Errors: kNotFound, kDataLoss naming the line.
Expected<std::vector<ImageLabel>> ReadImageLabels(const std::string& dir);

// Loads faces from an .npy array of shape (n, h, w) float64 in [0,1] (the LFW subset's
// format). Errors: kNotFound, kDataLoss for another dtype or shape.
Expected<std::vector<std::vector<uint8_t>>> LoadNpyGrayImages(const std::string& path, int* h,
                                                              int* w);

// A valid Korean resident registration number "YYMMDD-SXXXXXC" for the given seed value.
std::string MakeKrRrn(uint64_t value);

}  // namespace ptmo::privacy::vision
