// Shared helpers for the tensor tests: seeded random data and f64 reference dot products.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/quantize.h"

namespace ptmo::tensor::testing {

// Normally distributed floats (deterministic for a seed).
inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = dist(rng);
  return v;
}

// `n` elements of `type` quantized from random floats.
inline std::vector<uint8_t> RandomRow(DType type, int64_t n, uint32_t seed) {
  std::vector<float> x = RandomFloats(n, seed);
  std::vector<uint8_t> out(*RowBytes(type, n));
  Status st = QuantizeRow(type, x.data(), out.data(), n);
  (void)st;
  return out;
}

inline std::vector<float> Dequantized(DType type, const void* data, int64_t n) {
  std::vector<float> y(static_cast<size_t>(n));
  Status st = DequantizeRow(type, data, y.data(), n);
  (void)st;
  return y;
}

struct RefDot {
  double value = 0;      // exact-ish dot product in f64
  double magnitude = 0;  // sum of |w_i x_i|: the scale for tolerances
};

inline RefDot ReferenceDot(const std::vector<float>& w, const std::vector<float>& x) {
  RefDot r;
  for (size_t i = 0; i < w.size(); ++i) {
    const double p = static_cast<double>(w[i]) * static_cast<double>(x[i]);
    r.value += p;
    r.magnitude += std::fabs(p);
  }
  return r;
}

}  // namespace ptmo::tensor::testing
