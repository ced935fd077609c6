// Google Benchmark version of `ptmo bench-privacy`: the same corpus (1 KB prompts, a quarter
// with PII) through the same scenarios, so regressions show in benchmark-compare tooling.
// Baselines (memchr pass, one trivial RE2 pattern) run in the same binary for reference.
//
//   ./privacy_bench --benchmark_filter=Analyze
// Uses $PTMO_DATA_DIR (or the compiled-in data dir) for the NER model.
#include "eval/privacy_bench.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "privacy/analyzer.h"

namespace {

using ptmo::eval::BenchCorpusOptions;

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = ptmo::eval::BuildBenchCorpus(BenchCorpusOptions{});
  return corpus;
}

// Builds one Analyzer per configuration for the whole run; nullptr (with `error` set) when
// it cannot be built, e.g. the NER model is missing.
const ptmo::privacy::Analyzer* GetAnalyzer(bool ner, std::string* error) {
  struct Built {
    std::unique_ptr<ptmo::privacy::Analyzer> analyzer;
    std::string error;
  };
  auto build = [](bool with_ner) {
    ptmo::privacy::AnalyzerOptions options;
    options.enable_ner = with_ner;
    auto made = ptmo::privacy::Analyzer::Create(options);
    Built b;
    if (made.ok()) {
      b.analyzer = std::move(made).value();
    } else {
      b.error = made.status().ToString();
    }
    return b;
  };
  static const Built rules = build(false);
  static const Built with_ner = build(true);
  const Built& b = ner ? with_ner : rules;
  *error = b.error;
  return b.analyzer.get();
}

// Runs `scan` over the corpus one prompt per iteration, reporting bytes processed.
template <typename Scan>
void RunOverCorpus(benchmark::State& state, Scan scan) {
  const auto& corpus = Corpus();
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string& prompt = corpus[i];
    scan(prompt);
    bytes += prompt.size();
    if (++i == corpus.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Baseline_Memchr(benchmark::State& state) {
  RunOverCorpus(
      state, [](const std::string& p) { benchmark::DoNotOptimize(ptmo::eval::CountNewlines(p)); });
}
BENCHMARK(BM_Baseline_Memchr);

void BM_Baseline_Re2OnePattern(benchmark::State& state) {
  RunOverCorpus(state, [](const std::string& p) {
    benchmark::DoNotOptimize(ptmo::eval::CountTrivialPatternMatches(p));
  });
}
BENCHMARK(BM_Baseline_Re2OnePattern);

void AnalyzeBenchmark(benchmark::State& state, bool ner) {
  std::string error;
  const ptmo::privacy::Analyzer* analyzer = GetAnalyzer(ner, &error);
  if (analyzer == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  RunOverCorpus(state, [analyzer](const std::string& p) {
    auto analysis = analyzer->Analyze(p);
    benchmark::DoNotOptimize(analysis);
  });
}

void BM_Analyze_RulesOnly(benchmark::State& state) {
  AnalyzeBenchmark(state, false);
}
BENCHMARK(BM_Analyze_RulesOnly);

void BM_Analyze_RulesAndNer(benchmark::State& state) {
  AnalyzeBenchmark(state, true);
}
BENCHMARK(BM_Analyze_RulesAndNer);

// Several threads sharing one Analyzer (it is documented thread-safe).
void BM_Analyze_RulesOnly_Threads(benchmark::State& state) {
  AnalyzeBenchmark(state, false);
}
BENCHMARK(BM_Analyze_RulesOnly_Threads)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
