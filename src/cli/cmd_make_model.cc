// `ptmo make-model`: writes a random-weight GGUF model of a named shape and weight type, with a
// working tokenizer, for tests and benchmarks (engine/model_builder.h does the writing).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/model_builder.h"
#include "engine/vocab_builder.h"
#include "tensor/dtype.h"

namespace ptmo::cli {
namespace {

// Models at least this large print progress while they are written (tinyllama-1.1b takes
// seconds to minutes; the tiny presets finish before a line would be useful).
constexpr uint64_t kProgressMinBytes = uint64_t(64) << 20;

struct MakeModelFlags {
  std::string shape = "tiny";
  std::string type = "f32";
  std::string out;
  uint64_t seed = 1;
  std::string vocab;  // empty: the builder's filler SentencePiece vocabulary
};

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// The vocabulary style for a --vocab value, or an error naming the value.
Expected<engine::VocabStyle> ParseVocab(const std::string& name) {
  if (name == "spm") return engine::VocabStyle::kLlamaSpm;
  if (name == "llama3") return engine::VocabStyle::kLlama3Bpe;
  if (name == "qwen2") return engine::VocabStyle::kQwen2Bpe;
  return InvalidArgument("unknown vocabulary '" + name + "' (known: spm, llama3, qwen2)");
}

// Reports how far a model file has been written by watching the size of the builder's
// temporary file (model_builder.cc writes `<out>.tmp.<pid>` and renames it at the end). The
// builder has no progress callback; if the temporary name ever changes, progress is simply not
// shown. Lines go to stderr: rewritten in place on a terminal, one per quarter otherwise.
class ProgressWatcher {
 public:
  ProgressWatcher(std::string out, uint64_t total_bytes)
      : tmp_(out + ".tmp." + std::to_string(::getpid())),
        out_(std::move(out)),
        total_(total_bytes),
        tty_(::isatty(STDERR_FILENO) != 0),
        thread_([this] { Loop(); }) {}

  ~ProgressWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (tty_ && printed_) std::cerr << "\n";
  }

 private:
  void Loop() {
    int last_quarter = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return done_; })) {
      struct stat st;
      if (::stat(tmp_.c_str(), &st) != 0) continue;
      const uint64_t written = static_cast<uint64_t>(st.st_size);
      const int percent = static_cast<int>(std::min<uint64_t>(100, written * 100 / total_));
      if (tty_) {
        std::cerr << "\rwriting " << out_ << ": " << percent << "% (" << Megabytes(written)
                  << " of " << Megabytes(total_) << ")" << std::flush;
        printed_ = true;
      } else if (percent / 25 > last_quarter && percent < 100) {
        last_quarter = percent / 25;
        std::cerr << "writing " << out_ << ": " << percent << "% (" << Megabytes(written) << " of "
                  << Megabytes(total_) << ")\n";
      }
    }
  }

  const std::string tmp_;
  const std::string out_;
  const uint64_t total_;
  const bool tty_;
  bool printed_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members above are initialized
};

int RunMakeModel(const MakeModelFlags& f) {
  auto shape = engine::ModelPreset(f.shape);
  if (!shape.ok()) return Fail("--shape: " + shape.status().message());
  auto format = engine::ParseWeightFormat(f.type);
  if (!format.ok()) return Fail("--type: " + format.status().message());

  engine::BuildOptions options;
  options.shape = *shape;
  options.format = *format;
  options.seed = f.seed;
  if (!f.vocab.empty()) {
    auto style = ParseVocab(f.vocab);
    if (!style.ok()) return Fail("--vocab: " + style.status().message());
    auto kv = engine::BuildVocabMetadata({.style = *style});
    if (!kv.ok()) return Fail(kv.status());
    // The embedding and output matrices must have one row per token of this vocabulary.
    options.shape.n_vocab = engine::VocabSize(*kv);
    options.tokenizer = [entries = std::move(*kv)](engine::GgufWriter& w) {
      return engine::WriteMetadata(entries, w);
    };
  }

  auto plan = engine::PlanTensors(options);
  if (!plan.ok()) return Fail(plan.status());
  uint64_t tensor_bytes = 0, params = 0;
  for (const engine::TensorPlan& t : *plan) {
    auto bytes = tensor::TensorBytes(t.type, t.ne);
    if (!bytes.ok()) return Fail(bytes.status());
    tensor_bytes += *bytes;
    uint64_t n = 1;
    for (int64_t d : t.ne) n *= static_cast<uint64_t>(d);
    params += n;
  }

  const auto start = std::chrono::steady_clock::now();
  Status st;
  {
    std::unique_ptr<ProgressWatcher> progress;
    if (tensor_bytes >= kProgressMinBytes) {
      progress = std::make_unique<ProgressWatcher>(f.out, tensor_bytes);
    }
    st = engine::WriteRandomModel(f.out, options);
  }
  if (!st.ok()) return Fail(st);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  struct stat file_stat;
  const uint64_t file_bytes =
      ::stat(f.out.c_str(), &file_stat) == 0 ? static_cast<uint64_t>(file_stat.st_size) : 0;
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f s", seconds);
  std::cout << "wrote " << f.out << ": " << f.shape << " (" << options.shape.arch << ", "
            << options.shape.n_layer << " layers, " << params << " parameters), "
            << engine::WeightFormatName(*format) << ", vocabulary "
            << (f.vocab.empty() ? "filler spm" : f.vocab) << " of " << options.shape.n_vocab
            << " tokens, seed " << f.seed << ", " << plan->size() << " tensors, "
            << Megabytes(file_bytes) << " in " << secs << "\n";
  return 0;
}

}  // namespace

void RegisterMakeModel(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<MakeModelFlags>();
  CLI::App* cmd = app.add_subcommand(
      "make-model",
      "Write a random-weight GGUF model (llama.cpp-compatible) with a working tokenizer, "
      "deterministic for a seed: a fixture for tests and benchmarks, not a language model");
  cmd->add_option("--shape", flags->shape, "Preset: tiny, tiny-256, tiny-qwen2, tinyllama-1.1b")
      ->capture_default_str();
  cmd->add_option("--type", flags->type, "Weight type: f32, f16, q8_0, q4_0, q4_k")
      ->capture_default_str();
  cmd->add_option("--out,-o", flags->out, "Model file to write (.gguf)")->required();
  cmd->add_option("--seed", flags->seed, "Seed of the random weights")->capture_default_str();
  cmd->add_option("--vocab", flags->vocab,
                  "Learned vocabulary: spm, llama3 or qwen2 (with its chat template); the "
                  "vocabulary size replaces the shape's. Default: filler SentencePiece tokens");
  cmd->callback([flags, exit_code] { *exit_code = RunMakeModel(*flags); });
}

}  // namespace ptmo::cli
