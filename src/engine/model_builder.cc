#include "engine/model_builder.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "engine/gguf_format.h"
#include "tensor/quantize.h"

namespace ptmo::engine {

using tensor::DType;

namespace {

// ---- deterministic noise ----

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

// Bell-shaped noise with mean 0 and standard deviation 1: the sum of four 16-bit uniforms
// from one 64-bit draw, centred and scaled (variance of the sum of four U(0,1) is 1/3).
class Noise {
 public:
  Noise(uint64_t seed, std::string_view name) : state_(seed ^ Fnv1a(name)) {}
  float Next() {
    const uint64_t r = SplitMix64(&state_);
    const uint32_t sum = static_cast<uint32_t>(r & 0xFFFF) +
                         static_cast<uint32_t>((r >> 16) & 0xFFFF) +
                         static_cast<uint32_t>((r >> 32) & 0xFFFF) + static_cast<uint32_t>(r >> 48);
    return (static_cast<float>(sum) * (1.0f / 65536.0f) - 2.0f) * 1.7320508f;
  }

 private:
  uint64_t state_;
};

// ---- tensor types ----

bool HasQuantizer(DType type) {
  switch (type) {
    case DType::kF32:
    case DType::kF16:
    case DType::kQ8_0:
    case DType::kQ4_0:
    case DType::kQ4_K:
    case DType::kQ6_K: return true;
    default: return false;
  }
}

// `want`, or Q8_0 when the row length is not a multiple of its block.
DType Fit(DType want, int64_t cols) {
  return cols % tensor::Traits(want).block_size == 0 ? want : DType::kQ8_0;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers and every third between.
bool UseMoreBits(int64_t layer, int64_t n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

enum class Role { kEmbedding, kOutput, kAttnV, kFfnDown, kOther };

DType MatrixType(WeightFormat format, Role role, int64_t layer, int64_t n_layer, int64_t cols) {
  switch (format) {
    case WeightFormat::kF32: return DType::kF32;
    case WeightFormat::kF16: return DType::kF16;
    case WeightFormat::kQ8_0: return Fit(DType::kQ8_0, cols);
    case WeightFormat::kQ4_0:
      return role == Role::kOutput ? Fit(DType::kQ6_K, cols) : Fit(DType::kQ4_0, cols);
    case WeightFormat::kQ4_K:
      if (role == Role::kOutput) return Fit(DType::kQ6_K, cols);
      if ((role == Role::kAttnV || role == Role::kFfnDown) && UseMoreBits(layer, n_layer)) {
        return Fit(DType::kQ6_K, cols);
      }
      return Fit(DType::kQ4_K, cols);
  }
  return DType::kF32;
}

// llama.cpp's llama_ftype for general.file_type.
uint32_t FileType(WeightFormat format) {
  switch (format) {
    case WeightFormat::kF32: return 0;
    case WeightFormat::kF16: return 1;
    case WeightFormat::kQ4_0: return 2;
    case WeightFormat::kQ8_0: return 7;
    case WeightFormat::kQ4_K: return 15;  // Q4_K_M
  }
  return 0;
}

Status CheckShape(const ModelShape& s) {
  auto bad = [](const std::string& what) { return InvalidArgument("model shape: " + what); };
  if (s.arch != "llama" && s.arch != "qwen2") {
    return bad("architecture '" + s.arch + "' is not llama or qwen2");
  }
  if (s.n_vocab <= 0 || s.n_embd <= 0 || s.n_layer <= 0 || s.n_head <= 0 || s.n_head_kv <= 0 ||
      s.n_ff <= 0 || s.n_ctx <= 0) {
    return bad("every size must be positive");
  }
  if (s.n_embd % s.n_head != 0) return bad("n_embd is not divisible by n_head");
  if (s.n_head % s.n_head_kv != 0) return bad("n_head is not divisible by n_head_kv");
  if ((s.n_embd / s.n_head) % 2 != 0) return bad("the head size is odd");
  if (s.n_embd % 32 != 0 || s.n_ff % 32 != 0) {
    return bad("n_embd and n_ff must be multiples of 32 (the quantization block)");
  }
  if (s.n_layer > 4096 || s.n_ctx > (int64_t{1} << 24)) return bad("too many layers or positions");
  return Status::Ok();
}

// ---- the default tokenizer vocabulary ----

std::vector<std::string> FillerPieces(size_t count) {
  static const std::string kSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's word start
  std::vector<std::string> out;
  auto add = [&](const std::string& piece) {
    if (out.size() < count) out.push_back(piece);
  };
  add(kSpace);
  const std::string singles =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()";
  for (char c : singles) add(std::string(1, c));
  for (char c : singles) {
    if (std::isalnum(static_cast<unsigned char>(c))) add(kSpace + c);
  }
  // Then every lowercase string of length 2, 3, ...: bare and with the word-start mark.
  for (int len = 2; out.size() < count; ++len) {
    std::string s(static_cast<size_t>(len), 'a');
    while (out.size() < count) {
      add(s);
      add(kSpace + s);
      int i = len - 1;  // odometer increment over a..z
      while (i >= 0 && s[static_cast<size_t>(i)] == 'z') s[static_cast<size_t>(i--)] = 'a';
      if (i < 0) break;
      ++s[static_cast<size_t>(i)];
    }
  }
  return out;
}

Status WriteDefaultTokenizer(GgufWriter& w, int64_t n_vocab) {
  constexpr int64_t kFixed = 3 + 256;
  if (n_vocab < kFixed) {
    return InvalidArgument("model shape: vocabulary of " + std::to_string(n_vocab) +
                           " is too small for the default tokenizer (needs at least 259)");
  }
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<float> scores = {0.0f, 0.0f, 0.0f};
  std::vector<int32_t> types = {2, 3, 3};  // llama.cpp: UNKNOWN 2, CONTROL 3, NORMAL 1, BYTE 6
  for (int b = 0; b < 256; ++b) {
    char piece[8];
    std::snprintf(piece, sizeof piece, "<0x%02X>", b);
    tokens.emplace_back(piece);
    scores.push_back(0.0f);
    types.push_back(6);
  }
  const std::vector<std::string> filler = FillerPieces(static_cast<size_t>(n_vocab - kFixed));
  for (size_t i = 0; i < filler.size(); ++i) {
    tokens.push_back(filler[i]);
    scores.push_back(-static_cast<float>(i));
    types.push_back(1);
  }
  PTMO_RETURN_IF_ERROR(w.SetString("tokenizer.ggml.model", "llama"));
  PTMO_RETURN_IF_ERROR(
      w.SetStringArray("tokenizer.ggml.tokens", std::span<const std::string>(tokens)));
  PTMO_RETURN_IF_ERROR(w.SetArray<float>("tokenizer.ggml.scores", scores));
  PTMO_RETURN_IF_ERROR(w.SetArray<int32_t>("tokenizer.ggml.token_type", types));
  PTMO_RETURN_IF_ERROR(w.SetU32("tokenizer.ggml.bos_token_id", 1));
  PTMO_RETURN_IF_ERROR(w.SetU32("tokenizer.ggml.eos_token_id", 2));
  PTMO_RETURN_IF_ERROR(w.SetU32("tokenizer.ggml.unknown_token_id", 0));
  return w.SetBool("tokenizer.ggml.add_bos_token", true);
}

// The metadata section: the header and key/value entries exactly as GgufWriter encodes them,
// without padding and with the tensor count still 0 (patched by the caller).
Expected<std::string> MetadataBytes(const BuildOptions& o) {
  const ModelShape& s = o.shape;
  const std::string p = s.arch + ".";
  GgufWriter w;
  PTMO_RETURN_IF_ERROR(w.SetString("general.architecture", s.arch));
  PTMO_RETURN_IF_ERROR(w.SetU32("general.file_type", FileType(o.format)));
  PTMO_RETURN_IF_ERROR(w.SetU32("general.quantization_version", 2));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "context_length", static_cast<uint32_t>(s.n_ctx)));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "embedding_length", static_cast<uint32_t>(s.n_embd)));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "block_count", static_cast<uint32_t>(s.n_layer)));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "feed_forward_length", static_cast<uint32_t>(s.n_ff)));
  PTMO_RETURN_IF_ERROR(
      w.SetU32(p + "rope.dimension_count", static_cast<uint32_t>(s.n_embd / s.n_head)));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "attention.head_count", static_cast<uint32_t>(s.n_head)));
  PTMO_RETURN_IF_ERROR(w.SetU32(p + "attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv)));
  PTMO_RETURN_IF_ERROR(w.SetF32(p + "attention.layer_norm_rms_epsilon", s.rms_eps));
  PTMO_RETURN_IF_ERROR(w.SetF32(p + "rope.freq_base", s.rope_freq_base));
  if (s.rope_scaling_factor > 0.0f) {
    PTMO_RETURN_IF_ERROR(w.SetString(p + "rope.scaling.type", "linear"));
    PTMO_RETURN_IF_ERROR(w.SetF32(p + "rope.scaling.factor", s.rope_scaling_factor));
  }
  if (o.tokenizer) {
    PTMO_RETURN_IF_ERROR(o.tokenizer(w));
  } else {
    PTMO_RETURN_IF_ERROR(WriteDefaultTokenizer(w, s.n_vocab));
  }
  if (o.extra_metadata) PTMO_RETURN_IF_ERROR(o.extra_metadata(w));
  // general.name goes last and its value ends in a non-zero byte, so the zero padding that
  // Serialize appends after the metadata can be told apart from it and removed.
  std::string name = o.name.empty() ? "ptmo-random-" + s.arch : o.name;
  if (name.back() == '\0') name += '_';
  PTMO_RETURN_IF_ERROR(w.SetString("general.name", name));
  std::string bytes = w.Serialize();  // no tensors: header, metadata, padding
  while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
  return bytes;
}

template <typename T>
void PutLE(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

void PadTo(std::string* out, uint64_t done, uint64_t alignment) {
  const uint64_t rem = done % alignment;
  if (rem != 0) out->append(alignment - rem, '\0');
}

using Sink = std::function<Status(std::string_view)>;

// Generates one tensor's values row chunk by row chunk, quantizes them and hands the bytes to
// `sink`.
Status EmitTensorData(const TensorPlan& t, uint64_t seed, const Sink& sink) {
  PTMO_ASSIGN_OR_RETURN(size_t total, tensor::TensorBytes(t.type, t.ne));
  if (!HasQuantizer(t.type)) {  // a deliberately unsupported type (tests): zero bytes
    std::string zeros(std::min<size_t>(total, 1 << 20), '\0');
    for (size_t done = 0; done < total; done += zeros.size()) {
      PTMO_RETURN_IF_ERROR(
          sink(std::string_view(zeros).substr(0, std::min(zeros.size(), total - done))));
    }
    return Status::Ok();
  }
  const int64_t cols = t.ne[0];
  int64_t rows = 1;
  for (size_t i = 1; i < t.ne.size(); ++i) rows *= t.ne[i];
  PTMO_ASSIGN_OR_RETURN(size_t row_bytes, tensor::RowBytes(t.type, cols));
  const int64_t chunk = std::max<int64_t>(1, (int64_t{1} << 20) / cols);  // ~4 MB of floats
  std::vector<float> values(static_cast<size_t>(std::min(chunk, rows) * cols));
  std::string bytes(static_cast<size_t>(std::min(chunk, rows)) * row_bytes, '\0');
  Noise noise(seed, t.name);
  for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
    const int64_t n = std::min(chunk, rows - r0);
    for (int64_t i = 0; i < n * cols; ++i)
      values[static_cast<size_t>(i)] = t.mean + t.stddev * noise.Next();
    for (int64_t r = 0; r < n; ++r) {
      PTMO_RETURN_IF_ERROR(tensor::QuantizeRow(t.type, &values[static_cast<size_t>(r * cols)],
                                               &bytes[static_cast<size_t>(r) * row_bytes], cols));
    }
    PTMO_RETURN_IF_ERROR(
        sink(std::string_view(bytes).substr(0, static_cast<size_t>(n) * row_bytes)));
  }
  return Status::Ok();
}

// The whole file, in order, through `sink`.
Status Emit(const BuildOptions& o, const Sink& sink) {
  PTMO_ASSIGN_OR_RETURN(std::vector<TensorPlan> plan, PlanTensors(o));
  PTMO_ASSIGN_OR_RETURN(std::string header, MetadataBytes(o));
  const uint64_t n_tensors = plan.size();
  std::memcpy(&header[8], &n_tensors, sizeof n_tensors);  // after magic and version
  const uint64_t alignment = kGgufDefaultAlignment;
  std::vector<size_t> sizes;
  uint64_t offset = 0;
  for (const TensorPlan& t : plan) {
    if (t.name.empty() || t.name.size() > kGgufMaxTensorName || t.ne.empty() ||
        t.ne.size() > static_cast<size_t>(kGgufMaxDims)) {
      return InvalidArgument("tensor plan entry '" + t.name + "' has a bad name or rank");
    }
    PTMO_ASSIGN_OR_RETURN(size_t bytes, tensor::TensorBytes(t.type, t.ne));
    sizes.push_back(bytes);
    PutLE<uint64_t>(&header, t.name.size());
    header += t.name;
    PutLE<uint32_t>(&header, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) PutLE<uint64_t>(&header, static_cast<uint64_t>(d));
    PutLE<uint32_t>(&header, static_cast<uint32_t>(t.type));
    PutLE<uint64_t>(&header, offset);
    offset += (bytes + alignment - 1) / alignment * alignment;
  }
  PadTo(&header, header.size(), alignment);
  PTMO_RETURN_IF_ERROR(sink(header));
  const std::string zeros(alignment, '\0');
  for (size_t i = 0; i < plan.size(); ++i) {
    PTMO_RETURN_IF_ERROR(EmitTensorData(plan[i], o.seed, sink));
    const uint64_t rem = sizes[i] % alignment;
    if (rem != 0) PTMO_RETURN_IF_ERROR(sink(std::string_view(zeros).substr(0, alignment - rem)));
  }
  return Status::Ok();
}

}  // namespace

Expected<ModelShape> ModelPreset(std::string_view name) {
  ModelShape s;  // defaults are `tiny`
  if (name == "tiny") return s;
  if (name == "tiny-256") {
    s.n_embd = 256;
    s.n_ff = 768;
    return s;
  }
  if (name == "tiny-qwen2") {
    s.arch = "qwen2";
    s.qkv_bias = true;
    s.tied_output = true;
    s.rope_freq_base = 1000000.0f;
    s.rms_eps = 1e-6f;
    return s;
  }
  if (name == "tinyllama-1.1b") {
    s.n_vocab = 32000;
    s.n_embd = 2048;
    s.n_layer = 22;
    s.n_head = 32;
    s.n_head_kv = 4;
    s.n_ff = 5632;
    s.n_ctx = 2048;
    return s;
  }
  return NotFound("unknown model preset '" + std::string(name) +
                  "' (known: tiny, tiny-256, tiny-qwen2, tinyllama-1.1b)");
}

Expected<WeightFormat> ParseWeightFormat(std::string_view name) {
  std::string s(name);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "f32") return WeightFormat::kF32;
  if (s == "f16") return WeightFormat::kF16;
  if (s == "q8_0") return WeightFormat::kQ8_0;
  if (s == "q4_0") return WeightFormat::kQ4_0;
  if (s == "q4_k" || s == "q4_k_m") return WeightFormat::kQ4_K;
  return InvalidArgument("unknown weight format '" + std::string(name) +
                         "' (known: f32, f16, q8_0, q4_0, q4_k)");
}

const char* WeightFormatName(WeightFormat format) {
  switch (format) {
    case WeightFormat::kF32: return "f32";
    case WeightFormat::kF16: return "f16";
    case WeightFormat::kQ8_0: return "q8_0";
    case WeightFormat::kQ4_0: return "q4_0";
    case WeightFormat::kQ4_K: return "q4_k";
  }
  return "unknown";
}

Expected<std::vector<TensorPlan>> PlanTensors(const BuildOptions& o) {
  const ModelShape& s = o.shape;
  PTMO_RETURN_IF_ERROR(CheckShape(s));
  const int64_t hd = s.n_embd / s.n_head;
  const int64_t kv_dim = s.n_head_kv * hd;
  std::vector<TensorPlan> plan;
  auto matrix = [&](std::string name, int64_t cols, int64_t rows, Role role, int64_t layer,
                    float stddev) {
    plan.push_back({std::move(name),
                    MatrixType(o.format, role, layer, s.n_layer, cols),
                    {cols, rows},
                    0.0f,
                    stddev});
  };
  auto vector = [&](std::string name, int64_t n, float mean, float stddev) {
    plan.push_back({std::move(name), DType::kF32, {n}, mean, stddev});
  };
  const float in_embd = 1.0f / std::sqrt(static_cast<float>(s.n_embd));
  const float in_ff = 1.0f / std::sqrt(static_cast<float>(s.n_ff));
  matrix("token_embd.weight", s.n_embd, s.n_vocab, Role::kEmbedding, 0, 1.0f);
  for (int64_t i = 0; i < s.n_layer; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    vector(b + "attn_norm.weight", s.n_embd, 1.0f, 0.1f);
    matrix(b + "attn_q.weight", s.n_embd, s.n_embd, Role::kOther, i, in_embd);
    matrix(b + "attn_k.weight", s.n_embd, kv_dim, Role::kOther, i, in_embd);
    matrix(b + "attn_v.weight", s.n_embd, kv_dim, Role::kAttnV, i, in_embd);
    if (s.qkv_bias) {
      vector(b + "attn_q.bias", s.n_embd, 0.0f, 0.5f);
      vector(b + "attn_k.bias", kv_dim, 0.0f, 0.5f);
      vector(b + "attn_v.bias", kv_dim, 0.0f, 0.5f);
    }
    matrix(b + "attn_output.weight", s.n_embd, s.n_embd, Role::kOther, i, in_embd);
    vector(b + "ffn_norm.weight", s.n_embd, 1.0f, 0.1f);
    matrix(b + "ffn_gate.weight", s.n_embd, s.n_ff, Role::kOther, i, in_embd);
    matrix(b + "ffn_up.weight", s.n_embd, s.n_ff, Role::kOther, i, in_embd);
    matrix(b + "ffn_down.weight", s.n_ff, s.n_embd, Role::kFfnDown, i, in_ff);
  }
  vector("output_norm.weight", s.n_embd, 1.0f, 0.1f);
  if (!s.tied_output) {
    matrix("output.weight", s.n_embd, s.n_vocab, Role::kOutput, 0, 3.0f * in_embd);
  }
  if (s.rope_freqs) vector("rope_freqs.weight", hd / 2, 2.0f, 0.5f);  // divisors around 2
  if (o.edit_tensors) o.edit_tensors(plan);
  return plan;
}

Expected<std::string> BuildRandomModelImage(const BuildOptions& options) {
  std::string image;
  PTMO_RETURN_IF_ERROR(Emit(options, [&](std::string_view bytes) {
    image.append(bytes);
    return Status::Ok();
  }));
  return image;
}

Status WriteRandomModel(const std::string& path, const BuildOptions& options) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return InvalidArgument("cannot create '" + tmp + "': " + std::strerror(errno));
  }
  Status st = Emit(options, [&](std::string_view bytes) -> Status {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return InvalidArgument("cannot write '" + path + "': " + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  });
  if (st.ok() && ::fsync(fd) != 0) {
    st = InvalidArgument("cannot sync '" + path + "': " + std::strerror(errno));
  }
  if (::close(fd) != 0 && st.ok()) {
    st = InvalidArgument("cannot close '" + path + "': " + std::strerror(errno));
  }
  if (st.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    st = InvalidArgument("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

}  // namespace ptmo::engine
