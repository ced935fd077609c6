#include "engine/model_config.h"

#include <cmath>
#include <string_view>

namespace ptmo::engine {

namespace {

std::string Prefix(const GgufFile& gguf) {
  return "model file '" + gguf.name() + "': ";
}

// A required positive integer key.
Expected<int64_t> PositiveInt(const GgufFile& gguf, const std::string& key) {
  PTMO_ASSIGN_OR_RETURN(int64_t v, gguf.GetInteger(key));
  if (v <= 0) {
    return InvalidArgument(Prefix(gguf) + "metadata key '" + key + "' is " + std::to_string(v) +
                           ", must be positive");
  }
  return v;
}

// An optional positive integer key; `fallback` when absent.
Expected<int64_t> OptionalPositiveInt(const GgufFile& gguf, const std::string& key,
                                      int64_t fallback) {
  if (!gguf.HasKey(key)) return fallback;
  return PositiveInt(gguf, key);
}

// An optional float key stored as float32 or float64 (converters differ); `fallback` when
// absent.
Expected<float> OptionalFloat(const GgufFile& gguf, const std::string& key, float fallback) {
  const GgufMetadata* m = gguf.FindMetadata(key);
  if (m == nullptr) return fallback;
  if (m->type == GgufType::kFloat64) {
    PTMO_ASSIGN_OR_RETURN(double v, gguf.GetF64(key));
    return static_cast<float>(v);
  }
  return gguf.GetF32(key);  // names the key and the stored type when it is not a float
}

Status Inconsistent(const GgufFile& gguf, const std::string& what) {
  return InvalidArgument(Prefix(gguf) + what);
}

}  // namespace

const char* ArchitectureName(Architecture arch) {
  switch (arch) {
    case Architecture::kLlama: return "llama";
    case Architecture::kQwen2: return "qwen2";
  }
  return "unknown";
}

Expected<ModelConfig> ReadModelConfig(const GgufFile& gguf) {
  ModelConfig c;
  PTMO_ASSIGN_OR_RETURN(std::string_view arch, gguf.GetString("general.architecture"));
  if (arch == "llama") {
    c.arch = Architecture::kLlama;
    c.rope_layout = RopeLayout::kNormal;
  } else if (arch == "qwen2") {
    c.arch = Architecture::kQwen2;
    c.rope_layout = RopeLayout::kNeox;
  } else {
    return InvalidArgument(Prefix(gguf) + "metadata key 'general.architecture' is '" +
                           std::string(arch) +
                           "', an architecture this engine does not support (llama, qwen2)");
  }
  c.arch_name = std::string(arch);
  const std::string p = c.arch_name + ".";

  // ---- sizes ----
  PTMO_ASSIGN_OR_RETURN(c.n_ctx_train, PositiveInt(gguf, p + "context_length"));
  PTMO_ASSIGN_OR_RETURN(c.n_embd, PositiveInt(gguf, p + "embedding_length"));
  PTMO_ASSIGN_OR_RETURN(c.n_layer, PositiveInt(gguf, p + "block_count"));
  PTMO_ASSIGN_OR_RETURN(c.n_ff, PositiveInt(gguf, p + "feed_forward_length"));
  PTMO_ASSIGN_OR_RETURN(c.n_head, PositiveInt(gguf, p + "attention.head_count"));
  PTMO_ASSIGN_OR_RETURN(c.n_head_kv,
                        OptionalPositiveInt(gguf, p + "attention.head_count_kv", c.n_head));
  if (c.n_layer > 4096) {
    return Inconsistent(gguf, "metadata key '" + p + "block_count' is " +
                                  std::to_string(c.n_layer) + ", above the limit of 4096");
  }
  if (c.n_embd % c.n_head != 0) {
    return Inconsistent(gguf, "metadata key '" + p + "embedding_length' (" +
                                  std::to_string(c.n_embd) + ") is not divisible by '" + p +
                                  "attention.head_count' (" + std::to_string(c.n_head) + ")");
  }
  if (c.n_head % c.n_head_kv != 0) {
    return Inconsistent(gguf, "metadata key '" + p + "attention.head_count' (" +
                                  std::to_string(c.n_head) + ") is not divisible by '" + p +
                                  "attention.head_count_kv' (" + std::to_string(c.n_head_kv) + ")");
  }
  c.head_dim = c.n_embd / c.n_head;
  if (c.head_dim % 2 != 0) {
    return Inconsistent(gguf, "head size " + std::to_string(c.head_dim) +
                                  " (embedding_length / head_count) is odd; RoPE needs pairs");
  }
  for (const char* key :
       {"rope.dimension_count", "attention.key_length", "attention.value_length"}) {
    PTMO_ASSIGN_OR_RETURN(int64_t v, OptionalPositiveInt(gguf, p + key, c.head_dim));
    if (v != c.head_dim) {
      return Inconsistent(gguf, "metadata key '" + p + key + "' is " + std::to_string(v) +
                                    ", but this engine needs it equal to the head size " +
                                    std::to_string(c.head_dim) +
                                    " (embedding_length / head_count)");
    }
  }

  // ---- vocabulary size: every source that is present must agree ----
  int64_t n_vocab = 0;
  std::string vocab_source;
  auto agree = [&](int64_t v, const std::string& source) -> Status {
    if (n_vocab != 0 && v != n_vocab) {
      return Inconsistent(gguf, "vocabulary size " + std::to_string(v) + " from " + source +
                                    " disagrees with " + std::to_string(n_vocab) + " from " +
                                    vocab_source);
    }
    n_vocab = v;
    vocab_source = source;
    return Status::Ok();
  };
  if (gguf.HasKey(p + "vocab_size")) {
    PTMO_ASSIGN_OR_RETURN(int64_t v, PositiveInt(gguf, p + "vocab_size"));
    PTMO_RETURN_IF_ERROR(agree(v, "metadata key '" + p + "vocab_size'"));
  }
  if (gguf.HasKey("tokenizer.ggml.tokens")) {
    PTMO_ASSIGN_OR_RETURN(auto tokens, gguf.GetStringArray("tokenizer.ggml.tokens"));
    PTMO_RETURN_IF_ERROR(
        agree(static_cast<int64_t>(tokens.size()), "metadata key 'tokenizer.ggml.tokens'"));
  }
  const GgufTensor* embd = gguf.FindTensor("token_embd.weight");
  if (embd != nullptr && embd->n_dims == 2) {
    PTMO_RETURN_IF_ERROR(agree(embd->ne[1], "tensor 'token_embd.weight'"));
  }
  if (n_vocab <= 0) {
    return InvalidArgument(Prefix(gguf) + "vocabulary size unknown: no '" + p +
                           "vocab_size', no 'tokenizer.ggml.tokens' and no 'token_embd.weight'");
  }
  c.n_vocab = n_vocab;

  // ---- numerics ----
  const std::string eps_key = p + "attention.layer_norm_rms_epsilon";
  if (!gguf.HasKey(eps_key)) {
    return NotFound(Prefix(gguf) + "metadata key '" + eps_key + "' is missing");
  }
  PTMO_ASSIGN_OR_RETURN(float eps, OptionalFloat(gguf, eps_key, 0.0f));
  if (!(eps > 0.0f) || !std::isfinite(eps)) {
    return Inconsistent(gguf, "metadata key '" + eps_key + "' is " + std::to_string(eps) +
                                  ", must be a positive number");
  }
  c.rms_eps = eps;

  PTMO_ASSIGN_OR_RETURN(c.rope_freq_base, OptionalFloat(gguf, p + "rope.freq_base", 10000.0f));
  if (!(c.rope_freq_base > 0.0f) || !std::isfinite(c.rope_freq_base)) {
    return Inconsistent(gguf, "metadata key '" + p + "rope.freq_base' is " +
                                  std::to_string(c.rope_freq_base) + ", must be positive");
  }
  if (gguf.HasKey(p + "rope.scaling.type")) {
    PTMO_ASSIGN_OR_RETURN(std::string_view type, gguf.GetString(p + "rope.scaling.type"));
    if (type != "none" && type != "linear") {
      return InvalidArgument(Prefix(gguf) + "metadata key '" + p + "rope.scaling.type' is '" +
                             std::string(type) +
                             "', which this engine does not support (none, linear)");
    }
  }
  // As llama.cpp: the older scale_linear key wins; a factor of 0 means "not scaled".
  PTMO_ASSIGN_OR_RETURN(float factor, OptionalFloat(gguf, p + "rope.scale_linear", 0.0f));
  std::string factor_key = p + "rope.scale_linear";
  if (factor == 0.0f) {
    PTMO_ASSIGN_OR_RETURN(factor, OptionalFloat(gguf, p + "rope.scaling.factor", 0.0f));
    factor_key = p + "rope.scaling.factor";
  }
  if (factor < 0.0f || !std::isfinite(factor)) {
    return Inconsistent(gguf, "metadata key '" + factor_key + "' is " + std::to_string(factor) +
                                  ", must be positive");
  }
  c.rope_freq_scale = factor == 0.0f ? 1.0f : 1.0f / factor;

  // ---- structure decided by which tensors exist ----
  c.tied_output = gguf.FindTensor("output.weight") == nullptr;
  c.qkv_bias = c.arch == Architecture::kQwen2 || gguf.FindTensor("blk.0.attn_q.bias") != nullptr;
  return c;
}

}  // namespace ptmo::engine
