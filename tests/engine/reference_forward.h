// An independent, deliberately plain forward pass for Llama-family GGUF models, used only by
// tests to check the engine. It shares nothing with engine/model*.cc: it reads the metadata
// keys itself, dequantizes every weight to float once (tensor::DequantizeRow, tested on its
// own against hand-built blocks), and computes everything in double, recomputing the whole
// causal sequence for each call (no KV cache, no activation quantization, no threads).
//
// Conventions it encodes (docs: /work/shared/engine-facts.md, llama.cpp):
// - RMSNorm: x / sqrt(mean(x^2) + eps) * w.
// - RoPE angle for pair i at position p: p * scale * base^(-2i / head_dim) / factor_i; llama
//   rotates (x[2i], x[2i+1]), qwen2 rotates (x[i], x[i + head_dim/2]).
// - Query head h reads KV head h / (n_head / n_head_kv); scores scaled by 1/sqrt(head_dim).
// - FFN: down(silu(gate x) * up x). qwen2 adds q/k/v biases; no output.weight means tied.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "tensor/quantize.h"

namespace ptmo::engine::testing {

class ReferenceModel {
 public:
  // Reads the model; fails the current test (and returns false) on anything unexpected.
  bool Load(const GgufFile& gguf) {
    auto str = gguf.GetString("general.architecture");
    if (!str.ok()) return Fail(str.status().message());
    arch_ = std::string(*str);
    if (arch_ != "llama" && arch_ != "qwen2") return Fail("unexpected architecture " + arch_);
    neox_ = arch_ == "qwen2";
    const std::string p = arch_ + ".";
    n_embd_ = Int(gguf, p + "embedding_length");
    n_layer_ = Int(gguf, p + "block_count");
    n_ff_ = Int(gguf, p + "feed_forward_length");
    n_head_ = Int(gguf, p + "attention.head_count");
    n_head_kv_ = Int(gguf, p + "attention.head_count_kv");
    auto eps = gguf.GetF32(p + "attention.layer_norm_rms_epsilon");
    auto base = gguf.GetF32(p + "rope.freq_base");
    if (!eps.ok() || !base.ok()) return Fail("missing eps or rope base");
    eps_ = *eps;
    rope_base_ = *base;
    if (gguf.HasKey(p + "rope.scaling.factor"))
      rope_scale_ = 1.0 / *gguf.GetF32(p + "rope.scaling.factor");
    head_dim_ = n_embd_ / n_head_;

    for (const GgufTensor& t : gguf.tensors()) {
      std::vector<float> values(static_cast<size_t>(t.num_elements()));
      Status st = tensor::DequantizeRow(t.type, t.data, values.data(), t.num_elements());
      if (!st.ok()) return Fail(st.message());
      tensors_[std::string(t.name)] = std::vector<double>(values.begin(), values.end());
    }
    n_vocab_ = static_cast<int64_t>(W("token_embd.weight").size()) / n_embd_;
    return !::testing::Test::HasFailure();
  }

  // Logits (n_vocab each) of every position of `tokens`, the first token at position 0.
  std::vector<std::vector<double>> Logits(const std::vector<int32_t>& tokens) const {
    const int64_t T = static_cast<int64_t>(tokens.size());
    const int64_t d = n_embd_;
    const int64_t kv_dim = n_head_kv_ * head_dim_;
    // token embeddings
    std::vector<std::vector<double>> x(static_cast<size_t>(T));
    const std::vector<double>& embd = W("token_embd.weight");
    for (int64_t t = 0; t < T; ++t) {
      x[t].assign(embd.begin() + tokens[t] * d, embd.begin() + (tokens[t] + 1) * d);
    }
    for (int64_t l = 0; l < n_layer_; ++l) {
      const std::string b = "blk." + std::to_string(l) + ".";
      std::vector<std::vector<double>> q(T), k(T), v(T), att(T);
      for (int64_t t = 0; t < T; ++t) {
        const std::vector<double> h = Norm(x[t], W(b + "attn_norm.weight"));
        q[t] = MatMul(W(b + "attn_q.weight"), h, d);
        k[t] = MatMul(W(b + "attn_k.weight"), h, kv_dim);
        v[t] = MatMul(W(b + "attn_v.weight"), h, kv_dim);
        if (Has(b + "attn_q.bias")) {
          AddTo(q[t], W(b + "attn_q.bias"));
          AddTo(k[t], W(b + "attn_k.bias"));
          AddTo(v[t], W(b + "attn_v.bias"));
        }
        Rotate(q[t], n_head_, t);
        Rotate(k[t], n_head_kv_, t);
      }
      for (int64_t t = 0; t < T; ++t) {
        att[t].assign(static_cast<size_t>(d), 0.0);
        for (int64_t h = 0; h < n_head_; ++h) {
          const int64_t kvh = h / (n_head_ / n_head_kv_);
          std::vector<double> s(static_cast<size_t>(t + 1));
          double max = -1e300;
          for (int64_t j = 0; j <= t; ++j) {
            double dot = 0;
            for (int64_t i = 0; i < head_dim_; ++i) {
              dot += q[t][h * head_dim_ + i] * k[j][kvh * head_dim_ + i];
            }
            s[j] = dot / std::sqrt(static_cast<double>(head_dim_));
            max = std::max(max, s[j]);
          }
          double sum = 0;
          for (double& e : s) sum += (e = std::exp(e - max));
          for (int64_t j = 0; j <= t; ++j) {
            for (int64_t i = 0; i < head_dim_; ++i) {
              att[t][h * head_dim_ + i] += s[j] / sum * v[j][kvh * head_dim_ + i];
            }
          }
        }
      }
      for (int64_t t = 0; t < T; ++t) {
        AddTo(x[t], MatMul(W(b + "attn_output.weight"), att[t], d));
        const std::vector<double> h = Norm(x[t], W(b + "ffn_norm.weight"));
        std::vector<double> gate = MatMul(W(b + "ffn_gate.weight"), h, n_ff_);
        const std::vector<double> up = MatMul(W(b + "ffn_up.weight"), h, n_ff_);
        for (int64_t i = 0; i < n_ff_; ++i) gate[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
        AddTo(x[t], MatMul(W(b + "ffn_down.weight"), gate, d));
      }
    }
    const std::vector<double>& out = Has("output.weight") ? W("output.weight") : embd;
    std::vector<std::vector<double>> logits(static_cast<size_t>(T));
    for (int64_t t = 0; t < T; ++t) {
      logits[t] = MatMul(out, Norm(x[t], W("output_norm.weight")), n_vocab_);
    }
    return logits;
  }

  int64_t n_vocab() const { return n_vocab_; }

 private:
  static bool Fail(const std::string& why) {
    ADD_FAILURE() << "reference model: " << why;
    return false;
  }

  int64_t Int(const GgufFile& gguf, const std::string& key) {
    auto v = gguf.GetInteger(key);
    if (!v.ok()) {
      Fail(v.status().message());
      return 1;
    }
    return *v;
  }

  bool Has(const std::string& name) const { return tensors_.count(name) != 0; }
  const std::vector<double>& W(const std::string& name) const {
    static const std::vector<double> kEmpty;
    auto it = tensors_.find(name);
    if (it == tensors_.end()) {
      ADD_FAILURE() << "reference model: no tensor " << name;
      return kEmpty;
    }
    return it->second;
  }

  // y = W x for a GGUF matrix [cols, rows] (rows of `cols` contiguous values).
  static std::vector<double> MatMul(const std::vector<double>& w, const std::vector<double>& x,
                                    int64_t rows) {
    const int64_t cols = static_cast<int64_t>(x.size());
    std::vector<double> y(static_cast<size_t>(rows), 0.0);
    for (int64_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (int64_t c = 0; c < cols; ++c) sum += w[r * cols + c] * x[c];
      y[r] = sum;
    }
    return y;
  }

  static void AddTo(std::vector<double>& x, const std::vector<double>& y) {
    for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  }

  std::vector<double> Norm(const std::vector<double>& x, const std::vector<double>& w) const {
    double ss = 0;
    for (double e : x) ss += e * e;
    const double scale = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps_);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * w[i];
    return y;
  }

  void Rotate(std::vector<double>& vec, int64_t n_heads, int64_t pos) const {
    const int64_t half = head_dim_ / 2;
    for (int64_t h = 0; h < n_heads; ++h) {
      double* x = vec.data() + h * head_dim_;
      for (int64_t i = 0; i < half; ++i) {
        double angle = static_cast<double>(pos) * rope_scale_ *
                       std::pow(static_cast<double>(rope_base_),
                                -2.0 * static_cast<double>(i) / static_cast<double>(head_dim_));
        if (Has("rope_freqs.weight")) angle /= W("rope_freqs.weight")[i];
        const int64_t a = neox_ ? i : 2 * i;
        const int64_t b = neox_ ? i + half : 2 * i + 1;
        const double x0 = x[a];
        const double x1 = x[b];
        x[a] = x0 * std::cos(angle) - x1 * std::sin(angle);
        x[b] = x0 * std::sin(angle) + x1 * std::cos(angle);
      }
    }
  }

  std::string arch_;
  bool neox_ = false;
  int64_t n_embd_ = 0, n_layer_ = 0, n_ff_ = 0, n_head_ = 0, n_head_kv_ = 0, head_dim_ = 0;
  int64_t n_vocab_ = 0;
  double eps_ = 0, rope_base_ = 0, rope_scale_ = 1.0;
  std::map<std::string, std::vector<double>> tensors_;
};

}  // namespace ptmo::engine::testing
