// LocalBackend on a tiny random model written by the model builder: determinism, streaming,
// stop strings, limits, cancellation, concurrency and the queue.
#include "backend/local_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/model_builder.h"
#include "util/utf8.h"

namespace ptmo::backend {
namespace {

using namespace std::chrono_literals;

class LocalBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new std::string(::testing::TempDir() + "ptmo_local_backend_" + std::to_string(::getpid()));
    std::filesystem::create_directories(*dir_);
    engine::BuildOptions o;
    o.shape = *engine::ModelPreset("tiny");
    o.format = engine::WeightFormat::kF32;
    o.seed = 11;
    ASSERT_TRUE(engine::WriteRandomModel(ModelPath(), o).ok());
    o.extra_metadata = [](engine::GgufWriter& w) {
      return w.SetString("tokenizer.chat_template", "chatml");
    };
    ASSERT_TRUE(engine::WriteRandomModel(ChatModelPath(), o).ok());
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string ModelPath() { return *dir_ + "/tiny-test.gguf"; }
  static std::string ChatModelPath() { return *dir_ + "/tiny-chat.gguf"; }

  static std::unique_ptr<LocalBackend> OpenOrDie(LocalBackendOptions o) {
    if (o.model_path.empty()) o.model_path = ModelPath();
    if (o.threads == 0) o.threads = 1;
    auto b = LocalBackend::Open(o);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? std::move(*b) : nullptr;
  }

  static Request PromptRequest(std::string prompt, int max_tokens = 24) {
    Request r;
    r.prompt = std::move(prompt);
    r.params.max_tokens = max_tokens;
    r.params.temperature = 0.0f;
    return r;
  }

  static std::string* dir_;
};

std::string* LocalBackendTest::dir_ = nullptr;

TEST_F(LocalBackendTest, ModelIdDefaultsToTheFileStem) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->models(), std::vector<std::string>{"tiny-test"});
  EXPECT_FALSE(b->remote());
  EXPECT_EQ(b->name(), "local");
}

TEST_F(LocalBackendTest, SameSeedGivesSameTextAndOtherSeedsDiffer) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  Request r = PromptRequest("the quick brown fox", 32);
  r.params.temperature = 1.0f;
  r.params.seed = 1234;
  auto first = b->Generate(r, nullptr, nullptr);
  auto second = b->Generate(r, nullptr, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(first->text.empty());
  EXPECT_EQ(first->text, second->text);
  EXPECT_EQ(first->model, "tiny-test");
  EXPECT_EQ(first->message["role"], "assistant");
  EXPECT_EQ(first->message["content"], first->text);

  std::set<std::string> texts;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    r.params.seed = seed;
    auto other = b->Generate(r, nullptr, nullptr);
    ASSERT_TRUE(other.ok());
    texts.insert(other->text);
  }
  EXPECT_GT(texts.size(), 1u) << "four seeds gave the same text";
}

TEST_F(LocalBackendTest, UsageCountsPromptAndGeneratedTokens) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  const std::string prompt = "hello world";
  auto r = b->Generate(PromptRequest(prompt, 7), nullptr, nullptr);
  ASSERT_TRUE(r.ok());
  const auto ids = b->tokenizer().Encode(prompt, {.add_special = true, .parse_special = false});
  EXPECT_EQ(r->usage.prompt_tokens, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(r->usage.completion_tokens, 7);
}

TEST_F(LocalBackendTest, StreamedDeltasConcatenateToTheTextAndAreValidUtf8) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  std::vector<std::string> deltas;
  auto r = b->Generate(
      PromptRequest("once upon a time", 40),
      [&](std::string_view d) {
        deltas.emplace_back(d);
        return true;
      },
      nullptr);
  ASSERT_TRUE(r.ok());
  std::string joined;
  for (const std::string& d : deltas) {
    EXPECT_FALSE(d.empty());
    EXPECT_TRUE(utf8::IsValid(d)) << d;
    joined += d;
  }
  EXPECT_GT(deltas.size(), 1u);
  EXPECT_EQ(joined, r->text);
  // Streaming does not change what is generated.
  auto plain = b->Generate(PromptRequest("once upon a time", 40), nullptr, nullptr);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->text, r->text);
}

TEST_F(LocalBackendTest, MaxTokensEndsWithFinishReasonLength) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  auto r = b->Generate(PromptRequest("abc", 5), nullptr, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, "length");
  EXPECT_EQ(r->usage.completion_tokens, 5);
}

TEST_F(LocalBackendTest, StopStringEndsTheTextBeforeIt) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  auto full = b->Generate(PromptRequest("the quick brown fox", 48), nullptr, nullptr);
  ASSERT_TRUE(full.ok());
  const std::u32string cps = utf8::ToU32(full->text);
  ASSERT_GE(cps.size(), 8u) << full->text;
  // A two-character stop string taken from the middle of the text.
  const std::string stop = utf8::FromU32(cps.substr(cps.size() / 2, 2));
  const size_t at = full->text.find(stop);
  ASSERT_NE(at, std::string::npos);

  Request r = PromptRequest("the quick brown fox", 48);
  r.params.stop = {"never-generated-stop", stop};
  std::string streamed;
  auto cut = b->Generate(
      r,
      [&](std::string_view d) {
        streamed += d;
        return true;
      },
      nullptr);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->text, full->text.substr(0, at));
  EXPECT_EQ(streamed, cut->text);
  EXPECT_EQ(cut->finish_reason, "stop");
}

TEST_F(LocalBackendTest, CallbackReturningFalseCancelsWithPartialResult) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  int calls = 0;
  std::string seen;
  auto r = b->Generate(
      PromptRequest("abc", 64),
      [&](std::string_view d) {
        seen += d;
        return ++calls < 3;
      },
      nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, "cancelled");
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(r->text, seen);
  EXPECT_LT(r->usage.completion_tokens, 64);
}

TEST_F(LocalBackendTest, CancelTokenStopsARunningRequest) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  CancelToken cancel;
  int calls = 0;
  auto r = b->Generate(
      PromptRequest("abc", 200),
      [&](std::string_view) {
        if (++calls == 2) cancel.Cancel();
        return true;
      },
      &cancel);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, "cancelled");
  EXPECT_EQ(calls, 2);

  CancelToken already;
  already.Cancel();
  auto none = b->Generate(PromptRequest("abc", 10), nullptr, &already);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->finish_reason, "cancelled");
  EXPECT_EQ(none->usage.completion_tokens, 0);
}

TEST_F(LocalBackendTest, EightConcurrentRequestsAllFinishWithTheSequentialResults) {
  LocalBackendOptions o;
  o.n_sessions = 2;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  std::vector<std::string> prompts;
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    prompts.push_back("request number " + std::to_string(i % 3) + " says");
    auto r = b->Generate(PromptRequest(prompts.back(), 16), nullptr, nullptr);
    ASSERT_TRUE(r.ok());
    expected.push_back(r->text);
  }
  std::vector<std::future<Expected<Result>>> futures;
  for (int i = 0; i < 8; ++i) {
    futures.push_back(std::async(std::launch::async, [&, i] {
      return b->Generate(PromptRequest(prompts[static_cast<size_t>(i)], 16), nullptr, nullptr);
    }));
  }
  for (int i = 0; i < 8; ++i) {
    auto r = futures[static_cast<size_t>(i)].get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->text, expected[static_cast<size_t>(i)]) << "request " << i;
  }
  EXPECT_EQ(b->queued(), 0);
}

TEST_F(LocalBackendTest, RefusesRequestsBeyondTheQueueLimitAndCancelsWaiters) {
  LocalBackendOptions o;
  o.n_sessions = 1;
  o.queue_limit = 1;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);

  // A holds the only Session until released.
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  bool first_delta = true;
  auto a = std::async(std::launch::async, [&] {
    return b->Generate(
        PromptRequest("abc", 8),
        [&](std::string_view) {
          if (first_delta) {
            first_delta = false;
            started.set_value();
            released.wait();
          }
          return true;
        },
        nullptr);
  });
  started.get_future().wait();

  // B waits in the queue; C finds it full.
  CancelToken cancel_b;
  auto queued = std::async(
      std::launch::async, [&] { return b->Generate(PromptRequest("abc", 4), nullptr, &cancel_b); });
  for (int i = 0; i < 500 && b->queued() < 1; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(b->queued(), 1);
  auto c = b->Generate(PromptRequest("abc", 4), nullptr, nullptr);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(c.status().message().find("queue full"), std::string::npos) << c.status().message();

  // Cancelling B while it waits ends it with kFailedPrecondition.
  cancel_b.Cancel();
  auto rb = queued.get();
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(b->queued(), 0);

  release.set_value();
  auto ra = a.get();
  ASSERT_TRUE(ra.ok());
  EXPECT_EQ(ra->usage.completion_tokens, 8);
  // The Session is free again.
  EXPECT_TRUE(b->Generate(PromptRequest("abc", 2), nullptr, nullptr).ok());
}

TEST_F(LocalBackendTest, PromptLongerThanTheContextIsResourceExhausted) {
  LocalBackendOptions o;
  o.n_ctx = 32;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  std::string prompt;
  for (int i = 0; i < 40; ++i) prompt += "word" + std::to_string(i) + " ";
  auto r = b->Generate(PromptRequest(prompt), nullptr, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("does not fit the context of 32 positions"),
            std::string::npos)
      << r.status().message();
}

TEST_F(LocalBackendTest, FullContextEndsWithFinishReasonLength) {
  LocalBackendOptions o;
  o.n_ctx = 16;
  auto b = OpenOrDie(o);
  ASSERT_NE(b, nullptr);
  auto r = b->Generate(PromptRequest("abc", 100), nullptr, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, "length");
  EXPECT_EQ(r->usage.prompt_tokens + r->usage.completion_tokens, 17);  // last one is not cached
}

TEST_F(LocalBackendTest, BadModelPathIsAnErrorNamingThePath) {
  LocalBackendOptions o;
  o.model_path = "/nonexistent/dir/model.gguf";
  auto b = LocalBackend::Open(o);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("/nonexistent/dir/model.gguf"), std::string::npos)
      << b.status().message();
}

TEST_F(LocalBackendTest, RejectsOptionsOutOfRange) {
  LocalBackendOptions o;
  o.model_path = ModelPath();
  o.n_sessions = 0;
  EXPECT_EQ(LocalBackend::Open(o).status().code(), StatusCode::kInvalidArgument);
  o.n_sessions = 1;
  o.chat_template = "no-such-format";
  EXPECT_EQ(LocalBackend::Open(o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalBackendTest, RejectsMalformedRequests) {
  auto b = OpenOrDie({});
  ASSERT_NE(b, nullptr);
  Request other = PromptRequest("abc");
  other.model = "gpt-4o";
  EXPECT_EQ(b->Generate(other, nullptr, nullptr).status().code(), StatusCode::kInvalidArgument);
  Request zero = PromptRequest("abc", 0);
  EXPECT_EQ(b->Generate(zero, nullptr, nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b->Generate(PromptRequest(""), nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  Request empty_chat;
  EXPECT_EQ(b->Generate(empty_chat, nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LocalBackendTest, ChatNeedsATemplateFromTheFileOrTheOptions) {
  Request chat;
  chat.messages = {{"system", "Be brief."}, {"user", "Hi there"}};
  chat.params.max_tokens = 8;
  chat.params.temperature = 0.0f;

  auto plain = OpenOrDie({});
  ASSERT_NE(plain, nullptr);
  auto refused = plain->Generate(chat, nullptr, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("chat_template"), std::string::npos);

  LocalBackendOptions with_override;
  with_override.chat_template = "chatml";
  auto overridden = OpenOrDie(with_override);
  LocalBackendOptions from_file;
  from_file.model_path = ChatModelPath();
  auto detected = OpenOrDie(from_file);
  ASSERT_NE(overridden, nullptr);
  ASSERT_NE(detected, nullptr);
  auto a = overridden->Generate(chat, nullptr, nullptr);
  auto b = detected->Generate(chat, nullptr, nullptr);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  // Same weights and the same template: the same answer. The chat prompt is the rendered
  // template, longer than the user's words.
  EXPECT_EQ(a->text, b->text);
  EXPECT_GT(a->usage.prompt_tokens, 10);
}

}  // namespace
}  // namespace ptmo::backend
