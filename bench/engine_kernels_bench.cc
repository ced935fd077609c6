// Google Benchmark for the engine's matrix kernels (tensor/matvec.h): one TinyLlama-sized
// matrix (2048 x 5632, ffn_down's shape: 5632 wide) per weight type, multiplied with one token
// (decode: MatVec) and with a batch of 32 tokens (prefill: MatMul), on every kernel set the
// CPU has. The scalar set runs in the same binary as the baseline, and a plain memory sweep
// over the same bytes shows how far each decode kernel is from the bandwidth bound.
//
//   ./engine_kernels_bench --benchmark_filter='MatVec/q4_0'
//
// Counters: MAC/s = multiply-adds per second; bytes/s = weight bytes read per second
// (for MatMul each weight byte once per call, i.e. per 32 tokens).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/kernels.h"
#include "tensor/matvec.h"
#include "tensor/quantize.h"
#include "tensor/repack.h"
#include "tensor/thread_pool.h"

namespace {

using ptmo::tensor::ActivationBuffer;
using ptmo::tensor::DType;
using ptmo::tensor::Kernels;
using ptmo::tensor::WeightMatrix;

constexpr int64_t kRows = 2048;
constexpr int64_t kCols = 5632;
constexpr int64_t kBatch = 32;

struct Fixture {
  std::vector<uint8_t> weights;
  WeightMatrix view;
  ActivationBuffer one;
  std::vector<uint32_t> batch;  // kBatch prepared rows
  size_t batch_stride = 0;
};

std::vector<float> Noise(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = dist(rng);
  return v;
}

const Fixture& GetFixture(DType type) {
  static std::vector<std::pair<DType, Fixture*>> cache;
  for (auto& [t, f] : cache) {
    if (t == type) return *f;
  }
  auto* f = new Fixture;  // lives for the program, like the benchmark registry
  const std::vector<float> w = Noise(kRows * kCols, 1);
  f->weights.resize(*ptmo::tensor::RowBytes(type, kRows * kCols));
  (void)ptmo::tensor::QuantizeRow(type, w.data(), f->weights.data(), kRows * kCols);
  f->view = {type, f->weights.data(), kRows, kCols};
  const std::vector<float> x = Noise(kCols * kBatch, 2);
  f->one.Prepare(type, x.data(), kCols);
  const DType at = ptmo::tensor::ActivationType(type);
  f->batch_stride = (*ptmo::tensor::RowBytes(at, kCols) + 3) / 4 * 4;
  f->batch.resize(f->batch_stride * kBatch / 4);
  auto* base = reinterpret_cast<uint8_t*>(f->batch.data());
  for (int64_t t = 0; t < kBatch; ++t) {
    ptmo::tensor::PrepareActivations(type, x.data() + t * kCols, base + t * f->batch_stride, kCols);
  }
  cache.emplace_back(type, f);
  return *f;
}

// The fixture of `type` with its weights repacked into 8-row groups (tensor/repack.h).
const Fixture& GetRows8Fixture(DType type) {
  static std::vector<std::pair<DType, Fixture*>> cache;
  for (auto& [t, f] : cache) {
    if (t == type) return *f;
  }
  auto* f = new Fixture(GetFixture(type));
  const WeightMatrix src = {type, f->weights.data(), kRows, kCols};
  std::vector<uint8_t> packed(*ptmo::tensor::Rows8Bytes(type, kRows, kCols));
  ptmo::tensor::RepackRows8(src, 0, kRows, packed.data());
  f->weights = std::move(packed);
  f->view = ptmo::tensor::Rows8View(src, f->weights.data());
  cache.emplace_back(type, f);
  return *f;
}

const Fixture& FixtureFor(DType type, bool rows8) {
  return rows8 ? GetRows8Fixture(type) : GetFixture(type);
}

void SetCounters(benchmark::State& state, const Fixture& f, int64_t tokens) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["MAC/s"] = benchmark::Counter(iters * static_cast<double>(kRows * kCols * tokens),
                                               benchmark::Counter::kIsRate);
  state.counters["bytes/s"] = benchmark::Counter(iters * static_cast<double>(f.weights.size()),
                                                 benchmark::Counter::kIsRate);
}

void BM_MatVec(benchmark::State& state, DType type, const Kernels* kernels, bool rows8) {
  const Fixture& f = FixtureFor(type, rows8);
  std::vector<float> y(kRows);
  for (auto _ : state) {
    ptmo::tensor::MatVec(f.view, f.one, y.data(), {.kernels = kernels});
    benchmark::DoNotOptimize(y.data());
  }
  SetCounters(state, f, 1);
}

void BM_MatMul32(benchmark::State& state, DType type, const Kernels* kernels, bool rows8) {
  const Fixture& f = FixtureFor(type, rows8);
  std::vector<float> y(kRows * kBatch);
  for (auto _ : state) {
    ptmo::tensor::MatMul(f.view, f.batch.data(), f.batch_stride, kBatch, y.data(),
                         {.kernels = kernels});
    benchmark::DoNotOptimize(y.data());
  }
  SetCounters(state, f, kBatch);
}

// The bandwidth bound for the same bytes: a plain sum over the weight buffer.
void BM_Baseline_ReadWeights(benchmark::State& state, DType type) {
  const Fixture& f = GetFixture(type);
  const auto* p = reinterpret_cast<const uint64_t*>(f.weights.data());
  const size_t words = f.weights.size() / 8;
  for (auto _ : state) {
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i + 4 <= words; i += 4) {
      s0 += p[i];
      s1 += p[i + 1];
      s2 += p[i + 2];
      s3 += p[i + 3];
    }
    benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
  }
  state.counters["bytes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(f.weights.size()),
      benchmark::Counter::kIsRate);
}

// Decode as the engine runs it: many matrices (kDramCopies copies of the fixture, ~300 MB, far
// beyond every cache) multiplied one after another with one token on a 2-thread pool, against a
// 2-thread plain read of the same bytes. The ratio of the two bytes/s is the kernel's share of
// the memory bandwidth.
constexpr int kDramCopies = 48;

struct DramFixture {
  std::vector<uint8_t> bytes;
  std::vector<WeightMatrix> views;
};

const DramFixture& GetDramFixture(DType type, bool rows8) {
  static std::vector<std::pair<std::pair<DType, bool>, DramFixture*>> cache;
  for (auto& [key, f] : cache) {
    if (key.first == type && key.second == rows8) return *f;
  }
  const Fixture& one = FixtureFor(type, rows8);
  auto* f = new DramFixture;
  const size_t size = one.weights.size();
  f->bytes.resize(size * kDramCopies);
  for (int c = 0; c < kDramCopies; ++c) {
    std::copy(one.weights.begin(), one.weights.end(), f->bytes.begin() + c * size);
    WeightMatrix v = one.view;
    v.data = f->bytes.data() + c * size;
    f->views.push_back(v);
  }
  cache.push_back({{type, rows8}, f});
  return *f;
}

ptmo::tensor::ThreadPool& TwoThreads() {
  static ptmo::tensor::ThreadPool pool(2);
  return pool;
}

void BM_MatVecDram(benchmark::State& state, DType type, const Kernels* kernels, bool rows8) {
  const DramFixture& d = GetDramFixture(type, rows8);
  const Fixture& f = FixtureFor(type, rows8);
  std::vector<float> y(kRows);
  for (auto _ : state) {
    for (const WeightMatrix& w : d.views) {
      ptmo::tensor::MatVec(w, f.one, y.data(), {.kernels = kernels, .pool = &TwoThreads()});
    }
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["bytes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(d.bytes.size()),
      benchmark::Counter::kIsRate);
}

void BM_Baseline_ReadDram(benchmark::State& state, DType type, bool rows8) {
  const DramFixture& d = GetDramFixture(type, rows8);
  const auto* p = reinterpret_cast<const uint64_t*>(d.bytes.data());
  const int64_t words = static_cast<int64_t>(d.bytes.size() / 8);
  uint64_t sums[2] = {};
  for (auto _ : state) {
    TwoThreads().ParallelFor(2, [&](int64_t half) {
      uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const int64_t begin = half * (words / 2), end = begin + words / 2;
      for (int64_t i = begin; i + 4 <= end; i += 4) {
        s0 += p[i];
        s1 += p[i + 1];
        s2 += p[i + 2];
        s3 += p[i + 3];
      }
      sums[half] = s0 + s1 + s2 + s3;
    });
    benchmark::DoNotOptimize(sums);
  }
  state.counters["bytes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(d.bytes.size()),
      benchmark::Counter::kIsRate);
}

int Register() {
  std::vector<const Kernels*> sets = {&ptmo::tensor::ScalarKernels()};
  if (ptmo::tensor::Avx2Kernels() != nullptr) sets.push_back(ptmo::tensor::Avx2Kernels());
  if (ptmo::tensor::Avx512VnniKernels() != nullptr) {
    sets.push_back(ptmo::tensor::Avx512VnniKernels());
  }
  for (DType type : {DType::kQ4_0, DType::kQ8_0, DType::kQ4_K, DType::kQ6_K, DType::kF16}) {
    const std::string t(ptmo::tensor::DTypeName(type));
    std::string lower;
    for (char c : t) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    benchmark::RegisterBenchmark(("Baseline_ReadWeights/" + lower).c_str(), BM_Baseline_ReadWeights,
                                 type);
    benchmark::RegisterBenchmark(("Baseline_ReadDram2T/" + lower).c_str(), BM_Baseline_ReadDram,
                                 type, false)
        ->UseRealTime();
    for (const Kernels* k : sets) {
      benchmark::RegisterBenchmark(("MatVec/" + lower + "/" + k->name).c_str(), BM_MatVec, type, k,
                                   false);
      benchmark::RegisterBenchmark(("MatMul32/" + lower + "/" + k->name).c_str(), BM_MatMul32, type,
                                   k, false);
      benchmark::RegisterBenchmark(("MatVecDram2T/" + lower + "/" + k->name).c_str(), BM_MatVecDram,
                                   type, k, false)
          ->UseRealTime();
      if (ptmo::tensor::CanRepackRows8(type)) {
        benchmark::RegisterBenchmark(("MatVecDram2T/" + lower + "_rows8/" + k->name).c_str(),
                                     BM_MatVecDram, type, k, true)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("MatVec/" + lower + "_rows8/" + k->name).c_str(), BM_MatVec,
                                     type, k, true);
        benchmark::RegisterBenchmark(("MatMul32/" + lower + "_rows8/" + k->name).c_str(),
                                     BM_MatMul32, type, k, true);
      }
    }
  }
  return 0;
}

const int kRegistered = Register();

}  // namespace

BENCHMARK_MAIN();
