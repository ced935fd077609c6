#include "engine/model_weights.h"

#include <cctype>
#include <string>
#include <unordered_set>

namespace ptmo::engine {

using tensor::DType;

namespace {

// "Q4_K", "IQ2_XS": ggml's names in upper case, as model cards spell them.
std::string TypeName(DType type) {
  std::string s(tensor::DTypeName(type));
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ShapeString(std::span<const int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

bool IsMatrixType(DType type) {
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

// Looks tensors up, checks them, and remembers which ones were used.
class TensorBinder {
 public:
  explicit TensorBinder(const GgufFile& gguf)
      : gguf_(gguf), prefix_("model file '" + gguf.name() + "': ") {}

  // A required tensor of exactly `dims`, F32 (vectors) or a matrix type.
  Expected<const GgufTensor*> Get(const std::string& name, std::initializer_list<int64_t> dims,
                                  bool matrix) {
    const GgufTensor* t = gguf_.FindTensor(name);
    if (t == nullptr) return NotFound(prefix_ + "missing tensor '" + name + "'");
    PTMO_RETURN_IF_ERROR(Check(*t, dims, matrix));
    used_.insert(t->name);
    return t;
  }

  // nullptr when absent; checked like Get when present.
  Expected<const GgufTensor*> GetOptional(const std::string& name,
                                          std::initializer_list<int64_t> dims, bool matrix) {
    if (gguf_.FindTensor(name) == nullptr) return static_cast<const GgufTensor*>(nullptr);
    return Get(name, dims, matrix);
  }

  Expected<WeightMatrix> Matrix(const std::string& name, int64_t cols, int64_t rows) {
    PTMO_ASSIGN_OR_RETURN(const GgufTensor* t, Get(name, {cols, rows}, /*matrix=*/true));
    return ToMatrix(*t);
  }

  Expected<const float*> Vector(const std::string& name, int64_t n) {
    PTMO_ASSIGN_OR_RETURN(const GgufTensor* t, Get(name, {n}, /*matrix=*/false));
    return reinterpret_cast<const float*>(t->data);
  }

  Expected<const float*> OptionalVector(const std::string& name, int64_t n) {
    PTMO_ASSIGN_OR_RETURN(const GgufTensor* t, GetOptional(name, {n}, /*matrix=*/false));
    return t == nullptr ? nullptr : reinterpret_cast<const float*>(t->data);
  }

  // Every tensor in the file must have been used.
  Status CheckAllUsed(const ModelConfig& config) const {
    for (const GgufTensor& t : gguf_.tensors()) {
      if (used_.count(t.name) == 0) {
        return InvalidArgument(prefix_ + "tensor '" + std::string(t.name) + "' is not part of a " +
                               std::to_string(config.n_layer) + "-layer " + config.arch_name +
                               " model");
      }
    }
    return Status::Ok();
  }

  static WeightMatrix ToMatrix(const GgufTensor& t) {
    return WeightMatrix{.type = t.type, .data = t.data, .rows = t.ne[1], .cols = t.ne[0]};
  }

 private:
  Status Check(const GgufTensor& t, std::initializer_list<int64_t> want, bool matrix) const {
    const std::string what = prefix_ + "tensor '" + std::string(t.name) + "'";
    // A GGUF writer may store a [n, 1] matrix or trailing 1 dims; compare without them.
    int n_dims = t.n_dims;
    while (n_dims > 1 && t.ne[n_dims - 1] == 1) --n_dims;
    bool same = static_cast<size_t>(n_dims) == want.size();
    for (size_t i = 0; same && i < want.size(); ++i) same = t.ne[i] == want.begin()[i];
    if (!same) {
      return InvalidArgument(what + " has shape " + ShapeString(t.dims()) + ", expected " +
                             ShapeString({want.begin(), want.size()}));
    }
    if (matrix) {
      if (!IsMatrixType(t.type)) {
        return InvalidArgument(what + " has type " + TypeName(t.type) +
                               ", which this engine does not support (F32, F16, Q8_0, Q4_0, Q4_K, "
                               "Q6_K)");
      }
    } else if (t.type != DType::kF32) {
      return InvalidArgument(what + " has type " + TypeName(t.type) + ", expected F32");
    }
    return Status::Ok();
  }

  const GgufFile& gguf_;
  const std::string prefix_;
  std::unordered_set<std::string_view> used_;
};

}  // namespace

size_t ModelWeights::BytesReadPerToken() const {
  auto bytes = [](const WeightMatrix& w) {
    auto row = tensor::RowBytes(w.type, w.cols);
    return row.ok() ? *row * static_cast<size_t>(w.rows) : 0;
  };
  size_t total = 0;
  auto row_bytes = tensor::RowBytes(token_embd.type, token_embd.cols);
  if (row_bytes.ok()) total += *row_bytes;
  for (const LayerWeights& l : layers) {
    total += bytes(l.wq) + bytes(l.wk) + bytes(l.wv) + bytes(l.wo);
    total += bytes(l.w_gate) + bytes(l.w_up) + bytes(l.w_down);
  }
  return total + bytes(output);
}

Expected<ModelWeights> MapModelWeights(const GgufFile& gguf, const ModelConfig& c) {
  TensorBinder bind(gguf);
  ModelWeights w;
  PTMO_ASSIGN_OR_RETURN(w.token_embd, bind.Matrix("token_embd.weight", c.n_embd, c.n_vocab));
  w.layers.resize(static_cast<size_t>(c.n_layer));
  for (int64_t i = 0; i < c.n_layer; ++i) {
    LayerWeights& l = w.layers[static_cast<size_t>(i)];
    const std::string b = "blk." + std::to_string(i) + ".";
    PTMO_ASSIGN_OR_RETURN(l.attn_norm, bind.Vector(b + "attn_norm.weight", c.n_embd));
    PTMO_ASSIGN_OR_RETURN(l.wq, bind.Matrix(b + "attn_q.weight", c.n_embd, c.n_embd));
    PTMO_ASSIGN_OR_RETURN(l.wk, bind.Matrix(b + "attn_k.weight", c.n_embd, c.kv_dim()));
    PTMO_ASSIGN_OR_RETURN(l.wv, bind.Matrix(b + "attn_v.weight", c.n_embd, c.kv_dim()));
    if (c.qkv_bias) {  // required for qwen2; for llama, present in layer 0 means all layers
      PTMO_ASSIGN_OR_RETURN(l.bq, bind.Vector(b + "attn_q.bias", c.n_embd));
      PTMO_ASSIGN_OR_RETURN(l.bk, bind.Vector(b + "attn_k.bias", c.kv_dim()));
      PTMO_ASSIGN_OR_RETURN(l.bv, bind.Vector(b + "attn_v.bias", c.kv_dim()));
    }
    PTMO_ASSIGN_OR_RETURN(l.wo, bind.Matrix(b + "attn_output.weight", c.n_embd, c.n_embd));
    PTMO_ASSIGN_OR_RETURN(l.ffn_norm, bind.Vector(b + "ffn_norm.weight", c.n_embd));
    PTMO_ASSIGN_OR_RETURN(l.w_gate, bind.Matrix(b + "ffn_gate.weight", c.n_embd, c.n_ff));
    PTMO_ASSIGN_OR_RETURN(l.w_up, bind.Matrix(b + "ffn_up.weight", c.n_embd, c.n_ff));
    PTMO_ASSIGN_OR_RETURN(l.w_down, bind.Matrix(b + "ffn_down.weight", c.n_ff, c.n_embd));
  }
  PTMO_ASSIGN_OR_RETURN(w.output_norm, bind.Vector("output_norm.weight", c.n_embd));
  if (c.tied_output) {
    w.output = w.token_embd;
  } else {
    PTMO_ASSIGN_OR_RETURN(w.output, bind.Matrix("output.weight", c.n_embd, c.n_vocab));
  }
  if (c.arch == Architecture::kLlama) {  // llama.cpp reads frequency factors for llama only
    PTMO_ASSIGN_OR_RETURN(w.rope_freqs, bind.OptionalVector("rope_freqs.weight", c.head_dim / 2));
  }
  PTMO_RETURN_IF_ERROR(bind.CheckAllUsed(c));
  return w;
}

}  // namespace ptmo::engine
