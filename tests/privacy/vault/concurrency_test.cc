// One Vault used from many threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"

namespace ptmo::privacy {
namespace {

TEST(Concurrency, ThreadsMaskingAtOnceAgreeOnEveryPseudonym) {
  for (MaskMode mode : {MaskMode::kPlaceholder, MaskMode::kSurrogate, MaskMode::kHash}) {
    Vault vault;
    constexpr int kThreads = 8;
    constexpr int kValues = 50;
    std::vector<std::map<std::string, std::string>> seen(kThreads);  // value -> pseudonym
    std::atomic<bool> failed{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round) {
          // Every thread masks the same values, in a thread-specific order.
          std::string text;
          std::vector<Span> spans;
          std::vector<std::string> values;
          for (int k = 0; k < 5; ++k) {
            std::string v = "user" + std::to_string((t * 7 + round * 3 + k * 11) % kValues);
            spans.push_back(
                testing::MakeSpan(EntityType::kPerson, text.size(), text.size() + v.size()));
            values.push_back(v);
            text += v + " | ";
          }
          auto m = vault.Mask(text, spans, mode);
          if (!m.ok() || vault.Unmask(m->text) != text) failed = true;
          if (!m.ok()) return;
          for (size_t k = 0; k < values.size(); ++k) {
            auto [it, added] = seen[t].emplace(values[k], m->replacements[k].pseudonym);
            if (!added && it->second != m->replacements[k].pseudonym) failed = true;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_FALSE(failed) << MaskModeName(mode);
    // Across threads: one pseudonym per value, one value per pseudonym.
    std::map<std::string, std::string> by_value;
    std::map<std::string, std::string> by_pseudonym;
    for (const auto& m : seen) {
      for (const auto& [value, pseudonym] : m) {
        auto [a, new_value] = by_value.emplace(value, pseudonym);
        EXPECT_EQ(a->second, pseudonym) << value;
        auto [b, new_pseudonym] = by_pseudonym.emplace(pseudonym, value);
        EXPECT_EQ(b->second, value) << pseudonym;
        EXPECT_EQ(vault.OriginalOf(pseudonym), value);
      }
    }
    EXPECT_EQ(vault.size(), by_value.size());
    if (mode == MaskMode::kPlaceholder) {
      // Numbers 1..N, each used once.
      std::set<std::string> expected;
      for (size_t i = 1; i <= by_value.size(); ++i) {
        expected.insert("<PERSON_" + std::to_string(i) + ">");
      }
      std::set<std::string> got;
      for (const auto& [p, v] : by_pseudonym) got.insert(p);
      EXPECT_EQ(got, expected);
    }
  }
}

TEST(Concurrency, RestoringWhileAnotherThreadMasks) {
  Vault vault;
  std::string first = "alpha";
  auto m =
      vault.Mask(first, {testing::MakeSpan(EntityType::kPerson, 0, 5)}, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::thread reader([&] {
    StreamRestorer r = vault.NewStreamRestorer();
    while (!stop) {
      if (vault.Unmask("x <PERSON_1> y") != "x alpha y") ++wrong;
      std::string streamed = r.Feed("<PERSON_");
      streamed += r.Feed("1>");
      streamed += r.Finish();
      if (streamed != "alpha") ++wrong;
    }
  });
  for (int i = 0; i < 500; ++i) {
    std::string text = "value" + std::to_string(i);
    ASSERT_TRUE(vault
                    .Mask(text, {testing::MakeSpan(EntityType::kEmail, 0, text.size())},
                          MaskMode::kSurrogate)
                    .ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace ptmo::privacy
