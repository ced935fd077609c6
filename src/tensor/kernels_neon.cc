// NEON kernels for AArch64 (see kernels.h for the arithmetic each one performs). Every block's
// integer sum is exact whatever the lane order, and the float steps are the scalar set's in the
// same order (no fused multiply-add), so each result is bit-identical to ScalarKernels()'s.
// ARMv8.0 baseline; the integer dot uses SDOT where the target has it (ARMv8.2 dotprod).
#include "tensor/kernels_internal.h"

#if defined(__aarch64__) && defined(__ARM_NEON)

#include <arm_neon.h>

#include <cassert>
#include <cstring>

#include "tensor/quant_blocks.h"

// As in kernels_scalar.cc: a * b + c must round twice, like the reference.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace ptmo::tensor::internal {
namespace {

// acc + the 16 products a[i] * b[i], summed exactly (int16 products cannot overflow: the
// operands are at most 128 in magnitude).
inline int32x4_t DotAcc(int32x4_t acc, int8x16_t a, int8x16_t b) {
#if defined(__ARM_FEATURE_DOTPROD)
  return vdotq_s32(acc, a, b);
#else
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
  return vpadalq_s16(acc, vmull_high_s8(a, b));
#endif
}

inline int Dot16(int8x16_t a, int8x16_t b) {
  return vaddvq_s32(DotAcc(vdupq_n_s32(0), a, b));
}

inline float Reduce8(const float s[8]) {
  return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

float DotF32(int64_t n, const void* vw, const void* vx) {
  const float* w = static_cast<const float*>(vw);
  const float* x = static_cast<const float*>(vx);
  float32x4_t a = vdupq_n_f32(0), b = vdupq_n_f32(0);  // lanes 0-3 and 4-7 of the reference
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a = vaddq_f32(a, vmulq_f32(vld1q_f32(w + i), vld1q_f32(x + i)));
    b = vaddq_f32(b, vmulq_f32(vld1q_f32(w + i + 4), vld1q_f32(x + i + 4)));
  }
  float s[8];
  vst1q_f32(s, a);
  vst1q_f32(s + 4, b);
  for (int k = 0; i < n; ++i, ++k) s[k] += w[i] * x[i];
  return Reduce8(s);
}

float DotF16(int64_t n, const void* vw, const void* vx) {
  const Half* w = static_cast<const Half*>(vw);
  const Half* x = static_cast<const Half*>(vx);
  float32x4_t a = vdupq_n_f32(0), b = vdupq_n_f32(0);
  int64_t i = 0;
  // Half -> float is exact in hardware and in HalfToFloat alike.
  auto load4 = [](const Half* p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const uint16_t*>(p))));
  };
  for (; i + 8 <= n; i += 8) {
    a = vaddq_f32(a, vmulq_f32(load4(w + i), load4(x + i)));
    b = vaddq_f32(b, vmulq_f32(load4(w + i + 4), load4(x + i + 4)));
  }
  float s[8];
  vst1q_f32(s, a);
  vst1q_f32(s + 4, b);
  for (int k = 0; i < n; ++i, ++k) s[k] += HalfToFloat(w[i]) * HalfToFloat(x[i]);
  return Reduce8(s);
}

void AxpyF32(int64_t n, float a, const void* vx, float* y) {
  const float* x = static_cast<const float*>(vx);
  const float32x4_t va = vdupq_n_f32(a);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    vst1q_f32(y + i, vaddq_f32(vld1q_f32(y + i), vmulq_f32(va, vld1q_f32(x + i))));
  for (; i < n; ++i) y[i] += a * x[i];
}

void AxpyF16(int64_t n, float a, const void* vx, float* y) {
  const Half* x = static_cast<const Half*>(vx);
  const float32x4_t va = vdupq_n_f32(a);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t xf =
        vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const uint16_t*>(x + i))));
    vst1q_f32(y + i, vaddq_f32(vld1q_f32(y + i), vmulq_f32(va, xf)));
  }
  for (; i < n; ++i) y[i] += a * HalfToFloat(x[i]);
}

// The integer dot of one Q4_0 block's 16 packed bytes with one Q8_0 block.
inline int BlockDotQ4_0(uint8x16_t q, const int8_t* x) {
  const int8x16_t eight = vdupq_n_s8(8);
  const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0x0F))), eight);
  const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight);
  return vaddvq_s32(DotAcc(DotAcc(vdupq_n_s32(0), lo, vld1q_s8(x)), hi, vld1q_s8(x + 16)));
}

float DotQ4_0(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK4_0 == 0);
  const BlockQ4_0* w = static_cast<const BlockQ4_0*>(vw);
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK4_0; ++b) {
    const int sumi = BlockDotQ4_0(vld1q_u8(w[b].qs), x[b].qs);
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
    int32x4_t acc = DotAcc(vdupq_n_s32(0), vld1q_s8(w[b].qs), vld1q_s8(x[b].qs));
    acc = DotAcc(acc, vld1q_s8(w[b].qs + 16), vld1q_s8(x[b].qs + 16));
    const int sumi = vaddvq_s32(acc);
    sum += static_cast<float>(sumi) * (HalfToFloat(w[b].d) * HalfToFloat(x[b].d));
  }
  return sum;
}

float DotQ4_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ4_K* w = static_cast<const BlockQ4_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  const uint8x16_t m4 = vdupq_n_u8(0x0F);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int sumi = 0;  // sum over sub-blocks of scale * dot(q4, q8)
    int summ = 0;  // sum over sub-blocks of min * sum(q8)
    // Chunk c holds sub-block 2c in its low nibbles and 2c + 1 in its high nibbles.
    for (int c = 0; c < 4; ++c) {
      const uint8x16_t a0 = vld1q_u8(w[b].qs + 32 * c);
      const uint8x16_t a1 = vld1q_u8(w[b].qs + 32 * c + 16);
      const int8_t* q8 = x[b].qs + 64 * c;
      int32x4_t lo = DotAcc(vdupq_n_s32(0), vreinterpretq_s8_u8(vandq_u8(a0, m4)), vld1q_s8(q8));
      lo = DotAcc(lo, vreinterpretq_s8_u8(vandq_u8(a1, m4)), vld1q_s8(q8 + 16));
      int32x4_t hi =
          DotAcc(vdupq_n_s32(0), vreinterpretq_s8_u8(vshrq_n_u8(a0, 4)), vld1q_s8(q8 + 32));
      hi = DotAcc(hi, vreinterpretq_s8_u8(vshrq_n_u8(a1, 4)), vld1q_s8(q8 + 48));
      uint8_t sc, m;
      Q4KScaleMin(w[b].scales, 2 * c, &sc, &m);
      sumi += sc * vaddvq_s32(lo);
      summ += m * (x[b].bsums[4 * c] + x[b].bsums[4 * c + 1]);
      Q4KScaleMin(w[b].scales, 2 * c + 1, &sc, &m);
      sumi += sc * vaddvq_s32(hi);
      summ += m * (x[b].bsums[4 * c + 2] + x[b].bsums[4 * c + 3]);
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
  const uint8x16_t m4 = vdupq_n_u8(0x0F), m2 = vdupq_n_u8(3);
  const int8x16_t k32 = vdupq_n_s8(32);
  auto centred = [&k32](uint8x16_t v) { return vsubq_s8(vreinterpretq_s8_u8(v), k32); };
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    int sumi = 0;
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const uint8_t* qh = w[b].qh + 32 * h;
      const int8_t* sc = w[b].scales + 8 * h;
      const int8_t* q8 = x[b].qs + 128 * h;
      // Elements l, l+32, l+64, l+96 for the 16 l of each scale group g.
      for (int g = 0; g < 2; ++g) {
        const uint8x16_t l0 = vld1q_u8(ql + 16 * g);
        const uint8x16_t l1 = vld1q_u8(ql + 32 + 16 * g);
        const uint8x16_t hb = vld1q_u8(qh + 16 * g);
        const uint8x16_t v1 = vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(hb, m2), 4));
        const uint8x16_t v2 =
            vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 2), m2), 4));
        const uint8x16_t v3 =
            vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 4), m2), 4));
        const uint8x16_t v4 = vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(hb, 6), 4));
        const int d1 = Dot16(centred(v1), vld1q_s8(q8 + 16 * g));
        const int d2 = Dot16(centred(v2), vld1q_s8(q8 + 32 + 16 * g));
        const int d3 = Dot16(centred(v3), vld1q_s8(q8 + 64 + 16 * g));
        const int d4 = Dot16(centred(v4), vld1q_s8(q8 + 96 + 16 * g));
        sumi += sc[g] * d1 + sc[2 + g] * d2 + sc[4 + g] * d3 + sc[6 + g] * d4;
      }
    }
    sum += (HalfToFloat(w[b].d) * x[b].d) * static_cast<float>(sumi);
  }
  return sum;
}

// Q4_0 in the kRows8 layout (repack.h). Row i's 16 packed bytes are the 4-byte pieces at 4 * i
// of the group's four 32-byte chunks; gathered back, each row takes DotQ4_0's path.
void TileQ4_0Rows8(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                   size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  assert(n % kQK4_0 == 0);
  TileRows8ByRow(n, vw, w_stride, nr, vx, x_stride, nt, out, out_stride,
                 [](float sum, const uint8_t* col, int i, const BlockQ8_0& x) {
                   uint8_t packed[16];
                   for (int j = 0; j < 4; ++j) {
                     std::memcpy(packed + 4 * j, col + 8 * sizeof(Half) + 32 * j + 4 * i, 4);
                   }
                   const int sumi = BlockDotQ4_0(vld1q_u8(packed), x.qs);
                   return sum + static_cast<float>(sumi) *
                                    (HalfToFloat(Rows8Scale(col, i)) * HalfToFloat(x.d));
                 });
}

constexpr Kernels kNeon = {"neon",
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
                           TileQ8_0Rows8Scalar,  // no NEON version yet
                           TileQ4_KRows8Scalar,  // no NEON version yet
                           AxpyF32,
                           AxpyF16};

}  // namespace

const Kernels* NeonKernelTable() {
  return &kNeon;
}

}  // namespace ptmo::tensor::internal

#else  // not AArch64 with NEON

namespace ptmo::tensor::internal {

const Kernels* NeonKernelTable() {
  return nullptr;
}

}  // namespace ptmo::tensor::internal

#endif
