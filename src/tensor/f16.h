// IEEE 754 binary16 ("half", ggml's F16) conversions.
//
// The scalar functions round to nearest, ties to even, and treat infinities, NaNs and
// subnormals exactly as the x86 F16C instructions (VCVTPS2PH with round-to-nearest, VCVTPH2PS)
// do, so the scalar and F16C row converters below give bit-identical results: a NaN stays a NaN
// with its quiet bit set and the top payload bits kept.
#pragma once

#include <bit>
#include <cstdint>

namespace ptmo::tensor {

using Half = uint16_t;  // the raw bits of an IEEE binary16 value

// Exact conversion (every half is a float). Branch-free, so loops over it vectorize:
// - normal, infinite and NaN halves: shift exponent and mantissa into float position with the
//   exponent raised by 224, then multiply by 2^-112 (net rebias 127 - 15 = 112); exponent 31
//   lands on 255, so infinities stay infinite and NaNs stay NaNs (quieted by the multiply, as
//   F16C does);
// - subnormal halves: the mantissa under the exponent of 0.5, minus 0.5, is mant * 2^-24.
// No intermediate is a float subnormal, so flush-to-zero modes do not change the result.
inline float HalfToFloat(Half h) {
  const uint32_t w = static_cast<uint32_t>(h) << 16;
  const uint32_t sign = w & 0x80000000u;
  const uint32_t two_w = w + w;  // exponent and mantissa, sign shifted out
  const float normalized = std::bit_cast<float>((two_w >> 4) + (0xE0u << 23)) * 0x1p-112f;
  const float subnormal = std::bit_cast<float>((two_w >> 17) | (126u << 23)) - 0.5f;
  const uint32_t magnitude =
      two_w < (1u << 27) ? std::bit_cast<uint32_t>(subnormal) : std::bit_cast<uint32_t>(normalized);
  return std::bit_cast<float>(sign | magnitude);
}

// Round to nearest, ties to even; overflow gives infinity. Relies on the default floating-point
// rounding mode for the subnormal range.
inline Half FloatToHalf(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t abs = bits & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) {  // NaN: quiet it, keep the top 9 payload bits
    return static_cast<Half>(sign | 0x7E00u | ((abs >> 13) & 0x3FFu));
  }
  if (abs >= 0x477FF000u) {  // >= 65520 rounds to infinity (65520 is the tie, to even = inf)
    return static_cast<Half>(sign | 0x7C00u);
  }
  if (abs < 0x38800000u) {  // below 2^-14: the half is subnormal (or zero)
    // Adding 0.5 places the half's last mantissa bit (2^-24) at the float's last bit, so the
    // hardware addition performs the round-to-nearest-even; subtracting 0.5's bits leaves the
    // half mantissa.
    const float shifted = std::bit_cast<float>(abs) + 0.5f;
    return static_cast<Half>(sign | (std::bit_cast<uint32_t>(shifted) - 0x3F000000u));
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped bits to nearest even.
  // A carry out of the mantissa correctly bumps the exponent.
  const uint32_t mant_odd = (abs >> 13) & 1u;
  abs += (static_cast<uint32_t>(15 - 127) << 23) + 0xFFFu + mant_odd;
  return static_cast<Half>(sign | (abs >> 13));
}

// Row converters: use F16C when the CPU has it, the scalar functions above otherwise. Results
// are identical either way. `n` may be any count >= 0. Thread-safe.
void FloatToHalfRow(const float* x, Half* y, int64_t n);
void HalfToFloatRow(const Half* x, float* y, int64_t n);

// The two implementations, exposed for tests and benchmarks. The F16C ones may only be called
// when HostCpuFeatures().f16c is true.
void FloatToHalfRowScalar(const float* x, Half* y, int64_t n);
void HalfToFloatRowScalar(const Half* x, float* y, int64_t n);
void FloatToHalfRowF16c(const float* x, Half* y, int64_t n);
void HalfToFloatRowF16c(const Half* x, float* y, int64_t n);

}  // namespace ptmo::tensor
