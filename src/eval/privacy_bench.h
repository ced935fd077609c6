// The privacy-guard benchmark shared by `ptmo bench-privacy` and bench/privacy_bench.cc:
// a deterministic corpus of realistic prompts, same-run baselines, and latency statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::eval {

struct BenchCorpusOptions {
  size_t prompt_bytes = 1024;  // every prompt is exactly this long (valid UTF-8, padded)
  size_t prompts = 512;
  double pii_fraction = 0.25;  // share of prompts that carry one to three PII sentences
  double korean_fraction = 0.2;
  uint64_t seed = 0x5eed;
};

// Builds the corpus: chat-like English and Korean sentences, code lines and log lines, with
// emails, phones, cards, IBANs, keys etc. mixed into a `pii_fraction` share of the prompts.
// The same options always give the same bytes (own PRNG, no std distributions).
std::vector<std::string> BuildBenchCorpus(const BenchCorpusOptions& options);

// Latency and throughput of one scenario over a corpus.
//
// Throughput comes from the median pass over the corpus, not from the total time, so that a
// pass slowed by another process does not skew it; it is given both in wall-clock time and
// in the scanning thread's CPU time. The CPU figure is what the code costs and holds steady on
// a shared, loaded machine; the wall figure is what a user waits. Per-call latencies are also
// taken both ways, over every call of every pass.
struct BenchStats {
  size_t calls = 0;                      // timed calls (latency phase)
  size_t bytes = 0;                      // scanned in all passes of all threads
  size_t pass_bytes = 0;                 // one pass over the corpus, times the thread count
  double wall_seconds = 0.0;             // elapsed time of the throughput phase
  double median_pass_seconds = 0.0;      // median wall time of one pass (all threads' passes)
  double median_pass_cpu_seconds = 0.0;  // median thread CPU time of one pass
  double p50_ms = 0.0;                   // per-call wall-clock latency percentiles
  double p99_ms = 0.0;
  double max_ms = 0.0;
  double p50_cpu_ms = 0.0;  // per-call thread CPU time percentiles
  double p99_cpu_ms = 0.0;
  // MB/s (10^6 bytes) of the median pass in wall-clock time; with several threads, their
  // aggregate.
  double mb_per_s() const { return Rate(median_pass_seconds); }
  // The same in CPU time.
  double cpu_mb_per_s() const { return Rate(median_pass_cpu_seconds); }
  // MB/s over the whole run, every pass included, wall-clock.
  double overall_mb_per_s() const { return wall_seconds > 0 ? bytes / wall_seconds / 1e6 : 0.0; }

 private:
  double Rate(double seconds) const { return seconds > 0 ? pass_bytes / seconds / 1e6 : 0.0; }
};

// The `q`-quantile (0..1) of `values` by nearest rank; 0 for an empty vector. Sorts a copy.
double Percentile(std::vector<double> values, double q);

// Times `scan` over the corpus on `threads` threads at once (each thread makes every pass;
// `scan` must be thread-safe when threads > 1): one untimed warm-up pass, then `iterations`
// passes timed as a whole (throughput), then `iterations` passes with every call timed
// (latency), so that the clock reads of the second phase do not slow the first.
BenchStats TimeScenario(const std::vector<std::string>& corpus, int iterations, int threads,
                        const std::function<void(std::string_view)>& scan);

// Baseline 1: counts newlines with memchr (a lower bound on any full pass over the bytes).
size_t CountNewlines(std::string_view text);

// Baseline 2: RE2 with one trivial pattern (a run of 3 digits, a dash and 4 digits), counting
// matches; what a single-pattern scanner costs on the same bytes.
size_t CountTrivialPatternMatches(std::string_view text);

}  // namespace ptmo::eval
