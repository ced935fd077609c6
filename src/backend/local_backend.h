// LocalBackend: answers requests with a GGUF model on this device (the engine), for any
// number of concurrent callers.
//
//   LocalBackendOptions o;
//   o.model_path = "qwen2-0.5b.Q4_0.gguf";
//   o.n_sessions = 2;
//   PTMO_ASSIGN_OR_RETURN(std::unique_ptr<LocalBackend> local, LocalBackend::Open(o));
//   PTMO_ASSIGN_OR_RETURN(Result r, local->Generate(request, on_delta, &cancel));
//
// Concurrency: the model weights are loaded (mapped) once and shared; the backend owns a fixed
// pool of `n_sessions` engine Sessions (each with its own KV cache and thread pool). A request
// takes a free Session for its whole run; when none is free it waits in a FIFO queue of at
// most `queue_limit` requests (beyond that: kResourceExhausted "queue full"). Waiting requests
// notice cancellation. A fixed pool keeps memory bounded and predictable on a small device
// (n_sessions KV caches of n_ctx positions) and avoids batching complexity; throughput scales
// with n_sessions as long as cores allow. Each Session remembers the tokens in its cache, so a
// request whose prompt extends the previous one (a chat turn) only runs the new tokens.
//
// Generation: chat requests are rendered with the model's chat template (or the override
// named in the options) and tokenized with special tokens parsed; `prompt` requests are
// tokenized as plain text (BOS as the vocabulary asks). Sampling maps temperature (<= 0:
// greedy), top_p and seed (absent: a random seed) to engine::Sampler with top-k and min-p off
// unless the passthrough fields "top_k", "min_p", "repeat_penalty" (llama.cpp server names)
// set them. Generation ends at an end-of-generation token or a stop string (finish_reason
// "stop", the stop string is not returned), after max_tokens tokens or when the context is
// full ("length"), or when cancelled. Streamed deltas are always valid UTF-8: a character split
// across byte tokens is held until complete, invalid bytes become U+FFFD, and text that could
// be the start of a stop string is held until decided. Cancellation (the CancelToken, or the
// callback returning false) is checked between tokens; it ends the request with a partial
// Result whose finish_reason is "cancelled" (usage counts the work done), or with
// kFailedPrecondition "cancelled" while the request is still waiting for a Session.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "engine/chat_template.h"
#include "engine/model.h"
#include "engine/tokenizer.h"
#include "tensor/thread_pool.h"
#include "util/status.h"

namespace ptmo::backend {

struct LocalBackendOptions {
  std::string model_path;  // the GGUF file
  // The id clients use for this model; empty: the file name without directory and ".gguf"
  // ("models/qwen2-0.5b.Q4_0.gguf" -> "qwen2-0.5b.Q4_0").
  std::string model_id;
  int n_sessions = 1;  // concurrent requests actually running (1 to 64)
  // Threads per Session; 0: the hardware threads divided among the Sessions (at least 1).
  int threads = 0;
  int64_t n_ctx = 0;  // context positions per Session; 0: the model's, at most 4096
  // Requests that may wait for a Session when all are busy; more are refused ("queue full").
  int queue_limit = 64;
  // A chat format name (engine/chat_template.h: chatml, llama2, llama3, zephyr, ...) used
  // instead of the file's `tokenizer.chat_template`. Empty: the file's, detected at Open.
  std::string chat_template;
  std::string name = "local";  // name() for logs and metrics
  // Where a large Q4_0 model's repacked copy is kept between runs (engine/repack_cache.h);
  // "": repack in memory at every start.
  std::string repack_cache_dir;
};

class LocalBackend : public Backend {
 public:
  // Loads the model, its tokenizer and chat template, and creates the Sessions. Errors:
  // kInvalidArgument for options out of range; the engine's errors for the file (kNotFound
  // for a missing file, kInvalidArgument/kDataLoss for a broken one, each naming the path);
  // kInvalidArgument for an unknown chat_template name. A model whose chat template cannot be
  // recognized still opens: its chat requests fail with kFailedPrecondition naming the
  // problem, and prompt requests work.
  static Expected<std::unique_ptr<LocalBackend>> Open(const LocalBackendOptions& options);

  ~LocalBackend() override;
  LocalBackend(const LocalBackend&) = delete;
  LocalBackend& operator=(const LocalBackend&) = delete;

  std::string name() const override { return name_; }
  bool remote() const override { return false; }
  std::vector<std::string> models() const override { return {model_id_}; }

  // See backend.h and the file comment. Besides the interface's errors: kInvalidArgument for
  // a request naming another model, max_tokens < 1, an empty prompt, or a chat request without
  // messages; kResourceExhausted "queue full" when queue_limit requests are already waiting,
  // and for a prompt longer than the context ("prompt of 5000 tokens does not fit the context
  // of 4096 positions"). Thread-safe.
  Expected<Result> Generate(const Request& request, const DeltaCallback& on_delta,
                            const CancelToken* cancel) override;

  const engine::Model& model() const { return *model_; }
  const engine::Tokenizer& tokenizer() const { return *tokenizer_; }
  int64_t n_ctx() const;
  // Requests waiting for a Session right now (for metrics and tests).
  int queued() const;

 private:
  // One engine Session with its threads, and the tokens its KV cache holds.
  struct Slot {
    std::unique_ptr<tensor::ThreadPool> pool;
    std::unique_ptr<engine::Session> session;
    std::vector<engine::TokenId> cached;
  };
  struct Waiter {
    Slot* slot = nullptr;  // set by Release when handed a Session
  };

  LocalBackend() = default;

  Expected<std::vector<engine::TokenId>> Tokenize(const Request& request) const;
  Expected<Slot*> Acquire(const CancelToken* cancel);
  void Release(Slot* slot);
  Expected<Result> Run(Slot& slot, const Request& request, std::vector<engine::TokenId> prompt,
                       const DeltaCallback& on_delta, const CancelToken* cancel);
  std::string Prefix() const;  // "local backend 'name'"

  std::string name_;
  std::string model_id_;
  int queue_limit_ = 0;
  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Tokenizer> tokenizer_;
  std::optional<engine::ChatTemplate> template_;
  Status template_error_;  // why template_ is empty
  std::vector<std::unique_ptr<Slot>> slots_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot*> free_;      // guarded by mu_
  std::deque<Waiter*> waiting_;  // guarded by mu_, FIFO
};

}  // namespace ptmo::backend
