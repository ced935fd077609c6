// Helpers shared by the model tests: random models built in memory, metrics on logits.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/model.h"
#include "engine/model_builder.h"

namespace ptmo::engine::testing {

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// A model image kept alive next to the GgufFile that points into it.
struct BuiltModel {
  std::unique_ptr<std::string> image;
  std::unique_ptr<Model> model;
};

inline BuildOptions Options(const std::string& preset, WeightFormat format, uint64_t seed = 7) {
  BuildOptions o;
  o.shape = *ModelPreset(preset);
  o.format = format;
  o.seed = seed;
  return o;
}

// The GGUF image of `options`, opened in place (`image` must outlive the result).
inline Expected<GgufFile> OpenImage(const std::string& name, const std::string& image) {
  return GgufFile::FromBuffer(
      name, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
}

// Builds and loads; the Status of a failed load is returned for error tests.
inline Expected<BuiltModel> Build(const BuildOptions& options, const std::string& name = "x.gguf",
                                  const LoadOptions& load = {}) {
  auto image = BuildRandomModelImage(options);
  if (!image.ok()) return image.status();
  BuiltModel built;
  built.image = std::make_unique<std::string>(std::move(*image));
  PTMO_ASSIGN_OR_RETURN(GgufFile gguf, OpenImage(name, *built.image));
  PTMO_ASSIGN_OR_RETURN(built.model, Model::FromGguf(std::move(gguf), load));
  return built;
}

inline std::vector<float> Copy(std::span<const float> s) {
  return std::vector<float>(s.begin(), s.end());
}

inline double Cosine(std::span<const float> a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    ab += a[i] * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// max |a - b| / max |b|: the error relative to the logits' scale.
inline double RelativeMaxError(std::span<const float> a, const std::vector<double>& b) {
  double err = 0, scale = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    err = std::max(err, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return err / scale;
}

template <typename T>
int32_t ArgMax(const T& v) {
  return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// A fixed, arbitrary prompt of token ids below `n_vocab`.
inline std::vector<int32_t> Prompt(int64_t n, int64_t n_vocab, uint32_t seed = 3) {
  std::vector<int32_t> out;
  uint64_t x = seed;
  for (int64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out.push_back(static_cast<int32_t>((x >> 33) % static_cast<uint64_t>(n_vocab)));
  }
  return out;
}

}  // namespace ptmo::engine::testing
