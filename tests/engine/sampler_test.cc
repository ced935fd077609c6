#include "engine/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace ptmo::engine {
namespace {

SamplerOptions Plain(float temperature, uint64_t seed = 1) {
  // Every filter off: only what a test turns on applies.
  return {.temperature = temperature,
          .top_k = 0,
          .top_p = 1.0f,
          .min_p = 0.0f,
          .repeat_penalty = 1.0f,
          .repeat_last_n = 64,
          .seed = seed,
          .stop_tokens = {}};
}

std::map<int32_t, int> Histogram(Sampler& s, const std::vector<float>& logits, int draws) {
  std::map<int32_t, int> h;
  for (int i = 0; i < draws; ++i) ++h[s.Sample(logits)];
  return h;
}

TEST(Sampler, GreedyPicksTheHighestLogit) {
  Sampler s(Plain(0.0f));
  EXPECT_EQ(s.Sample(std::vector<float>{0.1f, 2.5f, -1.0f, 2.4f}), 1);
  EXPECT_EQ(s.Sample(std::vector<float>{-3.0f, -2.0f, -5.0f}), 1);
}

TEST(Sampler, GreedyBreaksTiesTowardTheLowestId) {
  Sampler s(Plain(0.0f));
  EXPECT_EQ(s.Sample(std::vector<float>{1.0f, 3.0f, 3.0f, 0.0f}), 1);
}

TEST(Sampler, TemperatureDrawsFollowTheSoftmax) {
  const std::vector<float> logits = {0.0f, 1.0f, 2.0f};
  for (float temperature : {0.5f, 1.0f, 2.0f}) {
    Sampler s(Plain(temperature, 11));
    const int draws = 40000;
    auto h = Histogram(s, logits, draws);
    double z = 0;
    for (float l : logits) z += std::exp(l / temperature);
    for (int id = 0; id < 3; ++id) {
      const double expected = std::exp(logits[id] / temperature) / z;
      const double got = static_cast<double>(h[id]) / draws;
      // 5 standard deviations of a binomial proportion.
      EXPECT_NEAR(got, expected, 5 * std::sqrt(expected * (1 - expected) / draws))
          << "token " << id << " at temperature " << temperature;
    }
  }
}

TEST(Sampler, LowTemperatureConcentratesOnTheTop) {
  Sampler s(Plain(0.05f, 3));
  auto h = Histogram(s, {0.0f, 1.0f, 1.5f}, 2000);
  EXPECT_GT(h[2], 1990);
}

TEST(Sampler, TopKOnlyEverDrawsTheKHighest) {
  SamplerOptions o = Plain(5.0f, 5);  // hot: without the filter every token would appear
  o.top_k = 2;
  Sampler s(o);
  auto h = Histogram(s, {0.3f, 0.1f, 0.5f, 0.0f, 0.4f}, 3000);
  EXPECT_EQ(std::set<int32_t>({2, 4}), [&] {
    std::set<int32_t> seen;
    for (auto& [id, n] : h) seen.insert(id);
    return seen;
  }());
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
  // Probabilities at temperature 1: 0.5, 0.25, 0.125, 0.125 (logits are log-probabilities).
  const std::vector<float> logits = {std::log(0.125f), std::log(0.5f), std::log(0.125f),
                                     std::log(0.25f)};
  SamplerOptions o = Plain(1.0f, 9);
  o.top_p = 0.7f;  // 0.5 < 0.7 <= 0.75: tokens 1 and 3
  Sampler s(o);
  auto h = Histogram(s, logits, 3000);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_GT(h[1], 0);
  EXPECT_GT(h[3], 0);
  // Renormalized over the kept two: 2/3 and 1/3.
  EXPECT_NEAR(h[1] / 3000.0, 2.0 / 3.0, 0.04);
}

TEST(Sampler, TopPAlwaysKeepsTheBestToken) {
  SamplerOptions o = Plain(1.0f, 2);
  o.top_p = 0.01f;
  Sampler s(o);
  auto h = Histogram(s, {0.0f, 0.2f, 0.1f}, 200);
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h[1], 200);
}

TEST(Sampler, MinPDropsTokensBelowAFractionOfTheBest) {
  // Probabilities proportional to 1, 0.5, 0.09: with min_p 0.1 the last is dropped.
  const std::vector<float> logits = {0.0f, std::log(0.5f), std::log(0.09f)};
  SamplerOptions o = Plain(3.0f, 4);
  o.min_p = 0.1f;
  Sampler s(o);
  auto h = Histogram(s, logits, 4000);
  EXPECT_EQ(h.count(2), 0u);
  EXPECT_GT(h[0], 0);
  EXPECT_GT(h[1], 0);
  o.min_p = 0.05f;  // now 0.09 >= 0.05 survives
  Sampler loose(o);
  EXPECT_GT(Histogram(loose, logits, 4000)[2], 0);
}

TEST(Sampler, RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogits) {
  SamplerOptions o = Plain(0.0f);
  o.repeat_penalty = 2.0f;
  Sampler s(o);
  // Token 0 (positive, 3.0 -> 1.5) loses to token 1 (2.0) once penalized.
  EXPECT_EQ(s.Sample(std::vector<float>{3.0f, 2.0f}), 0);
  s.Accept(0);
  EXPECT_EQ(s.Sample(std::vector<float>{3.0f, 2.0f}), 1);
  // A negative logit gets more negative: -1.0 -> -2.0 falls below -1.5.
  Sampler neg(o);
  neg.Accept(0);
  EXPECT_EQ(neg.Sample(std::vector<float>{-1.0f, -1.5f}), 1);
  Sampler fresh(o);
  EXPECT_EQ(fresh.Sample(std::vector<float>{-1.0f, -1.5f}), 0);
}

TEST(Sampler, RepetitionPenaltyAppliesOncePerDistinctToken) {
  SamplerOptions o = Plain(0.0f);
  o.repeat_penalty = 2.0f;
  Sampler s(o);
  for (int i = 0; i < 5; ++i) s.Accept(0);
  // 3.0 / 2 = 1.5 > 1.4 (it would be 0.09 if divided five times).
  EXPECT_EQ(s.Sample(std::vector<float>{3.0f, 1.4f}), 0);
}

TEST(Sampler, RepetitionPenaltyOnlySeesTheLastNTokens) {
  SamplerOptions o = Plain(0.0f);
  o.repeat_penalty = 2.0f;
  o.repeat_last_n = 2;
  Sampler s(o);
  s.Accept(0);
  s.Accept(2);
  EXPECT_EQ(s.Sample(std::vector<float>{3.0f, 2.0f, 0.0f}), 1);  // 0 is in the window
  s.Accept(2);                                                   // pushes 0 out
  EXPECT_EQ(s.Sample(std::vector<float>{3.0f, 2.0f, 0.0f}), 0);
}

TEST(Sampler, RepetitionPenaltyDoesNotChangeTheCallersLogits) {
  SamplerOptions o = Plain(0.0f);
  o.repeat_penalty = 2.0f;
  Sampler s(o);
  s.Accept(0);
  const std::vector<float> logits = {3.0f, 2.0f};
  (void)s.Sample(logits);
  EXPECT_EQ(logits[0], 3.0f);
}

TEST(Sampler, SameSeedGivesTheSameTokens) {
  SamplerOptions o = Plain(1.0f, 1234);
  o.top_k = 40;
  std::vector<float> logits(100);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(static_cast<float>(i));
  Sampler a(o), b(o);
  std::vector<int32_t> ta, tb;
  for (int i = 0; i < 50; ++i) {
    ta.push_back(a.Sample(logits));
    tb.push_back(b.Sample(logits));
  }
  EXPECT_EQ(ta, tb);
  o.seed = 1235;
  Sampler c(o);
  std::vector<int32_t> tc;
  for (int i = 0; i < 50; ++i) tc.push_back(c.Sample(logits));
  EXPECT_NE(ta, tc);
}

TEST(Sampler, ResetRestartsFromTheSeedAndForgetsHistory) {
  SamplerOptions o = Plain(1.0f, 77);
  o.repeat_penalty = 1.5f;
  Sampler s(o);
  const std::vector<float> logits = {0.0f, 0.5f, 1.0f, 0.2f};
  std::vector<int32_t> first, second;
  for (int i = 0; i < 20; ++i) {
    first.push_back(s.Sample(logits));
    s.Accept(first.back());
  }
  s.Reset();
  for (int i = 0; i < 20; ++i) {
    second.push_back(s.Sample(logits));
    s.Accept(second.back());
  }
  EXPECT_EQ(first, second);
}

TEST(Sampler, RecognizesStopTokens) {
  SamplerOptions o = Plain(0.0f);
  o.stop_tokens = {2, 32000};
  Sampler s(o);
  EXPECT_TRUE(s.IsStop(2));
  EXPECT_TRUE(s.IsStop(32000));
  EXPECT_FALSE(s.IsStop(1));
}

TEST(Sampler, SingleTokenVocabularyAlwaysReturnsIt) {
  SamplerOptions o;  // llama.cpp-like defaults, all filters on
  Sampler s(o);
  EXPECT_EQ(s.Sample(std::vector<float>{0.3f}), 0);
}

}  // namespace
}  // namespace ptmo::engine
