// SentencePiece ("llama") tokenizer on hand-built vocabularies whose expected ids can be worked
// out by hand: ids 0-2 are <unk> <s> </s>, 3..258 the byte tokens <0x00>..<0xFF>, then the
// test's own pieces from id 259.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/tokenizer.h"
#include "engine/vocab_builder.h"

namespace ptmo::engine {
namespace {

using Ids = std::vector<TokenId>;

struct Piece {
  std::string text;
  float score = -100.0f;
  GgufTokenType type = GgufTokenType::kNormal;
};

constexpr TokenId kFirstPiece = 259;
TokenId Byte(int b) {
  return 3 + b;
}

std::vector<MetadataEntry> SpmEntries(const std::vector<Piece>& pieces, bool byte_tokens = true) {
  std::vector<std::string> text = {"<unk>", "<s>", "</s>"};
  std::vector<float> score = {0, 0, 0};
  std::vector<int32_t> type = {2, 3, 3};
  if (byte_tokens) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) {
      text.push_back(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">");
      score.push_back(0);
      type.push_back(6);
    }
  }
  for (const Piece& p : pieces) {
    text.push_back(p.text);
    score.push_back(p.score);
    type.push_back(static_cast<int32_t>(p.type));
  }
  return {{"tokenizer.ggml.model", std::string("llama")},
          {"tokenizer.ggml.tokens", text},
          {"tokenizer.ggml.scores", score},
          {"tokenizer.ggml.token_type", type},
          {"tokenizer.ggml.bos_token_id", uint32_t{1}},
          {"tokenizer.ggml.eos_token_id", uint32_t{2}},
          {"tokenizer.ggml.unknown_token_id", uint32_t{0}}};
}

std::unique_ptr<Tokenizer> Load(std::vector<MetadataEntry> kv) {
  Expected<std::string> image = MetadataOnlyGguf(kv);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "spm.gguf", {reinterpret_cast<const uint8_t*>(image->data()), image->size()});
  EXPECT_TRUE(gguf.ok()) << gguf.status().ToString();
  Expected<std::unique_ptr<Tokenizer>> tok = Tokenizer::FromGguf(*gguf);
  EXPECT_TRUE(tok.ok()) << tok.status().ToString();
  return tok.ok() ? std::move(*tok) : nullptr;
}

std::unique_ptr<Tokenizer> LoadNoPrefix(const std::vector<Piece>& pieces) {
  auto kv = SpmEntries(pieces);
  kv.push_back({"tokenizer.ggml.add_space_prefix", false});
  return Load(kv);
}

const EncodeOptions kPlain{.add_special = false, .parse_special = false};

TEST(SpmTokenizer, MergesThePairWithTheHighestScoreFirst) {
  // a=259 b=260 c=261 ab=262 bc=263: "bc" outscores "ab", so b pairs with c.
  auto tok = LoadNoPrefix({{"a"}, {"b"}, {"c"}, {"ab", -1.0f}, {"bc", -0.5f}});
  EXPECT_EQ(tok->Encode("abc", kPlain), (Ids{259, 263}));
}

TEST(SpmTokenizer, FlippedScoresGiveTheOtherSegmentation) {
  auto tok = LoadNoPrefix({{"a"}, {"b"}, {"c"}, {"ab", -0.1f}, {"bc", -0.5f}});
  EXPECT_EQ(tok->Encode("abc", kPlain), (Ids{262, 261}));
}

TEST(SpmTokenizer, EqualScoresMergeTheLeftmostPair) {
  auto tok = LoadNoPrefix({{"a"}, {"b"}, {"c"}, {"ab", -1.0f}, {"bc", -1.0f}});
  EXPECT_EQ(tok->Encode("abc", kPlain), (Ids{262, 261}));
  EXPECT_EQ(tok->Encode("abcabc", kPlain), (Ids{262, 261, 262, 261}));
}

TEST(SpmTokenizer, MergedPiecesKeepMergingIntoLongerTokens) {
  // bc first (score -0.5), then a+bc = abc (score -2) even though ab (-1) is a token.
  auto tok = LoadNoPrefix({{"a"}, {"b"}, {"c"}, {"ab", -1.0f}, {"bc", -0.5f}, {"abc", -2.0f}});
  EXPECT_EQ(tok->Encode("abc", kPlain), (Ids{264}));
  // Separate places merge independently: ab and cd, and "abcd" is not a token.
  auto tok2 = LoadNoPrefix({{"a"}, {"b"}, {"c"}, {"d"}, {"ab", -1.0f}, {"cd", -0.5f}});
  EXPECT_EQ(tok2->Encode("abcd", kPlain), (Ids{263, 264}));
}

TEST(SpmTokenizer, EscapesSpacesAndAddsThePrefixSpace) {
  // ▁=259 a=260 b=261 ▁a=262 ▁b=263
  const std::vector<Piece> pieces = {{"\xE2\x96\x81"},
                                     {"a"},
                                     {"b"},
                                     {"\xE2\x96\x81"
                                      "a",
                                      -1.0f},
                                     {"\xE2\x96\x81"
                                      "b",
                                      -1.0f}};
  auto with_prefix = Load(SpmEntries(pieces));
  EXPECT_EQ(with_prefix->Encode("a b", kPlain), (Ids{262, 263}));
  EXPECT_EQ(with_prefix->Encode(" a", kPlain), (Ids{259, 262}));
  auto without = LoadNoPrefix(pieces);
  EXPECT_EQ(without->Encode("a b", kPlain), (Ids{260, 263}));
}

TEST(SpmTokenizer, FallsBackToByteTokensForUnknownCharacters) {
  auto tok = LoadNoPrefix({{"a"}});
  EXPECT_EQ(tok->Encode("a\xC3\xA9", kPlain), (Ids{259, Byte(0xC3), Byte(0xA9)}));
  EXPECT_EQ(tok->Encode("\n", kPlain), (Ids{Byte('\n')}));
  // An emoji: four byte tokens.
  EXPECT_EQ(tok->Encode("\xF0\x9F\x98\x80", kPlain),
            (Ids{Byte(0xF0), Byte(0x9F), Byte(0x98), Byte(0x80)}));
}

TEST(SpmTokenizer, UsesTheUnknownTokenWhenThereAreNoByteTokens) {
  auto tok = Load(SpmEntries({{"a"}}, /*byte_tokens=*/false));  // a = 3
  EXPECT_EQ(tok->Encode("ab", kPlain), (Ids{0, 3, 0}));         // "▁" and "b" are unknown
}

TEST(SpmTokenizer, MalformedLeadByteSwallowsFollowingBytesLikeLlamaCpp) {
  // 0xE4 announces a 3-byte character, so it takes "AB" with it and "AB" cannot merge.
  auto tok = LoadNoPrefix({{"A"}, {"B"}, {"AB", -1.0f}});
  EXPECT_EQ(tok->Encode("AB", kPlain), (Ids{261}));
  const std::string bad =
      "\xE4"
      "AB";
  EXPECT_EQ(tok->Encode(bad, kPlain), (Ids{Byte(0xE4), Byte('A'), Byte('B')}));
  EXPECT_EQ(tok->Decode(tok->Encode(bad, kPlain)), bad);
}

TEST(SpmTokenizer, AddsBosAndOptionallyEos) {
  const std::vector<Piece> pieces = {
      {"\xE2\x96\x81"
       "a",
       -1.0f}};  // 259
  auto tok = Load(SpmEntries(pieces));
  EXPECT_EQ(tok->Encode("a"), (Ids{1, 259}));
  EXPECT_EQ(tok->Encode(""), (Ids{1}));
  EXPECT_EQ(tok->Encode("", kPlain), (Ids{}));
  auto kv = SpmEntries(pieces);
  kv.push_back({"tokenizer.ggml.add_eos_token", true});
  EXPECT_EQ(Load(kv)->Encode("a"), (Ids{1, 259, 2}));
  auto no_bos = SpmEntries(pieces);
  no_bos.push_back({"tokenizer.ggml.add_bos_token", false});
  EXPECT_EQ(Load(no_bos)->Encode("a"), (Ids{259}));
}

TEST(SpmTokenizer, ParsesControlTokensOnlyWhenAsked) {
  const std::vector<Piece> pieces = {
      {"\xE2\x96\x81"
       "a",
       -1.0f}};  // 259
  auto tok = Load(SpmEntries(pieces));
  // After a special token the text gets the prefix space again, as in llama.cpp.
  EXPECT_EQ(tok->Encode("a</s>a", {.add_special = false, .parse_special = true}),
            (Ids{259, 2, 259}));
  const Ids plain = tok->Encode("</s>", kPlain);
  EXPECT_EQ(plain,
            (Ids{Byte(0xE2), Byte(0x96), Byte(0x81), Byte('<'), Byte('/'), Byte('s'), Byte('>')}));
}

TEST(SpmTokenizer, MatchesUserDefinedTokensEvenWithoutParseSpecial) {
  auto tok = LoadNoPrefix({{"a"}, {"<tool>", 0.0f, GgufTokenType::kUserDefined}});  // 259, 260
  EXPECT_EQ(tok->Encode("a<tool>a", kPlain), (Ids{259, 260, 259}));
  EXPECT_EQ(tok->Decode(tok->Encode("a<tool>a", kPlain)), "a<tool>a");
}

TEST(SpmTokenizer, LongerSpecialTokenWinsOverOneItContains) {
  auto tok = LoadNoPrefix({{"<x>", 0.0f, GgufTokenType::kControl},
                           {"<x>y", 0.0f, GgufTokenType::kControl}});  // 259, 260
  EXPECT_EQ(tok->Encode("<x>y<x>", {.add_special = false, .parse_special = true}), (Ids{260, 259}));
}

TEST(SpmTokenizer, DecodeRemovesOnlyThePrefixSpace) {
  auto tok = Load(SpmEntries({{"\xE2\x96\x81"},
                              {"a"},
                              {"\xE2\x96\x81"
                               "a",
                               -1.0f}}));
  EXPECT_EQ(tok->Decode(tok->Encode("a a", kPlain)), "a a");
  EXPECT_EQ(tok->Decode(tok->Encode("  a", kPlain)), "  a");
  // llama.cpp keeps the prefix space when remove_special drops the BOS; without
  // remove_special the hidden BOS is the first piece, so the space stays too.
  EXPECT_EQ(tok->Decode(tok->Encode("a"), {.remove_special = true}), " a");
  EXPECT_EQ(tok->Decode(tok->Encode("a")), " a");
  EXPECT_EQ(tok->Decode(tok->Encode("a"), {.unparse_special = true}), "<s> a");
}

TEST(SpmTokenizer, PiecesOfEachTokenType) {
  auto tok = LoadNoPrefix({{"\xE2\x96\x81"
                            "x\xE2\x96\x81"},
                           {"<u>", 0, GgufTokenType::kUserDefined},
                           {"zz", 0, GgufTokenType::kUnused}});
  EXPECT_EQ(tok->TokenToPiece(259), " x ");
  EXPECT_EQ(tok->TokenToPiece(260), "<u>");
  EXPECT_EQ(tok->TokenToPiece(261), "");  // unused tokens stand for nothing
  EXPECT_EQ(tok->TokenToPiece(Byte(0x41)), "A");
  EXPECT_EQ(tok->TokenToPiece(1), "");
  EXPECT_EQ(tok->TokenToPiece(1, /*special=*/true), "<s>");
  EXPECT_EQ(tok->TokenToPiece(0, /*special=*/true), "<unk>");
  EXPECT_EQ(tok->TokenToPiece(9999), "");
  EXPECT_EQ(tok->Decode(Ids{1, 259, 9999, 2}, {.unparse_special = true}), "<s> x </s>");
}

TEST(SpmTokenizer, RoundTripsArbitraryText) {
  auto tok = Load(SpmEntries({{"\xE2\x96\x81"},
                              {"e"},
                              {"\xE2\x96\x81"
                               "e",
                               -1.0f}}));
  for (std::string_view s : {"Hello, world! It's 2024.", "안녕하세요, 세계!",
                             "emoji \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD family "
                             "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
                             "a    b\t\tc   ", "line1\n\nline2\r\n", "   leading", "trailing   ",
                             "\x01\x7F control bytes",
                             "\xFF\xFE"
                             "ab not utf-8 \x80\x80 \xC3"}) {
    EXPECT_EQ(tok->Decode(tok->Encode(s, kPlain)), s) << s;
  }
}

TEST(SpmTokenizer, InvalidLeadByteBeforeASpaceKeepsTheSpaceMarkerLikeLlamaCpp) {
  // 0xFF announces four bytes and takes the first bytes of the "▁" that replaced the space,
  // so that space comes back as the bytes of "▁". llama.cpp's SPM path does the same.
  auto tok = Load(SpmEntries({{"\xE2\x96\x81"}, {"a"}}));
  EXPECT_EQ(tok->Decode(tok->Encode("a\xFF b", kPlain)),
            "a\xFF\xE2\x96\x81"
            "b");
}

TEST(SpmTokenizer, StreamDecoderHoldsACharacterSplitAcrossByteTokens) {
  auto tok = LoadNoPrefix({{"a"}});
  const Ids ids = tok->Encode("a한a", kPlain);  // 한 = ED 95 9C, not in the vocabulary
  ASSERT_EQ(ids, (Ids{259, Byte(0xED), Byte(0x95), Byte(0x9C), 259}));
  StreamDecoder stream(*tok);
  EXPECT_EQ(stream.Push(ids[0]), "a");
  EXPECT_EQ(stream.Push(ids[1]), "");
  EXPECT_EQ(stream.pending_bytes(), 1u);
  EXPECT_EQ(stream.Push(ids[2]), "");
  EXPECT_EQ(stream.Push(ids[3]), "한");
  EXPECT_EQ(stream.Push(ids[4]), "a");
  EXPECT_EQ(stream.Flush(), "");
}

TEST(SpmTokenizer, StreamDecoderPassesInvalidBytesAndFlushesTheRest) {
  auto tok = LoadNoPrefix({{"a"}});
  StreamDecoder stream(*tok);
  EXPECT_EQ(stream.Push(Byte(0x80)), "\x80");  // a stray continuation byte is not held
  EXPECT_EQ(stream.Push(Byte(0xF0)), "");
  EXPECT_EQ(stream.Push(Byte(0x9F)), "");
  EXPECT_EQ(stream.Flush(), "\xF0\x9F");
  EXPECT_EQ(stream.Push(259), "a");
}

TEST(SpmTokenizer, EndOfGenerationIncludesEos) {
  auto tok = Load(SpmEntries({}));
  EXPECT_TRUE(tok->IsEndOfGeneration(2));
  EXPECT_FALSE(tok->IsEndOfGeneration(1));
  EXPECT_EQ(tok->bos(), 1);
  EXPECT_EQ(tok->eos(), 2);
  EXPECT_EQ(tok->unk(), 0);
  EXPECT_EQ(tok->model(), TokenizerModel::kSpm);
}

}  // namespace
}  // namespace ptmo::engine
