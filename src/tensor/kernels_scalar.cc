// Portable reference kernels (see kernels.h for the arithmetic each one performs).
#include <cassert>
#include <cstring>

#include "tensor/kernels.h"
#include "tensor/kernels_internal.h"
#include "tensor/quant_blocks.h"
#include "tensor/repack.h"

// No implicit fusing of a * b + c into an FMA: the K-quant kernels must round exactly like the
// scalar reference (explicit _mm256_fmadd_ps calls are unaffected). GCC contracts by default
// in C++ even in ISO mode, clang within expressions.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace ptmo::tensor::internal {
namespace {

// Eight independent partial sums, mirroring an 8-lane SIMD register, combined pairwise.
inline float Reduce8(const float s[8]) {
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

float DotF32(int64_t n, const void* vw, const void* vx) {
  const float* w = static_cast<const float*>(vw);
  const float* x = static_cast<const float*>(vx);
  float s[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) s[k] += w[i + k] * x[i + k];
  }
  for (int k = 0; i < n; ++i, ++k) s[k] += w[i] * x[i];
  return Reduce8(s);
}

float DotF16(int64_t n, const void* vw, const void* vx) {
  const Half* w = static_cast<const Half*>(vw);
  const Half* x = static_cast<const Half*>(vx);
  float s[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) s[k] += HalfToFloat(w[i + k]) * HalfToFloat(x[i + k]);
  }
  for (int k = 0; i < n; ++i, ++k) s[k] += HalfToFloat(w[i]) * HalfToFloat(x[i]);
  return Reduce8(s);
}

void AxpyF32(int64_t n, float a, const void* vx, float* y) {
  const float* x = static_cast<const float*>(vx);
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void AxpyF16(int64_t n, float a, const void* vx, float* y) {
  const Half* x = static_cast<const Half*>(vx);
  for (int64_t i = 0; i < n; ++i) y[i] += a * HalfToFloat(x[i]);
}

float DotQ4_0(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK4_0 == 0);
  const BlockQ4_0* w = static_cast<const BlockQ4_0*>(vw);
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK4_0; ++b) {
    int sumi = 0;
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      const int lo = (w[b].qs[j] & 0x0F) - 8;
      const int hi = (w[b].qs[j] >> 4) - 8;
      sumi += lo * x[b].qs[j] + hi * x[b].qs[j + kQK4_0 / 2];
    }
    sum += static_cast<float>(sumi) * (HalfToFloat(w[b].d) * HalfToFloat(x[b].d));
  }
  return sum;
}

float DotQ8_0(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK8_0 == 0);
  const BlockQ8_0* w = static_cast<const BlockQ8_0*>(vw);
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    int sumi = 0;
    for (int j = 0; j < kQK8_0; ++j) sumi += w[b].qs[j] * x[b].qs[j];
    sum += static_cast<float>(sumi) * (HalfToFloat(w[b].d) * HalfToFloat(x[b].d));
  }
  return sum;
}

float DotQ4_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ4_K* w = static_cast<const BlockQ4_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int sumi = 0;  // sum over sub-blocks of scale * dot(q4, q8)
    int summ = 0;  // sum over sub-blocks of min * sum(q8)
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      Q4KScaleMin(w[b].scales, s, &sc, &m);
      const uint8_t* q4 = w[b].qs + 32 * (s / 2);
      const int shift = (s % 2) * 4;
      const int8_t* q8 = x[b].qs + 32 * s;
      int dot = 0;
      for (int l = 0; l < 32; ++l) dot += ((q4[l] >> shift) & 0x0F) * q8[l];
      sumi += sc * dot;
      summ += m * (x[b].bsums[2 * s] + x[b].bsums[2 * s + 1]);
    }
    const float d = HalfToFloat(w[b].d) * x[b].d;
    const float dmin = HalfToFloat(w[b].dmin) * x[b].d;
    sum += d * static_cast<float>(sumi) - dmin * static_cast<float>(summ);
  }
  return sum;
}

float DotQ6_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ6_K* w = static_cast<const BlockQ6_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int sumi = 0;
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const uint8_t* qh = w[b].qh + 32 * h;
      const int8_t* sc = w[b].scales + 8 * h;
      const int8_t* q8 = x[b].qs + 128 * h;
      // Each quarter of 32 values spans two scale groups: l < 16 and l >= 16.
      for (int g = 0; g < 2; ++g) {
        int d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        for (int l = 16 * g; l < 16 * g + 16; ++l) {
          d1 += (((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32) * q8[l];
          d2 += (((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32) * q8[l + 32];
          d3 += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * q8[l + 64];
          d4 += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * q8[l + 96];
        }
        sumi += sc[g] * d1 + sc[2 + g] * d2 + sc[4 + g] * d3 + sc[6 + g] * d4;
      }
    }
    sum += (HalfToFloat(w[b].d) * x[b].d) * static_cast<float>(sumi);
  }
  return sum;
}

// Q4_0 in the kRows8 layout (repack.h): the arithmetic of DotQ4_0 above, step for step, on
// each row of each group, so the results are bit-identical to it.
void TileQ4_0Rows8(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                   size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  assert(n % kQK4_0 == 0);
  TileRows8ByRow(n, vw, w_stride, nr, vx, x_stride, nt, out, out_stride,
                 [](float sum, const uint8_t* col, int i, const BlockQ8_0& x) {
                   int sumi = 0;
                   for (int j = 0; j < 4; ++j) {
                     const uint8_t* q = col + 8 * sizeof(Half) + 32 * j + 4 * i;
                     for (int e = 0; e < 4; ++e) {
                       sumi += ((q[e] & 0x0F) - 8) * x.qs[4 * j + e] +
                               ((q[e] >> 4) - 8) * x.qs[16 + 4 * j + e];
                     }
                   }
                   return sum + static_cast<float>(sumi) *
                                    (HalfToFloat(Rows8Scale(col, i)) * HalfToFloat(x.d));
                 });
}

}  // namespace

void TileQ8_0Rows8Scalar(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                         size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  constexpr int kGroup = 8;
  constexpr size_t kColumnBytes = kGroup * sizeof(BlockQ8_0);
  const int64_t nb = n / kQK8_0;
  for (int64_t r0 = 0; r0 < nr; r0 += kGroup) {
    const auto* group =
        static_cast<const uint8_t*>(vw) + static_cast<size_t>(r0 / kGroup) * w_stride;
    const int rows = static_cast<int>(nr - r0 < kGroup ? nr - r0 : kGroup);
    for (int64_t t = 0; t < nt; ++t) {
      const auto* x = reinterpret_cast<const BlockQ8_0*>(static_cast<const uint8_t*>(vx) +
                                                         static_cast<size_t>(t) * x_stride);
      for (int i = 0; i < rows; ++i) {
        float sum = 0;
        for (int64_t b = 0; b < nb; ++b) {
          const uint8_t* col = group + static_cast<size_t>(b) * kColumnBytes;
          int sumi = 0;
          for (int l = 0; l < kQK8_0; ++l) {
            const auto q = static_cast<int8_t>(col[16 + 32 * (l / 4) + 4 * i + l % 4]);
            sumi += q * x[b].qs[l];
          }
          sum += static_cast<float>(sumi) * (HalfToFloat(Rows8Scale(col, i)) * HalfToFloat(x[b].d));
        }
        out[static_cast<size_t>(t) * out_stride + static_cast<size_t>(r0 + i)] = sum;
      }
    }
  }
}

void TileQ4_KRows8Scalar(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                         size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  constexpr int kGroup = 8;
  const int64_t nb = n / kQK_K;
  for (int64_t r0 = 0; r0 < nr; r0 += kGroup) {
    const auto* group =
        static_cast<const uint8_t*>(vw) + static_cast<size_t>(r0 / kGroup) * w_stride;
    const int rows = static_cast<int>(nr - r0 < kGroup ? nr - r0 : kGroup);
    for (int64_t t = 0; t < nt; ++t) {
      const auto* x = reinterpret_cast<const BlockQ8_K*>(static_cast<const uint8_t*>(vx) +
                                                         static_cast<size_t>(t) * x_stride);
      for (int i = 0; i < rows; ++i) {
        float sum = 0;
        for (int64_t b = 0; b < nb; ++b) {
          const uint8_t* col = group + static_cast<size_t>(b) * kQ4KRows8ColumnBytes;
          int sumi = 0;
          int summ = 0;
          for (int s = 0; s < 8; ++s) {
            const int sc = col[32 + 8 * s + i];
            const int m = col[96 + 16 * (s / 2) + 2 * i + s % 2];
            const int shift = (s % 2) * 4;
            const int8_t* q8 = x[b].qs + 32 * s;
            int dot = 0;
            for (int l = 0; l < 32; ++l) {
              const uint8_t byte = col[160 + 32 * (8 * (s / 2) + l / 4) + 4 * i + l % 4];
              dot += ((byte >> shift) & 0x0F) * q8[l];
            }
            sumi += sc * dot;
            summ += m * (x[b].bsums[2 * s] + x[b].bsums[2 * s + 1]);
          }
          const float d = HalfToFloat(Rows8Scale(col, i)) * x[b].d;
          const float dmin = HalfToFloat(Rows8Scale(col + 16, i)) * x[b].d;
          sum += d * static_cast<float>(sumi) - dmin * static_cast<float>(summ);
        }
        out[static_cast<size_t>(t) * out_stride + static_cast<size_t>(r0 + i)] = sum;
      }
    }
  }
}

namespace {

constexpr Kernels kScalar = {"scalar",
                             DotF32,
                             DotF16,
                             DotQ4_0,
                             DotQ8_0,
                             DotQ4_K,
                             DotQ6_K,
                             TileFromDot<DotF32>,
                             TileFromDot<DotF16>,
                             TileFromDot<DotQ4_0>,
                             TileFromDot<DotQ8_0>,
                             TileFromDot<DotQ4_K>,
                             TileFromDot<DotQ6_K>,
                             TileQ4_0Rows8,
                             TileQ8_0Rows8Scalar,
                             TileQ4_KRows8Scalar,
                             AxpyF32,
                             AxpyF16};

}  // namespace

const Kernels& ScalarKernelTable() {
  return kScalar;
}

}  // namespace ptmo::tensor::internal
