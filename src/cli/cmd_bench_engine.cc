// `ptmo bench-engine`: prompt-processing and generation speed of a model, set against this
// machine's memory read bandwidth measured in the same run. Generation of one token reads every
// weight matrix once, so bandwidth / (bytes of weights per token) bounds tokens per second;
// the table shows how close generation comes to that bound.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "engine/model.h"
#include "tensor/cpu_features.h"
#include "tensor/dtype.h"
#include "tensor/kernels.h"
#include "tensor/thread_pool.h"

namespace ptmo::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchEngineFlags {
  std::string model;
  int threads = 1;
  int prompt_tokens = 128;
  int gen_tokens = 64;
  int rounds = 3;
  int64_t bandwidth_mib = 1024;  // large enough to defeat any cache
  int bandwidth_passes = 2;
  // Tokens of the round interleaved with bandwidth passes (unset: gen_tokens); 0: none.
  std::optional<int> paired_tokens;
  std::string kernels = "best";
  bool no_repack = false;
  RepackCacheFlags repack_cache;
};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ---- memory read bandwidth ----

// Sums `n` 64-bit words (n a multiple of 16) with four independent 256-bit accumulators, so
// the loads, not the adds, limit the speed.
__attribute__((target("avx2"))) uint64_t SumWordsAvx2(const uint64_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < n; i += 16) {
    a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 4)));
    a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 8)));
    a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 12)));
  }
  const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// Portable version: eight independent scalar sums (two 64-byte lines in flight per step).
uint64_t SumWordsScalar(const uint64_t* p, size_t n) {
  uint64_t s[8] = {};
  for (size_t i = 0; i < n; i += 8) {
    for (int j = 0; j < 8; ++j) s[j] += p[i + j];
  }
  uint64_t total = 0;
  for (uint64_t v : s) total += v;
  return total;
}

// Where the bandwidth test's sum ends up, so the compiler must perform every read.
volatile uint64_t g_bandwidth_sink = 0;

// A buffer for timing plain reads with the pool's threads (each task sums one 1 MiB chunk).
// Passes are taken around the generation rounds, so the limit reflects the memory speed of
// the same minutes (this machine's bandwidth moves with other tenants by up to 2x); the best
// pass counts, as STREAM reports it.
class BandwidthProbe {
 public:
  // Allocates and fills `mib` MiB (faulting every page in). kResourceExhausted when the buffer
  // cannot be allocated.
  static Expected<std::unique_ptr<BandwidthProbe>> Create(int64_t mib, tensor::ThreadPool& pool) {
    constexpr size_t kChunkWords = kChunkBytes / sizeof(uint64_t);
    const auto chunks = static_cast<size_t>(mib);
    auto* buf = static_cast<uint64_t*>(std::aligned_alloc(64, chunks * kChunkBytes));
    if (buf == nullptr) {
      return ResourceExhausted("cannot allocate " + std::to_string(mib) +
                               " MiB for the bandwidth test (see --bandwidth-mib)");
    }
    auto probe = std::unique_ptr<BandwidthProbe>(new BandwidthProbe(buf, chunks, pool));
    pool.ParallelFor(static_cast<int64_t>(chunks), [&](int64_t c) {
      uint64_t* p = buf + static_cast<size_t>(c) * kChunkWords;
      for (size_t i = 0; i < kChunkWords; ++i) p[i] = i ^ static_cast<uint64_t>(c);
    });
    probe->Pass();  // warm-up, untimed in the result
    probe->best_ = 0;
    probe->passes_ = 0;
    return probe;
  }
  ~BandwidthProbe() { std::free(buf_); }

  // One timed pass; returns its GB/s and keeps the best.
  double Pass() {
    constexpr size_t kChunkWords = kChunkBytes / sizeof(uint64_t);
    const auto t0 = Clock::now();
    pool_.ParallelFor(static_cast<int64_t>(chunks_), [&](int64_t c) {
      const uint64_t* p = buf_ + static_cast<size_t>(c) * kChunkWords;
      sums_[static_cast<size_t>(c)] =
          avx2_ ? SumWordsAvx2(p, kChunkWords) : SumWordsScalar(p, kChunkWords);
    });
    const double s = Seconds(t0, Clock::now());
    for (uint64_t v : sums_) checksum_ += v;
    const double gb = s > 0 ? static_cast<double>(chunks_ * kChunkBytes) / s / 1e9 : 0.0;
    best_ = std::max(best_, gb);
    ++passes_;
    return gb;
  }

  double best_gb_per_s() const { return best_; }
  int passes() const { return passes_; }
  uint64_t checksum() const { return checksum_; }  // so the reads cannot be optimized away
  bool avx2() const { return avx2_; }

 private:
  static constexpr size_t kChunkBytes = size_t(1) << 20;

  BandwidthProbe(uint64_t* buf, size_t chunks, tensor::ThreadPool& pool)
      : buf_(buf), chunks_(chunks), pool_(pool), sums_(chunks) {}

  uint64_t* buf_;
  size_t chunks_;
  tensor::ThreadPool& pool_;
  std::vector<uint64_t> sums_;
  bool avx2_ = tensor::HostCpuFeatures().avx2;
  double best_ = 0;
  int passes_ = 0;
  uint64_t checksum_ = 0;
};

// ---- memory ----

// A "Vm..." / "Rss..." line of /proc/self/status in bytes; -1 when unavailable (not Linux).
int64_t ProcStatusBytes(const std::string& field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  int64_t kb = -1;
  const std::string prefix = field + ":";
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::strncmp(line, prefix.c_str(), prefix.size()) == 0) {
      kb = std::strtoll(line + prefix.size(), nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

std::string Megabytes(int64_t bytes) {
  return bytes < 0 ? std::string("n/a") : Fixed(static_cast<double>(bytes) / 1e6, 1) + " MB";
}

// ---- model speed ----

struct RoundTimes {
  double prompt_tok_per_s = 0.0;
  double gen_tok_per_s = 0.0;
};

// The token greedy decoding picks: the first of the largest logits.
int32_t GreedyNext(std::span<const float> logits) {
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

// Processes `prompt` from position 0, then generates greedily for `gen_tokens` tokens (each
// generated token is run through the model, as in real decoding).
Expected<RoundTimes> RunRound(engine::Session& session, const std::vector<int32_t>& prompt,
                              int gen_tokens) {
  session.Reset();
  const auto t0 = Clock::now();
  PTMO_ASSIGN_OR_RETURN(std::span<const float> logits, session.Prefill(prompt, 0));
  const auto t1 = Clock::now();
  int64_t pos = static_cast<int64_t>(prompt.size());
  for (int i = 0; i < gen_tokens; ++i) {
    const int32_t next = GreedyNext(logits);
    PTMO_ASSIGN_OR_RETURN(logits, session.Forward(next, pos++));
  }
  const auto t2 = Clock::now();
  RoundTimes r;
  r.prompt_tok_per_s = static_cast<double>(prompt.size()) / std::max(1e-9, Seconds(t0, t1));
  r.gen_tok_per_s = gen_tokens / std::max(1e-9, Seconds(t1, t2));
  return r;
}

// Generation interleaved with bandwidth passes: pass, token, pass, token, ..., pass. Each
// token's speed is set against the better of the two passes beside it (~20-60 ms away), so
// bandwidth swings slower than that cancel out. Returns each token's percentage of the limit.
Expected<std::vector<double>> RunPairedRound(engine::Session& session,
                                             const std::vector<int32_t>& prompt, int tokens,
                                             double bytes_per_token, BandwidthProbe& probe) {
  session.Reset();
  PTMO_ASSIGN_OR_RETURN(std::span<const float> logits, session.Prefill(prompt, 0));
  int64_t pos = static_cast<int64_t>(prompt.size());
  std::vector<double> percent;
  double before = probe.Pass();
  for (int i = 0; i < tokens; ++i) {
    const int32_t next = GreedyNext(logits);
    const auto t0 = Clock::now();
    PTMO_ASSIGN_OR_RETURN(logits, session.Forward(next, pos++));
    const double seconds = std::max(1e-9, Seconds(t0, Clock::now()));
    const double after = probe.Pass();
    const double adjacent = std::max(before, after);
    percent.push_back(100.0 * bytes_per_token / seconds / (adjacent * 1e9));
    before = after;
  }
  return percent;
}

std::string MatrixTypes(const engine::ModelWeights& w) {
  std::vector<std::string> names;
  auto add = [&](const tensor::WeightMatrix& m) {
    std::string n(tensor::DTypeName(m.type));
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const engine::LayerWeights& l : w.layers) {
    for (const auto* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) add(*m);
  }
  add(w.output);
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "/") + n;
  return out;
}

const tensor::Kernels* KernelSet(const std::string& name) {
  if (name == "best") return &tensor::BestKernels();
  if (name == "scalar") return &tensor::ScalarKernels();
  if (name == "avx2") return tensor::Avx2Kernels();
  if (name == "avx512vnni") return tensor::Avx512VnniKernels();
  return nullptr;
}

int RunBenchEngine(const BenchEngineFlags& f) {
  const int paired_tokens = f.paired_tokens.value_or(f.gen_tokens);
  const tensor::Kernels* kernels = KernelSet(f.kernels);
  if (kernels == nullptr) {
    return Fail("--kernels '" + f.kernels +
                "' is not available on this CPU (best, scalar, avx2, avx512vnni)");
  }
  const int64_t rss_before_load = ProcStatusBytes("VmRSS");
  const auto load_start = Clock::now();
  engine::LoadOptions load_options;
  load_options.repack.rows8 = !f.no_repack;
  load_options.repack.cache_dir = RepackCacheDir(f.repack_cache);
  auto model = engine::Model::Load(f.model, load_options);
  if (!model.ok()) return Fail(model.status());
  const double load_s = Seconds(load_start, Clock::now());
  const engine::ModelConfig& c = (*model)->config();
  const int64_t needed = int64_t{f.prompt_tokens} + std::max(f.gen_tokens, paired_tokens);
  if (needed > c.n_ctx_train) {
    return Fail("--prompt-tokens + --gen-tokens (or --paired-tokens) (" + std::to_string(needed) +
                ") exceed the context of model '" + f.model + "' (" +
                std::to_string(c.n_ctx_train) + " positions)");
  }
  tensor::ThreadPool pool(f.threads);
  engine::SessionOptions so;
  so.n_ctx = needed;
  so.pool = &pool;
  so.kernels = kernels;
  auto session = engine::Session::Create(**model, so);
  if (!session.ok()) return Fail(session.status());

  // A fixed pseudo-random prompt (any ids do: the work per token does not depend on them).
  std::vector<int32_t> prompt(static_cast<size_t>(f.prompt_tokens));
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int32_t& t : prompt) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    t = static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(c.n_vocab));
  }

  std::cerr << "bench-engine: " << f.model << ", " << f.threads << " threads, " << f.prompt_tokens
            << " prompt + " << f.gen_tokens << " generated tokens, " << f.rounds
            << " rounds after 1 warm-up\n";
  if (auto warm = RunRound(**session, prompt, f.gen_tokens); !warm.ok()) return Fail(warm.status());
  // After the warm-up every weight has been read (file pages resident) and before the bandwidth
  // buffer exists: the engine's own footprint.
  const int64_t rss = ProcStatusBytes("VmRSS");
  const int64_t rss_file = ProcStatusBytes("RssFile");
  const int64_t rss_anon = ProcStatusBytes("RssAnon");
  const auto file_size = static_cast<int64_t>((*model)->gguf().file_size());
  const auto kv_bytes = static_cast<int64_t>((*session)->kv_cache().bytes());

  auto probe = BandwidthProbe::Create(f.bandwidth_mib, pool);
  if (!probe.ok()) return Fail(probe.status());
  // Best pass of each set: set r is taken just before round r, the last one after the last round.
  std::vector<double> bandwidth_sets;
  auto probe_passes = [&] {
    double best = 0;
    for (int i = 0; i < f.bandwidth_passes; ++i) best = std::max(best, (*probe)->Pass());
    bandwidth_sets.push_back(best);
  };
  std::vector<double> pp, tg;
  for (int r = 0; r < f.rounds; ++r) {
    probe_passes();
    auto times = RunRound(**session, prompt, f.gen_tokens);
    if (!times.ok()) return Fail(times.status());
    pp.push_back(times->prompt_tok_per_s);
    tg.push_back(times->gen_tok_per_s);
  }
  probe_passes();
  const engine::ModelWeights& w = (*model)->weights();
  const double bytes_per_token = static_cast<double>(w.BytesReadPerToken());
  std::vector<double> paired_percent;
  if (paired_tokens > 0) {
    auto paired = RunPairedRound(**session, prompt, paired_tokens, bytes_per_token, **probe);
    if (!paired.ok()) return Fail(paired.status());
    paired_percent = std::move(*paired);
  }
  const double pp_median = Median(pp);
  const double tg_median = Median(tg);
  const double bandwidth = (*probe)->best_gb_per_s();
  const double limit = bandwidth * 1e9 / bytes_per_token;
  // Each round against the bandwidth of its own minutes (the better of the sets just before and
  // just after it): other tenants move this machine's bandwidth by up to 2x between rounds.
  std::vector<double> round_percent;
  for (size_t r = 0; r < tg.size(); ++r) {
    const double adjacent = std::max(bandwidth_sets[r], bandwidth_sets[r + 1]);
    round_percent.push_back(100.0 * tg[r] * bytes_per_token / (adjacent * 1e9));
  }

  auto range = [](const std::vector<double>& v) {
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return Fixed(*lo, 1) + " .. " + Fixed(*hi, 1);
  };
  std::cout << "model   " << f.model << ": " << c.arch_name << ", " << c.n_layer << " layers, "
            << c.n_embd << " wide, vocab " << c.n_vocab << ", matrices " << MatrixTypes(w)
            << (c.tied_output ? ", tied output" : "") << "\n";
  std::cout << "threads " << f.threads << ", kernels " << kernels->name << ", rounds " << f.rounds
            << " (median; range shown)\n\n";
  Table t({"MEASURE", "VALUE", "NOTE"});
  t.AddRow({"prompt processing", Fixed(pp_median, 1) + " tok/s",
            std::to_string(f.prompt_tokens) + " tokens; " + range(pp)});
  t.AddRow({"generation", Fixed(tg_median, 1) + " tok/s",
            std::to_string(f.gen_tokens) + " tokens; " + range(tg)});
  t.AddRow({"memory read bandwidth", Fixed(bandwidth, 2) + " GB/s",
            std::to_string(f.bandwidth_mib) + " MiB, best of " +
                std::to_string((*probe)->passes()) + " passes around the rounds" +
                (paired_percent.empty() ? "" : " and in the paired round") +
                ((*probe)->avx2() ? ", avx2" : ", scalar")});
  t.AddRow({"weights read per token", Fixed(bytes_per_token / 1e6, 2) + " MB",
            "every matrix + output + 1 embedding row"});
  t.AddRow({"bandwidth limit", Fixed(limit, 1) + " tok/s", "bandwidth / bytes per token"});
  t.AddRow({"generation vs limit", Fixed(100.0 * tg_median / limit, 1) + " %",
            "median generation / limit at the best pass"});
  t.AddRow({"  per round", Fixed(Median(round_percent), 1) + " %",
            "median; each round / limit at the passes beside it; " + range(round_percent)});
  if (!paired_percent.empty()) {
    t.AddRow({"  paired per token", Fixed(Median(paired_percent), 1) + " %",
              "median; " + std::to_string(paired_percent.size()) +
                  " tokens, each / limit at the passes beside it; " + range(paired_percent)});
  }
  const engine::RepackedWeights& repacked = (*model)->repacked();
  t.AddRow({"model load", Fixed(load_s * 1e3, 1) + " ms",
            "map + check tensors; file " + Megabytes(file_size) + "; " + RepackSummary(repacked)});
  // Resident memory the model added: the process's VmRSS now minus before loading (the binary
  // and its libraries), against what it should be: the file (mapped, so its pages count once
  // touched) plus the KV cache plus scratch.
  t.AddRow({"resident memory (model)", Megabytes(rss - rss_before_load),
            "file " + Megabytes(file_size) + " + KV " + Megabytes(kv_bytes) + "; VmRSS " +
                Megabytes(rss) + " (file pages " + Megabytes(rss_file) + ", anon " +
                Megabytes(rss_anon) + ")"});
  t.Print(std::cout, 80);
  g_bandwidth_sink = (*probe)->checksum();  // the sums are used, so the reads stay
  return 0;
}

}  // namespace

void RegisterBenchEngine(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<BenchEngineFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench-engine",
      "Measure a model's prompt and generation tokens/s and compare generation with the limit "
      "set by this machine's memory bandwidth (measured in the same run)");
  cmd->add_option("--model,-m", flags->model, "Model file (.gguf)")->required();
  cmd->add_option("--threads,-t", flags->threads, "Threads (also for the bandwidth test)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--prompt-tokens", flags->prompt_tokens, "Prompt length")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--gen-tokens", flags->gen_tokens, "Tokens generated per round")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--rounds", flags->rounds, "Timed rounds (median reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--bandwidth-mib", flags->bandwidth_mib,
                  "Buffer read by the bandwidth test, MiB (>= 1024 to exceed caches)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--bandwidth-passes", flags->bandwidth_passes,
                  "Timed passes over the buffer before each round and after the last")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--paired-tokens", flags->paired_tokens,
                  "Tokens of an extra round with a bandwidth pass between every two tokens "
                  "(default: --gen-tokens; 0: skip it)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--kernels", flags->kernels,
                  "Kernel set: best, scalar, avx2 or avx512vnni (to compare them)")
      ->capture_default_str();
  cmd->add_flag(
      "--no-repack", flags->no_repack,
      "Read every matrix in the file's layout (no Q4_0/Q4_K repacking at load), to compare");
  AddRepackCacheFlags(cmd, &flags->repack_cache);
  cmd->callback([flags, exit_code] { *exit_code = RunBenchEngine(*flags); });
}

}  // namespace ptmo::cli
