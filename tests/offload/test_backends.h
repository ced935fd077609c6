// Test doubles for the gateway tests: a scripted "cloud" that records what it received and
// answers by a rule, and a canned "local" model. Neither runs a real model.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "privacy/analyzer.h"

namespace ptmo::offload::testing {

class ScriptedCloud : public backend::Backend {
 public:
  // Answers "echo: <last user message>" (so pseudonyms come back), streamed in chunks of
  // `chunk` bytes, or fails with `fail_with` for the first `failures` calls.
  std::string name() const override { return name_; }
  bool remote() const override { return true; }
  std::vector<std::string> models() const override { return {"cloud-model"}; }
  std::string WireBody(const backend::Request& r, bool stream) const override {
    std::string body = stream ? "stream:" : "";
    for (const auto& m : r.messages) {
      body += m.role + ":" + m.content + "\n";
      for (const auto& image : m.images) body += "image:" + image.url + "\n";
    }
    if (r.prompt) body += "prompt:" + *r.prompt;
    for (const auto& m : r.messages) body += m.extra.dump();
    return body;
  }
  Expected<backend::Result> Generate(const backend::Request& r, const backend::DeltaCallback& d,
                                     const backend::CancelToken*) override {
    std::lock_guard lock(mu_);
    received.push_back(r);
    if (failures > 0) {
      --failures;
      return fail_with;
    }
    std::string last = r.prompt.value_or("");
    for (const auto& m : r.messages) {
      if (m.role == "user") last = m.content;
    }
    backend::Result result;
    result.text = reply_prefix + last;
    result.model = "cloud-model";
    result.usage = {10, 5};
    result.message = {{"role", "assistant"}, {"content", result.text}};
    if (!tool_arguments.empty()) {
      result.message["tool_calls"] = nlohmann::json::array(
          {{{"id", "call_1"},
            {"type", "function"},
            {"function", {{"name", "send_email"}, {"arguments", tool_arguments}}}}});
    }
    if (d) {
      for (size_t i = 0; i < result.text.size(); i += chunk) {
        if (!d(std::string_view(result.text).substr(i, chunk))) break;
      }
    }
    return result;
  }

  std::string name_ = "cloud:test";
  std::string reply_prefix = "echo: ";
  size_t chunk = 3;
  int failures = 0;
  Status fail_with = Status(StatusCode::kUnavailable, "cloud down (test)");
  std::string tool_arguments;  // when set, the reply carries one tool call with these
  std::vector<backend::Request> received;
  std::mutex mu_;
};

class CannedLocal : public backend::Backend {
 public:
  std::string name() const override { return "local"; }
  bool remote() const override { return false; }
  std::vector<std::string> models() const override { return {"local-model"}; }
  Expected<backend::Result> Generate(const backend::Request& r, const backend::DeltaCallback& d,
                                     const backend::CancelToken*) override {
    {
      std::lock_guard lock(mu_);
      ++calls;
      received.push_back(r);
    }
    backend::Result result;
    result.text = "local answer";
    result.usage = {7, 2};
    result.message = {{"role", "assistant"}, {"content", result.text}};
    if (d) d(result.text);
    return result;
  }
  int calls = 0;
  std::vector<backend::Request> received;
  std::mutex mu_;
};

// One default text analyzer shared by the tests of a binary (building one loads the models).
inline std::shared_ptr<const privacy::Analyzer> SharedAnalyzer() {
  static std::shared_ptr<const privacy::Analyzer> analyzer = [] {
    auto a = privacy::Analyzer::Create({});
    EXPECT_TRUE(a.ok()) << a.status().message();
    return std::shared_ptr<const privacy::Analyzer>(std::move(*a));
  }();
  return analyzer;
}

}  // namespace ptmo::offload::testing
