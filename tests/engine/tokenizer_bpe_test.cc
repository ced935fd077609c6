// Byte-level BPE ("gpt2") tokenizer on hand-built vocabularies: ids 0..255 are the byte-level
// characters in byte order (so 'a' is 97 and "Ġ" is 32), then the test's own tokens from 256.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/pretokenizer.h"
#include "engine/tokenizer.h"
#include "engine/vocab_builder.h"

namespace ptmo::engine {
namespace {

using Ids = std::vector<TokenId>;

struct BpeSpec {
  std::string pre = "gpt-2";  // "" leaves the key out
  std::vector<std::string> merges = {};
  std::vector<std::string> normal = {};   // ids 256, 257, ...
  std::vector<std::string> control = {};  // after `normal`
  std::optional<uint32_t> bos = {};
  std::optional<uint32_t> eos = {};
};

std::vector<MetadataEntry> BpeEntries(const BpeSpec& spec) {
  std::vector<std::string> text;
  std::vector<int32_t> type;
  for (int b = 0; b < 256; ++b) {
    text.emplace_back(ByteLevelChar(static_cast<uint8_t>(b)));
    type.push_back(1);
  }
  for (const std::string& t : spec.normal) {
    text.push_back(t);
    type.push_back(1);
  }
  for (const std::string& t : spec.control) {
    text.push_back(t);
    type.push_back(3);
  }
  std::vector<MetadataEntry> kv = {{"tokenizer.ggml.model", std::string("gpt2")}};
  if (!spec.pre.empty()) kv.push_back({"tokenizer.ggml.pre", spec.pre});
  kv.push_back({"tokenizer.ggml.tokens", text});
  kv.push_back({"tokenizer.ggml.token_type", type});
  kv.push_back({"tokenizer.ggml.merges", spec.merges});
  if (spec.bos) kv.push_back({"tokenizer.ggml.bos_token_id", *spec.bos});
  if (spec.eos) kv.push_back({"tokenizer.ggml.eos_token_id", *spec.eos});
  return kv;
}

std::unique_ptr<Tokenizer> Load(const BpeSpec& spec) {
  Expected<std::string> image = MetadataOnlyGguf(BpeEntries(spec));
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "bpe.gguf", {reinterpret_cast<const uint8_t*>(image->data()), image->size()});
  EXPECT_TRUE(gguf.ok()) << gguf.status().ToString();
  Expected<std::unique_ptr<Tokenizer>> tok = Tokenizer::FromGguf(*gguf);
  EXPECT_TRUE(tok.ok()) << tok.status().ToString();
  return tok.ok() ? std::move(*tok) : nullptr;
}

const EncodeOptions kPlain{.add_special = false, .parse_special = false};

TEST(BpeTokenizer, MergesTheLowestRankFirst) {
  auto bc_first = Load({.merges = {"b c", "a b"}, .normal = {"ab", "bc"}});
  EXPECT_EQ(bc_first->Encode("abc", kPlain), (Ids{'a', 257}));
  auto ab_first = Load({.merges = {"a b", "b c"}, .normal = {"ab", "bc"}});
  EXPECT_EQ(ab_first->Encode("abc", kPlain), (Ids{256, 'c'}));
}

TEST(BpeTokenizer, EqualPairsMergeFromTheLeft) {
  auto tok = Load({.merges = {"a a"}, .normal = {"aa"}});
  EXPECT_EQ(tok->Encode("aaa", kPlain), (Ids{256, 'a'}));
  EXPECT_EQ(tok->Encode("aaaa", kPlain), (Ids{256, 256}));
}

TEST(BpeTokenizer, AMergeNeedsARankEvenWhenTheTokenExists) {
  auto tok = Load({.normal = {"ab"}});
  EXPECT_EQ(tok->Encode("ab", kPlain), (Ids{'a', 'b'}));
}

TEST(BpeTokenizer, MergedSymbolsKeepMerging) {
  auto tok =
      Load({.merges = {"h e", "l l", "he ll", "hell o"}, .normal = {"he", "ll", "hell", "hello"}});
  EXPECT_EQ(tok->Encode("hello", kPlain), (Ids{259}));
  EXPECT_EQ(tok->Encode("hell", kPlain), (Ids{258}));
  EXPECT_EQ(tok->Encode("help", kPlain), (Ids{256, 'l', 'p'}));
}

TEST(BpeTokenizer, SpacesAreSpelledAsG) {
  auto tok = Load({.merges = {"\xC4\xA0 a"},
                   .normal = {"\xC4\xA0"
                              "a"}});  // "Ġ a" -> "Ġa"
  EXPECT_EQ(tok->Encode(" a", kPlain), (Ids{256}));
  EXPECT_EQ(tok->Encode("a a", kPlain), (Ids{'a', 256}));
  EXPECT_EQ(tok->Encode("\n", kPlain), (Ids{'\n'}));
  EXPECT_EQ(tok->TokenToPiece(256), " a");
  EXPECT_EQ(tok->TokenToPiece(' '), " ");  // the token "Ġ"
}

TEST(BpeTokenizer, MergesNeverCrossPreTokenizerWords) {
  // "a" and " b" are separate words, so "a Ġ" never forms even with a rank.
  auto tok = Load({.merges = {"a \xC4\xA0"}, .normal = {"a\xC4\xA0"}});
  EXPECT_EQ(tok->Encode("a b", kPlain), (Ids{'a', ' ', 'b'}));
}

TEST(BpeTokenizer, Llama3UsesWholeWordTokensWithoutMerges) {
  auto llama3 = Load({.pre = "llama-bpe", .normal = {"xyz"}, .bos = 0});
  EXPECT_EQ(llama3->Encode("xyz", kPlain), (Ids{256}));
  auto gpt2 = Load({.pre = "gpt-2", .normal = {"xyz"}});
  EXPECT_EQ(gpt2->Encode("xyz", kPlain), (Ids{'x', 'y', 'z'}));
}

TEST(BpeTokenizer, PreTokenizerDecidesWhichDigitsCanMerge) {
  // Default pre-tokenizer: "12345" is split into "123" and "45" before merging. GPT-2 keeps
  // one word, where the top-ranked "3 4" wins.
  const BpeSpec spec{.merges = {"3 4", "1 2", "12 3", "4 5"}, .normal = {"12", "123", "45", "34"}};
  BpeSpec default_pre = spec;
  default_pre.pre = "";
  EXPECT_EQ(Load(default_pre)->Encode("12345", kPlain), (Ids{257, 258}));
  EXPECT_EQ(Load(spec)->Encode("12345", kPlain), (Ids{256, 259, '5'}));
}

TEST(BpeTokenizer, InvalidUtf8BecomesTheReplacementCharacter) {
  auto tok = Load({});
  const Ids ids = tok->Encode("a\xFF", kPlain);
  EXPECT_EQ(ids, (Ids{'a', 0xEF, 0xBF, 0xBD}));
  EXPECT_EQ(tok->Decode(ids), "a\xEF\xBF\xBD");
}

TEST(BpeTokenizer, RoundTripsText) {
  for (const char* pre : {"llama-bpe", "qwen2", "gpt-2", ""}) {
    auto tok = Load(
        {.pre = pre, .merges = {"\xC4\xA0 t", "h e"}, .normal = {"\xC4\xA0t", "he"}, .bos = 0});
    for (std::string_view s : {"Hello, world! It's 2024.", "안녕하세요, 세계!",
                               "emoji \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD family "
                               "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
                               "a    b\t\tc   ", "line1\n\nline2\r\n", "   leading", "trailing   ",
                               "\x01\x7F control bytes", "the theme"}) {
      EXPECT_EQ(tok->Decode(tok->Encode(s, kPlain)), s) << pre << ": " << s;
    }
  }
}

TEST(BpeTokenizer, DecodeCleansSpacesLikeLlamaCpp) {
  auto llama3 = Load({.pre = "llama-bpe", .bos = 0});
  EXPECT_EQ(llama3->Decode(llama3->Encode("Hello , world . 's", kPlain)), "Hello, world.'s");
  EXPECT_EQ(llama3->Decode(llama3->Encode("a ' b", kPlain)), "a'b");
  EXPECT_EQ(llama3->Decode(llama3->Encode("I 'll go", kPlain)), "I 'll go");
  // Qwen2 does not clean up.
  auto qwen2 = Load({.pre = "qwen2"});
  EXPECT_EQ(qwen2->Decode(qwen2->Encode("Hello , world . 's", kPlain)), "Hello , world . 's");
}

TEST(BpeTokenizer, ParsesControlTokensOnlyWhenAsked) {
  auto tok = Load({.control = {"<|eot_id|>"}});  // 256
  EXPECT_EQ(tok->Encode("hi<|eot_id|>", {.add_special = false, .parse_special = true}),
            (Ids{'h', 'i', 256}));
  const Ids plain = tok->Encode("hi<|eot_id|>", kPlain);
  EXPECT_EQ(plain.size(), 12u);
  EXPECT_EQ(tok->Decode(plain), "hi<|eot_id|>");
  EXPECT_EQ(tok->Decode(Ids{'h', 256}), "h");
  EXPECT_EQ(tok->Decode(Ids{'h', 256}, {.unparse_special = true}), "h<|eot_id|>");
}

TEST(BpeTokenizer, Llama3AddsBosByDefaultAndQwen2DoesNot) {
  auto llama3 = Load({.pre = "llama-bpe", .control = {"<|begin_of_text|>"}, .bos = 256});
  EXPECT_EQ(llama3->Encode("a"), (Ids{256, 'a'}));
  EXPECT_EQ(llama3->Decode(llama3->Encode("a"), {.remove_special = true}), "a");
  auto qwen2 = Load({.pre = "qwen2", .control = {"<|endoftext|>"}, .bos = 256});
  EXPECT_EQ(qwen2->Encode("a"), (Ids{'a'}));
}

TEST(BpeTokenizer, CharacterOutsideTheByteAlphabetDecodesAsUnknownByteMarker) {
  auto tok = Load({.normal = {"a\xE2\x82\xAC"}});  // "a€": '€' is not a byte-level character
  EXPECT_EQ(tok->TokenToPiece(256), "a[UNK_BYTE_0xe282aca\xE2\x82\xAC]");
}

TEST(BpeTokenizer, StreamDecoderHoldsACharacterSplitAcrossTokens) {
  auto tok = Load({});
  const Ids ids = tok->Encode("한", kPlain);
  ASSERT_EQ(ids, (Ids{0xED, 0x95, 0x9C}));
  StreamDecoder stream(*tok);
  EXPECT_EQ(stream.Push(ids[0]), "");
  EXPECT_EQ(stream.Push(ids[1]), "");
  EXPECT_EQ(stream.Push(ids[2]), "한");
}

TEST(BpeTokenizer, EndOfTurnTextsEndGenerationAndBecomeControl) {
  // "<|im_end|>" is given as a normal token; llama.cpp treats it as control and as EOG.
  auto tok =
      Load({.pre = "qwen2", .normal = {"<|im_end|>"}, .control = {"<|endoftext|>"}, .eos = 257});
  EXPECT_TRUE(tok->IsEndOfGeneration(256));
  EXPECT_TRUE(tok->IsEndOfGeneration(257));
  EXPECT_FALSE(tok->IsEndOfGeneration('a'));
  EXPECT_EQ(tok->eot(), 256);
  EXPECT_EQ(tok->TokenToPiece(256), "");
  EXPECT_EQ(tok->TokenToPiece(256, /*special=*/true), "<|im_end|>");
}

}  // namespace
}  // namespace ptmo::engine
