// NEON kernels for AArch64 (see kernels.h for the arithmetic each one performs). Every block's
// integer sum is exact whatever the lane order, and the float steps are the scalar set's in the
// same order (no fused multiply-add), so each result is bit-identical to ScalarKernels()'s.
// ARMv8.0 baseline; the integer dot uses SDOT where the target has it (ARMv8.2 dotprod).
#include "tensor/kernels_internal.h"

#if defined(__aarch64__) && defined(__ARM_NEON)

#include <arm_neon.h>

#include <cassert>
#include <cstring>
#include <type_traits>
#include <utility>

#include "tensor/quant_blocks.h"
#include "tensor/repack.h"

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

// ---- Q8_0 and Q4_K in the kRows8 layout ----
//
// A 32-byte piece of a block column holds 4 bytes of each of the 8 rows (row i at 4i), so a
// multiply-add against the same 4 activation bytes in every 32-bit lane (SDOT's indexed form;
// ARMv8.0: a broadcast) leaves row i's partial sum in lane i: all 8 rows at once, no gathering
// and no horizontal sums per row. The integer sums are exact (SDOT: int32 lanes; ARMv8.0: int16
// products, at most 128 * 128, widened in pairs), and the float steps are the scalar tiles',
// lane by lane.

// Row sums of one group: row i in lane i % 4 of rows[i / 4]. ARMv8.0 keeps two lanes per row
// (pairs[k] holds rows 2k and 2k + 1) and folds them in Rows().
struct Rows8Sums {
#if defined(__ARM_FEATURE_DOTPROD)
  int32x4_t rows[2] = {vdupq_n_s32(0), vdupq_n_s32(0)};
#else
  int32x4_t pairs[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
#endif

  // Adds, for each row i, the dot of its 4 bytes in the piece (w0: rows 0-3, w1: rows 4-7)
  // with the activation bytes 4 * kLane .. 4 * kLane + 3 of x.
  template <int kLane>
  void Add(int8x16_t w0, int8x16_t w1, int8x16_t x) {
#if defined(__ARM_FEATURE_DOTPROD)
    rows[0] = vdotq_laneq_s32(rows[0], w0, x, kLane);
    rows[1] = vdotq_laneq_s32(rows[1], w1, x, kLane);
#else
    const int8x16_t a = vreinterpretq_s8_s32(vdupq_laneq_s32(vreinterpretq_s32_s8(x), kLane));
    pairs[0] = vpadalq_s16(pairs[0], vmull_s8(vget_low_s8(w0), vget_low_s8(a)));
    pairs[1] = vpadalq_s16(pairs[1], vmull_high_s8(w0, a));
    pairs[2] = vpadalq_s16(pairs[2], vmull_s8(vget_low_s8(w1), vget_low_s8(a)));
    pairs[3] = vpadalq_s16(pairs[3], vmull_high_s8(w1, a));
#endif
  }

  // Rows 4h .. 4h + 3.
  int32x4_t Rows(int h) const {
#if defined(__ARM_FEATURE_DOTPROD)
    return rows[h];
#else
    return vpaddq_s32(pairs[2 * h], pairs[2 * h + 1]);
#endif
  }
};

// f(std::integral_constant<int, j>{}) for j = 0 .. N - 1: the 8 pieces of a block, with j a
// constant so that it can pick an activation lane.
template <int N, typename F>
inline void ForEachPiece(F&& f) {
  [&]<int... J>(std::integer_sequence<int, J...>) {
    (f(std::integral_constant<int, J>{}), ...);
  }
  (std::make_integer_sequence<int, N>{});
}

// The 8 Half scales at p as floats (rows 0-3, rows 4-7); exact, like HalfToFloat.
inline void LoadScales(const uint8_t* p, float32x4_t* lo, float32x4_t* hi) {
  uint16_t h[8];
  std::memcpy(h, p, sizeof(h));
  *lo = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(h)));
  *hi = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(h + 4)));
}

// Fills lanes[t][i] with the dot of row i of a group and activation row t, for T rows.
using Rows8GroupFn = void (*)(int64_t nb, const uint8_t* group, const uint8_t* x, size_t x_stride,
                              float (*lanes)[8]);

// The loops of a kRows8 tile: up to kMaxTokens activation rows per pass over a group (the
// weights loaded and unpacked once for all of them); group_fns[T - 1] handles T rows.
template <int kMaxTokens>
void Rows8Tile(int64_t nb, const void* vw, size_t w_stride, int64_t nr, const void* vx,
               size_t x_stride, int64_t nt, float* out, size_t out_stride,
               const Rows8GroupFn (&group_fns)[kMaxTokens]) {
  const auto* w = static_cast<const uint8_t*>(vw);
  float lanes[kMaxTokens][8];
  for (int64_t t0 = 0; t0 < nt; t0 += kMaxTokens) {
    const int tokens = static_cast<int>(nt - t0 < kMaxTokens ? nt - t0 : kMaxTokens);
    const uint8_t* x = static_cast<const uint8_t*>(vx) + static_cast<size_t>(t0) * x_stride;
    for (int64_t r0 = 0; r0 < nr; r0 += 8) {
      group_fns[tokens - 1](nb, w + static_cast<size_t>(r0 / 8) * w_stride, x, x_stride, lanes);
      const int rows =
          static_cast<int>(nr - r0 < 8 ? nr - r0 : 8);  // the last group may be partial
      for (int t = 0; t < tokens; ++t) {
        float* o = out + static_cast<size_t>(t0 + t) * out_stride + static_cast<size_t>(r0);
        for (int i = 0; i < rows; ++i) o[i] = lanes[t][i];
      }
    }
  }
}

// Q8_0: block column = 8 scales, then 8 pieces of 4 bytes per row (repack.h). Per lane:
//   acc_i += float(sumi_i) * (d_w,i * d_x)        (TileQ8_0Rows8Scalar's steps)
template <int T>
void Q8_0Rows8Group(int64_t nb, const uint8_t* group, const uint8_t* x, size_t x_stride,
                    float (*lanes)[8]) {
  constexpr size_t kColumnBytes = 8 * sizeof(BlockQ8_0);
  const BlockQ8_0* xr[T];
  float32x4_t acc[T][2];
  for (int t = 0; t < T; ++t) {
    xr[t] = reinterpret_cast<const BlockQ8_0*>(x + static_cast<size_t>(t) * x_stride);
    acc[t][0] = acc[t][1] = vdupq_n_f32(0);
  }
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* col = group + static_cast<size_t>(b) * kColumnBytes;
    const auto* qs = reinterpret_cast<const int8_t*>(col + 8 * sizeof(Half));
    Rows8Sums s[T];
    int8x16_t xq[T][2];
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) {
      xq[t][0] = vld1q_s8(xr[t][b].qs);
      xq[t][1] = vld1q_s8(xr[t][b].qs + 16);
    }
    ForEachPiece<8>([&](auto j) {
      const int8x16_t w0 = vld1q_s8(qs + 32 * j);
      const int8x16_t w1 = vld1q_s8(qs + 32 * j + 16);
#pragma GCC unroll 4
      for (int t = 0; t < T; ++t) s[t].template Add<j % 4>(w0, w1, xq[t][j / 4]);
    });
    float32x4_t dw[2];
    LoadScales(col, &dw[0], &dw[1]);
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) {
      const float dx = HalfToFloat(xr[t][b].d);
      for (int h = 0; h < 2; ++h) {
        const float32x4_t sumi = vcvtq_f32_s32(s[t].Rows(h));
        acc[t][h] = vaddq_f32(acc[t][h], vmulq_f32(sumi, vmulq_n_f32(dw[h], dx)));
      }
    }
  }
  for (int t = 0; t < T; ++t) {
    vst1q_f32(lanes[t], acc[t][0]);
    vst1q_f32(lanes[t] + 4, acc[t][1]);
  }
}

// Q4_K: block column = d, dmin, byte scales and mins, then 4 chunks of 8 pieces (repack.h),
// the low nibbles of chunk c sub-block 2c and the high nibbles sub-block 2c + 1. Per lane, the
// scalar tile's integers
//   sumi_i = sum over s of sc[s][i] * dot_s,i      summ_i = sum over s of m[s][i] * bsum_s
// (at most 8 * 255 * 32 * 15 * 128 and 8 * 255 * 2 * 32768 in magnitude: int32), then
//   acc_i += (d_i * d_x) * float(sumi_i) - (dmin_i * d_x) * float(summ_i)
template <int T>
void Q4_KRows8Group(int64_t nb, const uint8_t* group, const uint8_t* x, size_t x_stride,
                    float (*lanes)[8]) {
  const uint8x16_t m4 = vdupq_n_u8(0x0F);
  const BlockQ8_K* xr[T];
  float32x4_t acc[T][2];
  for (int t = 0; t < T; ++t) {
    xr[t] = reinterpret_cast<const BlockQ8_K*>(x + static_cast<size_t>(t) * x_stride);
    acc[t][0] = acc[t][1] = vdupq_n_f32(0);
  }
  // 8 bytes, one per row, as int32 lanes: rows 0-3, rows 4-7.
  auto widen = [](uint8x8_t v, int32x4_t* lo, int32x4_t* hi) {
    const uint16x8_t v16 = vmovl_u8(v);
    *lo = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(v16)));
    *hi = vreinterpretq_s32_u32(vmovl_high_u16(v16));
  };
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* col = group + static_cast<size_t>(b) * kQ4KRows8ColumnBytes;
    int32x4_t sumi[T][2], summ[T][2];
    for (int t = 0; t < T; ++t) sumi[t][0] = sumi[t][1] = summ[t][0] = summ[t][1] = vdupq_n_s32(0);
    for (int c = 0; c < 4; ++c) {
      const uint8_t* chunk = col + 160 + 256 * c;
      Rows8Sums lo[T], hi[T];  // sub-blocks 2c and 2c + 1
      int8x16_t xq[T][4];      // their activations
#pragma GCC unroll 4
      for (int t = 0; t < T; ++t) {
        for (int k = 0; k < 4; ++k) xq[t][k] = vld1q_s8(xr[t][b].qs + 64 * c + 16 * k);
      }
      ForEachPiece<8>([&](auto j) {
        const uint8x16_t w0 = vld1q_u8(chunk + 32 * j);
        const uint8x16_t w1 = vld1q_u8(chunk + 32 * j + 16);
        const int8x16_t lo0 = vreinterpretq_s8_u8(vandq_u8(w0, m4));
        const int8x16_t lo1 = vreinterpretq_s8_u8(vandq_u8(w1, m4));
        const int8x16_t hi0 = vreinterpretq_s8_u8(vshrq_n_u8(w0, 4));
        const int8x16_t hi1 = vreinterpretq_s8_u8(vshrq_n_u8(w1, 4));
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
          lo[t].template Add<j % 4>(lo0, lo1, xq[t][j / 4]);
          hi[t].template Add<j % 4>(hi0, hi1, xq[t][2 + j / 4]);
        }
      });
      int32x4_t sc_lo[2], sc_hi[2], m_lo[2], m_hi[2];  // [h]: rows 4h .. 4h + 3
      widen(vld1_u8(col + 32 + 8 * (2 * c)), &sc_lo[0], &sc_lo[1]);
      widen(vld1_u8(col + 32 + 8 * (2 * c + 1)), &sc_hi[0], &sc_hi[1]);
      const uint8x8x2_t mins = vld2_u8(col + 96 + 16 * c);  // val[k]: sub-block 2c + k
      widen(mins.val[0], &m_lo[0], &m_lo[1]);
      widen(mins.val[1], &m_hi[0], &m_hi[1]);
#pragma GCC unroll 4
      for (int t = 0; t < T; ++t) {
        const int16_t* bsums = xr[t][b].bsums + 4 * c;
        const int bs_lo = bsums[0] + bsums[1];
        const int bs_hi = bsums[2] + bsums[3];
        for (int h = 0; h < 2; ++h) {
          sumi[t][h] = vmlaq_s32(sumi[t][h], lo[t].Rows(h), sc_lo[h]);
          sumi[t][h] = vmlaq_s32(sumi[t][h], hi[t].Rows(h), sc_hi[h]);
          summ[t][h] = vmlaq_n_s32(summ[t][h], m_lo[h], bs_lo);
          summ[t][h] = vmlaq_n_s32(summ[t][h], m_hi[h], bs_hi);
        }
      }
    }
    float32x4_t dw[2], mw[2];
    LoadScales(col, &dw[0], &dw[1]);
    LoadScales(col + 16, &mw[0], &mw[1]);
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) {
      const float dx = xr[t][b].d;
      for (int h = 0; h < 2; ++h) {
        const float32x4_t d = vmulq_n_f32(dw[h], dx);
        const float32x4_t dmin = vmulq_n_f32(mw[h], dx);
        acc[t][h] = vaddq_f32(acc[t][h], vsubq_f32(vmulq_f32(d, vcvtq_f32_s32(sumi[t][h])),
                                                   vmulq_f32(dmin, vcvtq_f32_s32(summ[t][h]))));
      }
    }
  }
  for (int t = 0; t < T; ++t) {
    vst1q_f32(lanes[t], acc[t][0]);
    vst1q_f32(lanes[t] + 4, acc[t][1]);
  }
}

// Activation rows per pass over a group, about as many as the 32 vector registers hold; fewer
// without SDOT, whose accumulators take twice the registers.
#if defined(__ARM_FEATURE_DOTPROD)
constexpr Rows8GroupFn kQ8_0Rows8Groups[] = {Q8_0Rows8Group<1>, Q8_0Rows8Group<2>,
                                             Q8_0Rows8Group<3>, Q8_0Rows8Group<4>};
constexpr Rows8GroupFn kQ4_KRows8Groups[] = {Q4_KRows8Group<1>, Q4_KRows8Group<2>};
#else
constexpr Rows8GroupFn kQ8_0Rows8Groups[] = {Q8_0Rows8Group<1>, Q8_0Rows8Group<2>};
constexpr Rows8GroupFn kQ4_KRows8Groups[] = {Q4_KRows8Group<1>};
#endif

void TileQ8_0Rows8(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                   size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  assert(n % kQK8_0 == 0);
  Rows8Tile(n / kQK8_0, vw, w_stride, nr, vx, x_stride, nt, out, out_stride, kQ8_0Rows8Groups);
}

void TileQ4_KRows8(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                   size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  assert(n % kQK_K == 0);
  Rows8Tile(n / kQK_K, vw, w_stride, nr, vx, x_stride, nt, out, out_stride, kQ4_KRows8Groups);
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
                           TileQ8_0Rows8,
                           TileQ4_KRows8,
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
