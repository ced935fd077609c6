#include "eval/privacy_bench.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "util/utf8.h"

namespace ptmo::eval {
namespace {

TEST(BuildBenchCorpus, MakesPromptsOfExactlyTheRequestedSizeInValidUtf8) {
  BenchCorpusOptions options;
  options.prompts = 200;
  options.prompt_bytes = 1024;
  options.korean_fraction = 0.5;  // many multi-byte cuts at the end
  auto corpus = BuildBenchCorpus(options);
  ASSERT_EQ(corpus.size(), 200u);
  for (const std::string& p : corpus) {
    EXPECT_EQ(p.size(), 1024u);
    EXPECT_TRUE(utf8::IsValid(p));
  }
}

TEST(BuildBenchCorpus, IsDeterministicForAGivenSeed) {
  BenchCorpusOptions options;
  options.prompts = 50;
  EXPECT_EQ(BuildBenchCorpus(options), BuildBenchCorpus(options));
  BenchCorpusOptions other = options;
  other.seed = options.seed + 1;
  EXPECT_NE(BuildBenchCorpus(options), BuildBenchCorpus(other));
}

TEST(BuildBenchCorpus, PutsPiiIntoRoughlyTheRequestedShareOfPrompts) {
  BenchCorpusOptions options;
  options.prompts = 1000;
  options.pii_fraction = 0.25;
  auto corpus = BuildBenchCorpus(options);
  // Every PII sentence in the pool has an '@', a digit group with a dash, or a key prefix; a
  // cheap proxy: the prompts containing one of the values written into the pool.
  size_t with_pii = 0;
  for (const std::string& p : corpus) {
    for (const char* marker :
         {"@meridian", "555-0172", "4377 5945", "DE59", "575-41", "AKIA", "ghp_", "203.0.113",
          "Ellison", "0x1103", "Wint3r", "010-4821", "920611", "110-234"}) {
      if (p.find(marker) != std::string::npos) {
        ++with_pii;
        break;
      }
    }
  }
  // Some PII sentences fall past the 1 KB cut, so the share is at most the target.
  EXPECT_GT(with_pii, 150u);
  EXPECT_LE(with_pii, 300u);
}

TEST(Percentile, UsesNearestRank) {
  std::vector<double> v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
  EXPECT_EQ(Percentile(v, 0.5), 5);
  EXPECT_EQ(Percentile(v, 0.99), 10);
  EXPECT_EQ(Percentile(v, 0.0), 1);
  EXPECT_EQ(Percentile({}, 0.5), 0);
}

TEST(TimeScenario, TimesEveryPromptInBothPhasesOnEveryThreadAfterAWarmUp) {
  std::vector<std::string> corpus = {"abc", "defg"};
  std::atomic<int> calls{0};
  BenchStats s = TimeScenario(corpus, 3, 2, [&](std::string_view) { ++calls; });
  // warm-up pass + (throughput + latency phases) x passes x prompts x threads
  EXPECT_EQ(calls.load(), 2 + 2 * 3 * 2 * 2);
  EXPECT_EQ(s.calls, 12u);
  EXPECT_EQ(s.bytes, 7u * 3 * 2);
  EXPECT_EQ(s.pass_bytes, 7u * 2);
  EXPECT_GT(s.median_pass_seconds, 0.0);
  EXPECT_LE(s.median_pass_seconds, s.wall_seconds);
  EXPECT_GE(s.p99_ms, s.p50_ms);
  EXPECT_GE(s.max_ms, s.p99_ms);
}

TEST(Baselines, CountWhatTheySay) {
  EXPECT_EQ(CountNewlines("a\nb\n\nc"), 3u);
  EXPECT_EQ(CountNewlines(""), 0u);
  EXPECT_EQ(CountTrivialPatternMatches("call 555-0172 or 555-9999, not 55-12345"), 2u);
}

}  // namespace
}  // namespace ptmo::eval
