// Tokenizer::FromGguf on bad or unusual metadata: every error names the key at fault.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/tokenizer.h"
#include "engine/vocab_builder.h"

namespace ptmo::engine {
namespace {

Expected<std::unique_ptr<Tokenizer>> TryLoad(const std::vector<MetadataEntry>& kv) {
  Expected<std::string> image = MetadataOnlyGguf(kv);
  if (!image.ok()) return image.status();
  // The tokenizer copies what it needs: the image and the GgufFile may go when this returns.
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "bad.gguf", {reinterpret_cast<const uint8_t*>(image->data()), image->size()});
  if (!gguf.ok()) return gguf.status();
  return Tokenizer::FromGguf(*gguf);
}

// A small valid "llama" vocabulary: <unk> <s> </s> a b.
std::vector<MetadataEntry> Spm() {
  return {{"tokenizer.ggml.model", std::string("llama")},
          {"tokenizer.ggml.tokens", std::vector<std::string>{"<unk>", "<s>", "</s>", "a", "b"}},
          {"tokenizer.ggml.scores", std::vector<float>{0, 0, 0, -1, -2}},
          {"tokenizer.ggml.token_type", std::vector<int32_t>{2, 3, 3, 1, 1}}};
}

// A small valid "gpt2" vocabulary.
std::vector<MetadataEntry> Bpe() {
  return {{"tokenizer.ggml.model", std::string("gpt2")},
          {"tokenizer.ggml.pre", std::string("qwen2")},
          {"tokenizer.ggml.tokens", std::vector<std::string>{"a", "b", "ab", "<|endoftext|>"}},
          {"tokenizer.ggml.token_type", std::vector<int32_t>{1, 1, 1, 3}},
          {"tokenizer.ggml.merges", std::vector<std::string>{"a b"}},
          {"tokenizer.ggml.bos_token_id", uint32_t{3}},
          {"tokenizer.ggml.eos_token_id", uint32_t{3}}};
}

std::vector<MetadataEntry> Without(std::vector<MetadataEntry> kv, std::string_view key) {
  std::erase_if(kv, [&](const MetadataEntry& e) { return e.key == key; });
  return kv;
}

std::vector<MetadataEntry> With(std::vector<MetadataEntry> kv, std::string key,
                                MetadataValue value) {
  kv = Without(std::move(kv), key);
  kv.push_back({std::move(key), std::move(value)});
  return kv;
}

void ExpectError(const std::vector<MetadataEntry>& kv, StatusCode code,
                 std::vector<std::string> fragments) {
  Expected<std::unique_ptr<Tokenizer>> tok = TryLoad(kv);
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), code) << tok.status().ToString();
  fragments.push_back("bad.gguf");
  for (const std::string& f : fragments) {
    EXPECT_NE(tok.status().message().find(f), std::string::npos)
        << "'" << f << "' not in: " << tok.status().message();
  }
}

TEST(TokenizerMetadata, ValidVocabulariesLoad) {
  ASSERT_TRUE(TryLoad(Spm()).ok());
  auto bpe = TryLoad(Bpe());
  ASSERT_TRUE(bpe.ok()) << bpe.status().ToString();
  EXPECT_EQ((*bpe)->Encode("ab", {.add_special = false}), (std::vector<TokenId>{2}));
}

TEST(TokenizerMetadata, MissingModelIsNotFound) {
  ExpectError(Without(Spm(), "tokenizer.ggml.model"), StatusCode::kNotFound,
              {"tokenizer.ggml.model"});
}

TEST(TokenizerMetadata, UnknownModelTypeListsTheSupportedOnes) {
  ExpectError(With(Spm(), "tokenizer.ggml.model", std::string("bert")),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.model", "'bert'", "llama, gpt2"});
}

TEST(TokenizerMetadata, MissingTokensIsNotFound) {
  ExpectError(Without(Spm(), "tokenizer.ggml.tokens"), StatusCode::kNotFound,
              {"tokenizer.ggml.tokens"});
}

TEST(TokenizerMetadata, EmptyTokenListIsRejected) {
  ExpectError(Without(Without(With(Spm(), "tokenizer.ggml.tokens", std::vector<std::string>{}),
                              "tokenizer.ggml.scores"),
                      "tokenizer.ggml.token_type"),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.tokens", "empty"});
}

TEST(TokenizerMetadata, ScoresOfTheWrongLengthAreRejected) {
  ExpectError(With(Spm(), "tokenizer.ggml.scores", std::vector<float>{0, 0, 0}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.scores", "3 entries", "has 5"});
}

TEST(TokenizerMetadata, ScoresOfTheWrongTypeAreRejected) {
  ExpectError(
      With(Spm(), "tokenizer.ggml.scores", std::vector<std::string>{"a", "b", "c", "d", "e"}),
      StatusCode::kInvalidArgument, {"tokenizer.ggml.scores", "float32 or int32"});
}

TEST(TokenizerMetadata, IntegerScoresAreAccepted) {
  auto tok = TryLoad(With(Spm(), "tokenizer.ggml.scores", std::vector<int32_t>{0, 0, 0, -1, -2}));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ((*tok)->vocab().score[4], -2.0f);
}

TEST(TokenizerMetadata, TokenTypesOfTheWrongLengthAreRejected) {
  ExpectError(With(Spm(), "tokenizer.ggml.token_type", std::vector<int32_t>{2, 3, 3, 1, 1, 1}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.token_type", "6 entries"});
}

TEST(TokenizerMetadata, TokenTypesMustBeInt32) {
  ExpectError(With(Spm(), "tokenizer.ggml.token_type", std::vector<float>{2, 3, 3, 1, 1}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.token_type"});
}

TEST(TokenizerMetadata, DuplicateTokenTextIsRejected) {
  ExpectError(With(Spm(), "tokenizer.ggml.tokens",
                   std::vector<std::string>{"<unk>", "<s>", "</s>", "a", "a"}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.tokens", "'a'", "ids 3 and 4"});
}

TEST(TokenizerMetadata, SpecialIdOutsideTheVocabularyIsRejected) {
  ExpectError(With(Spm(), "tokenizer.ggml.bos_token_id", uint32_t{5}), StatusCode::kInvalidArgument,
              {"tokenizer.ggml.bos_token_id", "5", "5 tokens"});
  ExpectError(With(Spm(), "tokenizer.ggml.eos_token_id", int32_t{-1}), StatusCode::kInvalidArgument,
              {"tokenizer.ggml.eos_token_id"});
  ExpectError(With(Bpe(), "tokenizer.ggml.padding_token_id", uint32_t{100}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.padding_token_id"});
}

TEST(TokenizerMetadata, SpecialIdOfTheWrongTypeIsRejected) {
  ExpectError(With(Spm(), "tokenizer.ggml.unknown_token_id", std::string("0")),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.unknown_token_id"});
}

TEST(TokenizerMetadata, AddBosWithoutABosTokenIsRejected) {
  // The default BOS of a gpt2 vocabulary (id 11) does not exist in a 4-token vocabulary.
  ExpectError(
      With(Without(Bpe(), "tokenizer.ggml.bos_token_id"), "tokenizer.ggml.add_bos_token", true),
      StatusCode::kInvalidArgument,
      {"tokenizer.ggml.add_bos_token", "tokenizer.ggml.bos_token_id"});
}

TEST(TokenizerMetadata, AddFlagsMustBeBools) {
  ExpectError(With(Spm(), "tokenizer.ggml.add_bos_token", uint32_t{1}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.add_bos_token"});
  ExpectError(With(Spm(), "tokenizer.ggml.add_space_prefix", std::string("yes")),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.add_space_prefix"});
}

TEST(TokenizerMetadata, ByteTokenMustLookLikeAByte) {
  ExpectError(With(Spm(), "tokenizer.ggml.token_type", std::vector<int32_t>{2, 3, 3, 6, 1}),
              StatusCode::kInvalidArgument, {"token 3", "'a'", "<0xXX>"});
}

TEST(TokenizerMetadata, Gpt2NeedsMerges) {
  ExpectError(Without(Bpe(), "tokenizer.ggml.merges"), StatusCode::kNotFound,
              {"tokenizer.ggml.merges"});
}

TEST(TokenizerMetadata, MergeWithoutASpaceIsRejected) {
  ExpectError(With(Bpe(), "tokenizer.ggml.merges", std::vector<std::string>{"a b", "ab"}),
              StatusCode::kInvalidArgument, {"tokenizer.ggml.merges", "entry 1", "'ab'"});
}

TEST(TokenizerMetadata, UnknownPreTokenizerListsTheSupportedOnes) {
  ExpectError(With(Bpe(), "tokenizer.ggml.pre", std::string("tekken")),
              StatusCode::kInvalidArgument,
              {"tokenizer.ggml.pre", "'tekken'", "llama-bpe", "qwen2"});
}

TEST(TokenizerMetadata, MissingPreTokenizerMeansDefault) {
  auto tok = TryLoad(Without(Bpe(), "tokenizer.ggml.pre"));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ((*tok)->vocab().pre, PreTokenizer::kDefault);
  EXPECT_TRUE((*tok)->vocab().clean_spaces);
}

TEST(TokenizerMetadata, EmptyTokenTextGetsAPlaceholderName) {
  auto tok = TryLoad(With(Spm(), "tokenizer.ggml.tokens",
                          std::vector<std::string>{"<unk>", "<s>", "</s>", "", "b"}));
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ((*tok)->TokenText(3), "[EMPTY_3]");
}

TEST(TokenizerMetadata, SpmDefaultsFollowLlamaCpp) {
  auto tok = TryLoad(Spm());
  ASSERT_TRUE(tok.ok());
  const Vocab& v = (*tok)->vocab();
  EXPECT_EQ(v.bos, 1);
  EXPECT_EQ(v.eos, 2);
  EXPECT_EQ(v.unk, 0);
  EXPECT_TRUE(v.add_bos);
  EXPECT_FALSE(v.add_eos);
  EXPECT_TRUE(v.add_space_prefix);
  EXPECT_FALSE(v.clean_spaces);
}

}  // namespace
}  // namespace ptmo::engine
