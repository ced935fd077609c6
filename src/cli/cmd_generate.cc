// `ptmo generate`: runs a GGUF model on a prompt (or a chat read from stdin) and streams the
// generated text to stdout as it is produced.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "engine/chat_template.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/tokenizer.h"
#include "tensor/thread_pool.h"

namespace ptmo::cli {
namespace {

using engine::TokenId;
using Clock = std::chrono::steady_clock;

struct GenerateFlags {
  std::string model;
  RepackCacheFlags repack_cache;
  std::string prompt;
  bool has_prompt = false;
  bool chat = false;
  std::string system;
  int n_predict = 128;
  int threads = 0;  // 0: one per hardware thread
  int64_t ctx = 0;  // 0: the model's training context, at most 4096
  float temp = 0.8f;
  int top_k = 40;
  float top_p = 0.95f;
  float min_p = 0.05f;
  float repeat_penalty = 1.0f;
  int repeat_last_n = 64;
  uint64_t seed = 1;
  std::vector<std::string> stops;
  std::string template_name;
  std::string kv = "f16";
};

// Where a generation stopped, for the summary line.
enum class StopReason { kLimit, kEndOfSequence, kStopString, kContextFull };

const char* StopReasonName(StopReason r) {
  switch (r) {
    case StopReason::kLimit: return "token limit";
    case StopReason::kEndOfSequence: return "end of sequence";
    case StopReason::kStopString: return "stop string";
    case StopReason::kContextFull: return "context full";
  }
  return "?";
}

// Prints generated text as it arrives while holding back any tail that could be the start of
// a stop string, so a stop string is never printed, even when it spans several tokens.
class StopStringFilter {
 public:
  explicit StopStringFilter(const std::vector<std::string>& stops) : stops_(stops) {}

  // Adds `chunk` and prints what can no longer be part of a stop string. Returns true when a
  // stop string is complete: the text before it has been printed and generation must end.
  bool Add(std::string_view chunk) {
    held_ += chunk;
    size_t cut = std::string::npos;
    for (const std::string& s : stops_) cut = std::min(cut, held_.find(s));
    if (cut != std::string::npos) {
      Print(held_.substr(0, cut));
      held_.clear();
      return true;
    }
    size_t keep = 0;  // longest suffix of held_ that is a proper prefix of a stop string
    for (const std::string& s : stops_) {
      for (size_t k = std::min(s.size() - 1, held_.size()); k > keep; --k) {
        if (held_.compare(held_.size() - k, k, s, 0, k) == 0) {
          keep = k;
          break;
        }
      }
    }
    Print(held_.substr(0, held_.size() - keep));
    held_.erase(0, held_.size() - keep);
    return false;
  }

  // Prints whatever is still held (the stream ended without a stop string).
  void Finish() {
    Print(held_);
    held_.clear();
  }

  // Everything printed so far.
  const std::string& printed() const { return printed_; }

 private:
  void Print(std::string_view text) {
    if (text.empty()) return;
    std::cout << text << std::flush;
    printed_ += text;
  }

  const std::vector<std::string>& stops_;
  std::string held_;
  std::string printed_;
};

struct Totals {
  int64_t prompt_tokens = 0;
  int64_t generated_tokens = 0;
  double prefill_seconds = 0.0;
  double generate_seconds = 0.0;
  StopReason last_stop = StopReason::kLimit;
};

// One model, tokenizer, session and sampler: the state of a generation or a conversation.
class Generator {
 public:
  Generator(const GenerateFlags& flags, const engine::Tokenizer& tokenizer,
            engine::Session& session, engine::Sampler& sampler)
      : flags_(flags), tok_(tokenizer), session_(session), sampler_(sampler) {
    for (const std::string& s : flags.stops) {
      if (!s.empty()) stops_.push_back(s);
    }
  }

  // Runs `prompt` at the session's next position, then samples and streams up to
  // --n-predict tokens. `cache_text` is the text the session's cache stands for; the pieces
  // of the tokens that enter the cache are appended to it. Returns the printed text.
  Expected<std::string> Turn(std::span<const TokenId> prompt, std::string* cache_text) {
    const int64_t start = session_.n_past();
    if (start + static_cast<int64_t>(prompt.size()) > session_.n_ctx()) {
      return ResourceExhausted(std::string(start == 0 ? "prompt" : "conversation") + " of " +
                               std::to_string(start + static_cast<int64_t>(prompt.size())) +
                               " tokens does not fit the context of " +
                               std::to_string(session_.n_ctx()) + " positions (see --ctx)");
    }
    for (TokenId t : prompt) sampler_.Accept(t);

    const auto t0 = Clock::now();
    PTMO_ASSIGN_OR_RETURN(std::span<const float> logits, session_.Prefill(prompt, start));
    const auto t1 = Clock::now();
    totals_.prompt_tokens += static_cast<int64_t>(prompt.size());
    totals_.prefill_seconds += std::chrono::duration<double>(t1 - t0).count();

    engine::StreamDecoder decoder(tok_);
    StopStringFilter out(stops_);
    StopReason reason = StopReason::kLimit;
    bool stopped = false;
    for (int i = 0; i < flags_.n_predict; ++i) {
      const TokenId next = sampler_.Sample(logits);
      sampler_.Accept(next);
      if (tok_.IsEndOfGeneration(next)) {
        reason = StopReason::kEndOfSequence;
        break;
      }
      ++totals_.generated_tokens;
      if (out.Add(decoder.Push(next))) {
        reason = StopReason::kStopString;
        stopped = true;
        break;
      }
      if (i + 1 == flags_.n_predict) break;  // no need to run the last token
      if (session_.n_past() >= session_.n_ctx()) {
        reason = StopReason::kContextFull;
        break;
      }
      PTMO_ASSIGN_OR_RETURN(logits, session_.Forward(next, session_.n_past()));
      *cache_text += tok_.TokenToPiece(next, /*special=*/true);
    }
    if (!stopped) {
      if (out.Add(decoder.Flush())) {
        reason = StopReason::kStopString;
      } else {
        out.Finish();
      }
    }
    totals_.generate_seconds += std::chrono::duration<double>(Clock::now() - t1).count();
    totals_.last_stop = reason;
    return out.printed();
  }

  const Totals& totals() const { return totals_; }

 private:
  const GenerateFlags& flags_;
  const engine::Tokenizer& tok_;
  engine::Session& session_;
  engine::Sampler& sampler_;
  std::vector<std::string> stops_;
  Totals totals_;
};

// Reads user lines from stdin and answers each, keeping the whole conversation in the chat
// template. The cache is reused across turns: only the text after what the cache already holds
// is tokenized and run (as llama.cpp's simple-chat does); if the rendered conversation no
// longer starts with that text (a template that trims replies, a stop string), the cache is
// cleared and the whole conversation is run again.
Status RunChat(const GenerateFlags& f, const engine::Model& model,
               const engine::Tokenizer& tokenizer, engine::Session& session, Generator& generator) {
  auto tmpl = engine::ChatTemplate::FromGguf(model.gguf(), f.template_name);
  if (!tmpl.ok()) {
    std::string known;
    for (std::string_view n : engine::ChatTemplate::KnownNames()) {
      known += (known.empty() ? "" : ", ") + std::string(n);
    }
    return Status(tmpl.status().code(),
                  tmpl.status().message() + " (pass --template NAME; known: " + known + ")");
  }
  std::vector<engine::ChatMessage> messages;
  if (!f.system.empty()) messages.push_back({"system", f.system});
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  std::string cache_text;
  std::string line;
  while (true) {
    if (interactive) std::cerr << "> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    messages.push_back({"user", line});
    const std::string full = tmpl->Apply(messages, /*add_generation_prompt=*/true);
    std::vector<TokenId> tokens;
    if (!cache_text.empty() && full.starts_with(cache_text)) {
      tokens = tokenizer.Encode(std::string_view(full).substr(cache_text.size()),
                                {.add_special = false, .parse_special = true});
    } else {
      session.Reset();
      tokens = tokenizer.Encode(full, {.add_special = true, .parse_special = true});
    }
    cache_text = full;
    if (tokens.empty()) continue;
    PTMO_ASSIGN_OR_RETURN(std::string reply, generator.Turn(tokens, &cache_text));
    std::cout << "\n" << std::flush;
    messages.push_back({"assistant", std::move(reply)});
  }
  return Status::Ok();
}

int RunGenerate(const GenerateFlags& f) {
  if (f.has_prompt == f.chat) return Fail("give either --prompt TEXT or --chat");
  if (f.kv != "f16" && f.kv != "f32") {
    return Fail("--kv: unknown cache type '" + f.kv + "' (known: f16, f32)");
  }
  for (const std::string& s : f.stops) {
    if (s.empty()) return Fail("--stop: a stop string must not be empty");
  }
  engine::LoadOptions load_options;
  load_options.repack.cache_dir = RepackCacheDir(f.repack_cache);
  auto model = engine::Model::Load(f.model, load_options);
  if (!model.ok()) return Fail(model.status());
  if (!(*model)->repacked().cache_note().empty()) {
    std::cerr << "ptmo: note: " << (*model)->repacked().cache_note() << "\n";
  }
  auto tokenizer = engine::Tokenizer::FromGguf((*model)->gguf());
  if (!tokenizer.ok()) return Fail(tokenizer.status());

  const int threads = f.threads > 0
                          ? f.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  tensor::ThreadPool pool(threads);
  engine::SessionOptions so;
  so.n_ctx = f.ctx;
  so.kv_type = f.kv == "f32" ? tensor::DType::kF32 : tensor::DType::kF16;
  so.pool = &pool;
  auto session = engine::Session::Create(**model, so);
  if (!session.ok()) return Fail(session.status());

  engine::SamplerOptions sampling;
  sampling.temperature = f.temp;
  sampling.top_k = f.top_k;
  sampling.top_p = f.top_p;
  sampling.min_p = f.min_p;
  sampling.repeat_penalty = f.repeat_penalty;
  sampling.repeat_last_n = f.repeat_last_n;
  sampling.seed = f.seed;
  if ((*tokenizer)->eos() != engine::kNoToken) sampling.stop_tokens.push_back((*tokenizer)->eos());
  engine::Sampler sampler(sampling);
  Generator generator(f, **tokenizer, **session, sampler);

  if (f.chat) {
    Status st = RunChat(f, **model, **tokenizer, **session, generator);
    if (!st.ok()) return Fail(st);
  } else {
    // Raw user text: control-token texts in it stay plain text; BOS as the vocabulary asks.
    std::vector<TokenId> prompt =
        (*tokenizer)->Encode(f.prompt, {.add_special = true, .parse_special = false});
    if (prompt.empty()) return Fail("--prompt: the prompt is empty");
    std::string cache_text = f.prompt;
    auto text = generator.Turn(prompt, &cache_text);
    if (!text.ok()) return Fail(text.status());
    std::cout << "\n" << std::flush;
  }

  const Totals& t = generator.totals();
  auto rate = [](int64_t n, double s) {
    return s > 0 ? Fixed(static_cast<double>(n) / s, 1) : "-";
  };
  std::cerr << "[" << t.prompt_tokens << " prompt tokens, prefill "
            << rate(t.prompt_tokens, t.prefill_seconds) << " tok/s; " << t.generated_tokens
            << " generated, " << rate(t.generated_tokens, t.generate_seconds) << " tok/s; "
            << threads << " threads; stopped: " << StopReasonName(t.last_stop) << "]\n";
  return 0;
}

}  // namespace

void RegisterGenerate(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* cmd =
      app.add_subcommand("generate",
                         "Run a GGUF model (llama, qwen2) locally: complete a prompt, or chat over "
                         "stdin, streaming the text as it is generated");
  cmd->add_option("--model,-m", flags->model, "Model file (.gguf)")->required();
  cmd->add_option("--prompt,-p", flags->prompt, "Text to complete (raw, no chat template)")
      ->each([f = flags.get()](const std::string&) { f->has_prompt = true; });
  cmd->add_flag("--chat", flags->chat,
                "Chat: read user lines from stdin, answer each in the model's chat template");
  cmd->add_option("--system", flags->system, "System message for --chat");
  cmd->add_option(
      "--template", flags->template_name,
      "Chat template name overriding the model's (chatml, llama2, llama3, zephyr, ...)");
  cmd->add_option("-n,--n-predict", flags->n_predict, "Most tokens to generate per answer")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--threads,-t", flags->threads, "Threads (0: one per hardware thread)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  cmd->add_option("--ctx", flags->ctx, "Context positions (0: the model's, at most 4096)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--temp", flags->temp, "Temperature; 0 or less: greedy")->capture_default_str();
  cmd->add_option("--top-k", flags->top_k, "Keep the k most likely tokens (0: off)")
      ->capture_default_str();
  cmd->add_option("--top-p", flags->top_p, "Nucleus sampling threshold (1: off)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--min-p", flags->min_p, "Drop tokens below p times the best (0: off)")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--repeat-penalty", flags->repeat_penalty, "Repetition penalty (1: off)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--repeat-last-n", flags->repeat_last_n, "Tokens the penalty looks back on")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--seed,-s", flags->seed, "Sampling seed")->capture_default_str();
  cmd->add_option("--stop", flags->stops, "Stop when this text is generated (repeatable)");
  cmd->add_option("--kv", flags->kv, "KV cache type: f16 or f32")->capture_default_str();
  AddRepackCacheFlags(cmd, &flags->repack_cache);
  cmd->callback([flags, exit_code] { *exit_code = RunGenerate(*flags); });
}

}  // namespace ptmo::cli
