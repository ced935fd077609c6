// Unmask, streaming restore and JSON restore.
#include <gtest/gtest.h>

#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "privacy/vault/vault.h"
#include "privacy/vault/vault_test_util.h"

namespace ptmo::privacy {
namespace {

using testing::SpanOf;

constexpr MaskMode kRestorableModes[] = {MaskMode::kPlaceholder, MaskMode::kSurrogate,
                                         MaskMode::kHash};

std::string ModeLabel(MaskMode m) {
  return std::string(MaskModeName(m));
}

// Restores `masked` through a stream cut at the given byte offsets.
std::string StreamRestore(const Vault& vault, std::string_view masked,
                          const std::vector<size_t>& cuts) {
  StreamRestorer r = vault.NewStreamRestorer();
  std::string out;
  size_t at = 0;
  for (size_t cut : cuts) {
    out += r.Feed(masked.substr(at, cut - at));
    at = cut;
  }
  out += r.Feed(masked.substr(at));
  out += r.Finish();
  return out;
}

// A text mixing sensitive values (some repeated) with tricky filler, and the spans.
struct Sample {
  std::string text;
  std::vector<Span> spans;
};

Sample RandomSample(std::mt19937& rng, int tokens) {
  struct Value {
    const char* text;
    EntityType type;
  };
  static const Value kValues[] = {
      {"Alice Kim", EntityType::kPerson},
      {"Bob", EntityType::kPerson},
      {"홍길동", EntityType::kPerson},
      {"alice@corp.example", EntityType::kEmail},
      {"4111 1111 1111 1111", EntityType::kCreditCard},
      {"GB82 WEST 1234 5698 7654 32", EntityType::kIban},
      {"123-45-6789", EntityType::kUsSsn},
      {"+1 (415) 867-5309", EntityType::kPhone},
      {"10.20.30.40", EntityType::kIpAddress},
      {"s3cr\"et\\pw", EntityType::kPassword},
      {"Seoul", EntityType::kLocation},
      {"1990-04-01", EntityType::kDateOfBirth},
  };
  // Filler includes things that look like pseudonyms, and names from the surrogate lists.
  static const char* kFiller[] = {
      "the",         "report",
      "<PERSON_1>",  "<EMAIL:abcdef12>",
      "<",           ">",
      "PERSON_",     "Alex",
      "Vance",       "Jordan Abbott",
      "192.0.2.1",   "안녕하세요",
      "😀",           "[REDACTED_EMAIL]",
      "12345",       "é",
      "<PERSON_10>", "example.com",
      "\"",          "\\",
      "555-0100",
  };
  static const char* kSeparators[] = {" ", ", ", "\n", " (", ") ", ": ", " - ", "\t"};
  Sample s;
  for (int i = 0; i < tokens; ++i) {
    if (i > 0) s.text += kSeparators[rng() % std::size(kSeparators)];
    if (rng() % 3 == 0) {
      const Value& v = kValues[rng() % std::size(kValues)];
      s.spans.push_back(
          testing::MakeSpan(v.type, s.text.size(), s.text.size() + std::strlen(v.text)));
      s.text += v.text;
    } else {
      s.text += kFiller[rng() % std::size(kFiller)];
    }
  }
  return s;
}

TEST(Restore, RoundTripsRandomTextsInEveryRestorableMode) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    Sample s = RandomSample(rng, 1 + static_cast<int>(rng() % 30));
    for (MaskMode mode : kRestorableModes) {
      Vault vault({.deterministic_seed = static_cast<uint64_t>(trial)});
      auto m = vault.Mask(s.text, s.spans, mode);
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      for (const Span& span : s.spans) {
        std::string value = s.text.substr(span.begin, span.length());
        if (value != "Bob" && value != "Seoul") {  // short values may occur inside filler
          EXPECT_EQ(m->text.find(value), std::string::npos)
              << ModeLabel(mode) << ": '" << value << "' leaked into: " << m->text;
        }
      }
      ASSERT_EQ(vault.Unmask(m->text), s.text) << ModeLabel(mode) << "\nmasked: " << m->text;
      // Random chunking.
      std::vector<size_t> cuts;
      for (size_t at = 0; at < m->text.size(); at += 1 + rng() % 7) {
        if (at > 0) cuts.push_back(at);
      }
      ASSERT_EQ(StreamRestore(vault, m->text, cuts), s.text) << ModeLabel(mode);
    }
  }
}

TEST(Restore, RoundTripsAConversationOfManyMessages) {
  std::mt19937 rng(11);
  for (MaskMode mode : kRestorableModes) {
    Vault vault({.deterministic_seed = 5});
    for (int msg = 0; msg < 40; ++msg) {
      Sample s = RandomSample(rng, 12);
      // Later messages may contain earlier pseudonyms as plain text only through the
      // pseudonym-like filler; keep this conversation to values and plain words.
      std::string text;
      std::vector<Span> spans;
      for (const Span& span : s.spans) {
        text += " w ";
        spans.push_back(testing::MakeSpan(span.type, text.size(), text.size() + span.length()));
        text += s.text.substr(span.begin, span.length());
      }
      text += " end";
      auto m = vault.Mask(text, spans, mode);
      ASSERT_TRUE(m.ok());
      ASSERT_EQ(vault.Unmask(m->text), text) << ModeLabel(mode) << " message " << msg;
    }
  }
}

// The masked texts used by the exhaustive split tests: placeholders, hash tags and
// surrogates of several shapes, next to each other and to multi-byte characters.
struct Masked {
  std::string original;
  std::string masked;
};

Masked MaskSample(Vault& vault, MaskMode mode) {
  std::string text = "Hi Alice Kim(alice@corp.example)—홍길동님, card 4111 1111 1111 1111, Bob";
  std::vector<Span> spans = {
      SpanOf(text, "Alice Kim", EntityType::kPerson),
      SpanOf(text, "alice@corp.example", EntityType::kEmail),
      SpanOf(text, "홍길동", EntityType::kPerson),
      SpanOf(text, "4111 1111 1111 1111", EntityType::kCreditCard),
      SpanOf(text, "Bob", EntityType::kPerson, 30),
  };
  auto m = vault.Mask(text, spans, mode);
  EXPECT_TRUE(m.ok());
  return {text, m.ok() ? m->text : ""};
}

TEST(StreamRestore, EveryTwoChunkSplitRestoresExactly) {
  for (MaskMode mode : kRestorableModes) {
    Vault vault({.deterministic_seed = 3});
    Masked s = MaskSample(vault, mode);
    for (size_t cut = 0; cut <= s.masked.size(); ++cut) {
      ASSERT_EQ(StreamRestore(vault, s.masked, {cut}), s.original)
          << ModeLabel(mode) << " cut at " << cut;
    }
  }
}

TEST(StreamRestore, EveryThreeChunkSplitRestoresExactly) {
  for (MaskMode mode : kRestorableModes) {
    Vault vault({.deterministic_seed = 4});
    Masked s = MaskSample(vault, mode);
    for (size_t a = 0; a <= s.masked.size(); ++a) {
      for (size_t b = a; b <= s.masked.size(); ++b) {
        ASSERT_EQ(StreamRestore(vault, s.masked, {a, b}), s.original)
            << ModeLabel(mode) << " cuts at " << a << ", " << b;
      }
    }
  }
}

TEST(StreamRestore, ByteByByteStreamRestoresExactly) {
  for (MaskMode mode : kRestorableModes) {
    Vault vault({.deterministic_seed = 6});
    Masked s = MaskSample(vault, mode);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < s.masked.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(StreamRestore(vault, s.masked, cuts), s.original) << ModeLabel(mode);
  }
}

TEST(StreamRestore, HoldsBackOnlyAPossiblePseudonymPrefix) {
  Vault vault;
  std::string text = "Ann";
  ASSERT_TRUE(
      vault.Mask(text, {SpanOf(text, "Ann", EntityType::kPerson)}, MaskMode::kPlaceholder).ok());
  StreamRestorer r = vault.NewStreamRestorer();
  EXPECT_EQ(r.Feed("Hello <PER"), "Hello ");
  EXPECT_EQ(r.Feed("SON_1> and <b>"), "Ann and <b>");
  EXPECT_EQ(r.Feed(" <PERSON_"), " ");
  EXPECT_EQ(r.Feed("1"), "");            // could still become <PERSON_1>
  EXPECT_EQ(r.Feed("2"), "<PERSON_12");  // cannot: no pseudonym starts with "<PERSON_12"
  EXPECT_EQ(r.Feed(" <PERSON_1"), " ");
  EXPECT_EQ(r.Finish(), "<PERSON_1");
}

TEST(StreamRestore, NeverEmitsAHalfUtf8Character) {
  Vault vault;
  StreamRestorer r = vault.NewStreamRestorer();
  std::string han = "한";  // 3 bytes
  EXPECT_EQ(r.Feed(han.substr(0, 2)), "");
  EXPECT_EQ(r.Feed(han.substr(2)), han);
  EXPECT_EQ(r.Finish(), "");
}

TEST(StreamRestore, RestoresValuesMaskedAfterTheRestorerWasMade) {
  Vault vault;
  StreamRestorer r = vault.NewStreamRestorer();
  std::string text = "Zoe";
  ASSERT_TRUE(
      vault.Mask(text, {SpanOf(text, "Zoe", EntityType::kPerson)}, MaskMode::kPlaceholder).ok());
  std::string out = r.Feed("<PERSON_1>");
  out += r.Finish();
  EXPECT_EQ(out, "Zoe");
}

TEST(StreamRestore, JsonEscapeOptionEscapesRestoredValues) {
  Vault vault;
  std::string text = "say \"hi\"\\";
  ASSERT_TRUE(
      vault.Mask(text, {SpanOf(text, text, EntityType::kSecret)}, MaskMode::kPlaceholder).ok());
  StreamRestorer r = vault.NewStreamRestorer({.json_escape = true});
  EXPECT_EQ(r.Feed("v=<SECR"), "v=");
  EXPECT_EQ(r.Feed("ET_1>"), "say \\\"hi\\\"\\\\");
  EXPECT_EQ(r.Finish(), "");
  EXPECT_EQ(vault.Unmask("<SECRET_1>", {.json_escape = true}), "say \\\"hi\\\"\\\\");
}

TEST(UnmaskJson, RestoresInsideStringsWithEscaping) {
  Vault vault;
  std::string text = "He said \"no\"\nthen left; Ann";
  std::vector<Span> spans = {SpanOf(text, "He said \"no\"\nthen left", EntityType::kSecret),
                             SpanOf(text, "Ann", EntityType::kPerson)};
  auto m = vault.Mask(text, spans, MaskMode::kPlaceholder);
  ASSERT_TRUE(m.ok());
  nlohmann::json reply = {{"choices", {{{"message", {{"content", m->text}}}}}}, {"<PERSON_1>", 1}};
  std::string restored = vault.UnmaskJson(reply.dump());
  nlohmann::json parsed = nlohmann::json::parse(restored);  // still valid JSON
  EXPECT_EQ(parsed["choices"][0]["message"]["content"], text);
  EXPECT_TRUE(parsed.contains("Ann"));
}

TEST(UnmaskJson, FindsSurrogatesWrittenWithJsonEscapes) {
  Vault vault({.deterministic_seed = 9});
  std::string text = "홍길동";
  auto m = vault.Mask(text, {SpanOf(text, text, EntityType::kPerson)}, MaskMode::kSurrogate);
  ASSERT_TRUE(m.ok());
  // The cloud may escape non-ASCII characters: "\uXXXX".
  std::string escaped = nlohmann::json(m->text).dump(-1, ' ', /*ensure_ascii=*/true);
  ASSERT_NE(escaped.find("\\u"), std::string::npos);
  std::string restored = vault.UnmaskJson("{\"content\": " + escaped + "}");
  EXPECT_EQ(nlohmann::json::parse(restored)["content"], text);
}

TEST(UnmaskJson, LeavesTextOutsideStringsAndUnchangedStringsAlone) {
  Vault vault;
  std::string text = "Ann";
  ASSERT_TRUE(
      vault.Mask(text, {SpanOf(text, "Ann", EntityType::kPerson)}, MaskMode::kPlaceholder).ok());
  std::string json = "{ \"a\" : [1, 2.5e3, null], \"b\": \"x\\u00e9\\/y\" }";
  EXPECT_EQ(vault.UnmaskJson(json), json);
  EXPECT_EQ(vault.UnmaskJson("{\"t\": \"<PERSON_1>"), "{\"t\": \"Ann") << "truncated JSON";
}

}  // namespace
}  // namespace ptmo::privacy
