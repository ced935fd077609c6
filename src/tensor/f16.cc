#include "tensor/f16.h"

#include <cassert>

#include "tensor/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PTMO_X86 1
#endif

namespace ptmo::tensor {

void FloatToHalfRowScalar(const float* x, Half* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = FloatToHalf(x[i]);
}

void HalfToFloatRowScalar(const Half* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = HalfToFloat(x[i]);
}

#ifdef PTMO_X86

__attribute__((target("avx2,f16c"))) void FloatToHalfRowF16c(const float* x, Half* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), h);
  }
  for (; i < n; ++i) {
    const __m128i h = _mm_cvtps_ph(_mm_set_ss(x[i]), _MM_FROUND_TO_NEAREST_INT);
    y[i] = static_cast<Half>(_mm_extract_epi16(h, 0));
  }
}

__attribute__((target("avx2,f16c"))) void HalfToFloatRowF16c(const Half* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
    _mm256_storeu_ps(y + i, _mm256_cvtph_ps(h));
  }
  for (; i < n; ++i) y[i] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(x[i])));
}

#else

void FloatToHalfRowF16c(const float* x, Half* y, int64_t n) {
  assert(false && "F16C is not available on this architecture");
  FloatToHalfRowScalar(x, y, n);
}

void HalfToFloatRowF16c(const Half* x, float* y, int64_t n) {
  assert(false && "F16C is not available on this architecture");
  HalfToFloatRowScalar(x, y, n);
}

#endif

void FloatToHalfRow(const float* x, Half* y, int64_t n) {
  if (HostCpuFeatures().f16c) {
    FloatToHalfRowF16c(x, y, n);
  } else {
    FloatToHalfRowScalar(x, y, n);
  }
}

void HalfToFloatRow(const Half* x, float* y, int64_t n) {
  if (HostCpuFeatures().f16c) {
    HalfToFloatRowF16c(x, y, n);
  } else {
    HalfToFloatRowScalar(x, y, n);
  }
}

}  // namespace ptmo::tensor
