#include "privacy/ner/decoder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "privacy/ner/labels.h"

namespace ptmo::privacy::ner {

void Viterbi(const float* emissions, size_t n, const float* transitions, uint8_t* tags) {
  if (n == 0) return;
  constexpr float kNeg = -std::numeric_limits<float>::infinity();
  // Transition scores with the forbidden ones at -inf, so the inner loop has no branch on
  // the constraint.
  float trans[kTagStride * kTagStride];
  for (int p = 0; p < kTagStride; ++p) {
    for (int t = 0; t < kTagStride; ++t) {
      bool ok = t < kNumTags && p <= kStartRow && AllowedTransition(p, t);
      trans[p * kTagStride + t] = ok ? transitions[p * kTagStride + t] : kNeg;
    }
  }
  std::vector<float> score(n * kTagStride, kNeg);
  std::vector<uint8_t> back(n * kTagStride, 0);
  for (int t = 0; t < kNumTags; ++t) score[t] = trans[kStartRow * kTagStride + t] + emissions[t];
  for (size_t i = 1; i < n; ++i) {
    const float* prev = &score[(i - 1) * kTagStride];
    float* cur = &score[i * kTagStride];
    uint8_t* bp = &back[i * kTagStride];
    for (int t = 0; t < kNumTags; ++t) {
      float best = kNeg;
      int arg = 0;
      for (int p = 0; p < kNumTags; ++p) {
        float s = prev[p] + trans[p * kTagStride + t];
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      cur[t] = best + emissions[i * kTagStride + t];
      bp[t] = static_cast<uint8_t>(arg);
    }
  }
  const float* last = &score[(n - 1) * kTagStride];
  int best_tag = 0;
  for (int t = 1; t < kNumTags; ++t) {
    if (last[t] > last[best_tag]) best_tag = t;
  }
  for (size_t i = n; i-- > 0;) {
    tags[i] = static_cast<uint8_t>(best_tag);
    best_tag = back[i * kTagStride + best_tag];
  }
}

void Marginals(const float* emissions, size_t n, const float* transitions, float temperature,
               float* marginals) {
  if (n == 0) return;
  const float inv_t = 1.0f / temperature;
  // exp(transition / T), zero where the transition is forbidden.
  float texp[kTagStride * kTagStride] = {};
  float tmax = -std::numeric_limits<float>::infinity();
  for (int p = 0; p <= kStartRow; ++p) {
    for (int t = 0; t < kNumTags; ++t) tmax = std::max(tmax, transitions[p * kTagStride + t]);
  }
  for (int p = 0; p <= kStartRow; ++p) {
    for (int t = 0; t < kNumTags; ++t) {
      texp[p * kTagStride + t] = AllowedTransition(p, t)
                                     ? std::exp((transitions[p * kTagStride + t] - tmax) * inv_t)
                                     : 0.0f;
    }
  }
  // Emission factors, scaled per token so the largest is 1.
  std::vector<float> e(n * kTagStride, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    const float* row = emissions + i * kTagStride;
    float m = *std::max_element(row, row + kNumTags);
    for (int t = 0; t < kNumTags; ++t) e[i * kTagStride + t] = std::exp((row[t] - m) * inv_t);
  }
  std::vector<float> alpha(n * kTagStride, 0.0f), beta(n * kTagStride, 0.0f);
  auto normalize = [](float* v) {
    float s = 0;
    for (int t = 0; t < kNumTags; ++t) s += v[t];
    if (s > 0) {
      for (int t = 0; t < kNumTags; ++t) v[t] /= s;
    }
  };
  for (int t = 0; t < kNumTags; ++t) alpha[t] = texp[kStartRow * kTagStride + t] * e[t];
  normalize(&alpha[0]);
  for (size_t i = 1; i < n; ++i) {
    for (int t = 0; t < kNumTags; ++t) {
      float s = 0;
      for (int p = 0; p < kNumTags; ++p)
        s += alpha[(i - 1) * kTagStride + p] * texp[p * kTagStride + t];
      alpha[i * kTagStride + t] = s * e[i * kTagStride + t];
    }
    normalize(&alpha[i * kTagStride]);
  }
  for (int t = 0; t < kNumTags; ++t) beta[(n - 1) * kTagStride + t] = 1.0f;
  for (size_t i = n - 1; i-- > 0;) {
    for (int p = 0; p < kNumTags; ++p) {
      float s = 0;
      for (int t = 0; t < kNumTags; ++t) {
        s +=
            texp[p * kTagStride + t] * e[(i + 1) * kTagStride + t] * beta[(i + 1) * kTagStride + t];
      }
      beta[i * kTagStride + p] = s;
    }
    normalize(&beta[i * kTagStride]);
  }
  for (size_t i = 0; i < n; ++i) {
    float* m = marginals + i * kTagStride;
    float s = 0;
    for (int t = 0; t < kNumTags; ++t) {
      m[t] = alpha[i * kTagStride + t] * beta[i * kTagStride + t];
      s += m[t];
    }
    for (int t = 0; t < kNumTags; ++t) m[t] = s > 0 ? m[t] / s : (t == kTagO ? 1.0f : 0.0f);
    m[kNumTags] = 0.0f;
  }
}

}  // namespace ptmo::privacy::ner
