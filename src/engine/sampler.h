// Picks the next token from a row of logits: greedy, or a seeded draw after llama.cpp's filters.
//
//   Sampler sampler({.temperature = 0.7f, .top_k = 40, .seed = 42, .stop_tokens = {2}});
//   for (int32_t t : prompt) sampler.Accept(t);        // the penalty window sees the prompt
//   int32_t next = sampler.Sample(logits);
//   sampler.Accept(next);
//   if (sampler.IsStop(next)) ...
//
// Steps, in llama.cpp's default order (common/sampling: penalties, top-k, top-p, min-p,
// temperature, draw):
// 1. Repetition penalty over the last `repeat_last_n` accepted tokens: each distinct token's
//    logit is divided by `repeat_penalty` when positive and multiplied by it when negative
//    (once per token, however often it occurred).
// 2. temperature <= 0: greedy, the highest logit (lowest id on ties). Otherwise:
// 3. top-k: keep the k highest logits.
// 4. top-p: keep the smallest set of highest-probability tokens whose probabilities (softmax of
//    the kept logits at temperature 1) sum to at least top_p.
// 5. min-p: keep tokens whose probability is at least min_p times the highest.
// 6. Divide the kept logits by the temperature, softmax, and draw one with the seeded
//    generator (std::mt19937_64; the same seed and calls give the same tokens on every
//    platform: the uniform draw is computed from raw generator bits, not a library
//    distribution).
// Each filter always keeps at least one token.
//
// Not thread-safe (one Sampler per sequence). After the first Sample, no call allocates.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace ptmo::engine {

struct SamplerOptions {
  float temperature = 0.8f;     // <= 0: greedy
  int32_t top_k = 40;           // <= 0: off
  float top_p = 0.95f;          // >= 1: off
  float min_p = 0.05f;          // <= 0: off
  float repeat_penalty = 1.0f;  // 1: off
  int32_t repeat_last_n = 64;   // window of accepted tokens the penalty looks at; 0: off
  uint64_t seed = 0;
  std::vector<int32_t> stop_tokens;  // end-of-sequence ids (e.g. tokenizer.ggml.eos_token_id)
};

class Sampler {
 public:
  explicit Sampler(SamplerOptions options);

  // The next token for `logits` (one per vocabulary entry, not modified). Does not record the
  // token: call Accept with the token actually used. `logits` must be non-empty (assert).
  int32_t Sample(std::span<const float> logits);

  // Records a token in the penalty window (prompt tokens too, as llama.cpp does).
  void Accept(int32_t token);

  // True for the stop (end-of-sequence) tokens.
  bool IsStop(int32_t token) const;

  // Forgets the accepted tokens and restarts the generator from the seed.
  void Reset();

  const SamplerOptions& options() const { return options_; }

 private:
  struct Candidate {
    int32_t id;
    float logit;
  };

  void ApplyRepetitionPenalty();
  void KeepTopK(size_t k);
  void SortDescending();
  void KeepTopP(float p);
  void KeepMinP(float p);
  int32_t Draw(float temperature);
  double Uniform();  // [0, 1) from 53 generator bits

  SamplerOptions options_;
  std::mt19937_64 rng_;
  std::vector<int32_t> window_;  // ring buffer of the last repeat_last_n accepted tokens
  size_t window_next_ = 0;
  size_t window_size_ = 0;
  std::vector<Candidate> candidates_;
  std::vector<uint8_t> penalized_;  // per vocabulary id, while applying the penalty
  std::vector<float> probs_;
  bool sorted_ = false;
};

}  // namespace ptmo::engine
