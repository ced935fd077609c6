#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/chat_template.h"
#include "engine/gguf_reader.h"
#include "engine/gguf_writer.h"
#include "engine/pretokenizer.h"
#include "engine/tokenizer.h"
#include "engine/vocab_builder.h"
#include "util/utf8.h"

namespace ptmo::engine {
namespace {

using Ids = std::vector<TokenId>;

// Keeps the file image alive next to the parsed file, for tests that read it twice.
struct Model {
  std::vector<MetadataEntry> kv;
  std::string image;
  std::unique_ptr<GgufFile> gguf;
  std::unique_ptr<Tokenizer> tok;
};

Model Build(const VocabBuildOptions& options) {
  Model m;
  Expected<std::vector<MetadataEntry>> kv = BuildVocabMetadata(options);
  EXPECT_TRUE(kv.ok()) << kv.status().ToString();
  m.kv = *kv;
  Expected<std::string> image = MetadataOnlyGguf(m.kv);
  EXPECT_TRUE(image.ok()) << image.status().ToString();
  m.image = *image;
  Expected<GgufFile> gguf = GgufFile::FromBuffer(
      "built.gguf", {reinterpret_cast<const uint8_t*>(m.image.data()), m.image.size()});
  EXPECT_TRUE(gguf.ok()) << gguf.status().ToString();
  m.gguf = std::make_unique<GgufFile>(std::move(*gguf));
  Expected<std::unique_ptr<Tokenizer>> tok = Tokenizer::FromGguf(*m.gguf);
  EXPECT_TRUE(tok.ok()) << tok.status().ToString();
  if (tok.ok()) m.tok = std::move(*tok);
  return m;
}

constexpr VocabStyle kStyles[] = {VocabStyle::kLlamaSpm, VocabStyle::kLlama3Bpe,
                                  VocabStyle::kQwen2Bpe};
const EncodeOptions kPlain{.add_special = false, .parse_special = false};

TEST(VocabBuilder, EveryStyleRoundTripsText) {
  for (VocabStyle style : kStyles) {
    Model m = Build({.style = style});
    ASSERT_NE(m.tok, nullptr);
    for (std::string_view s :
         {BuiltinTrainingText(), std::string_view("The quick brown fox, 2024."),
          std::string_view("오늘 날씨가 정말 좋네요. 감사합니다!"),
          std::string_view("emoji \xF0\x9F\xA4\x96\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD and CJK 漢字"),
          std::string_view("spaces    and\ttabs\t\tand\n\n\nnewlines\r\n"),
          std::string_view("  leading and trailing  ")}) {
      EXPECT_EQ(m.tok->Decode(m.tok->Encode(s, kPlain)), s) << static_cast<int>(style);
    }
  }
}

TEST(VocabBuilder, LearnedPiecesShortenTheTrainingText) {
  for (VocabStyle style : kStyles) {
    Model learned = Build({.style = style});
    Model bare = Build({.style = style, .max_merges = 0});
    const size_t with = learned.tok->Encode(BuiltinTrainingText(), kPlain).size();
    const size_t without = bare.tok->Encode(BuiltinTrainingText(), kPlain).size();
    // At least 1.5x fewer tokens than characters (SPM) or bytes (BPE) alone.
    EXPECT_LT(with * 3, without * 2)
        << static_cast<int>(style) << ": " << with << " vs " << without;
  }
}

TEST(VocabBuilder, FrequentWordsBecomeSingleTokens) {
  Model spm = Build({.style = VocabStyle::kLlamaSpm});
  EXPECT_EQ(spm.tok->Encode("the", kPlain), (Ids{spm.tok->FindToken("\xE2\x96\x81the")}));
  Model llama3 = Build({.style = VocabStyle::kLlama3Bpe});
  const TokenId the = llama3.tok->FindToken("\xC4\xA0the");  // "Ġthe"
  ASSERT_NE(the, kNoToken);
  EXPECT_EQ(llama3.tok->Encode(" the", kPlain), (Ids{the}));
}

TEST(VocabBuilder, SameOptionsGiveTheSameVocabulary) {
  for (VocabStyle style : kStyles) {
    Model a = Build({.style = style});
    Model b = Build({.style = style});
    EXPECT_EQ(a.image, b.image);
  }
}

TEST(VocabBuilder, SpmLayoutMatchesLlama) {
  Model m = Build({.style = VocabStyle::kLlamaSpm});
  const Tokenizer& t = *m.tok;
  EXPECT_EQ(t.TokenText(0), "<unk>");
  EXPECT_EQ(t.TokenText(1), "<s>");
  EXPECT_EQ(t.TokenText(2), "</s>");
  EXPECT_EQ(t.TokenText(3), "<0x00>");
  EXPECT_EQ(t.TokenText(3 + 0x0A), "<0x0A>");
  EXPECT_EQ(t.TokenText(258), "<0xFF>");
  EXPECT_EQ(t.TokenAttrs(3 + 0x41), kAttrByte);
  EXPECT_EQ(t.TokenAttrs(0), kAttrUnknown);
  EXPECT_EQ(t.bos(), 1);
  EXPECT_EQ(t.eos(), 2);
  EXPECT_TRUE(t.add_bos());
  EXPECT_EQ(static_cast<uint32_t>(t.vocab_size()), VocabSize(m.kv));
  // A newline is not a piece: it uses its byte token, as in Llama's vocabulary.
  EXPECT_EQ(t.FindToken("\n"), kNoToken);
  const Ids ids = t.Encode("a\nb", kPlain);
  EXPECT_NE(std::find(ids.begin(), ids.end(), 3 + 0x0A), ids.end());
  // Korean characters of the training text are pieces of their own.
  EXPECT_NE(t.FindToken("한"), kNoToken);
}

TEST(VocabBuilder, BpeLayoutsMatchLlama3AndQwen2) {
  Model llama3 = Build({.style = VocabStyle::kLlama3Bpe});
  const Tokenizer& l = *llama3.tok;
  EXPECT_EQ(l.TokenText(' '), "\xC4\xA0");
  EXPECT_EQ(l.TokenText(l.bos()), "<|begin_of_text|>");
  EXPECT_EQ(l.TokenText(l.eos()), "<|eot_id|>");
  EXPECT_EQ(l.vocab().pre, PreTokenizer::kLlama3);
  EXPECT_TRUE(l.add_bos());
  EXPECT_TRUE(l.IsEndOfGeneration(l.FindToken("<|eot_id|>")));
  EXPECT_TRUE(l.IsEndOfGeneration(l.FindToken("<|end_of_text|>")));
  EXPECT_FALSE(l.IsEndOfGeneration(l.FindToken("<|start_header_id|>")));
  EXPECT_EQ(l.TokenAttrs(l.FindToken("<|start_header_id|>")), kAttrControl);
  EXPECT_EQ(l.Encode("hi").front(), l.bos());

  Model qwen2 = Build({.style = VocabStyle::kQwen2Bpe});
  const Tokenizer& q = *qwen2.tok;
  EXPECT_EQ(q.TokenText(q.eos()), "<|im_end|>");
  EXPECT_EQ(q.vocab().pre, PreTokenizer::kQwen2);
  EXPECT_FALSE(q.add_bos());
  EXPECT_TRUE(q.IsEndOfGeneration(q.FindToken("<|im_end|>")));
  EXPECT_TRUE(q.IsEndOfGeneration(q.FindToken("<|endoftext|>")));
  // Qwen2 words are single digits, so no learned token holds two digits.
  for (TokenId id = 256; id < q.vocab_size(); ++id) {
    const std::string_view text = q.TokenText(id);
    int digits = 0;
    for (char c : text) digits += (c >= '0' && c <= '9');
    EXPECT_LE(digits, 1) << text;
  }
}

TEST(VocabBuilder, ChatTemplateMatchesTheStyle) {
  const std::pair<VocabStyle, std::string_view> expected[] = {{VocabStyle::kLlamaSpm, "llama2-sys"},
                                                              {VocabStyle::kLlama3Bpe, "llama3"},
                                                              {VocabStyle::kQwen2Bpe, "chatml"}};
  for (const auto& [style, name] : expected) {
    Model m = Build({.style = style});
    Expected<ChatTemplate> tmpl = ChatTemplate::FromGguf(*m.gguf);
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().ToString();
    EXPECT_EQ(tmpl->name(), name);
  }
  Model none = Build({.style = VocabStyle::kQwen2Bpe, .chat_template = false});
  EXPECT_EQ(ChatTemplate::FromGguf(*none.gguf).status().code(), StatusCode::kNotFound);
}

TEST(VocabBuilder, ChatPromptTokenizesIntoSpecialTokensAndBack) {
  Model m = Build({.style = VocabStyle::kLlama3Bpe});
  Expected<ChatTemplate> tmpl = ChatTemplate::FromGguf(*m.gguf);
  ASSERT_TRUE(tmpl.ok());
  const std::vector<ChatMessage> chat = {{"system", "Be brief."}, {"user", "안녕? What's up"}};
  const std::string prompt = tmpl->Apply(chat, /*add_generation_prompt=*/true);
  const Ids ids = m.tok->Encode(prompt, {.add_special = true, .parse_special = true});
  const TokenId header = m.tok->FindToken("<|start_header_id|>");
  const TokenId eot = m.tok->FindToken("<|eot_id|>");
  EXPECT_EQ(ids.front(), m.tok->bos());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), header), 3);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), eot), 2);
  EXPECT_EQ(m.tok->Decode(ids, {.remove_special = true, .unparse_special = true}), prompt);
  // Without parse_special the markers are plain text: no special ids appear.
  const Ids plain = m.tok->Encode(prompt, {.add_special = false, .parse_special = false});
  EXPECT_EQ(std::count(plain.begin(), plain.end(), header), 0);
}

TEST(VocabBuilder, CustomTextAndMergeLimit) {
  Model m = Build({.style = VocabStyle::kQwen2Bpe, .max_merges = 2, .text = "abab abab abab"});
  EXPECT_EQ(m.tok->vocab_size(), 256 + 2 + 3);
  Model spm = Build({.style = VocabStyle::kLlamaSpm, .max_merges = 0, .text = "ab"});
  EXPECT_EQ(spm.tok->vocab_size(), 3 + 256 + 3);  // ▁, a, b
}

TEST(VocabBuilder, RandomBytesSurviveEncodeAndDecode) {
  // SPM keeps every byte (byte fallback); spaces are left out because an invalid lead byte
  // may swallow the bytes of the "▁" that replaces one (see SpmTokenizer tests). Byte-level
  // BPE reads invalid UTF-8 as U+FFFD, so it gives back the lenient decoding of the input.
  Model spm = Build({.style = VocabStyle::kLlamaSpm});
  Model qwen2 = Build({.style = VocabStyle::kQwen2Bpe});
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) {
      c = static_cast<char>(rng() % 4 == 0 ? "a\xED\x95\x9C\n"[rng() % 5] : rng());
      if (c == ' ') c = 'x';
    }
    EXPECT_EQ(spm.tok->Decode(spm.tok->Encode(s, kPlain)), s);
    std::string lenient;
    for (char32_t cp : DecodeLenient(s)) ::ptmo::utf8::Append(cp, lenient);
    EXPECT_EQ(qwen2.tok->Decode(qwen2.tok->Encode(s, kPlain)), lenient);
  }
}

TEST(VocabBuilder, RejectsAMergeCountOutOfRange) {
  EXPECT_FALSE(BuildVocabMetadata({.max_merges = -1}).ok());
  EXPECT_FALSE(BuildVocabMetadata({.max_merges = 100001}).ok());
}

TEST(VocabBuilder, WriteMetadataFailsOnADuplicateKey) {
  Expected<std::vector<MetadataEntry>> kv = BuildVocabMetadata({});
  ASSERT_TRUE(kv.ok());
  GgufWriter w;
  ASSERT_TRUE(WriteMetadata(*kv, w).ok());
  EXPECT_FALSE(WriteMetadata(*kv, w).ok());
}

}  // namespace
}  // namespace ptmo::engine
