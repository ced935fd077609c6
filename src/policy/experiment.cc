#include "policy/experiment.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "policy/learned_policy.h"

namespace ptmo::policy {

Summary Summarize(const std::vector<double>& v) {
  Summary s;
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return s;
}

namespace {

struct SeedOutput {
  std::vector<ResultRow> rows;
  std::vector<std::string> saved, notes;
  long steps = 0;
  double seconds = 0;
  Status status;
};

std::vector<std::unique_ptr<Policy>> Baselines(const ExperimentConfig& c, int num_modalities,
                                               uint64_t seed) {
  BaselineOptions o = c.baseline;
  o.num_modalities = num_modalities;
  o.seed = seed;
  std::vector<std::unique_ptr<Policy>> v;
  v.push_back(MakeLocalPolicy(o));
  v.push_back(MakeCloudPolicy(o, false));
  v.push_back(MakeCloudPolicy(o, true));
  v.push_back(MakeRandomPolicy(o));
  v.push_back(MakeThresholdPolicy(o));
  v.push_back(MakeCascadePolicy(o));
  return v;
}

void RunSeed(const Dataset& data, const CostModel& costs, const EnvConfig& env,
             const ExperimentConfig& c, int index, std::atomic<long>* done, long total,
             SeedOutput* out) {
  const uint64_t seed = c.base_seed + static_cast<uint64_t>(index);
  const bool eval_mode = !c.policy_files.empty();
  Split split;
  if (eval_mode) {
    for (int i = 0; i < static_cast<int>(data.episodes.size()); ++i) {
      split.train.push_back(i);
      split.test.push_back(i);
    }
  } else {
    split = SplitEpisodes(static_cast<int>(data.episodes.size()), c.test_share, seed);
  }
  KnnQuality knn(data, split.train, env.history, env.knn_k);
  std::vector<std::unique_ptr<Policy>> policies = Baselines(c, data.num_modalities, seed);

  if (eval_mode) {
    auto loaded = LoadLearnedPolicy(c.policy_files[static_cast<size_t>(index)]);
    if (!loaded.ok()) {
      out->status = loaded.status();
      return;
    }
    std::unique_ptr<LearnedPolicy> p = std::move(loaded).value();
    const std::string& path = c.policy_files[static_cast<size_t>(index)];
    if (p->num_modalities() != data.num_modalities || p->tasks() != data.tasks ||
        p->spec().history != env.history) {
      out->status = InvalidArgument("policy file '" + path + "' was trained for " +
                                    std::to_string(p->num_modalities()) + " modalities, " +
                                    std::to_string(p->tasks().size()) + " tasks and history " +
                                    std::to_string(p->spec().history) + "; the dataset has " +
                                    std::to_string(data.num_modalities) + " modalities and " +
                                    std::to_string(data.tasks.size()) + " tasks (history " +
                                    std::to_string(env.history) + ")");
      return;
    }
    p->set_guard(c.guard);
    policies.push_back(std::move(p));
  } else {
    const double lo = *std::min_element(c.budgets.begin(), c.budgets.end());
    const double hi = *std::max_element(c.budgets.begin(), c.budgets.end());
    for (const std::string& algo : c.algorithms) {
      TrainConfig tc = DefaultTrainConfig(algo);
      tc.steps = c.steps;
      tc.seed = seed * 1000 + static_cast<uint64_t>(&algo - c.algorithms.data());
      tc.hidden = c.hidden;
      tc.guard = c.guard;
      tc.eps_min = 0.8 * lo;
      tc.eps_max = 1.2 * hi;
      long last = 0;
      auto advance = [&](long s) {
        const long delta = std::min(s, c.steps) - last;
        if (delta <= 0) return;
        last += delta;
        const long now = done->fetch_add(delta) + delta;
        if (c.progress) c.progress(now, total);
      };
      tc.progress = advance;
      auto trained = TrainPolicy(data, split.train, knn, costs, env, tc);
      if (!trained.ok()) {
        out->status = trained.status();
        return;
      }
      TrainResult r = std::move(trained).value();
      advance(c.steps);
      out->steps += r.steps;
      out->seconds += r.seconds;
      std::ostringstream note;
      const auto lam = r.lambdas.empty() ? std::array<double, 3>{} : r.lambdas.back();
      note << algo << " seed " << seed << ": " << r.steps << " steps in " << r.seconds
           << " s; final multipliers latency " << lam[0] << ", cost " << lam[1] << ", privacy "
           << lam[2];
      out->notes.push_back(note.str());
      r.policy->training_info() = {{"seed", seed},
                                   {"steps", r.steps},
                                   {"episodes", r.episodes},
                                   {"seconds", r.seconds},
                                   {"eps_range", {tc.eps_min, tc.eps_max}},
                                   {"final_lambdas", lam}};
      if (!c.save_dir.empty()) {
        const std::string path =
            c.save_dir + "/" + algo + "-seed" + std::to_string(seed) + ".policy";
        Status st = SaveLearnedPolicy(*r.policy, path);
        if (!st.ok()) {
          out->status = st;
          return;
        }
        out->saved.push_back(path);
      }
      policies.push_back(std::move(r.policy));
    }
  }
  Simulator sim(data, knn, costs, env);
  for (double eps : c.budgets) {
    for (const auto& p : policies) {
      ResultRow row;
      row.policy = p->name();
      row.eps = eps;
      row.seed = static_cast<int>(seed);
      row.metrics = EvaluatePolicy(*p, sim, split.test, eps);
      out->rows.push_back(std::move(row));
    }
  }
}

}  // namespace

Expected<ExperimentResult> RunExperiment(const Dataset& data, const CostModel& costs,
                                         const EnvConfig& env, const ExperimentConfig& c) {
  if (c.budgets.empty()) return InvalidArgument("--budget-eps: give at least one budget");
  for (double b : c.budgets) {
    if (!(b > 0) || !std::isfinite(b)) {
      return InvalidArgument("--budget-eps: budget " + std::to_string(b) + " must be > 0");
    }
  }
  if (!(env.latency_budget_s > 0)) return InvalidArgument("--latency-budget must be > 0");
  if (!(env.cost_budget_usd > 0)) return InvalidArgument("--cost-budget must be > 0");
  const bool eval_mode = !c.policy_files.empty();
  const int jobs = eval_mode ? static_cast<int>(c.policy_files.size()) : c.seeds;
  if (jobs < 1) return InvalidArgument("--seeds must be at least 1");
  if (!(c.test_share > 0 && c.test_share < 1) && !eval_mode) {
    return InvalidArgument("--test-share must be in (0, 1)");
  }
  if (!c.save_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(c.save_dir, ec);
    if (ec) return InvalidArgument("cannot create '" + c.save_dir + "': " + ec.message());
  }
  std::vector<SeedOutput> outs(static_cast<size_t>(jobs));
  std::atomic<long> done{0};
  const long total = eval_mode ? 0 : c.steps * static_cast<long>(c.algorithms.size()) * jobs;
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < jobs; i = next++) {
      RunSeed(data, costs, env, c, i, &done, total, &outs[static_cast<size_t>(i)]);
    }
  };
  const int threads = std::clamp(c.threads, 1, jobs);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  ExperimentResult result;
  const ActionSpace space(data.num_modalities);
  for (int a = 0; a < space.num_actions(); ++a) result.action_names.push_back(space.Name(a));
  for (auto& o : outs) {
    if (!o.status.ok()) return o.status;
    for (auto& r : o.rows) {
      if (std::find(result.policies.begin(), result.policies.end(), r.policy) ==
          result.policies.end()) {
        result.policies.push_back(r.policy);
      }
      result.rows.push_back(std::move(r));
    }
    result.train_steps += o.steps;
    result.train_seconds += o.seconds;
    result.saved_files.insert(result.saved_files.end(), o.saved.begin(), o.saved.end());
    result.notes.insert(result.notes.end(), o.notes.begin(), o.notes.end());
  }
  return result;
}

}  // namespace ptmo::policy
