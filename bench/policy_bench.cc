// Live decision latency of a learned offloading policy (the target: < 50 us per
// decision) against the threshold baseline measured in the same run.
#include <benchmark/benchmark.h>

#include "policy/learned_policy.h"
#include "policy/mlp.h"
#include "policy/policy.h"
#include "policy/rng.h"

namespace {

using namespace ptmo::policy;

Features SampleFeatures() {
  Features f;
  f.text_level = 1;
  f.text_score = 0.4f;
  f.task_id = 1;
  f.num_images = 3;
  f.image_sensitivity = {0.1f, 0.2f, 0.3f};
  return f;
}

void BM_LearnedPolicyDecide(benchmark::State& state) {
  ObsSpec spec;
  Rng rng(1);
  const int width = static_cast<int>(state.range(0));
  const int actions = ActionSpace(spec.num_modalities).num_actions();
  LearnedPolicy policy("ppo", "ppo-lagrangian", spec, {"a", "b", "c", "d"},
                       Mlp({spec.size(), width, width, actions}, rng, 0.1f), true);
  Features f = SampleFeatures();
  for (auto _ : state) benchmark::DoNotOptimize(policy.Decide(f));
}
BENCHMARK(BM_LearnedPolicyDecide)->Arg(64)->Arg(128);

void BM_ThresholdPolicyDecide(benchmark::State& state) {
  BaselineOptions o;
  auto policy = MakeThresholdPolicy(o);
  Features f = SampleFeatures();
  for (auto _ : state) benchmark::DoNotOptimize(policy->Decide(f));
}
BENCHMARK(BM_ThresholdPolicyDecide);

}  // namespace

BENCHMARK_MAIN();
