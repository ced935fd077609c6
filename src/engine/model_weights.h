// The tensors of a Llama-family model, mapped in place from a GGUF file (never copied).
//
// Expected tensors, as llama.cpp names them (dims are GGUF [ne0, ne1]: ne1 rows of ne0
// contiguous values, so a matrix [in, out] maps `in` inputs to `out` outputs):
//
//   token_embd.weight          [n_embd, n_vocab]    matrix type
//   blk.N.attn_norm.weight     [n_embd]             F32
//   blk.N.attn_q.weight        [n_embd, n_embd]     matrix type
//   blk.N.attn_k.weight        [n_embd, kv_dim]     matrix type
//   blk.N.attn_v.weight        [n_embd, kv_dim]     matrix type
//   blk.N.attn_q/k/v.bias      [n_embd] / [kv_dim]  F32 (qwen2; optional for llama, all or none)
//   blk.N.attn_output.weight   [n_embd, n_embd]     matrix type
//   blk.N.ffn_norm.weight      [n_embd]             F32
//   blk.N.ffn_gate.weight      [n_embd, n_ff]       matrix type
//   blk.N.ffn_up.weight        [n_embd, n_ff]       matrix type
//   blk.N.ffn_down.weight      [n_ff, n_embd]       matrix type
//   output_norm.weight         [n_embd]             F32
//   output.weight              [n_embd, n_vocab]    matrix type (absent: tied to token_embd)
//   rope_freqs.weight          [head_dim / 2]       F32, optional (llama 3 frequency factors)
//
// Matrix types: F32, F16, Q8_0, Q4_0, Q4_K, Q6_K. A file holding any other tensor is refused,
// as llama.cpp refuses it: an unknown tensor means a model variant we would compute wrongly.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/model_config.h"
#include "tensor/matvec.h"
#include "util/status.h"

namespace ptmo::engine {

using tensor::WeightMatrix;

struct LayerWeights {
  const float* attn_norm = nullptr;  // [n_embd]
  WeightMatrix wq, wk, wv, wo;       // rows = outputs, cols = inputs
  const float* bq = nullptr;         // [n_embd]; nullptr without biases
  const float* bk = nullptr;         // [kv_dim]
  const float* bv = nullptr;         // [kv_dim]
  const float* ffn_norm = nullptr;   // [n_embd]
  WeightMatrix w_gate, w_up, w_down;
};

// Read-only views into the mapping of a GgufFile; valid while that file is alive.
struct ModelWeights {
  WeightMatrix token_embd;  // n_vocab rows of n_embd
  std::vector<LayerWeights> layers;
  const float* output_norm = nullptr;  // [n_embd]
  WeightMatrix output;                 // n_vocab rows of n_embd (== token_embd when tied)
  const float* rope_freqs = nullptr;   // [head_dim / 2] divisors of the RoPE angles, or nullptr

  // Bytes of weight data one token's forward pass reads (every matrix once, plus one embedding
  // row): the figure for a memory-bandwidth bound.
  size_t BytesReadPerToken() const;
};

// Maps and checks every tensor `config` calls for. Errors (kInvalidArgument, kNotFound for a
// missing tensor), each naming the file and the tensor:
//   model file 'x.gguf': missing tensor 'blk.0.ffn_up.weight'
//   model file 'x.gguf': tensor 'blk.3.attn_q.weight' has shape [2048, 1024], expected [2048, 2048]
//   model file 'x.gguf': tensor 'output.weight' has type IQ2_XS, which this engine does not
//   support (F32, F16, Q8_0, Q4_0, Q4_K, Q6_K)
//   model file 'x.gguf': tensor 'blk.0.attn_norm.weight' has type F16, expected F32
//   model file 'x.gguf': tensor 'blk.9.attn_q.weight' is not part of a 2-layer llama model
// Thread-safe.
Expected<ModelWeights> MapModelWeights(const GgufFile& gguf, const ModelConfig& config);

}  // namespace ptmo::engine
