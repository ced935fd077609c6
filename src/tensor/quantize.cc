#include "tensor/quantize.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <string>

namespace ptmo::tensor {
namespace {

// Round half to even, as ggml's nearest_int does, for |v| < 2^22 (every use here): adding
// 1.5 * 2^23 leaves the rounded integer in the low mantissa bits. Same result as
// std::nearbyint in the default rounding mode, without a libm call per element.
inline int NearestInt(float v) {
  const float shifted = v + 12582912.0f;
  return static_cast<int>(std::bit_cast<uint32_t>(shifted) & 0x007FFFFFu) - 0x00400000;
}

// std::round (half away from zero) for |v| < 2^24, without a libm call per element: the
// integer part plus one step away from zero when the dropped fraction (exact in float) is at
// least one half.
inline int RoundHalfAway(float v) {
  const int t = static_cast<int>(v);
  const float frac = v - static_cast<float>(t);
  return t + static_cast<int>(frac >= 0.5f) - static_cast<int>(frac <= -0.5f);
}

// ---- Q4_K search --------------------------------------------------------------------------

// Fits x[i] ~= scale * L[i] - min with L[i] in [0, nmax], scale >= 0 and min >= 0 (so the
// representable range always includes 0, as Q4_K's formula requires). Tries 21 candidate
// inverse scales around nmax / (max - min) and refits scale and min by least squares for each
// candidate's L; keeps the fit with the smallest squared error.
void FitScaleMin(const float* x, int n, int nmax, float* scale, float* min) {
  float lo = x[0], hi = x[0];
  for (int i = 1; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  lo = std::min(lo, 0.0f);
  if (hi <= lo) {  // all values equal (and <= 0): L = 0 reproduces -min exactly
    *scale = 0.0f;
    *min = -lo;
    return;
  }
  float best_scale = (hi - lo) / static_cast<float>(nmax);
  float best_min = -lo;
  float best_err = INFINITY;
  uint8_t L[kQK_K];
  for (int step = -10; step <= 10; ++step) {
    const float iscale = (static_cast<float>(nmax) + 0.1f * static_cast<float>(step)) / (hi - lo);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0, sum_x = 0;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(NearestInt(iscale * (x[i] - lo)), 0, nmax);
      L[i] = static_cast<uint8_t>(l);
      sum_l += static_cast<float>(l);
      sum_l2 += static_cast<float>(l * l);
      sum_xl += x[i] * static_cast<float>(l);
      sum_x += x[i];
    }
    const float count = static_cast<float>(n);
    const float det = count * sum_l2 - sum_l * sum_l;
    if (det <= 0) continue;
    float a = (count * sum_xl - sum_l * sum_x) / det;   // scale
    float b = (sum_l2 * sum_x - sum_l * sum_xl) / det;  // offset; the format needs b <= 0
    if (b > 0) {
      b = 0;
      a = sum_xl / sum_l2;
    }
    if (a <= 0) continue;
    float err = 0;
    for (int i = 0; i < n; ++i) {
      const float diff = a * static_cast<float>(L[i]) + b - x[i];
      err += diff * diff;
    }
    if (err < best_err) {
      best_err = err;
      best_scale = a;
      best_min = -b;
    }
  }
  *scale = best_scale;
  *min = best_min;
}

// ---- Q6_K search --------------------------------------------------------------------------

// Fits x[i] ~= scale * q[i] with q in [-32, 31]. Candidates map the value of largest magnitude
// near -32 (the side with one more level); each is refit by least squares.
float FitSymmetricScale(const float* x, int n) {
  float amax = 0, max = 0;
  for (int i = 0; i < n; ++i) {
    if (std::fabs(x[i]) > amax) {
      amax = std::fabs(x[i]);
      max = x[i];
    }
  }
  if (amax == 0) return 0.0f;
  float best_scale = max / -32.0f;
  float best_err = INFINITY;
  for (int step = -10; step <= 10; ++step) {
    const float iscale = -(32.0f + 0.1f * static_cast<float>(step)) / max;
    float sum_xq = 0, sum_q2 = 0;
    int q[kQK_K];
    for (int i = 0; i < n; ++i) {
      q[i] = std::clamp(NearestInt(iscale * x[i]), -32, 31);
      sum_xq += x[i] * static_cast<float>(q[i]);
      sum_q2 += static_cast<float>(q[i] * q[i]);
    }
    if (sum_q2 == 0) continue;
    const float s = sum_xq / sum_q2;
    float err = 0;
    for (int i = 0; i < n; ++i) {
      const float diff = s * static_cast<float>(q[i]) - x[i];
      err += diff * diff;
    }
    if (err < best_err) {
      best_err = err;
      best_scale = s;
    }
  }
  return best_scale;
}

}  // namespace

// ---- Q8_0 -------------------------------------------------------------------------------------

void QuantizeRowQ8_0(const float* x, BlockQ8_0* y, int64_t n) {
  assert(n % kQK8_0 == 0);
  for (int64_t b = 0; b < n / kQK8_0; ++b, x += kQK8_0) {
    float amax = 0;
    for (int j = 0; j < kQK8_0; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y[b].d = FloatToHalf(d);
    for (int j = 0; j < kQK8_0; ++j) y[b].qs[j] = static_cast<int8_t>(RoundHalfAway(x[j] * id));
  }
}

void DequantizeRowQ8_0(const BlockQ8_0* x, float* y, int64_t n) {
  assert(n % kQK8_0 == 0);
  for (int64_t b = 0; b < n / kQK8_0; ++b) {
    const float d = HalfToFloat(x[b].d);
    for (int j = 0; j < kQK8_0; ++j) *y++ = static_cast<float>(x[b].qs[j]) * d;
  }
}

// ---- Q4_0 -------------------------------------------------------------------------------------

void QuantizeRowQ4_0(const float* x, BlockQ4_0* y, int64_t n) {
  assert(n % kQK4_0 == 0);
  for (int64_t b = 0; b < n / kQK4_0; ++b, x += kQK4_0) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQK4_0; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    y[b].d = FloatToHalf(d);
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      // + 8.5 then truncation = round half up of the offset value; 16 (only from x == max
      // mapping to exactly -8 on the other side) is clipped to 15.
      const int lo = std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f)));
      const int hi =
          std::min(15, static_cast<int>(static_cast<int8_t>(x[j + kQK4_0 / 2] * id + 8.5f)));
      y[b].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
  }
}

void DequantizeRowQ4_0(const BlockQ4_0* x, float* y, int64_t n) {
  assert(n % kQK4_0 == 0);
  for (int64_t b = 0; b < n / kQK4_0; ++b, y += kQK4_0) {
    const float d = HalfToFloat(x[b].d);
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      y[j] = static_cast<float>((x[b].qs[j] & 0x0F) - 8) * d;
      y[j + kQK4_0 / 2] = static_cast<float>((x[b].qs[j] >> 4) - 8) * d;
    }
  }
}

// ---- Q4_K -------------------------------------------------------------------------------------

void QuantizeRowQ4_K(const float* x, BlockQ4_K* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float scales[8], mins[8];
    float max_scale = 0, max_min = 0;
    for (int s = 0; s < 8; ++s) {
      FitScaleMin(x + 32 * s, 32, 15, &scales[s], &mins[s]);
      max_scale = std::max(max_scale, scales[s]);
      max_min = std::max(max_min, mins[s]);
    }
    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    BlockQ4_K& out = y[b];
    std::memset(out.scales, 0, sizeof out.scales);
    for (int s = 0; s < 8; ++s) {
      const int ls = std::min(63, NearestInt(inv_scale * scales[s]));
      const int lm = std::min(63, NearestInt(inv_min * mins[s]));
      if (s < 4) {
        out.scales[s] = static_cast<uint8_t>(ls);
        out.scales[s + 4] = static_cast<uint8_t>(lm);
      } else {
        out.scales[s + 4] = static_cast<uint8_t>((ls & 0x0F) | ((lm & 0x0F) << 4));
        out.scales[s - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
        out.scales[s] |= static_cast<uint8_t>((lm >> 4) << 6);
      }
    }
    out.d = FloatToHalf(max_scale / 63.0f);
    out.dmin = FloatToHalf(max_min / 63.0f);
    // Re-quantize with the scales as they will decode (6-bit and f16 rounded).
    const float d = HalfToFloat(out.d);
    const float dmin = HalfToFloat(out.dmin);
    uint8_t L[kQK_K];
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      Q4KScaleMin(out.scales, s, &sc, &m);
      const float ds = d * static_cast<float>(sc);
      const float dm = dmin * static_cast<float>(m);
      for (int i = 0; i < 32; ++i) {
        const int l = ds != 0 ? std::clamp(NearestInt((x[32 * s + i] + dm) / ds), 0, 15) : 0;
        L[32 * s + i] = static_cast<uint8_t>(l);
      }
    }
    for (int c = 0; c < 4; ++c) {
      for (int l = 0; l < 32; ++l) {
        out.qs[32 * c + l] = static_cast<uint8_t>(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
      }
    }
  }
}

void DequantizeRowQ4_K(const BlockQ4_K* x, float* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = HalfToFloat(x[b].d);
    const float min = HalfToFloat(x[b].dmin);
    const uint8_t* q = x[b].qs;
    for (int s = 0; s < 8; s += 2, q += 32) {
      uint8_t sc, m;
      Q4KScaleMin(x[b].scales, s, &sc, &m);
      const float d1 = d * static_cast<float>(sc);
      const float m1 = min * static_cast<float>(m);
      Q4KScaleMin(x[b].scales, s + 1, &sc, &m);
      const float d2 = d * static_cast<float>(sc);
      const float m2 = min * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0x0F) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    }
  }
}

// ---- Q6_K -------------------------------------------------------------------------------------

void QuantizeRowQ6_K(const float* x, BlockQ6_K* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float scales[16];
    float max_scale = 0, max_abs_scale = 0;
    for (int g = 0; g < 16; ++g) {
      scales[g] = FitSymmetricScale(x + 16 * g, 16);
      if (std::fabs(scales[g]) > max_abs_scale) {
        max_abs_scale = std::fabs(scales[g]);
        max_scale = scales[g];
      }
    }
    BlockQ6_K& out = y[b];
    uint8_t L[kQK_K];
    if (max_abs_scale == 0) {
      out.d = FloatToHalf(0.0f);
      std::memset(out.scales, 0, sizeof out.scales);
      std::memset(L, 32, sizeof L);
    } else {
      // The largest group scale maps to -128 (int8's extra negative level).
      const float iscale = -128.0f / max_scale;
      out.d = FloatToHalf(1.0f / iscale);
      for (int g = 0; g < 16; ++g) {
        out.scales[g] = static_cast<int8_t>(std::min(127, NearestInt(iscale * scales[g])));
      }
      const float d = HalfToFloat(out.d);
      for (int g = 0; g < 16; ++g) {
        const float ds = d * static_cast<float>(out.scales[g]);
        for (int i = 0; i < 16; ++i) {
          const int q = ds != 0 ? std::clamp(NearestInt(x[16 * g + i] / ds), -32, 31) : 0;
          L[16 * g + i] = static_cast<uint8_t>(q + 32);
        }
      }
    }
    for (int h = 0; h < 2; ++h) {
      const uint8_t* Lh = L + 128 * h;
      uint8_t* ql = out.ql + 64 * h;
      uint8_t* qh = out.qh + 32 * h;
      for (int l = 0; l < 32; ++l) {
        const uint8_t q1 = Lh[l], q2 = Lh[l + 32], q3 = Lh[l + 64], q4 = Lh[l + 96];
        ql[l] = static_cast<uint8_t>((q1 & 0x0F) | ((q3 & 0x0F) << 4));
        ql[l + 32] = static_cast<uint8_t>((q2 & 0x0F) | ((q4 & 0x0F) << 4));
        qh[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) |
                                     ((q4 >> 4) << 6));
      }
    }
  }
}

void DequantizeRowQ6_K(const BlockQ6_K* x, float* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    const float d = HalfToFloat(x[b].d);
    const uint8_t* ql = x[b].ql;
    const uint8_t* qh = x[b].qh;
    const int8_t* sc = x[b].scales;
    for (int h = 0; h < 2; ++h, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * static_cast<float>(sc[is + 0]) * static_cast<float>(q1);
        y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
        y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
        y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
      }
    }
  }
}

// ---- Q8_K -------------------------------------------------------------------------------------

void QuantizeRowQ8_K(const float* x, BlockQ8_K* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQK_K; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    BlockQ8_K& out = y[b];
    if (amax == 0) {
      out.d = 0;
      std::memset(out.qs, 0, sizeof out.qs);
      std::memset(out.bsums, 0, sizeof out.bsums);
      continue;
    }
    const float iscale = -127.0f / max;
    for (int j = 0; j < kQK_K; ++j) {
      out.qs[j] = static_cast<int8_t>(std::min(127, NearestInt(iscale * x[j])));
    }
    for (int g = 0; g < kQK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += out.qs[16 * g + i];
      out.bsums[g] = static_cast<int16_t>(sum);
    }
    out.d = 1.0f / iscale;
  }
}

void DequantizeRowQ8_K(const BlockQ8_K* x, float* y, int64_t n) {
  assert(n % kQK_K == 0);
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    for (int j = 0; j < kQK_K; ++j) *y++ = x[b].d * static_cast<float>(x[b].qs[j]);
  }
}

// ---- dispatch ---------------------------------------------------------------------------------

namespace {

Status CheckRow(DType type, int64_t n) {
  const DTypeTraits* t = FindDTypeTraits(static_cast<uint32_t>(type));
  if (t == nullptr || !t->supported) {
    return InvalidArgument("tensor type " + std::string(DTypeName(type)) +
                           " is not supported (supported: f32, f16, q4_0, q8_0, q4_K, q6_K)");
  }
  if (n < 0 || n % t->block_size != 0) {
    return InvalidArgument("row of " + std::to_string(n) + " elements is not a multiple of the " +
                           t->name + " block size " + std::to_string(t->block_size));
  }
  return Status::Ok();
}

}  // namespace

Status QuantizeRow(DType type, const float* x, void* out, int64_t n) {
  PTMO_RETURN_IF_ERROR(CheckRow(type, n));
  switch (type) {
    case DType::kF32: std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float)); break;
    case DType::kF16: FloatToHalfRow(x, static_cast<Half*>(out), n); break;
    case DType::kQ4_0: QuantizeRowQ4_0(x, static_cast<BlockQ4_0*>(out), n); break;
    case DType::kQ8_0: QuantizeRowQ8_0(x, static_cast<BlockQ8_0*>(out), n); break;
    case DType::kQ4_K: QuantizeRowQ4_K(x, static_cast<BlockQ4_K*>(out), n); break;
    case DType::kQ6_K: QuantizeRowQ6_K(x, static_cast<BlockQ6_K*>(out), n); break;
    case DType::kQ8_K: QuantizeRowQ8_K(x, static_cast<BlockQ8_K*>(out), n); break;
    default: return Internal("QuantizeRow: supported type without a quantizer");
  }
  return Status::Ok();
}

Status DequantizeRow(DType type, const void* in, float* y, int64_t n) {
  PTMO_RETURN_IF_ERROR(CheckRow(type, n));
  switch (type) {
    case DType::kF32: std::memcpy(y, in, static_cast<size_t>(n) * sizeof(float)); break;
    case DType::kF16: HalfToFloatRow(static_cast<const Half*>(in), y, n); break;
    case DType::kQ4_0: DequantizeRowQ4_0(static_cast<const BlockQ4_0*>(in), y, n); break;
    case DType::kQ8_0: DequantizeRowQ8_0(static_cast<const BlockQ8_0*>(in), y, n); break;
    case DType::kQ4_K: DequantizeRowQ4_K(static_cast<const BlockQ4_K*>(in), y, n); break;
    case DType::kQ6_K: DequantizeRowQ6_K(static_cast<const BlockQ6_K*>(in), y, n); break;
    case DType::kQ8_K: DequantizeRowQ8_K(static_cast<const BlockQ8_K*>(in), y, n); break;
    default: return Internal("DequantizeRow: supported type without a dequantizer");
  }
  return Status::Ok();
}

}  // namespace ptmo::tensor
