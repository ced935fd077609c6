// Writes random-weight GGUF models of a chosen shape and weight type: test fixtures and
// benchmark subjects that llama.cpp loads too (same metadata keys and tensor names).
//
//   PTMO_ASSIGN_OR_RETURN(ModelShape shape, ModelPreset("tinyllama-1.1b"));
//   PTMO_RETURN_IF_ERROR(WriteRandomModel("/tmp/tl.gguf", {.shape = shape,
//                                                           .format = WeightFormat::kQ4_0}));
//
// Weights are deterministic for a seed: each tensor draws from its own generator seeded by the
// seed and the tensor name, so one tensor's values do not depend on the others. Values are
// bell-shaped (sum of four uniforms) with: norms 1 +- 0.1, biases 0 +- 0.5, token_embd 0 +- 1,
// layer matrices 0 +- 1/sqrt(inputs), output 0 +- 3/sqrt(inputs) (peaked logits, so greedy
// decoding is not decided by rounding noise).
//
// Weight formats and the type each tensor gets (norms and biases are always F32):
//   f32, f16, q8_0   every matrix in that type
//   q4_0             Q4_0, output.weight Q6_K (as llama.cpp's Q4_0 files)
//   q4_k             like llama.cpp's Q4_K_M: Q4_K, output.weight Q6_K, attn_v and ffn_down Q6_K
//                    in the layers llama.cpp gives more bits (first and last eighth, every third)
// A matrix whose row length is not a multiple of the chosen type's block (e.g. 64-wide rows
// for the 256-element K-quants) falls back to Q8_0, as llama-quantize falls back to a
// 32-block type.
//
// The file is streamed: metadata first, then each tensor generated, quantized and written in
// chunks of rows, so a 1.1B-parameter model needs only a few MB of memory. It is written to a
// temporary file in the same directory and renamed into place.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf_writer.h"
#include "tensor/dtype.h"
#include "util/status.h"

namespace ptmo::engine {

struct ModelShape {
  std::string arch = "llama";  // general.architecture: "llama" or "qwen2"
  int64_t n_vocab = 512;
  int64_t n_embd = 64;
  int64_t n_layer = 2;
  int64_t n_head = 4;
  int64_t n_head_kv = 2;
  int64_t n_ff = 160;
  int64_t n_ctx = 256;  // <arch>.context_length
  float rms_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  float rope_scaling_factor = 0.0f;  // > 0: rope.scaling.type "linear" with this factor
  bool rope_freqs = false;           // write a rope_freqs.weight (llama 3 style factors)
  bool qkv_bias = false;             // attn_q/k/v.bias tensors
  bool tied_output = false;          // no output.weight
};

// Named shapes:
//   tiny            llama, 2 layers, 64 wide, 4 heads, 2 KV heads, FFN 160, vocab 512
//   tiny-256        llama, 2 layers, 256 wide, 4 heads, 2 KV heads, FFN 768, vocab 512 (rows
//                   long enough for Q4_K/Q6_K)
//   tiny-qwen2      qwen2, as tiny with q/k/v biases, tied output, rope base 1e6, eps 1e-6
//   tinyllama-1.1b  llama, 22 layers, 2048 wide, 32 heads, 4 KV heads, FFN 5632, vocab 32000,
//                   context 2048 (TinyLlama-1.1B's shape)
// kNotFound naming the preset and listing the known ones otherwise.
Expected<ModelShape> ModelPreset(std::string_view name);

enum class WeightFormat { kF32, kF16, kQ8_0, kQ4_0, kQ4_K };

// "f32", "f16", "q8_0", "q4_0", "q4_k" (case-insensitive; "q4_k_m" too).
Expected<WeightFormat> ParseWeightFormat(std::string_view name);
const char* WeightFormatName(WeightFormat format);

// One tensor the builder will write. Tests edit the plan to produce broken files.
struct TensorPlan {
  std::string name;
  tensor::DType type = tensor::DType::kF32;
  std::vector<int64_t> ne;  // GGUF dims, ne[0] contiguous
  float mean = 0.0f;        // values are mean + stddev * noise
  float stddev = 1.0f;
};

struct BuildOptions {
  ModelShape shape;
  WeightFormat format = WeightFormat::kF32;
  uint64_t seed = 1;
  std::string name;  // general.name; default "ptmo-random-<arch>"

  // Writes the tokenizer metadata (tokenizer.ggml.*). Unset: a minimal SentencePiece-style
  // `llama` vocabulary of n_vocab entries: <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>,
  // then filler pieces (letters, "▁"-prefixed letters, then letter pairs and triples), with
  // scores and token types, bos 1, eos 2, unk 0. Needs n_vocab >= 259 then.
  std::function<Status(GgufWriter&)> tokenizer;
  // Writes any further metadata (after the tokenizer). Must not set general.name.
  std::function<Status(GgufWriter&)> extra_metadata;
  // Edits the tensor list before anything is written (drop, rename, reshape, retype). Tensors
  // of a type without a quantizer get zero bytes.
  std::function<void(std::vector<TensorPlan>&)> edit_tensors;
};

// The tensors `options` produce, in file order.
Expected<std::vector<TensorPlan>> PlanTensors(const BuildOptions& options);

// Writes the model to `path` (atomically). Errors: kInvalidArgument for a shape that is not a
// valid model (sizes, divisibility, vocabulary too small for the default tokenizer) or
// metadata the callbacks reject; errors writing the file name the path.
Status WriteRandomModel(const std::string& path, const BuildOptions& options);

// The same file as an in-memory image (for small models and tests).
Expected<std::string> BuildRandomModelImage(const BuildOptions& options);

}  // namespace ptmo::engine
