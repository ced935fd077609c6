// AVX2 + FMA + F16C kernels. Each function is compiled for that ISA by a target attribute, so
// the library itself builds for baseline x86-64 (no -mavx2) and kernels.cc only hands these out
// after checking the CPU. The arithmetic is the one documented in kernels.h; the integer part
// of every quantized dot product is exact and equals the scalar kernels'.
#include "tensor/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <cassert>

#include "tensor/quant_blocks.h"

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

// Sum of products of signed bytes, as 8 int32 lanes. maddubs multiplies unsigned by signed
// bytes, so take |x| and move x's sign onto y. Exact unless a byte is -128 (then a pair can
// saturate int16, as in llama.cpp's kernel); Q8_0 quantization yields [-127, 127] and Q4_0
// nibbles [-8, 7].
PTMO_AVX2 inline __m256i DotSignedBytes(__m256i x, __m256i y) {
  const __m256i ax = _mm256_sign_epi8(x, x);
  const __m256i sy = _mm256_sign_epi8(y, x);
  const __m256i pairs = _mm256_maddubs_epi16(ax, sy);
  return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

// 32 Q4_0 weights as signed bytes in [-8, 7], in element order.
PTMO_AVX2 inline __m256i UnpackQ4_0(const uint8_t* qs) {
  const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
  const __m256i nibbles = _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
  return _mm256_sub_epi8(nibbles, _mm256_set1_epi8(8));
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

PTMO_AVX2 float DotQ4_0(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK4_0 == 0);
  const BlockQ4_0* w = static_cast<const BlockQ4_0*>(vw);
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  const int64_t nb = n / kQK4_0;
  // Two accumulators: consecutive blocks' FMAs do not wait on each other.
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m256 d0 = _mm256_set1_ps(HalfToFloatF16c(w[b].d) * HalfToFloatF16c(x[b].d));
    const __m256 d1 = _mm256_set1_ps(HalfToFloatF16c(w[b + 1].d) * HalfToFloatF16c(x[b + 1].d));
    const __m256i p0 = DotSignedBytes(
        UnpackQ4_0(w[b].qs), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs)));
    const __m256i p1 = DotSignedBytes(
        UnpackQ4_0(w[b + 1].qs), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b + 1].qs)));
    acc0 = _mm256_fmadd_ps(d0, _mm256_cvtepi32_ps(p0), acc0);
    acc1 = _mm256_fmadd_ps(d1, _mm256_cvtepi32_ps(p1), acc1);
  }
  for (; b < nb; ++b) {
    const __m256 d = _mm256_set1_ps(HalfToFloatF16c(w[b].d) * HalfToFloatF16c(x[b].d));
    const __m256i p = DotSignedBytes(UnpackQ4_0(w[b].qs),
                                     _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs)));
    acc0 = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc0);
  }
  return HorizontalSum(_mm256_add_ps(acc0, acc1));
}

PTMO_AVX2 float DotQ8_0(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK8_0 == 0);
  const BlockQ8_0* w = static_cast<const BlockQ8_0*>(vw);
  const BlockQ8_0* x = static_cast<const BlockQ8_0*>(vx);
  const int64_t nb = n / kQK8_0;
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    const __m256 d0 = _mm256_set1_ps(HalfToFloatF16c(w[b].d) * HalfToFloatF16c(x[b].d));
    const __m256 d1 = _mm256_set1_ps(HalfToFloatF16c(w[b + 1].d) * HalfToFloatF16c(x[b + 1].d));
    const __m256i p0 =
        DotSignedBytes(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs)),
                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs)));
    const __m256i p1 =
        DotSignedBytes(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b + 1].qs)),
                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b + 1].qs)));
    acc0 = _mm256_fmadd_ps(d0, _mm256_cvtepi32_ps(p0), acc0);
    acc1 = _mm256_fmadd_ps(d1, _mm256_cvtepi32_ps(p1), acc1);
  }
  for (; b < nb; ++b) {
    const __m256 d = _mm256_set1_ps(HalfToFloatF16c(w[b].d) * HalfToFloatF16c(x[b].d));
    const __m256i p = DotSignedBytes(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs)),
                                     _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs)));
    acc0 = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc0);
  }
  return HorizontalSum(_mm256_add_ps(acc0, acc1));
}

// The K-quant kernels reduce each super-block's integer sum to one int and then do exactly the
// scalar kernels' float operations, so their results are bit-identical to the scalar ones.

PTMO_AVX2 float DotQ4_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ4_K* w = static_cast<const BlockQ4_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  const __m256i low_nibbles = _mm256_set1_epi8(0x0F);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    uint8_t sc[8], m[8];
    for (int s = 0; s < 8; ++s) Q4KScaleMin(w[b].scales, s, &sc[s], &m[s]);
    int summ = 0;
    for (int s = 0; s < 8; ++s) summ += m[s] * (x[b].bsums[2 * s] + x[b].bsums[2 * s + 1]);
    __m256i acc = _mm256_setzero_si256();
    for (int c = 0; c < 4; ++c) {
      const __m256i q4 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs + 32 * c));
      const __m256i lo = _mm256_and_si256(q4, low_nibbles);
      const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q4, 4), low_nibbles);
      const __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs + 64 * c));
      const __m256i y1 =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs + 64 * c + 32));
      // maddubs: unsigned nibble x signed q8; a pair is at most 2 * 15 * 128, no saturation.
      const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, y0),
                                           _mm256_set1_epi16(static_cast<int16_t>(sc[2 * c])));
      const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, y1),
                                           _mm256_set1_epi16(static_cast<int16_t>(sc[2 * c + 1])));
      acc = _mm256_add_epi32(acc, _mm256_add_epi32(p0, p1));
    }
    const int sumi = HorizontalSum(acc);
    const float d = HalfToFloatF16c(w[b].d) * x[b].d;
    const float dmin = HalfToFloatF16c(w[b].dmin) * x[b].d;
    sum += d * static_cast<float>(sumi) - dmin * static_cast<float>(summ);
  }
  return sum;
}

// Scales for one 32-value chunk: groups g (first 16 values) and g + 1 (last 16), matching the
// int16 lanes maddubs produced (lanes 0-7 from bytes 0-15, lanes 8-15 from bytes 16-31).
PTMO_AVX2 inline __m256i PairScales(const int8_t* sc) {
  return _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
}

PTMO_AVX2 float DotQ6_K(int64_t n, const void* vw, const void* vx) {
  assert(n % kQK_K == 0);
  const BlockQ6_K* w = static_cast<const BlockQ6_K*>(vw);
  const BlockQ8_K* x = static_cast<const BlockQ8_K*>(vx);
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  const __m256i m_high = _mm256_set1_epi8(0x30);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK_K; ++b) {
    // sum(sc * (q - 32) * q8) = sum(sc * q * q8) - 32 * sum_g(sc_g * bsum_g)
    int bias = 0;
    for (int g = 0; g < 16; ++g) bias += w[b].scales[g] * x[b].bsums[g];
    __m256i acc = _mm256_setzero_si256();
    for (int h = 0; h < 2; ++h) {
      const uint8_t* ql = w[b].ql + 64 * h;
      const int8_t* sc = w[b].scales + 8 * h;
      const int8_t* q8 = x[b].qs + 128 * h;
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qh + 32 * h));
      const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      // High bits moved to bit 4-5 of each byte; the 16-bit shifts' spill between bytes lands
      // outside the 0x30 mask.
      const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(qh, 4), m_high);
      const __m256i h2 = _mm256_and_si256(_mm256_slli_epi16(qh, 2), m_high);
      const __m256i h3 = _mm256_and_si256(qh, m_high);
      const __m256i h4 = _mm256_and_si256(_mm256_srli_epi16(qh, 2), m_high);
      const __m256i q1 = _mm256_or_si256(_mm256_and_si256(ql0, m4), h1);
      const __m256i q2 = _mm256_or_si256(_mm256_and_si256(ql1, m4), h2);
      const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), h3);
      const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), h4);
      // Unsigned q in [0, 63] times signed q8: a pair is at most 2 * 63 * 128, no saturation.
      const __m256i p1 =
          _mm256_maddubs_epi16(q1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8)));
      const __m256i p2 =
          _mm256_maddubs_epi16(q2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 32)));
      const __m256i p3 =
          _mm256_maddubs_epi16(q3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 64)));
      const __m256i p4 =
          _mm256_maddubs_epi16(q4, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 96)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p1, PairScales(sc + 0)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p2, PairScales(sc + 2)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p3, PairScales(sc + 4)));
      acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p4, PairScales(sc + 6)));
    }
    const int sumi = HorizontalSum(acc) - 32 * bias;
    sum += (HalfToFloatF16c(w[b].d) * x[b].d) * static_cast<float>(sumi);
  }
  return sum;
}

constexpr Kernels kAvx2 = {"avx2", DotF32, DotF16, DotQ4_0, DotQ8_0, DotQ4_K, DotQ6_K};

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
