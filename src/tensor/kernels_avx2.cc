// AVX2 + FMA + F16C kernels. Each function is compiled for that ISA by a target attribute, so
// the library itself builds for baseline x86-64 (no -mavx2) and kernels.cc only hands these out
// after checking the CPU. The arithmetic is the one documented in kernels.h; the integer part
// of every quantized dot product is exact and equals the scalar kernels'.
#include "tensor/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <cassert>
#include <cstring>

#include "tensor/quant_blocks.h"
#include "tensor/repack.h"

#define PTMO_AVX2 __attribute__((target("avx2,fma,f16c")))

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

PTMO_AVX2 inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

PTMO_AVX2 inline int HorizontalSum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

PTMO_AVX2 inline float HalfToFloatF16c(Half h) {
  return _cvtsh_ss(h);
}

PTMO_AVX2 float DotF32(int64_t n, const void* vw, const void* vx) {
  const float* w = static_cast<const float*>(vw);
  const float* x = static_cast<const float*>(vx);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 16), _mm256_loadu_ps(x + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 24), _mm256_loadu_ps(x + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), acc0);
  }
  float sum = HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
  for (; i < n; ++i) sum += w[i] * x[i];
  return sum;
}

PTMO_AVX2 inline __m256 LoadHalves(const Half* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

PTMO_AVX2 float DotF16(int64_t n, const void* vw, const void* vx) {
  const Half* w = static_cast<const Half*>(vw);
  const Half* x = static_cast<const Half*>(vx);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(LoadHalves(w + i), LoadHalves(x + i), acc0);
    acc1 = _mm256_fmadd_ps(LoadHalves(w + i + 8), LoadHalves(x + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(LoadHalves(w + i + 16), LoadHalves(x + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(LoadHalves(w + i + 24), LoadHalves(x + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(LoadHalves(w + i), LoadHalves(x + i), acc0);
  float sum = HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
  for (; i < n; ++i) sum += HalfToFloatF16c(w[i]) * HalfToFloatF16c(x[i]);
  return sum;
}

PTMO_AVX2 void AxpyF32(int64_t n, float a, const void* vx, float* y) {
  const float* x = static_cast<const float*>(vx);
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(
        y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(va, _mm256_loadu_ps(x + i))));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

PTMO_AVX2 void AxpyF16(int64_t n, float a, const void* vx, float* y) {
  const Half* x = static_cast<const Half*>(vx);
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i,
                     _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(va, LoadHalves(x + i))));
  }
  for (; i < n; ++i) y[i] += a * HalfToFloatF16c(x[i]);
}

// Q4_0 and Q8_0: the tile kernels shared with the VNNI set (kernels_x86_tile.inc); the
// single dot product is a 1 x 1 tile, so MatVec, MatMul and the dot agree bit for bit.
#define PTMO_TILE_TARGET PTMO_AVX2
#define PTMO_TILE_VNNI 0
#include "tensor/kernels_x86_tile.inc"
// After the tile kernels, whose helpers it uses.
#include "tensor/kernels_x86_rows8.inc"
#undef PTMO_TILE_VNNI
#undef PTMO_TILE_TARGET

// The K-quant kernels reduce each super-block's integer sum to one int and then do exactly the
// scalar kernels' float operations, so their results are bit-identical to the scalar ones.

// The 8 six-bit scales and 8 mins of a Q4_K block, as bytes sc[0..7] and m[0..7] (the rules
// of Q4KScaleMin applied to four bytes at a time).
struct Q4KScales {
  uint32_t sc[2];
  uint32_t m[2];
};

inline Q4KScales DecodeQ4KScales(const uint8_t* scales) {
  uint32_t w[3];
  std::memcpy(w, scales, sizeof(w));
  constexpr uint32_t k6 = 0x3F3F3F3F, k4 = 0x0F0F0F0F, k2 = 0x03030303;
  Q4KScales r;
  r.sc[0] = w[0] & k6;                                // s < 4: scales[s] & 63
  r.m[0] = w[1] & k6;                                 // s < 4: scales[s + 4] & 63
  r.sc[1] = (w[2] & k4) | (((w[0] >> 6) & k2) << 4);  // s >= 4: low nibble | top bits << 4
  r.m[1] = ((w[2] >> 4) & k4) | (((w[1] >> 6) & k2) << 4);
  return r;
}

// The weights of one Q4_K block, unpacked for the integer multiply-adds: nibbles of each 32-byte
// chunk c (low: sub-block 2c, high: sub-block 2c + 1), each sub-block's scale as int16 in every
// lane, and the mins as int16 pairs (m0, m0, m1, m1, ...) to madd with the 16 bsums.
struct Q4KUnpacked {
  __m256i lo[4], hi[4], scale[8], mins;
};

PTMO_AVX2 inline void UnpackQ4K(const BlockQ4_K& w, Q4KUnpacked& u) {
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  const Q4KScales sm = DecodeQ4KScales(w.scales);
  const __m256i sc16 = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(
      _mm_set_epi32(0, 0, static_cast<int>(sm.sc[1]), static_cast<int>(sm.sc[0]))));
  const __m128i m16 =
      _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, static_cast<int>(sm.m[1]), static_cast<int>(sm.m[0])));
  u.mins = _mm256_set_m128i(_mm_unpackhi_epi16(m16, m16), _mm_unpacklo_epi16(m16, m16));
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m256i q4 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.qs + 32 * c));
    u.lo[c] = _mm256_and_si256(q4, low_nibbles);
    u.hi[c] = _mm256_and_si256(_mm256_srli_epi16(q4, 4), low_nibbles);
  }
#pragma GCC unroll 8
  for (int s = 0; s < 8; ++s) {  // byte shuffle: int16 lane s of sc16 to all 16 lanes
    u.scale[s] =
        _mm256_shuffle_epi8(sc16, _mm256_set1_epi16(static_cast<int16_t>(0x0100 + 0x0202 * s)));
  }
}

// One pair's integer sums as 8 int32 lanes each: `dot` adds up to sum_s(sc_s * dot_s), `summ`
// to sum_s(m_s * bsum_s). maddubs: unsigned nibble x signed q8, a pair at most 2 * 15 * 128.
PTMO_AVX2 inline void Q4KPairLanes(const Q4KUnpacked& u, const BlockQ8_K& x, __m256i& dot,
                                   __m256i& summ) {
  __m256i acc = _mm256_setzero_si256();
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs + 64 * c));
    const __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs + 64 * c + 32));
    const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(u.lo[c], y0), u.scale[2 * c]);
    const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(u.hi[c], y1), u.scale[2 * c + 1]);
    acc = _mm256_add_epi32(acc, _mm256_add_epi32(p0, p1));
  }
  dot = acc;
  summ = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums)), u.mins);
}

// One pair's two integer sums from its lanes: {sumi, summ} in the low 64 bits (exact).
PTMO_AVX2 inline __m128i PairSums(__m256i dot, __m256i summ) {
  const __m256i h = _mm256_hadd_epi32(dot, summ);  // dot pairs, summ pairs (per 128-bit half)
  const __m128i x = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  return _mm_hadd_epi32(x, x);
}

// Blocks whose integer sums are kept before their float steps run (2 KiB on the stack).
constexpr int64_t kQ4KChunk = 64;

// Integer sums of up to kQ4KChunk blocks for four pairs: sums[b][k] = {sumi, summ} of pair k.
using Q4KChunkSums = int32_t[kQ4KChunk][4][2];

// The scalar DotQ4_K's float steps over `nb` blocks for four pairs at once, lane k for pair k:
//   sum += (dw * dx) * float(sumi) - (dminw * dx) * float(summ)
// `dw(b)`, `dminw(b)` and `dx(b)` give block b's four factors.
template <typename Dw, typename Dminw, typename Dx>
PTMO_AVX2 inline __m128 Q4KFloatSteps(__m128 sum, int64_t nb, const Q4KChunkSums& sums, Dw dw,
                                      Dminw dminw, Dx dx) {
  for (int64_t b = 0; b < nb; ++b) {
    const __m128 p01 =
        _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sums[b][0])));
    const __m128 p23 =
        _mm_castsi128_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sums[b][2])));
    const __m128 sumi =
        _mm_cvtepi32_ps(_mm_castps_si128(_mm_shuffle_ps(p01, p23, _MM_SHUFFLE(2, 0, 2, 0))));
    const __m128 summ =
        _mm_cvtepi32_ps(_mm_castps_si128(_mm_shuffle_ps(p01, p23, _MM_SHUFFLE(3, 1, 3, 1))));
    const __m128 x = dx(b);
    const __m128 d = _mm_mul_ps(dw(b), x);
    const __m128 dmin = _mm_mul_ps(dminw(b), x);
    sum = _mm_add_ps(sum, _mm_sub_ps(_mm_mul_ps(d, sumi), _mm_mul_ps(dmin, summ)));
  }
  return sum;
}

// Four weight rows (w[k], repeated when fewer rows are left) against one activation row: the
// decode case. Each row's blocks are read in order (one stream at a time), their integer sums
// kept per chunk, and the four rows' float steps then run side by side.
PTMO_AVX2 void Q4KRows4(int64_t nb, const BlockQ4_K* const w[4], const BlockQ8_K* x, float out[4]) {
  __m128 sum = _mm_setzero_ps();
  Q4KChunkSums sums;
  Q4KUnpacked u;
  for (int64_t b0 = 0; b0 < nb; b0 += kQ4KChunk) {
    const int64_t n = nb - b0 < kQ4KChunk ? nb - b0 : kQ4KChunk;
    for (int k = 0; k < 4; ++k) {
      for (int64_t b = 0; b < n; ++b) {
        __m256i dot, summ;
        UnpackQ4K(w[k][b0 + b], u);
        Q4KPairLanes(u, x[b0 + b], dot, summ);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(sums[b][k]), PairSums(dot, summ));
      }
    }
    auto half = [&](int64_t b, bool dmin) {
      const BlockQ4_K* r[4] = {w[0] + b0 + b, w[1] + b0 + b, w[2] + b0 + b, w[3] + b0 + b};
      float f[4];
      for (int k = 0; k < 4; ++k) f[k] = HalfToFloatF16c(dmin ? r[k]->dmin : r[k]->d);
      return _mm_loadu_ps(f);
    };
    sum = Q4KFloatSteps(
        sum, n, sums, [&](int64_t b) { return half(b, false); },
        [&](int64_t b) { return half(b, true); },
        [&](int64_t b) { return _mm_set1_ps(x[b0 + b].d); });
  }
  _mm_storeu_ps(out, sum);
}

// One weight row against four activation rows (x[k], repeated when fewer are left): prefill.
// The row is unpacked once per block for all four.
PTMO_AVX2 void Q4KTokens4(int64_t nb, const BlockQ4_K* w, const BlockQ8_K* const x[4],
                          float out[4]) {
  __m128 sum = _mm_setzero_ps();
  Q4KChunkSums sums;
  Q4KUnpacked u;
  for (int64_t b0 = 0; b0 < nb; b0 += kQ4KChunk) {
    const int64_t n = nb - b0 < kQ4KChunk ? nb - b0 : kQ4KChunk;
    for (int64_t b = 0; b < n; ++b) {
      UnpackQ4K(w[b0 + b], u);
      for (int k = 0; k < 4; ++k) {
        __m256i dot, summ;
        Q4KPairLanes(u, x[k][b0 + b], dot, summ);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(sums[b][k]), PairSums(dot, summ));
      }
    }
    sum = Q4KFloatSteps(
        sum, n, sums, [&](int64_t b) { return _mm_set1_ps(HalfToFloatF16c(w[b0 + b].d)); },
        [&](int64_t b) { return _mm_set1_ps(HalfToFloatF16c(w[b0 + b].dmin)); },
        [&](int64_t b) {
          return _mm_setr_ps(x[0][b0 + b].d, x[1][b0 + b].d, x[2][b0 + b].d, x[3][b0 + b].d);
        });
  }
  _mm_storeu_ps(out, sum);
}

// DotTileFn for Q4_K: with one activation row, four weight rows at a time; with more, each
// weight row against four activation rows at a time. Every result is bit-identical to the
// scalar DotQ4_K: the integer sums are exact and each lane takes its float steps in order.
PTMO_AVX2 void TileQ4_K(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                        size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  const int64_t nb = n / kQK_K;
  auto row = [&](int64_t r) {
    return reinterpret_cast<const BlockQ4_K*>(static_cast<const uint8_t*>(vw) +
                                              static_cast<size_t>(r) * w_stride);
  };
  auto act = [&](int64_t t) {
    return reinterpret_cast<const BlockQ8_K*>(static_cast<const uint8_t*>(vx) +
                                              static_cast<size_t>(t) * x_stride);
  };
  float lanes[4];
  if (nt == 1) {
    for (int64_t r0 = 0; r0 < nr; r0 += 4) {
      const int rows = static_cast<int>(nr - r0 < 4 ? nr - r0 : 4);
      const BlockQ4_K* w[4];
      for (int k = 0; k < 4; ++k) w[k] = row(r0 + (k < rows ? k : rows - 1));
      Q4KRows4(nb, w, act(0), lanes);
      for (int k = 0; k < rows; ++k) out[r0 + k] = lanes[k];
    }
    return;
  }
  for (int64_t r = 0; r < nr; ++r) {
    for (int64_t t0 = 0; t0 < nt; t0 += 4) {
      const int tokens = static_cast<int>(nt - t0 < 4 ? nt - t0 : 4);
      const BlockQ8_K* x[4];
      for (int k = 0; k < 4; ++k) x[k] = act(t0 + (k < tokens ? k : tokens - 1));
      Q4KTokens4(nb, row(r), x, lanes);
      for (int k = 0; k < tokens; ++k) {
        out[static_cast<size_t>(t0 + k) * out_stride + static_cast<size_t>(r)] = lanes[k];
      }
    }
  }
}

// Eight bytes (one per row of a group), each twice, widened to int16: a madd operand that
// scales both int16 lanes of each row.
PTMO_AVX2 inline __m256i EachByteTwice(const uint8_t* p) {
  const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(v, v));
}

// Q4_K in the kRows8 layout (repack.h): one group of 8 rows against T activation rows, lane i
// of lanes[t] for row i. Per sub-block pair (chunk c) the eight 32-byte pieces' maddubs add up
// in int16 (at most 8 x 2 x 15 x 128 = 30720), and one madd with the rows' scales, each
// repeated for its two int16 lanes, gives sc * dot per row in int32: sumi and, from the
// paired mins and the activations' paired bsums, summ, both exact. The float steps are
// DotQ4_K's, lane by lane, so every result is bit-identical to the scalar dot.
template <int T>
PTMO_AVX2 void Q4KRows8Group(int64_t nb, const uint8_t* group, const uint8_t* x, size_t x_stride,
                             float (*lanes)[8]) {
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  __m256 acc[T];
  const BlockQ8_K* xr[T];
#pragma GCC unroll 2
  for (int t = 0; t < T; ++t) {
    acc[t] = _mm256_setzero_ps();
    xr[t] = reinterpret_cast<const BlockQ8_K*>(x + t * x_stride);
  }
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* col = group + static_cast<size_t>(b) * kQ4KRows8ColumnBytes;
    __m256i sumi[T], summ[T];
#pragma GCC unroll 2
    for (int t = 0; t < T; ++t) {
      sumi[t] = _mm256_setzero_si256();
      summ[t] = _mm256_setzero_si256();
    }
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) {
      __m256i plo[T], phi[T];
#pragma GCC unroll 2
      for (int t = 0; t < T; ++t) plo[t] = phi[t] = _mm256_setzero_si256();
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j) {
        const __m256i v =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(col + 160 + 32 * (8 * c + j)));
        const __m256i lo = _mm256_and_si256(v, low_nibbles);
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_nibbles);
#pragma GCC unroll 2
        for (int t = 0; t < T; ++t) {
          const int8_t* q = xr[t][b].qs + 64 * c + 4 * j;
          plo[t] = _mm256_add_epi16(plo[t], _mm256_maddubs_epi16(lo, BroadcastFourBytes(q)));
          phi[t] = _mm256_add_epi16(phi[t], _mm256_maddubs_epi16(hi, BroadcastFourBytes(q + 32)));
        }
      }
      const __m256i sc_lo = EachByteTwice(col + 32 + 8 * (2 * c));
      const __m256i sc_hi = EachByteTwice(col + 32 + 8 * (2 * c + 1));
#pragma GCC unroll 2
      for (int t = 0; t < T; ++t) {
        sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(plo[t], sc_lo),
                                                             _mm256_madd_epi16(phi[t], sc_hi)));
      }
    }
    // Mins: row i's int16 pair (m[2p], m[2p + 1]) times the pair of sub-block bsums.
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
      const __m256i m = _mm256_cvtepu8_epi16(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(col + 96 + 16 * p)));
#pragma GCC unroll 2
      for (int t = 0; t < T; ++t) {
        const int16_t* bs = xr[t][b].bsums + 4 * p;
        const auto b0 = static_cast<uint16_t>(static_cast<int16_t>(bs[0] + bs[1]));
        const auto b1 = static_cast<uint16_t>(static_cast<int16_t>(bs[2] + bs[3]));
        const __m256i pair = _mm256_set1_epi32(static_cast<int>(b0 | (uint32_t{b1} << 16)));
        summ[t] = _mm256_add_epi32(summ[t], _mm256_madd_epi16(m, pair));
      }
    }
    const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(col)));
    const __m256 dminw =
        _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(col + 16)));
#pragma GCC unroll 2
    for (int t = 0; t < T; ++t) {
      const __m256 dx = _mm256_set1_ps(xr[t][b].d);
      const __m256 d = _mm256_mul_ps(dw, dx);
      const __m256 dmin = _mm256_mul_ps(dminw, dx);
      acc[t] =
          _mm256_add_ps(acc[t], _mm256_sub_ps(_mm256_mul_ps(d, _mm256_cvtepi32_ps(sumi[t])),
                                              _mm256_mul_ps(dmin, _mm256_cvtepi32_ps(summ[t]))));
    }
  }
#pragma GCC unroll 2
  for (int t = 0; t < T; ++t) _mm256_storeu_ps(lanes[t], acc[t]);
}

// DotTileFn for Q4_K in the kRows8 layout (kernels.h, tile_q4_k_rows8).
PTMO_AVX2 void TileQ4_KRows8(int64_t n, const void* vw, size_t w_stride, int64_t nr, const void* vx,
                             size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  const int64_t nb = n / kQK_K;
  const auto* w = static_cast<const uint8_t*>(vw);
  const auto* x = static_cast<const uint8_t*>(vx);
  float lanes[2][8];
  for (int64_t t0 = 0; t0 < nt; t0 += 2) {
    const int tokens = nt - t0 < 2 ? 1 : 2;
    const uint8_t* xt = x + static_cast<size_t>(t0) * x_stride;
    for (int64_t r0 = 0; r0 < nr; r0 += 8) {
      const uint8_t* group = w + static_cast<size_t>(r0 / 8) * w_stride;
      if (tokens == 2) {
        Q4KRows8Group<2>(nb, group, xt, x_stride, lanes);
      } else {
        Q4KRows8Group<1>(nb, group, xt, x_stride, lanes);
      }
      const int rows = static_cast<int>(nr - r0 < 8 ? nr - r0 : 8);
      for (int t = 0; t < tokens; ++t) {
        float* o = out + static_cast<size_t>(t0 + t) * out_stride + static_cast<size_t>(r0);
        for (int i = 0; i < rows; ++i) o[i] = lanes[t][i];
      }
    }
  }
}

PTMO_AVX2 float DotQ4_K(int64_t n, const void* w, const void* x) {
  assert(n % kQK_K == 0);
  float out = 0;
  TileQ4_K(n, w, 0, 1, x, 0, 1, &out, 0);
  return out;
}

PTMO_AVX2 float DotQ6_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ6_K* w = static_cast<const BlockQ6_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  const __m256i m_high = _mm256_set1_epi8(0x30);
  // Byte shuffles giving scale 2j (low 128-bit half) and 2j + 1 (high half) of the 8 int16
  // scales of one half-block, in every int16 lane of their half.
  __m256i control[4];
  for (int j = 0; j < 4; ++j) {
    control[j] =
        _mm256_set_m128i(_mm_set1_epi16(static_cast<int16_t>(0x0100 + 0x0202 * (2 * j + 1))),
                         _mm_set1_epi16(static_cast<int16_t>(0x0100 + 0x0202 * (2 * j))));
  }
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    // sum(sc * (q - 32) * q8) = sum(sc * q * q8) - 32 * sum_g(sc_g * bsum_g), all in int32
    // lanes (exact) until one horizontal sum.
    const __m128i sc8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales));
    const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].bsums));
    __m256i acc =
        _mm256_sub_epi32(_mm256_setzero_si256(),
                         _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), bsums), 5));
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const int8_t* q8 = x[b].qs + 128 * h;
      const __m256i sc16 = _mm256_broadcastsi128_si256(
          _mm_cvtepi8_epi16(h == 0 ? sc8 : _mm_unpackhi_epi64(sc8, sc8)));
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qh + 32 * h));
      const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      // High bits moved to bit 4-5 of each byte; the 16-bit shifts' spill between bytes lands
      // outside the 0x30 mask.
      const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(qh, 4), m_high);
      const __m256i h2 = _mm256_and_si256(_mm256_slli_epi16(qh, 2), m_high);
      const __m256i h3 = _mm256_and_si256(qh, m_high);
      const __m256i h4 = _mm256_and_si256(_mm256_srli_epi16(qh, 2), m_high);
      const __m256i q[4] = {_mm256_or_si256(_mm256_and_si256(ql0, m4), h1),
                            _mm256_or_si256(_mm256_and_si256(ql1, m4), h2),
                            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), h3),
                            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), h4)};
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        // Unsigned q in [0, 63] times signed q8: a pair is at most 2 * 63 * 128, no saturation.
        const __m256i p = _mm256_maddubs_epi16(
            q[j], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 32 * j)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_shuffle_epi8(sc16, control[j])));
      }
    }
    sum += (HalfToFloatF16c(w[b].d) * x[b].d) * static_cast<float>(HorizontalSum(acc));
  }
  return sum;
}

constexpr Kernels kAvx2 = {"avx2",
                           DotF32,
                           DotF16,
                           DotQ8Pair<TileQ4_0>,
                           DotQ8Pair<TileQ8_0>,
                           DotQ4_K,
                           DotQ6_K,
                           TileFromDot<DotF32>,
                           TileFromDot<DotF16>,
                           TileQ8<TileQ4_0>,
                           TileQ8<TileQ8_0>,
                           TileQ4_K,
                           TileFromDot<DotQ6_K>,
                           TileQ4_0Rows8,
                           TileQ8_0Rows8,
                           TileQ4_KRows8,
                           AxpyF32,
                           AxpyF16};

}  // namespace

const Kernels* Avx2KernelTable() {
  return &kAvx2;
}

}  // namespace ptmo::tensor::internal

#else  // not x86

namespace ptmo::tensor::internal {
const Kernels* Avx2KernelTable() {
  return nullptr;
}
}  // namespace ptmo::tensor::internal

#endif
