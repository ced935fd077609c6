// Reference (scalar) quantization and dequantization for the block types of quant_blocks.h.
//
// Dequantization is exactly ggml's arithmetic (same float operations in the same order), so a
// weight decodes to the same float here as in llama.cpp. Quantization:
// - Q8_0, Q4_0, Q8_K follow ggml's reference quantizers (quantize_row_*_ref): Q8_0 scales by
//   amax/127 and rounds half away from zero; Q4_0 maps the value of largest magnitude to -8;
//   Q8_K maps it to -127 and rounds half to even.
// - Q4_K and Q6_K use our own, simpler search than ggml's (documented in docs/engine.md): for
//   every sub-block a small grid of candidate scales, each refined by a least-squares fit, then
//   the sub-block scales themselves are quantized (6 bits / int8) and the values re-quantized
//   with the final, rounded scales. The result is a valid block that decodes with the ggml
//   formula; it is not bit-identical to what llama-quantize writes for the same floats.
//
// Every function requires `n` to be a multiple of the block size (assert) and non-overlapping
// buffers; all are thread-safe (no shared state).
#pragma once

#include <cstdint>

#include "tensor/dtype.h"
#include "tensor/quant_blocks.h"
#include "util/status.h"

namespace ptmo::tensor {

void QuantizeRowQ8_0(const float* x, BlockQ8_0* y, int64_t n);
void DequantizeRowQ8_0(const BlockQ8_0* x, float* y, int64_t n);

void QuantizeRowQ4_0(const float* x, BlockQ4_0* y, int64_t n);
void DequantizeRowQ4_0(const BlockQ4_0* x, float* y, int64_t n);

void QuantizeRowQ4_K(const float* x, BlockQ4_K* y, int64_t n);
void DequantizeRowQ4_K(const BlockQ4_K* x, float* y, int64_t n);

void QuantizeRowQ6_K(const float* x, BlockQ6_K* y, int64_t n);
void DequantizeRowQ6_K(const BlockQ6_K* x, float* y, int64_t n);

void QuantizeRowQ8_K(const float* x, BlockQ8_K* y, int64_t n);
void DequantizeRowQ8_K(const BlockQ8_K* x, float* y, int64_t n);

// Type-dispatched forms for F32 (copy), F16 and the block types above. `out` must hold
// RowBytes(type, n) bytes. Fail with kInvalidArgument naming the type when it is not supported
// or `n` is not a multiple of its block size; nothing is written then.
Status QuantizeRow(DType type, const float* x, void* out, int64_t n);
Status DequantizeRow(DType type, const void* in, float* y, int64_t n);

}  // namespace ptmo::tensor
