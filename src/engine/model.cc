#include "engine/model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "tensor/f16.h"
#include "tensor/matvec.h"
#include "tensor/quantize.h"

namespace ptmo::engine {

using tensor::DType;
using tensor::Half;
using tensor::WeightMatrix;

namespace {

constexpr int64_t kDefaultMaxContext = 4096;

// ---- small numeric steps, each as llama.cpp computes it ----

// y = x / sqrt(mean(x^2) + eps) * weight: the sum of squares in double, the scale in float,
// then two float multiplies (ggml's rms_norm followed by mul).
void RmsNorm(float* y, const float* x, const float* weight, int64_t n, float eps) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] * scale) * weight[i];
}

// x[0, n) = softmax(x[0, n)) with the maximum subtracted first; the sum in double.
void Softmax(float* x, int64_t n) {
  float max = x[0];
  for (int64_t i = 1; i < n; ++i) max = std::max(max, x[i]);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; ++i) x[i] *= inv;
}

float Silu(float x) {
  return x / (1.0f + std::exp(-x));
}

size_t RoundUp4(size_t n) {
  return (n + 3) & ~size_t{3};
}

}  // namespace

const char* LinearKindName(LinearKind kind) {
  switch (kind) {
    case LinearKind::kQ: return "q";
    case LinearKind::kK: return "k";
    case LinearKind::kV: return "v";
    case LinearKind::kO: return "o";
    case LinearKind::kGate: return "gate";
    case LinearKind::kUp: return "up";
    case LinearKind::kDown: return "down";
    case LinearKind::kOutput: return "output";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Model

Expected<std::unique_ptr<Model>> Model::Load(const std::string& path, const LoadOptions& options) {
  PTMO_ASSIGN_OR_RETURN(GgufFile gguf, GgufFile::Open(path));
  return FromGguf(std::move(gguf), options);
}

Expected<std::unique_ptr<Model>> Model::FromGguf(GgufFile gguf, const LoadOptions& options) {
  PTMO_ASSIGN_OR_RETURN(ModelConfig config, ReadModelConfig(gguf));
  // The weights point into the mapping (and the repacked copies), which moving the GgufFile
  // (and the RepackedWeights) leaves in place.
  PTMO_ASSIGN_OR_RETURN(ModelWeights weights, MapModelWeights(gguf, config));
  PTMO_ASSIGN_OR_RETURN(RepackedWeights repacked,
                        RepackedWeights::Repack(weights, gguf, options.repack));
  return std::unique_ptr<Model>(
      new Model(std::move(gguf), std::move(config), std::move(weights), std::move(repacked)));
}

// ---------------------------------------------------------------------------------------------
// Session: creation and argument checks

Expected<std::unique_ptr<Session>> Session::Create(const Model& model,
                                                   const SessionOptions& options) {
  const ModelConfig& c = model.config();
  SessionOptions o = options;
  if (o.layer_end < 0) o.layer_end = c.n_layer;
  if (o.layer_begin < 0 || o.layer_begin >= o.layer_end || o.layer_end > c.n_layer) {
    return InvalidArgument("session layer range [" + std::to_string(o.layer_begin) + ", " +
                           std::to_string(o.layer_end) + ") is not a non-empty range within the " +
                           std::to_string(c.n_layer) + " layers of the model");
  }
  if (o.n_ctx < 0) {
    return InvalidArgument("session context " + std::to_string(o.n_ctx) + " is negative");
  }
  if (o.n_ctx == 0) o.n_ctx = std::min(c.n_ctx_train, kDefaultMaxContext);
  if (o.max_batch < 1 || o.max_batch > 4096) {
    return InvalidArgument("session max_batch " + std::to_string(o.max_batch) +
                           " must be between 1 and 4096");
  }
  PTMO_ASSIGN_OR_RETURN(KvCache kv, KvCache::Create({.layer_begin = o.layer_begin,
                                                     .layer_end = o.layer_end,
                                                     .n_ctx = o.n_ctx,
                                                     .kv_dim = c.kv_dim(),
                                                     .type = o.kv_type}));
  return std::unique_ptr<Session>(new Session(model, o, std::move(kv)));
}

Session::Session(const Model& model, const SessionOptions& o, KvCache kv)
    : config_(model.config()),
      weights_(model.weights()),
      kernels_(o.kernels != nullptr ? *o.kernels : tensor::BestKernels()),
      pool_(o.pool),
      max_batch_(o.max_batch),
      layer_begin_(o.layer_begin),
      layer_end_(o.layer_end),
      kv_(std::move(kv)) {
  const ModelConfig& c = config_;
  const auto B = static_cast<size_t>(max_batch_);
  const auto embd = static_cast<size_t>(c.n_embd);
  s_.x.resize(B * embd);
  s_.xb.resize(B * embd);
  s_.q.resize(B * embd);
  s_.k.resize(B * static_cast<size_t>(c.kv_dim()));
  s_.v.resize(B * static_cast<size_t>(c.kv_dim()));
  s_.att.resize(B * embd);
  s_.proj.resize(B * embd);
  s_.gate.resize(B * static_cast<size_t>(c.n_ff));
  s_.up.resize(B * static_cast<size_t>(c.n_ff));
  s_.scores.resize(static_cast<size_t>(c.n_head * kv_.n_ctx()));
  s_.q16.resize(static_cast<size_t>(c.n_head * c.head_dim));
  s_.rope_cos.resize(B * static_cast<size_t>(c.head_dim / 2));
  s_.rope_sin.resize(B * static_cast<size_t>(c.head_dim / 2));
  s_.logits.resize(B * static_cast<size_t>(c.n_vocab));
  // F32 activations are the widest layout (4 bytes per value; Q8_K is 292 / 256).
  const size_t widest = static_cast<size_t>(std::max(c.n_embd, c.n_ff)) * sizeof(float);
  s_.act.storage.resize(B * RoundUp4(widest) / sizeof(uint32_t));
}

Status Session::CheckTokens(std::span<const int32_t> tokens) const {
  for (int32_t t : tokens) {
    if (t < 0 || t >= config_.n_vocab) {
      return InvalidArgument("token id " + std::to_string(t) + " is outside the vocabulary of " +
                             std::to_string(config_.n_vocab) + " tokens");
    }
  }
  return Status::Ok();
}

Status Session::CheckFits(int64_t start_pos, int64_t n, const char* what) const {
  if (start_pos < 0) {
    return InvalidArgument(std::string(what) + " position " + std::to_string(start_pos) +
                           " is negative");
  }
  if (start_pos + n > kv_.n_ctx()) {
    const std::string subject =
        n == 1 ? "token" : std::string(what) + " of " + std::to_string(n) + " tokens";
    return ResourceExhausted(subject + " at position " + std::to_string(start_pos) +
                             " does not fit the context of " + std::to_string(kv_.n_ctx()) +
                             " positions");
  }
  return Status::Ok();
}

Status Session::CheckWholeModel() const {
  if (layer_begin_ != 0 || layer_end_ != config_.n_layer) {
    return InvalidArgument("this session covers layers [" + std::to_string(layer_begin_) + ", " +
                           std::to_string(layer_end_) +
                           ") only; use Embed, RunLayers and Head for split inference");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Whole-model entry points

Expected<std::span<const float>> Session::Forward(int32_t token, int64_t pos) {
  return Prefill(std::span<const int32_t>(&token, 1), pos);
}

Expected<std::span<const float>> Session::Prefill(std::span<const int32_t> tokens,
                                                  int64_t start_pos) {
  PTMO_RETURN_IF_ERROR(CheckWholeModel());
  if (tokens.empty()) return InvalidArgument("prompt is empty");
  const auto total = static_cast<int64_t>(tokens.size());
  PTMO_RETURN_IF_ERROR(CheckFits(start_pos, total, "prompt"));
  PTMO_RETURN_IF_ERROR(CheckTokens(tokens));
  const int64_t d = config_.n_embd;
  for (int64_t done = 0; done < total; done += max_batch_) {
    const int64_t n = std::min(max_batch_, total - done);
    std::span<float> x(s_.x.data(), static_cast<size_t>(n * d));
    PTMO_RETURN_IF_ERROR(
        Embed(tokens.subspan(static_cast<size_t>(done), static_cast<size_t>(n)), x));
    PTMO_RETURN_IF_ERROR(RunLayers(0, config_.n_layer, start_pos + done, x));
    if (done + n == total) {  // logits of the prompt's last token only
      return Head(std::span<const float>(s_.x.data() + (n - 1) * d, static_cast<size_t>(d)));
    }
  }
  return Internal("unreachable");
}

Expected<std::span<const float>> Session::Evaluate(std::span<const int32_t> tokens,
                                                   int64_t start_pos) {
  PTMO_RETURN_IF_ERROR(CheckWholeModel());
  const auto n = static_cast<int64_t>(tokens.size());
  if (n == 0 || n > max_batch_) {
    return InvalidArgument("Evaluate takes 1 to " + std::to_string(max_batch_) +
                           " tokens (max_batch), got " + std::to_string(n));
  }
  PTMO_RETURN_IF_ERROR(CheckFits(start_pos, n, "batch"));
  PTMO_RETURN_IF_ERROR(CheckTokens(tokens));
  std::span<float> x(s_.x.data(), static_cast<size_t>(n * config_.n_embd));
  PTMO_RETURN_IF_ERROR(Embed(tokens, x));
  PTMO_RETURN_IF_ERROR(RunLayers(0, config_.n_layer, start_pos, x));
  return Head(x);
}

// ---------------------------------------------------------------------------------------------
// Seams: embed, layers, head

Status Session::Embed(std::span<const int32_t> tokens, std::span<float> hidden) const {
  const int64_t d = config_.n_embd;
  if (hidden.size() != tokens.size() * static_cast<size_t>(d)) {
    return InvalidArgument("Embed needs " + std::to_string(tokens.size()) + " x " +
                           std::to_string(d) + " floats of hidden state, got " +
                           std::to_string(hidden.size()));
  }
  PTMO_RETURN_IF_ERROR(CheckTokens(tokens));
  const WeightMatrix& e = weights_.token_embd;
  const size_t row_bytes = *tensor::RowBytes(e.type, e.cols);
  for (size_t t = 0; t < tokens.size(); ++t) {
    const auto* row =
        static_cast<const uint8_t*>(e.data) + static_cast<size_t>(tokens[t]) * row_bytes;
    PTMO_RETURN_IF_ERROR(tensor::DequantizeRow(e.type, row, hidden.data() + t * d, d));
  }
  return Status::Ok();
}

Status Session::RunLayers(int64_t l0, int64_t l1, int64_t start_pos, std::span<float> hidden) {
  const int64_t d = config_.n_embd;
  if (l0 < layer_begin_ || l1 > layer_end_ || l0 > l1) {
    return InvalidArgument("layers [" + std::to_string(l0) + ", " + std::to_string(l1) +
                           ") are outside this session's range [" + std::to_string(layer_begin_) +
                           ", " + std::to_string(layer_end_) + ")");
  }
  const auto n = static_cast<int64_t>(hidden.size()) / d;
  if (n < 1 || n > max_batch_ || hidden.size() % static_cast<size_t>(d) != 0) {
    return InvalidArgument("hidden state of " + std::to_string(hidden.size()) +
                           " floats is not 1 to " + std::to_string(max_batch_) + " rows of " +
                           std::to_string(d));
  }
  PTMO_RETURN_IF_ERROR(CheckFits(start_pos, n, "batch"));
  for (int64_t l = l0; l < l1; ++l) {
    if (start_pos > kv_.length(l)) {
      return InvalidArgument("position " + std::to_string(start_pos) + " skips positions: layer " +
                             std::to_string(l) + " has " + std::to_string(kv_.length(l)) +
                             " cached");
    }
  }
  RopeTables(start_pos, n);
  for (int64_t l = l0; l < l1; ++l) Layer(l, start_pos, n, hidden.data());
  return Status::Ok();
}

Expected<std::span<const float>> Session::Head(std::span<const float> hidden) {
  const int64_t d = config_.n_embd;
  const auto n = static_cast<int64_t>(hidden.size()) / d;
  if (n < 1 || n > max_batch_ || hidden.size() % static_cast<size_t>(d) != 0) {
    return InvalidArgument("hidden state of " + std::to_string(hidden.size()) +
                           " floats is not 1 to " + std::to_string(max_batch_) + " rows of " +
                           std::to_string(d));
  }
  HeadRows(hidden.data(), n);
  return std::span<const float>(s_.logits.data(), static_cast<size_t>(n * config_.n_vocab));
}

// ---------------------------------------------------------------------------------------------
// The forward pass

void Session::Layer(int64_t l, int64_t start_pos, int64_t n, float* x) {
  const ModelConfig& c = config_;
  const LayerWeights& w = weights_.layers[static_cast<size_t>(l)];
  const int64_t d = c.n_embd;
  const int64_t kv_dim = c.kv_dim();
  const int64_t half = c.head_dim / 2;

  // attention rmsnorm
  for (int64_t t = 0; t < n; ++t) {
    RmsNorm(&s_.xb[t * d], x + t * d, w.attn_norm, d, c.rms_eps);
  }

  // qkv matmuls for these tokens (qwen2 adds biases)
  Linear(l, s_.xb.data(), n,
         {{LinearKind::kQ, &w.wq, s_.q.data()},
          {LinearKind::kK, &w.wk, s_.k.data()},
          {LinearKind::kV, &w.wv, s_.v.data()}});
  if (w.bq != nullptr) {
    for (int64_t t = 0; t < n; ++t) {
      for (int64_t i = 0; i < d; ++i) s_.q[t * d + i] += w.bq[i];
      for (int64_t i = 0; i < kv_dim; ++i) s_.k[t * kv_dim + i] += w.bk[i];
      for (int64_t i = 0; i < kv_dim; ++i) s_.v[t * kv_dim + i] += w.bv[i];
    }
  }

  // RoPE: rotate q and k by each token's position
  for (int64_t t = 0; t < n; ++t) {
    const float* cos = &s_.rope_cos[t * half];
    const float* sin = &s_.rope_sin[t * half];
    Rope(&s_.q[t * d], c.n_head, cos, sin);
    Rope(&s_.k[t * kv_dim], c.n_head_kv, cos, sin);
  }

  // cache this batch's keys and values
  for (int64_t t = 0; t < n; ++t) {
    kv_.Store(l, start_pos + t, &s_.k[t * kv_dim], &s_.v[t * kv_dim]);
  }

  // multi-head attention over the cached positions (causal)
  Attention(l, start_pos, n);

  // output projection and residual connection
  Linear(l, s_.att.data(), n, {{LinearKind::kO, &w.wo, s_.proj.data()}});
  for (int64_t i = 0; i < n * d; ++i) x[i] += s_.proj[i];

  // ffn rmsnorm
  for (int64_t t = 0; t < n; ++t) {
    RmsNorm(&s_.xb[t * d], x + t * d, w.ffn_norm, d, c.rms_eps);
  }

  // SwiGLU feed-forward: down(silu(gate(x)) * up(x)), then residual connection
  Linear(
      l, s_.xb.data(), n,
      {{LinearKind::kGate, &w.w_gate, s_.gate.data()}, {LinearKind::kUp, &w.w_up, s_.up.data()}});
  for (int64_t i = 0; i < n * c.n_ff; ++i) s_.gate[i] = Silu(s_.gate[i]) * s_.up[i];
  Linear(l, s_.gate.data(), n, {{LinearKind::kDown, &w.w_down, s_.proj.data()}});
  for (int64_t i = 0; i < n * d; ++i) x[i] += s_.proj[i];
}

// For token t at position p = start_pos + t and query head h (KV head h / group_size):
//   score[j] = q_h . k_j / sqrt(head_dim) for j <= p;  att_h = sum_j softmax(score)[j] v_j.
// With an F16 cache the query is rounded to F16 and dotted with the F16 keys by the F16
// kernel, and the softmax weights are rounded to F16 before they scale the F16 values, as
// llama.cpp does (its F16 mul_mat converts the f32 operand); values are accumulated in f32.
void Session::Attention(int64_t l, int64_t start_pos, int64_t n) {
  const ModelConfig& c = config_;
  const int64_t hd = c.head_dim;
  const int64_t d = c.n_embd;
  const int64_t group = c.group_size();
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const bool f16 = kv_.type() == DType::kF16;
  const tensor::VecDotFn dot = f16 ? kernels_.dot_f16 : kernels_.dot_f32;
  const tensor::AxpyFn axpy = f16 ? kernels_.axpy_f16 : kernels_.axpy_f32;
  // A layer's rows are consecutive (kv_cache.h), so one base pointer and a stride reach them.
  const size_t elem = f16 ? sizeof(Half) : sizeof(float);
  const size_t row = kv_.row_bytes();
  const auto* keys = static_cast<const uint8_t*>(kv_.Key(l, 0));
  const auto* values = static_cast<const uint8_t*>(kv_.Value(l, 0));

  auto head = [&](int64_t h) {
    const size_t kv_offset = static_cast<size_t>((h / group) * hd) * elem;
    float* scores = &s_.scores[h * kv_.n_ctx()];
    Half* q16 = &s_.q16[h * hd];
    for (int64_t t = 0; t < n; ++t) {
      const float* q = &s_.q[t * d + h * hd];
      const void* qx = q;
      if (f16) {
        tensor::FloatToHalfRow(q, q16, hd);
        qx = q16;
      }
      const int64_t n_pos = start_pos + t + 1;
      for (int64_t j = 0; j < n_pos; ++j) {
        scores[j] = dot(hd, keys + static_cast<size_t>(j) * row + kv_offset, qx) * scale;
      }
      Softmax(scores, n_pos);
      if (f16) {  // through the row converters, which use F16C where the CPU has it
        Half rounded[64];
        for (int64_t j = 0; j < n_pos; j += 64) {
          const int64_t m = std::min<int64_t>(64, n_pos - j);
          tensor::FloatToHalfRow(scores + j, rounded, m);
          tensor::HalfToFloatRow(rounded, scores + j, m);
        }
      }
      float* out = &s_.att[t * d + h * hd];
      std::fill(out, out + hd, 0.0f);
      for (int64_t j = 0; j < n_pos; ++j) {
        axpy(hd, scores[j], values + static_cast<size_t>(j) * row + kv_offset, out);
      }
    }
  };
  if (pool_ != nullptr) {
    pool_->ParallelFor(c.n_head, head);
  } else {
    for (int64_t h = 0; h < c.n_head; ++h) head(h);
  }
}

// cos/sin of every rotation angle for positions start_pos .. start_pos + n - 1, computed as
// llama.cpp's rope cache does: theta_i = p * base^(-2i/head_dim) by repeated float
// multiplication, divided by the llama-3 frequency factor if any, times the linear scale.
void Session::RopeTables(int64_t start_pos, int64_t n) {
  const ModelConfig& c = config_;
  const int64_t half = c.head_dim / 2;
  const float theta_scale = std::pow(c.rope_freq_base, -2.0f / static_cast<float>(c.head_dim));
  for (int64_t t = 0; t < n; ++t) {
    float theta = static_cast<float>(start_pos + t);
    for (int64_t i = 0; i < half; ++i) {
      const float factor = weights_.rope_freqs != nullptr ? weights_.rope_freqs[i] : 1.0f;
      const float angle = c.rope_freq_scale * (theta / factor);
      s_.rope_cos[t * half + i] = std::cos(angle);
      s_.rope_sin[t * half + i] = std::sin(angle);
      theta *= theta_scale;
    }
  }
}

// Rotates each head of `vec` in place: pairs (2i, 2i+1) for llama, (i, i + head_dim/2) for
// neox-style models (qwen2).
void Session::Rope(float* vec, int64_t n_heads, const float* cos, const float* sin) const {
  const int64_t hd = config_.head_dim;
  const int64_t half = hd / 2;
  const bool neox = config_.rope_layout == RopeLayout::kNeox;
  for (int64_t h = 0; h < n_heads; ++h) {
    float* x = vec + h * hd;
    for (int64_t i = 0; i < half; ++i) {
      float* a = neox ? &x[i] : &x[2 * i];
      float* b = neox ? &x[i + half] : &x[2 * i + 1];
      const float x0 = *a;
      const float x1 = *b;
      *a = x0 * cos[i] - x1 * sin[i];
      *b = x0 * sin[i] + x1 * cos[i];
    }
  }
}

// out = W in for each of `outs` (matrices reading the same n input rows): quantize the inputs
// once as the weights' kernels need, multiply all matrices in one pass over the thread pool,
// then let the hook (if any) adjust each result, in the order given.
void Session::Linear(int64_t layer, const float* in, int64_t n,
                     std::initializer_list<LinearOut> outs) {
  const WeightMatrix& first = *outs.begin()->w;
  bool shared = outs.size() <= static_cast<size_t>(tensor::kMaxMatMulJobs);
  for (const LinearOut& o : outs) {
    shared = shared && o.w->cols == first.cols &&
             tensor::ActivationType(o.w->type) == tensor::ActivationType(first.type);
  }
  if (!shared) {  // matrices wanting different activation layouts: one at a time
    for (const LinearOut& o : outs) Linear(layer, in, n, {o});
    return;
  }
  PreparedRows& a = s_.act;
  a.type = tensor::ActivationType(first.type);
  a.stride = RoundUp4(*tensor::RowBytes(a.type, first.cols));
  auto* base = reinterpret_cast<uint8_t*>(a.storage.data());
  auto prepare = [&](int64_t t) {
    tensor::PrepareActivations(first.type, in + t * first.cols, base + t * a.stride, first.cols);
  };
  if (pool_ != nullptr && n > 1) {
    pool_->ParallelFor(n, prepare);
  } else {
    for (int64_t t = 0; t < n; ++t) prepare(t);
  }
  tensor::MatMulJob jobs[tensor::kMaxMatMulJobs];
  size_t count = 0;
  for (const LinearOut& o : outs) jobs[count++] = {*o.w, o.out};
  tensor::MatMulGroup(std::span<const tensor::MatMulJob>(jobs, count), base, a.stride, n,
                      {.kernels = &kernels_, .pool = pool_});
  if (hook_ == nullptr) return;
  for (const LinearOut& o : outs) {
    hook_->OnLinear({.layer = layer,
                     .kind = o.kind,
                     .n_tokens = n,
                     .in_dim = o.w->cols,
                     .out_dim = o.w->rows,
                     .in = in,
                     .out = o.out});
  }
}

// final rmsnorm, then the classifier into logits
void Session::HeadRows(const float* hidden, int64_t n) {
  const int64_t d = config_.n_embd;
  for (int64_t t = 0; t < n; ++t) {
    RmsNorm(&s_.xb[t * d], hidden + t * d, weights_.output_norm, d, config_.rms_eps);
  }
  Linear(-1, s_.xb.data(), n, {{LinearKind::kOutput, &weights_.output, s_.logits.data()}});
}

}  // namespace ptmo::engine
