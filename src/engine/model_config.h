// The shape and numeric conventions of a Llama-family model, read from GGUF metadata.
//
// Supported `general.architecture` values and what differs between them:
//
//   architecture  RoPE pairs                      q/k/v biases   output.weight
//   llama         adjacent (x[2i], x[2i+1])       optional       optional (tied to token_embd)
//   qwen2         halves (x[i], x[i + d/2])       required       optional (tied to token_embd)
//
// Keys read (prefix `<arch>.`, as llama.cpp writes them): context_length, embedding_length,
// block_count, feed_forward_length, attention.head_count, attention.head_count_kv (default:
// head_count), attention.layer_norm_rms_epsilon, rope.freq_base (default 10000),
// rope.dimension_count (default: head size; must equal it), attention.key_length and
// value_length (must equal the head size when present), rope.scaling.type ("none" or "linear";
// others are refused), rope.scaling.factor or the older rope.scale_linear (linear factor),
// vocab_size (optional). The vocabulary size comes from `<arch>.vocab_size`, else the length of
// `tokenizer.ggml.tokens`, else the rows of token_embd.weight; when several are present they
// must agree.
#pragma once

#include <cstdint>
#include <string>

#include "engine/gguf_reader.h"
#include "util/status.h"

namespace ptmo::engine {

enum class Architecture { kLlama, kQwen2 };

// How RoPE pairs the elements of a head: kNormal rotates adjacent pairs (llama.cpp's
// LLAMA_ROPE_TYPE_NORM), kNeox rotates element i with element i + head_dim / 2.
enum class RopeLayout { kNormal, kNeox };

struct ModelConfig {
  Architecture arch = Architecture::kLlama;
  std::string arch_name;  // "llama", "qwen2"

  int64_t n_vocab = 0;
  int64_t n_embd = 0;  // hidden width
  int64_t n_layer = 0;
  int64_t n_head = 0;     // query heads
  int64_t n_head_kv = 0;  // key/value heads (grouped-query attention when < n_head)
  int64_t n_ff = 0;       // FFN inner width
  int64_t n_ctx_train = 0;
  int64_t head_dim = 0;  // n_embd / n_head

  float rms_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  // Positions are multiplied by this before rotation: 1 / linear scaling factor (llama.cpp's
  // rope_freq_scale). 1 when the model is not scaled.
  float rope_freq_scale = 1.0f;
  RopeLayout rope_layout = RopeLayout::kNormal;

  bool qkv_bias = false;     // qwen2: q/k/v projections have F32 biases
  bool tied_output = false;  // no output.weight: logits use token_embd.weight

  int64_t kv_dim() const { return n_head_kv * head_dim; }
  // Query heads per key/value head; query head h reads KV head h / group_size().
  int64_t group_size() const { return n_head / n_head_kv; }
};

// Reads the configuration of the model in `gguf`. Tensor presence decides tied_output and, for
// llama, qkv_bias (shapes and types are checked later by MapModelWeights).
// Errors (kInvalidArgument, or kNotFound for a missing required key), each naming the file and
// the key: unknown architecture, missing key, wrong value type, values out of range (zero or
// negative sizes), inconsistent values (n_head not divisible by n_head_kv, n_embd not
// divisible by n_head, rotary dimension different from the head size, vocabulary sizes that
// disagree), unsupported RoPE scaling. Thread-safe.
Expected<ModelConfig> ReadModelConfig(const GgufFile& gguf);

// "llama", "qwen2".
const char* ArchitectureName(Architecture arch);

}  // namespace ptmo::engine
