// A Llama-family transformer (llama, qwen2) loaded from a GGUF file, and the forward pass.
//
//   PTMO_ASSIGN_OR_RETURN(auto model, Model::Load("tinyllama.Q4_0.gguf"));
//   tensor::ThreadPool pool(2);
//   PTMO_ASSIGN_OR_RETURN(auto session, Session::Create(*model, {.pool = &pool}));
//   PTMO_ASSIGN_OR_RETURN(auto logits, session->Prefill(prompt_ids, 0));
//   int32_t next = sampler.Sample(logits);
//   PTMO_ASSIGN_OR_RETURN(logits, session->Forward(next, prompt_ids.size()));
//
// The three parts are kept apart as in llama2.c: ModelConfig (shapes, model_config.h),
// ModelWeights (read-only views into the mapped file, model_weights.h) and the per-sequence run
// state (scratch buffers and the KV cache) owned by a Session. A Model is immutable and may
// serve any number of Sessions at once; a Session is one sequence and is not thread-safe.
//
// Arithmetic follows llama.cpp, step for step (docs/engine.md, "Model"): per layer RMSNorm,
// q/k/v projections (+ biases), RoPE, causal attention over the cached keys and values with
// grouped-query heads, output projection, residual, RMSNorm, silu(gate) * up, down projection,
// residual; then the final RMSNorm and the output projection. Matrix products quantize their
// f32 input as the weight type's kernel requires (tensor/kernels.h), like llama.cpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/kv_cache.h"
#include "engine/model_config.h"
#include "engine/model_weights.h"
#include "engine/repacked_weights.h"
#include "tensor/kernels.h"
#include "tensor/thread_pool.h"
#include "util/status.h"

namespace ptmo::engine {

struct LoadOptions {
  // Copies the matrices whose kernels need another layout (Q4_0, Q8_0, Q4_K: tensor/repack.h) into
  // that layout at load; see repacked_weights.h. Off: every matrix is read in place from the file.
  // Results are the same either way up to the kernels' float summation order.
  RepackOptions repack;
};

class Model {
 public:
  // Maps the GGUF file at `path`, checks its configuration and every tensor, and repacks what
  // `options` asks for. Errors name the file and the problem (model_config.h, model_weights.h
  // list them).
  static Expected<std::unique_ptr<Model>> Load(const std::string& path,
                                               const LoadOptions& options = {});
  // The same for an already opened file (e.g. GgufFile::FromBuffer in tests).
  static Expected<std::unique_ptr<Model>> FromGguf(GgufFile gguf, const LoadOptions& options = {});

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const GgufFile& gguf() const { return gguf_; }
  const RepackedWeights& repacked() const { return repacked_; }

 private:
  Model(GgufFile gguf, ModelConfig config, ModelWeights weights, RepackedWeights repacked)
      : gguf_(std::move(gguf)),
        repacked_(std::move(repacked)),
        config_(std::move(config)),
        weights_(std::move(weights)) {}

  GgufFile gguf_;             // owns the mapping the weights point into
  RepackedWeights repacked_;  // owns the repacked copies some weights point into
  ModelConfig config_;
  ModelWeights weights_;
};

// Which matrix a linear layer applies.
enum class LinearKind : uint8_t { kQ, kK, kV, kO, kGate, kUp, kDown, kOutput };

// "q", "k", "v", "o", "gate", "up", "down", "output".
const char* LinearKindName(LinearKind kind);

// One linear layer's product for a batch of tokens, handed to a LinearHook after out = W in has
// been computed and before any bias is added (where llama.cpp adds LoRA deltas).
struct LinearCall {
  int64_t layer = 0;  // block index; -1 for the output projection (kOutput)
  LinearKind kind = LinearKind::kQ;
  int64_t n_tokens = 0;
  int64_t in_dim = 0;
  int64_t out_dim = 0;
  const float* in = nullptr;  // n_tokens rows of in_dim: the f32 input (before quantization)
  float* out = nullptr;       // n_tokens rows of out_dim: W in; the hook may change it in place
};

// Observes or adjusts every linear layer of a Session (LoRA deltas chosen per request, blinded
// outsourcing, tracing). Called on the thread that called the Session method, once per matrix
// per layer per batch, in forward order; never from the thread pool. Must not call back into
// the same Session.
class LinearHook {
 public:
  virtual ~LinearHook() = default;
  virtual void OnLinear(const LinearCall& call) = 0;
};

struct SessionOptions {
  // Positions the KV cache holds. 0: the model's training context, at most 4096.
  int64_t n_ctx = 0;
  tensor::DType kv_type = tensor::DType::kF16;  // kF16 (llama.cpp's default) or kF32
  // Tokens processed together by one batched step (prompt prefill); scratch is sized for it.
  int64_t max_batch = 32;
  // Borrowed; must outlive the Session. nullptr: everything runs on the calling thread.
  tensor::ThreadPool* pool = nullptr;
  // Kernel set; nullptr: tensor::BestKernels().
  const tensor::Kernels* kernels = nullptr;
  // The layers this Session runs and caches: [layer_begin, layer_end); -1 means n_layer.
  // Forward and Prefill need all layers; a split-inference node uses RunLayers on its range.
  int64_t layer_begin = 0;
  int64_t layer_end = -1;
};

class Session {
 public:
  // Allocates the run state and the KV cache once; no later call allocates. kInvalidArgument
  // for options out of range (layer range, kv_type, max_batch < 1); kResourceExhausted when
  // the cache size overflows. `model` must outlive the Session.
  static Expected<std::unique_ptr<Session>> Create(const Model& model,
                                                   const SessionOptions& options = {});

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- whole model ----

  // Runs `token` at position `pos` through every layer and returns its n_vocab logits; the
  // span is valid until the next call. `pos` may be at most the number of cached positions
  // (earlier values rewind: later positions are forgotten). Errors: kInvalidArgument for a
  // token outside the vocabulary, a position beyond the cached ones, or a Session that does
  // not cover all layers; kResourceExhausted when pos >= n_ctx.
  Expected<std::span<const float>> Forward(int32_t token, int64_t pos);

  // Runs a prompt at positions start_pos, start_pos + 1, ... in batches of max_batch and
  // returns the logits of its last token. Errors as Forward; a prompt that does not fit the
  // context is kResourceExhausted: "prompt of 40 tokens at position 0 does not fit the
  // context of 32 positions". An empty prompt is kInvalidArgument.
  Expected<std::span<const float>> Prefill(std::span<const int32_t> tokens, int64_t start_pos);

  // Like Prefill for at most max_batch tokens, returning the logits of every token
  // (tokens.size() rows of n_vocab), e.g. to verify drafted tokens or score a text.
  Expected<std::span<const float>> Evaluate(std::span<const int32_t> tokens, int64_t start_pos);

  // ---- seams for split inference: embed, run a range of layers, head ----

  // Writes the embedding rows of `tokens` into `hidden` (tokens.size() * n_embd floats).
  Status Embed(std::span<const int32_t> tokens, std::span<float> hidden) const;

  // Runs layers [l0, l1) in place on `hidden`: n = hidden.size() / n_embd token rows (1 to
  // max_batch) at positions start_pos .. start_pos + n - 1, storing their keys and values in
  // this Session's cache. The layers must lie within the Session's range, and each must hold
  // at least start_pos cached positions. Running [0, k) then [k, L) gives exactly the hidden
  // state of running [0, L).
  Status RunLayers(int64_t l0, int64_t l1, int64_t start_pos, std::span<float> hidden);

  // Final RMSNorm and output projection of hidden.size() / n_embd rows (1 to max_batch):
  // that many rows of n_vocab logits, valid until the next call.
  Expected<std::span<const float>> Head(std::span<const float> hidden);

  // ---- state ----

  // Installs `hook` (nullptr removes it); borrowed, must outlive its use. Without a hook the
  // forward pass does no extra work.
  void SetLinearHook(LinearHook* hook) { hook_ = hook; }

  // Forgets every cached position.
  void Reset() { kv_.Clear(); }
  // Positions cached for the first layer of this Session's range.
  int64_t n_past() const { return kv_.length(layer_begin_); }
  int64_t n_ctx() const { return kv_.n_ctx(); }
  int64_t max_batch() const { return max_batch_; }
  const ModelConfig& config() const { return config_; }
  const KvCache& kv_cache() const { return kv_; }

 private:
  // Activation rows prepared for one kind of weights (kernels.h), one per token.
  struct PreparedRows {
    std::vector<uint32_t> storage;  // uint32_t: 4-byte alignment for f32 and Q8_K rows
    size_t stride = 0;              // bytes between rows
    tensor::DType type = tensor::DType::kF32;
  };

  // Scratch for up to max_batch tokens; sized once in Create.
  struct RunState {
    std::vector<float> x;           // [B][n_embd] residual stream (Forward, Prefill, Evaluate)
    std::vector<float> xb;          // [B][n_embd] normalized input of a block
    std::vector<float> q;           // [B][n_embd]
    std::vector<float> k;           // [B][kv_dim]
    std::vector<float> v;           // [B][kv_dim]
    std::vector<float> att;         // [B][n_embd] attention output, heads side by side
    std::vector<float> proj;        // [B][n_embd] output of attn_output / ffn_down
    std::vector<float> gate;        // [B][n_ff]
    std::vector<float> up;          // [B][n_ff]
    std::vector<float> scores;      // [n_head][n_ctx] attention weights, one row per head
    std::vector<tensor::Half> q16;  // [n_head][head_dim] query rounded to F16 (F16 cache)
    std::vector<float> rope_cos;    // [B][head_dim / 2]
    std::vector<float> rope_sin;    // [B][head_dim / 2]
    std::vector<float> logits;      // [B][n_vocab]
    PreparedRows act;
  };

  Session(const Model& model, const SessionOptions& options, KvCache kv);

  Status CheckTokens(std::span<const int32_t> tokens) const;
  Status CheckFits(int64_t start_pos, int64_t n, const char* what) const;
  Status CheckWholeModel() const;
  void Layer(int64_t l, int64_t start_pos, int64_t n, float* x);
  void Attention(int64_t l, int64_t start_pos, int64_t n);
  void RopeTables(int64_t start_pos, int64_t n);
  void Rope(float* vec, int64_t n_heads, const float* cos, const float* sin) const;
  // One matrix product of a Linear step and where its n rows of output go.
  struct LinearOut {
    LinearKind kind;
    const tensor::WeightMatrix* w;
    float* out;
  };
  void Linear(int64_t layer, const float* in, int64_t n, std::initializer_list<LinearOut> outs);
  void HeadRows(const float* hidden, int64_t n);

  const ModelConfig& config_;
  const ModelWeights& weights_;
  const tensor::Kernels& kernels_;
  tensor::ThreadPool* pool_;
  const int64_t max_batch_;
  const int64_t layer_begin_;
  const int64_t layer_end_;
  KvCache kv_;
  RunState s_;
  LinearHook* hook_ = nullptr;
};

}  // namespace ptmo::engine
