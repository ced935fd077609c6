#include "backend/local_backend.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <span>
#include <thread>
#include <utility>

#include "backend/stop_filter.h"
#include "engine/sampler.h"

namespace ptmo::backend {
namespace {

using engine::TokenId;

// How often a request waiting for a Session looks at its CancelToken.
constexpr auto kCancelPoll = std::chrono::milliseconds(20);

// A passthrough field read as a number when present and numeric.
template <typename T>
void ReadNumber(const nlohmann::json& fields, const char* key, T* out) {
  auto it = fields.find(key);
  if (it != fields.end() && it->is_number()) *out = it->get<T>();
}

}  // namespace

Expected<std::unique_ptr<LocalBackend>> LocalBackend::Open(const LocalBackendOptions& options) {
  if (options.model_path.empty()) return InvalidArgument("local backend: no model path given");
  if (options.n_sessions < 1 || options.n_sessions > 64) {
    return InvalidArgument("local backend: n_sessions must be 1 to 64, got " +
                           std::to_string(options.n_sessions));
  }
  if (options.threads < 0 || options.threads > 256) {
    return InvalidArgument("local backend: threads must be 0 to 256, got " +
                           std::to_string(options.threads));
  }
  if (options.queue_limit < 0) {
    return InvalidArgument("local backend: queue_limit must not be negative, got " +
                           std::to_string(options.queue_limit));
  }
  if (options.n_ctx < 0) {
    return InvalidArgument("local backend: n_ctx must not be negative, got " +
                           std::to_string(options.n_ctx));
  }

  std::unique_ptr<LocalBackend> b(new LocalBackend());
  b->name_ = options.name.empty() ? "local" : options.name;
  b->model_id_ = options.model_id.empty()
                     ? std::filesystem::path(options.model_path).stem().string()
                     : options.model_id;
  b->queue_limit_ = options.queue_limit;
  engine::LoadOptions load;
  load.repack.cache_dir = options.repack_cache_dir;
  PTMO_ASSIGN_OR_RETURN(b->model_, engine::Model::Load(options.model_path, load));
  PTMO_ASSIGN_OR_RETURN(b->tokenizer_, engine::Tokenizer::FromGguf(b->model_->gguf()));

  auto tmpl = engine::ChatTemplate::FromGguf(b->model_->gguf(), options.chat_template);
  if (tmpl.ok()) {
    b->template_ = std::move(*tmpl);
  } else if (!options.chat_template.empty()) {
    return tmpl.status();  // an explicit override that does not exist
  } else {
    b->template_error_ = tmpl.status();
  }

  int threads = options.threads;
  if (threads == 0) {
    const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    threads = std::max(1, hw / options.n_sessions);
  }
  for (int i = 0; i < options.n_sessions; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->pool = std::make_unique<tensor::ThreadPool>(threads);
    engine::SessionOptions so;
    so.n_ctx = options.n_ctx;
    so.pool = slot->pool.get();
    PTMO_ASSIGN_OR_RETURN(slot->session, engine::Session::Create(*b->model_, so));
    b->free_.push_back(slot.get());
    b->slots_.push_back(std::move(slot));
  }
  return b;
}

LocalBackend::~LocalBackend() = default;

int64_t LocalBackend::n_ctx() const {
  return slots_.front()->session->n_ctx();
}

int LocalBackend::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiting_.size());
}

std::string LocalBackend::Prefix() const {
  return "local backend '" + name_ + "'";
}

Expected<std::vector<TokenId>> LocalBackend::Tokenize(const Request& request) const {
  if (request.prompt.has_value()) {
    if (request.prompt->empty()) return InvalidArgument(Prefix() + ": the prompt is empty");
    // Raw user text: control-token texts in it stay plain text; BOS as the vocabulary asks.
    return tokenizer_->Encode(*request.prompt, {.add_special = true, .parse_special = false});
  }
  if (request.messages.empty()) {
    return InvalidArgument(Prefix() + ": the chat request has no messages");
  }
  if (!template_) {
    return FailedPrecondition(Prefix() + ": cannot render chat messages for model '" + model_id_ +
                              "': " + template_error_.message() +
                              " (set the backend's chat_template option)");
  }
  std::vector<engine::ChatMessage> messages;
  messages.reserve(request.messages.size());
  for (const Message& m : request.messages) messages.push_back({m.role, m.content});
  const std::string text = template_->Apply(messages, /*add_generation_prompt=*/true);
  return tokenizer_->Encode(text, {.add_special = true, .parse_special = true});
}

Expected<LocalBackend::Slot*> LocalBackend::Acquire(const CancelToken* cancel) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!free_.empty() && waiting_.empty()) {
    Slot* slot = free_.back();
    free_.pop_back();
    return slot;
  }
  if (static_cast<int>(waiting_.size()) >= queue_limit_) {
    return ResourceExhausted(Prefix() + ": queue full (" + std::to_string(slots_.size()) +
                             " requests running and " + std::to_string(waiting_.size()) +
                             " waiting, the queue limit)");
  }
  Waiter me;
  waiting_.push_back(&me);
  while (me.slot == nullptr) {
    cv_.wait_for(lock, kCancelPoll);
    if (me.slot == nullptr && cancel != nullptr && cancel->cancelled()) {
      waiting_.erase(std::find(waiting_.begin(), waiting_.end(), &me));
      return FailedPrecondition(Prefix() + ": cancelled while waiting for a free session");
    }
  }
  return me.slot;
}

void LocalBackend::Release(Slot* slot) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (waiting_.empty()) {
      free_.push_back(slot);
      return;
    }
    waiting_.front()->slot = slot;  // hand over directly: FIFO, no barging
    waiting_.pop_front();
  }
  cv_.notify_all();
}

Expected<Result> LocalBackend::Generate(const Request& request, const DeltaCallback& on_delta,
                                        const CancelToken* cancel) {
  if (!request.model.empty() && request.model != model_id_) {
    return InvalidArgument(Prefix() + " serves model '" + model_id_ + "', not '" + request.model +
                           "'");
  }
  if (request.params.max_tokens < 1) {
    return InvalidArgument(Prefix() + ": max_tokens must be at least 1, got " +
                           std::to_string(request.params.max_tokens));
  }
  // Tokenize before queueing: it needs no Session, and a bad request fails fast.
  PTMO_ASSIGN_OR_RETURN(std::vector<TokenId> prompt, Tokenize(request));
  if (prompt.empty()) return InvalidArgument(Prefix() + ": the prompt has no tokens");
  if (static_cast<int64_t>(prompt.size()) > n_ctx()) {
    return ResourceExhausted(Prefix() + ": prompt of " + std::to_string(prompt.size()) +
                             " tokens does not fit the context of " + std::to_string(n_ctx()) +
                             " positions");
  }
  PTMO_ASSIGN_OR_RETURN(Slot * slot, Acquire(cancel));
  Expected<Result> result = Run(*slot, request, std::move(prompt), on_delta, cancel);
  Release(slot);
  return result;
}

Expected<Result> LocalBackend::Run(Slot& slot, const Request& request, std::vector<TokenId> prompt,
                                   const DeltaCallback& on_delta, const CancelToken* cancel) {
  const GenerationParams& p = request.params;
  engine::SamplerOptions so;
  so.temperature = p.temperature;
  so.top_p = p.top_p;
  so.top_k = 0;  // OpenAI semantics: only temperature and top_p, unless asked
  so.min_p = 0.0f;
  so.repeat_penalty = 1.0f;
  ReadNumber(request.passthrough, "top_k", &so.top_k);
  ReadNumber(request.passthrough, "min_p", &so.min_p);
  ReadNumber(request.passthrough, "repeat_penalty", &so.repeat_penalty);
  so.seed = p.seed ? *p.seed : std::random_device{}();
  if (tokenizer_->eos() != engine::kNoToken) so.stop_tokens.push_back(tokenizer_->eos());
  engine::Sampler sampler(std::move(so));
  for (TokenId t : prompt) sampler.Accept(t);

  Result result;
  result.model = model_id_;
  result.usage.prompt_tokens = static_cast<int64_t>(prompt.size());
  auto finish = [&](std::string reason) {
    result.finish_reason = std::move(reason);
    result.message = {{"role", "assistant"}, {"content", result.text}};
    return result;
  };
  if (cancel != nullptr && cancel->cancelled()) return finish("cancelled");

  // Reuse the cached prefix shared with this prompt; at least the last prompt token is run
  // again, for its logits.
  engine::Session& session = *slot.session;
  size_t common = 0;
  while (common < slot.cached.size() && common < prompt.size() &&
         slot.cached[common] == prompt[common]) {
    ++common;
  }
  common = std::min(common, prompt.size() - 1);
  slot.cached.resize(common);
  auto logits = session.Prefill(std::span<const TokenId>(prompt).subspan(common),
                                static_cast<int64_t>(common));
  if (!logits.ok()) {
    slot.cached.clear();
    return Status(logits.status().code(), Prefix() + ": " + logits.status().message());
  }
  slot.cached = std::move(prompt);

  engine::StreamDecoder decoder(*tokenizer_);
  StopStringFilter filter(p.stop);
  std::string ready;
  // Sends released text to the client; false when the client cancelled.
  auto emit = [&]() {
    if (ready.empty()) return true;
    result.text += ready;
    const bool go_on = !on_delta || on_delta(ready);
    ready.clear();
    return go_on;
  };

  std::span<const float> row = *logits;
  for (int i = 0;; ++i) {
    if (cancel != nullptr && cancel->cancelled()) return finish("cancelled");
    const TokenId next = sampler.Sample(row);
    sampler.Accept(next);
    if (tokenizer_->IsEndOfGeneration(next)) break;
    ++result.usage.completion_tokens;
    const bool stopped = filter.Add(ToValidUtf8(decoder.Push(next)), &ready);
    if (!emit()) return finish("cancelled");
    if (stopped) return finish("stop");
    if (i + 1 >= p.max_tokens || session.n_past() >= session.n_ctx()) {
      if (filter.Add(ToValidUtf8(decoder.Flush()), &ready)) {
        emit();
        return finish("stop");
      }
      filter.Finish(&ready);
      if (!emit()) return finish("cancelled");
      return finish("length");
    }
    auto step = session.Forward(next, session.n_past());
    if (!step.ok()) {
      slot.cached.clear();
      return Status(step.status().code(), Prefix() + ": " + step.status().message());
    }
    slot.cached.push_back(next);
    row = *step;
  }
  // End of generation token.
  const bool stopped = filter.Add(ToValidUtf8(decoder.Flush()), &ready);
  if (!stopped) filter.Finish(&ready);
  if (!emit()) return finish("cancelled");
  return finish("stop");
}

}  // namespace ptmo::backend
