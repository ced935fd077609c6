// `ptmo policy gen-data|train|eval`: the offloading policy's offline experiments.
//   gen-data  writes a synthetic dialogue log in TMO's M4A1 schema (with privacy fields);
//   train     trains PPO/A2C/DQN with Lagrange multipliers on the k-NN simulator for several
//             seeds and compares them with the baselines at each privacy budget;
//   eval      the same comparison for saved policy files on a (held-out) dataset.
// Both train and eval print one table per budget and write report.csv, reward.svg and
// pareto.svg into --out.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "policy/dataset.h"
#include "policy/dataset_gen.h"
#include "policy/experiment.h"
#include "policy/profiles.h"
#include "policy/report.h"
#include "privacy/vision/image_analyzer.h"
#include "util/file.h"

namespace ptmo::cli {
namespace {

namespace pol = ptmo::policy;

struct GenFlags {
  std::string out;
  pol::GenConfig config;
  std::string tasks, mix, turns;
  std::string images;  // folder of images whose measured sensitivity replaces the simulated one
};

struct RunFlags {
  std::string data;
  std::string device = "Jetson Orin Nano";
  std::string network = "WiFi";
  std::string budgets = "0.3,0.5,0.7,1.0";
  std::string profiles;
  std::string out = "policy_report";
  std::string algos = "ppo,a2c,dqn";
  std::vector<std::string> policy_files;
  int seeds = 3;
  uint64_t seed = 1;
  long steps = 100000;
  int threads = 2;
  int history = 5;
  int hidden = 64;
  double latency_budget = 30.0;
  double cost_budget = 0.05;
  double mask_efficacy = 0.7;
  double test_share = 0.2;
  bool no_guard = false;
  bool quiet = false;
};

Expected<std::vector<double>> ParseNumbers(const std::string& s, const std::string& flag) {
  std::vector<double> v;
  for (const std::string& part : SplitCsv(s)) {
    char* end = nullptr;
    const double x = std::strtod(part.c_str(), &end);
    if (end == part.c_str() || *end != '\0') {
      return InvalidArgument(flag + ": '" + part + "' is not a number");
    }
    v.push_back(x);
  }
  if (v.empty()) return InvalidArgument(flag + ": give at least one number");
  return v;
}

// The image files directly in `dir` (PNG, JPEG, WebP by extension), sorted by name.
Expected<std::vector<std::filesystem::path>> ListImages(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("--images: '" + dir + "' is not a folder");
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp") {
      files.push_back(entry.path());
    }
  }
  if (ec) return Internal("--images: cannot list '" + dir + "': " + ec.message());
  if (files.empty()) return NotFound("--images: no .png/.jpg/.jpeg/.webp files in '" + dir + "'");
  std::sort(files.begin(), files.end());
  return files;
}

// Measures every image in `dir` with the image guard (faces, OCR text, documents, codes,
// metadata). An image that cannot be read or analysed is an error naming it: a pool silently
// missing its most sensitive images would understate the risk.
Expected<std::vector<pol::MeasuredImage>> MeasureImages(const std::string& dir) {
  PTMO_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, ListImages(dir));
  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<privacy::Analyzer> text, MakeAnalyzer(AnalyzerFlags{}));
  namespace vision = privacy::vision;
  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<vision::ImageAnalyzer> guard,
                        vision::ImageAnalyzer::Create(vision::ImageAnalyzerConfig{}, text.get()));
  const vision::ImageOptions options;
  std::vector<pol::MeasuredImage> pool;
  int levels[3] = {0, 0, 0};
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = files[i].string();
    PTMO_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path, options.decode.max_bytes));
    Expected<vision::ImageAnalysis> a = guard->AnalyzeImage(bytes, options);
    if (!a.ok()) return Status(a.status().code(), path + ": " + a.status().message());
    pool.push_back({files[i].filename().string(), a->score});
    ++levels[static_cast<int>(a->level)];
    if (tty) {
      std::fprintf(stderr, "\rpolicy gen-data: measuring images %zu/%zu", i + 1, files.size());
    } else if ((i + 1) % 25 == 0 || i + 1 == files.size()) {
      std::fprintf(stderr, "policy gen-data: measured %zu of %zu images\n", i + 1, files.size());
    }
  }
  if (tty) std::fprintf(stderr, "\n");
  std::fprintf(stderr,
               "policy gen-data: %zu measured images (PUBLIC %d, SEMI_SENSITIVE %d, PRIVATE %d) "
               "replace the simulated image sensitivities\n",
               pool.size(), levels[0], levels[1], levels[2]);
  return pool;
}

int RunGenData(GenFlags f) {
  if (f.out.empty()) return Fail("policy gen-data: --out FILE is required");
  if (!f.tasks.empty()) f.config.tasks = SplitCsv(f.tasks);
  if (!f.mix.empty()) {
    auto m = ParseNumbers(f.mix, "--mix");
    if (!m.ok()) return Fail(m.status());
    if (m->size() != 3) return Fail("--mix: give three shares: PUBLIC,SEMI,PRIVATE");
    f.config.share_public = (*m)[0];
    f.config.share_semi = (*m)[1];
    f.config.share_private = (*m)[2];
  }
  if (!f.turns.empty()) {
    auto t = ParseNumbers(f.turns, "--turns");
    if (!t.ok()) return Fail(t.status());
    if (t->size() != 2) return Fail("--turns: give MIN,MAX");
    f.config.min_turns = static_cast<int>((*t)[0]);
    f.config.max_turns = static_cast<int>((*t)[1]);
  }
  if (!f.images.empty()) {
    // Settings are checked before the (slow) image analysis.
    Status valid = pol::ValidateGenConfig(f.config);
    if (!valid.ok()) return Fail(valid);
    auto pool = MeasureImages(f.images);
    if (!pool.ok()) return Fail(pool.status());
    f.config.image_pool = std::move(*pool);
  }
  auto text = pol::GenerateDataset(f.config);
  if (!text.ok()) return Fail(text.status());
  Status st = WriteFileAtomic(f.out, *text, 0644);
  if (!st.ok()) return Fail(st);
  std::fprintf(stderr,
               "policy gen-data: wrote %d episodes (%d modalities, %zu tasks, seed %llu) "
               "to %s\n",
               f.config.episodes, f.config.modalities, f.config.tasks.size(),
               static_cast<unsigned long long>(f.config.seed), f.out.c_str());
  return 0;
}

std::string MeanSd(const pol::Summary& s, int digits, double scale = 1.0) {
  return Fixed(s.mean * scale, digits) + "±" + Fixed(s.sd * scale, digits);
}

// Progress on stderr: a bar on a terminal, a log line every 10% otherwise.
class Progress {
 public:
  explicit Progress(bool quiet) : quiet_(quiet), tty_(::isatty(2) == 1) {}
  void Update(long done, long total) {
    if (quiet_ || total <= 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int pct = static_cast<int>(100.0 * static_cast<double>(done) / total);
    const double rate = secs > 0 ? done / secs : 0;
    if (tty_) {
      std::string bar(30, ' ');
      for (int i = 0; i < pct * 30 / 100; ++i) bar[i] = '#';
      std::fprintf(stderr, "\rtraining [%s] %3d%% %ld/%ld steps, %.0f steps/s ", bar.c_str(), pct,
                   done, total, rate);
      if (done >= total) std::fprintf(stderr, "\n");
    } else if (pct >= next_pct_) {
      std::fprintf(stderr, "policy: training %d%% (%ld/%ld steps, %.0f steps/s)\n", pct, done,
                   total, rate);
      next_pct_ = pct / 10 * 10 + 10;
    }
  }

 private:
  bool quiet_, tty_;
  std::mutex mu_;
  int next_pct_ = 10;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int RunExperimentCommand(const RunFlags& f, bool eval_mode) {
  const char* cmd = eval_mode ? "policy eval" : "policy train";
  if (f.data.empty()) return Fail(std::string(cmd) + ": --data FILE is required");
  if (eval_mode && f.policy_files.empty()) {
    return Fail("policy eval: give at least one --policy FILE");
  }
  pol::ProfileSet profiles = pol::ProfileSet::Defaults();
  const std::string shipped = DataDir() + "/policy/profiles.json";
  if (std::filesystem::exists(shipped)) {
    Status st = profiles.AddFile(shipped);
    if (!st.ok()) return Fail(st);
  }
  if (!f.profiles.empty()) {
    Status st = profiles.AddFile(f.profiles);
    if (!st.ok()) return Fail(st);
  }
  auto device = profiles.FindDevice(f.device);
  if (!device.ok()) return Fail(device.status());
  auto network = profiles.FindNetwork(f.network);
  if (!network.ok()) return Fail(network.status());
  auto budgets = ParseNumbers(f.budgets, "--budget-eps");
  if (!budgets.ok()) return Fail(budgets.status());

  auto data = pol::LoadDataset(f.data);
  if (!data.ok()) return Fail(data.status());
  auto costs =
      pol::CostModel::Make(*device, *network, profiles.local_model(), data->num_modalities);
  if (!costs.ok()) return Fail(costs.status());

  pol::EnvConfig env;
  env.history = f.history;
  env.latency_budget_s = f.latency_budget;
  env.cost_budget_usd = f.cost_budget;
  env.privacy.mask_efficacy = static_cast<float>(f.mask_efficacy);
  if (f.history < 1 || f.history > pol::kMaxHistory) {
    return Fail("--history must be in [1, " + std::to_string(pol::kMaxHistory) + "]");
  }
  if (!(f.mask_efficacy >= 0 && f.mask_efficacy <= 1))
    return Fail("--mask-efficacy must be in [0,1]");

  pol::ExperimentConfig ec;
  ec.budgets = *budgets;
  ec.seeds = f.seeds;
  ec.base_seed = f.seed;
  ec.test_share = f.test_share;
  ec.algorithms = SplitCsv(f.algos);
  ec.steps = f.steps;
  ec.guard = !f.no_guard;
  ec.hidden = f.hidden;
  ec.threads = f.threads;
  ec.policy_files = f.policy_files;
  if (!eval_mode) ec.save_dir = f.out;
  Progress progress(f.quiet);
  ec.progress = [&](long done, long total) { progress.Update(done, total); };

  if (!f.quiet) {
    std::fprintf(stderr,
                 "%s: %zu episodes, %d modalities, %zu tasks; device %s (local %.3g s, $%.3g per "
                 "answer), network %s (cloud %.3g-%.3g s, $%.3g-%.3g)\n",
                 cmd, data->episodes.size(), data->num_modalities, data->tasks.size(),
                 device->name.c_str(), costs->local_latency_s, costs->local_price_usd,
                 network->name.c_str(), costs->cloud_latency_s.front(),
                 costs->cloud_latency_s.back(), costs->cloud_price_usd.front(),
                 costs->cloud_price_usd.back());
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto result = pol::RunExperiment(*data, *costs, env, ec);
  if (!result.ok()) return Fail(result.status());
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const auto rows = pol::SummarizeResult(*result);
  std::string legend;
  for (size_t a = 0; a < result->action_names.size(); ++a) {
    legend += (a ? "/" : "") + result->action_names[a];
  }
  for (double eps : ec.budgets) {
    int seeds = 0;
    for (const auto& r : rows)
      if (r.eps == eps) seeds = std::max(seeds, r.seeds);
    std::cout << "\nPrivacy budget eps = " << eps << " (held-out episodes; mean±sd over " << seeds
              << " seed" << (seeds == 1 ? "" : "s") << ")\n";
    Table t({"policy", "reward", "quality", "latency s", "cost $", "privacy risk", "viol priv %",
             "viol any %", "action share % (" + legend + ")"});
    for (const auto& r : rows) {
      if (r.eps != eps) continue;
      std::string shares;
      for (size_t a = 0; a < r.action_share.size(); ++a) {
        shares += (a ? "/" : "") + Fixed(100 * r.action_share[a].mean, 0);
      }
      t.AddRow({r.policy, MeanSd(r.reward, 3), MeanSd(r.quality, 3), MeanSd(r.latency_s, 2),
                MeanSd(r.cost_usd, 4), MeanSd(r.privacy_risk, 3),
                MeanSd(r.violation_privacy, 1, 100), MeanSd(r.violation_any, 1, 100), shares});
    }
    t.Print(std::cout, 80);
  }
  // Targets: each learned policy against the non-learned baselines.
  const std::vector<std::string> baselines = {"local", "cloud-text", "cloud-all", "random",
                                              "threshold"};
  std::cout << "\n";
  for (const auto& learned : rows) {
    if (learned.policy == "local" || learned.policy == "cloud-text" ||
        learned.policy == "cloud-all" || learned.policy == "random" ||
        learned.policy == "threshold" || learned.policy == "cascade") {
      continue;
    }
    std::string beaten, not_beaten;
    for (const auto& r : rows) {
      if (r.eps != learned.eps) continue;
      if (std::find(baselines.begin(), baselines.end(), r.policy) == baselines.end()) continue;
      (learned.reward.mean > r.reward.mean ? beaten : not_beaten) +=
          (beaten.empty() && not_beaten.empty() ? "" : " ") + r.policy;
    }
    std::cout << "check eps=" << learned.eps << " " << learned.policy << ": "
              << (not_beaten.empty()
                      ? "beats all of local, cloud-text, cloud-all, random, threshold"
                      : "does NOT beat:" + not_beaten)
              << "; privacy violations " << Fixed(100 * learned.violation_privacy.mean, 2) << "% "
              << (learned.violation_privacy.mean <= 0.01 ? "(<= 1%)" : "(ABOVE 1%)") << "\n";
  }

  std::error_code ec_dir;
  std::filesystem::create_directories(f.out, ec_dir);
  if (ec_dir) return Fail("cannot create '" + f.out + "': " + ec_dir.message());
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"report.csv", pol::SummaryCsv(rows, result->action_names)},
           {"reward.svg", pol::RewardChartSvg(rows)},
           {"pareto.svg", pol::ParetoChartSvg(rows)}}) {
    Status st = WriteFileAtomic(f.out + "/" + name, text, 0644);
    if (!st.ok()) return Fail(st);
  }
  if (!f.quiet) {
    for (const auto& n : result->notes) std::fprintf(stderr, "%s: %s\n", cmd, n.c_str());
    if (result->train_steps > 0) {
      std::fprintf(stderr, "%s: %ld training steps, %.0f steps/s per thread; wall %.1f s\n", cmd,
                   result->train_steps, result->train_steps / std::max(1e-9, result->train_seconds),
                   wall);
    }
    for (const auto& p : result->saved_files)
      std::fprintf(stderr, "%s: saved %s\n", cmd, p.c_str());
    std::fprintf(stderr, "%s: wrote %s/report.csv, reward.svg, pareto.svg\n", cmd, f.out.c_str());
  }
  return 0;
}

void AddRunFlags(CLI::App* c, RunFlags* f, bool eval_mode) {
  c->add_option("--data", f->data, "dataset in TMO's M4A1 schema (e.g. from gen-data)")->required();
  c->add_option("--device", f->device, "local device profile")->capture_default_str();
  c->add_option("--network", f->network, "network profile (Wired, WiFi, 5G, 4G, ...)")
      ->capture_default_str();
  c->add_option("--budget-eps", f->budgets, "privacy budgets per episode, comma separated")
      ->capture_default_str();
  c->add_option("--profiles", f->profiles, "JSON file with extra device/network profiles");
  c->add_option("--out", f->out,
                "directory for report.csv, reward.svg, pareto.svg" +
                    std::string(eval_mode ? "" : " and the trained policies"))
      ->capture_default_str();
  c->add_option("--seed", f->seed, "first seed")->capture_default_str();
  c->add_option("--threads", f->threads, "seeds run in parallel")->capture_default_str();
  c->add_option("--history", f->history, "history window Z (turns)")->capture_default_str();
  c->add_option("--latency-budget", f->latency_budget, "seconds per episode")
      ->capture_default_str();
  c->add_option("--cost-budget", f->cost_budget, "dollars per episode")->capture_default_str();
  c->add_option("--mask-efficacy", f->mask_efficacy, "share of SEMI text risk removed by masking")
      ->capture_default_str();
  c->add_flag("--no-guard", f->no_guard,
              "let learned policies pick actions that overspend the privacy budget");
  c->add_flag("--quiet", f->quiet, "no progress or log lines");
  if (eval_mode) {
    c->add_option("--policy", f->policy_files, "trained policy file (repeat for several seeds)")
        ->required();
  } else {
    c->add_option("--seeds", f->seeds, "number of seeds (>= 3 for a spread)")
        ->capture_default_str();
    c->add_option("--steps", f->steps, "training steps per policy")->capture_default_str();
    c->add_option("--algos", f->algos, "learned policies: ppo, a2c, dqn")->capture_default_str();
    c->add_option("--hidden", f->hidden, "hidden layer width")->capture_default_str();
    c->add_option("--test-share", f->test_share, "share of episodes held out")
        ->capture_default_str();
  }
}

}  // namespace

void RegisterPolicy(CLI::App& app, int* exit_code) {
  CLI::App* policy = app.add_subcommand("policy", "offloading policy: data, training, evaluation");
  policy->require_subcommand(1);

  auto gen = std::make_shared<GenFlags>();
  CLI::App* g = policy->add_subcommand("gen-data", "write a synthetic M4A1-schema dataset");
  g->add_option("--out", gen->out, "output JSON file")->required();
  g->add_option("--episodes", gen->config.episodes, "episodes")->capture_default_str();
  g->add_option("--modalities", gen->config.modalities, "image modalities per turn")
      ->capture_default_str();
  g->add_option("--tasks", gen->tasks, "task names, comma separated (default: M4A1's four)");
  g->add_option("--turns", gen->turns, "MIN,MAX turns per episode (default 2,5)");
  g->add_option("--mix", gen->mix, "PUBLIC,SEMI,PRIVATE shares of turns (default 0.5,0.3,0.2)");
  g->add_option("--image-sensitivity", gen->config.image_sensitivity_mean,
                "mean simulated image sensitivity (without --images)")
      ->capture_default_str();
  g->add_option("--images", gen->images,
                "folder of images (e.g. from gen-image-data): their measured sensitivity replaces "
                "the simulated one");
  g->add_option("--refusal-rate", gen->config.local_refusal_rate, "local refusal rate")
      ->capture_default_str();
  g->add_option("--cloud-share", gen->config.behaviour_cloud_share,
                "share of cloud calls in the logged actions")
      ->capture_default_str();
  g->add_option("--noise", gen->config.noise, "score noise (sd)")->capture_default_str();
  g->add_option("--seed", gen->config.seed, "random seed")->capture_default_str();
  g->callback([gen, exit_code] { *exit_code = RunGenData(*gen); });

  auto train = std::make_shared<RunFlags>();
  CLI::App* t =
      policy->add_subcommand("train", "train learned policies and compare with baselines");
  AddRunFlags(t, train.get(), false);
  t->callback([train, exit_code] { *exit_code = RunExperimentCommand(*train, false); });

  auto eval = std::make_shared<RunFlags>();
  CLI::App* e = policy->add_subcommand("eval", "evaluate saved policies and the baselines");
  AddRunFlags(e, eval.get(), true);
  e->callback([eval, exit_code] { *exit_code = RunExperimentCommand(*eval, true); });
}

}  // namespace ptmo::cli
