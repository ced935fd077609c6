#include "privacy/ner/decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "privacy/ner/labels.h"

namespace ptmo::privacy::ner {
namespace {

std::vector<float> Emissions(const std::vector<std::vector<float>>& rows) {
  std::vector<float> e;
  for (const auto& r : rows) {
    std::vector<float> padded(kTagStride, 0.0f);
    for (size_t t = 0; t < r.size(); ++t) padded[t] = r[t];
    e.insert(e.end(), padded.begin(), padded.end());
  }
  return e;
}

TEST(NerDecoder, ViterbiFollowsStrongEmissions) {
  //            O    B-PER I-PER B-LOC I-LOC B-ORG I-ORG
  auto e = Emissions({{5, 0, 0, 0, 0, 0, 0},
                      {0, 5, 0, 0, 0, 0, 0},
                      {0, 0, 5, 0, 0, 0, 0},
                      {5, 0, 0, 0, 0, 0, 0},
                      {0, 0, 0, 5, 0, 0, 0}});
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  std::vector<uint8_t> tags(5);
  Viterbi(e.data(), 5, trans.data(), tags.data());
  EXPECT_EQ(tags, (std::vector<uint8_t>{kTagO, kTagBPer, kTagIPer, kTagO, kTagBLoc}));
}

TEST(NerDecoder, ViterbiNeverStartsAnEntityWithAnInsideTag) {
  // I-PER has the best emission everywhere, but may not follow O or start the text.
  auto e = Emissions({{0, 0, 9, 0, 0, 0, 0}, {0, 0, 9, 0, 0, 0, 0}});
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  std::vector<uint8_t> tags(2);
  Viterbi(e.data(), 2, trans.data(), tags.data());
  EXPECT_EQ(tags[0], kTagBPer);
  EXPECT_EQ(tags[1], kTagIPer);
  // I-LOC may not follow B-PER either.
  auto e2 = Emissions({{0, 3, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 9, 0, 0}});
  Viterbi(e2.data(), 2, trans.data(), tags.data());
  EXPECT_FALSE(tags[0] == kTagBPer && tags[1] == kTagILoc);
}

TEST(NerDecoder, ViterbiUsesTransitionScores) {
  auto e = Emissions({{1, 1.2f, 0, 0, 0, 0, 0}});
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  std::vector<uint8_t> tags(1);
  Viterbi(e.data(), 1, trans.data(), tags.data());
  EXPECT_EQ(tags[0], kTagBPer);
  trans[kStartRow * kTagStride + kTagBPer] = -1.0f;
  Viterbi(e.data(), 1, trans.data(), tags.data());
  EXPECT_EQ(tags[0], kTagO);
}

TEST(NerDecoder, MarginalsAreProbabilitiesThatRespectTheConstraints) {
  auto e = Emissions({{1, 2, 0, 0.5f, 0, 0, 0}, {1, 0, 2, 0, 1, 0, 0}, {3, 1, 1, 1, 1, 1, 1}});
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  std::vector<float> m(3 * kTagStride);
  Marginals(e.data(), 3, trans.data(), 1.0f, m.data());
  for (int i = 0; i < 3; ++i) {
    float sum = 0;
    for (int t = 0; t < kNumTags; ++t) {
      EXPECT_GE(m[i * kTagStride + t], 0.0f);
      sum += m[i * kTagStride + t];
    }
    EXPECT_NEAR(sum, 1.0f, 1e-4);
  }
  EXPECT_FLOAT_EQ(m[kTagIPer], 0.0f);  // no Inside tag on the first token
  // I-LOC at token 1 needs B-LOC at token 0: its probability is bounded by that one.
  EXPECT_LE(m[kTagStride + kTagILoc], m[kTagBLoc] + 1e-5);
}

TEST(NerDecoder, HigherTemperatureFlattensMarginals) {
  auto e = Emissions({{0, 4, 0, 0, 0, 0, 0}});
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  std::vector<float> sharp(kTagStride), flat(kTagStride);
  Marginals(e.data(), 1, trans.data(), 1.0f, sharp.data());
  Marginals(e.data(), 1, trans.data(), 8.0f, flat.data());
  EXPECT_GT(sharp[kTagBPer], flat[kTagBPer]);
  EXPECT_GT(flat[kTagBPer], flat[kTagO]);
}

TEST(NerDecoder, HandlesEmptyInput) {
  std::vector<float> trans(kTagStride * kTagStride, 0.0f);
  Viterbi(nullptr, 0, trans.data(), nullptr);
  Marginals(nullptr, 0, trans.data(), 1.0f, nullptr);
}

}  // namespace
}  // namespace ptmo::privacy::ner
