// Dot products of one weight row with prepared activations: the inner loop of every matvec.
//
// Convention (llama.cpp's "vec_dot_type"): activations are converted once per matvec into the
// layout the weight type pairs with, and every row's dot product then works on that layout:
//
//   weights  activations  arithmetic
//   F32      F32          f32 multiply-add, 8 partial sums
//   F16      F16          both sides widened to f32, f32 multiply-add (llama.cpp rounds the
//                         activations to F16 for F16 weights too)
//   Q4_0     Q8_0         per 32-block integer dot of (q4 - 8) and q8, times d_w * d_x
//   Q8_0     Q8_0         per 32-block integer dot, times d_w * d_x
//   Q4_K     Q8_K         per 256-block: d_w * d_x * sum_s(sc_s * dot_s)
//                         - dmin_w * d_x * sum_s(m_s * bsum_s)     (integer sums, exact)
//   Q6_K     Q8_K         per 256-block: d_w * d_x * sum_g(sc_g * dot(q6 - 32, q8)_g)
//
// Integer sums are exact (they fit in int32), so the scalar and AVX2 kernels agree bit for bit
// on them; only the order of the final f32 accumulation differs.
//
// Every kernel: `n` is the row length in elements (a multiple of the weight block size, or any
// count for F32/F16); `w` points at the row's first block, `x` at the prepared activations.
// Pointers need the natural alignment of their element or block type (2 for F16 and the 32- and
// Q4_K/Q6_K blocks, 4 for F32 and Q8_K). Thread-safe; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/dtype.h"

namespace ptmo::tensor {

// How a matrix's blocks are arranged in memory.
enum class WeightLayout : uint8_t {
  // GGUF's: rows back to back, each RowBytes(type, cols) bytes.
  kRowMajor,
  // Q4_0, Q8_0 and Q4_K: rows interleaved in groups of 8 so that one pass over a group feeds eight
  // output lanes (tensor/repack.h draws it). Made by RepackRows8, never found in a file.
  kRows8,
};

using VecDotFn = float (*)(int64_t n, const void* w, const void* x);

// y[i] += a * x[i] for i < n, x holding F32 or F16 values: the weighted sum of cached values
// in attention. A multiply then an add, never fused, so every set's result is the scalar
// set's bit for bit. Any n >= 0; thread-safe; no allocation.
using AxpyFn = void (*)(int64_t n, float a, const void* x, float* y);

// A tile of dot products, the building block of MatVec and MatMul (matvec.h):
//
//   out[t * out_stride + r] = dot(n, w + r * w_stride, x + t * x_stride)
//
// for every row r < nr and activation row t < nt. Each result is bit-identical to the same
// set's VecDotFn on that pair, whatever nr and nt are (a tile only shares loads, unpacking and
// scale decoding between pairs; every pair keeps its own accumulation in the same order), so
// batch sizes and thread splits never change a result. Strides are in bytes (out_stride in
// floats); alignment as for VecDotFn. Thread-safe; no allocation.
using DotTileFn = void (*)(int64_t n, const void* w, size_t w_stride, int64_t nr, const void* x,
                           size_t x_stride, int64_t nt, float* out, size_t out_stride);

// One implementation of every kernel. Tables are immutable and live for the program.
struct Kernels {
  const char* name;  // "scalar", "avx2", "avx512vnni" or "neon"
  VecDotFn dot_f32;
  VecDotFn dot_f16;
  VecDotFn dot_q4_0;
  VecDotFn dot_q8_0;
  VecDotFn dot_q4_k;
  VecDotFn dot_q6_k;
  DotTileFn tile_f32;
  DotTileFn tile_f16;
  DotTileFn tile_q4_0;
  DotTileFn tile_q8_0;
  DotTileFn tile_q4_k;
  DotTileFn tile_q6_k;
  // Q4_0 weights repacked into groups of 8 interleaved rows (WeightLayout::kRows8, repack.h):
  // `w` points at the first group, `w_stride` is the bytes of one group (8 rows) and `nr` may
  // stop inside the last group (only its first nr % 8 rows are written). Every result is
  // bit-identical to the scalar set's dot_q4_0 on the original row, in every set.
  DotTileFn tile_q4_0_rows8;
  // Q8_0 weights in the kRows8 layout (repack.h), same conventions: bit-identical to the scalar
  // set's dot_q8_0 on the original row. (AVX2: activations in [-127, 127], as
  // PrepareActivations makes them; the other sets take any int8.)
  DotTileFn tile_q8_0_rows8;
  // Q4_K weights in the kRows8 layout (repack.h), same conventions: bit-identical to the scalar
  // set's dot_q4_k on the original row, in every set.
  DotTileFn tile_q4_k_rows8;
  AxpyFn axpy_f32;
  AxpyFn axpy_f16;

  // The dot kernel for weights of `type`, or nullptr when the type is not supported.
  VecDotFn ForWeights(DType type) const;
  // The tile kernel for weights of `type`, or nullptr when the type is not supported.
  DotTileFn TileForWeights(DType type) const;
  // The tile kernel for weights of `type` stored in `layout` (matvec.h), or nullptr when the
  // pair is not supported.
  DotTileFn TileFor(DType type, WeightLayout layout) const;
};

// The activation layout that weights of `type` consume (table above). Only meaningful for
// supported weight types; returns `type` itself for the others.
DType ActivationType(DType weight_type);

// Converts f32 activations into `ActivationType(weight_type)` at `out`, which must hold
// RowBytes(ActivationType(weight_type), n) bytes. `n` must be a multiple of that type's block
// size. Uses the reference quantizers (ggml's rounding), so the result is the same whichever
// kernel set consumes it.
void PrepareActivations(DType weight_type, const float* x, void* out, int64_t n);

// Portable C++ kernels; always available. These are the reference the SIMD ones are tested
// against.
const Kernels& ScalarKernels();

// AVX2+FMA+F16C kernels, or nullptr when the CPU (or the build architecture) lacks them.
const Kernels* Avx2Kernels();

// The AVX2 set with the Q4_0 and Q8_0 tiles on AVX512-VNNI's vpdpbusd (256-bit registers, so
// no AVX-512 frequency penalty), or nullptr when the CPU lacks AVX512 VNNI/VL/BW. Its integer
// lane sums equal the AVX2 kernels' and the float steps are the same, so every result is
// bit-identical to Avx2Kernels()'s; only the speed differs.
const Kernels* Avx512VnniKernels();

// NEON kernels (AArch64 builds only, e.g. a Jetson; nullptr elsewhere). Integer block sums and
// the scalar set's float steps in its order: every result is bit-identical to ScalarKernels()'s.
// scripts/test-aarch64.sh cross-builds the tensor tests and runs them under qemu-aarch64.
const Kernels* NeonKernels();

// The fastest set the CPU supports (chosen once): avx512vnni, else avx2, else neon, else scalar.
const Kernels& BestKernels();

}  // namespace ptmo::tensor
