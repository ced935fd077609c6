#include "engine/vocab_builder.h"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>
#include <utility>

#include "engine/gguf_writer.h"
#include "engine/pretokenizer.h"
#include "engine/tokenizer.h"

namespace ptmo::engine {
namespace {

// Written for this project: everyday English and Korean with numbers, contractions,
// punctuation and line breaks, so learned pieces cover both scripts.
constexpr std::string_view kTrainingText =
    "The quick brown fox jumps over the lazy dog. The dog didn't mind; it was sleeping.\n"
    "We're going to the market at 10:30 tomorrow, and I'll bring 25 apples.\n"
    "She said: \"It's the third time this week that the train was late!\"\n"
    "Privacy matters: the model runs on the device, and the data stays on the device.\n"
    "In 2024 the team tested the engine on 1,000 prompts and 12,345 tokens per second.\n"
    "They've read the report, they're happy, and they'd like to see the next one.\n"
    "Where is the nearest station? Is it far from here? Thank you very much.\n"
    "\n"
    "안녕하세요. 저는 서울에 살고 있습니다. 오늘 날씨가 정말 좋네요.\n"
    "우리는 내일 아침 아홉 시에 회의를 합니다. 회의 자료를 미리 읽어 주세요.\n"
    "개인 정보는 기기 안에서 처리되고, 민감한 데이터는 밖으로 나가지 않습니다.\n"
    "이 모델은 한국어와 영어를 모두 이해합니다. 질문이 있으면 언제든지 물어보세요.\n"
    "저녁에는 친구와 함께 식당에서 김치찌개와 불고기를 먹었습니다.\n"
    "2024년 3월 15일에 새로운 버전이 나왔고, 사용자는 1,200명이 넘었습니다.\n"
    "\n"
    "The engine reads the model file, checks the data, and then it answers the question.\n"
    "Tokens are small pieces of text; the tokenizer turns text into tokens and back again.\n"
    "한국어 문장과 English sentences can appear together in the same prompt.\n"
    "Please keep the answer short, clear and kind. 감사합니다!\n";

constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";

constexpr std::string_view kLlama2Template =
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}"
    "{{ '<<SYS>>\\n' + message['content'] + '\\n<</SYS>>\\n\\n' }}"
    "{% elif message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% else %}{{ message['content'] + eos_token }}{% endif %}"
    "{% endfor %}";
constexpr std::string_view kLlama3Template =
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + "
    "message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}";
constexpr std::string_view kChatMlTemplate =
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Splits UTF-8 into characters by lead byte (the text is our own, valid UTF-8).
std::vector<std::string> Characters(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
    len = std::min(len, s.size() - i);
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

// Byte-pair learning over counted words: repeatedly merge the most frequent adjacent pair
// (ties: the smallest pair in byte order) until `max_merges` or no pair occurs twice.
std::vector<std::pair<std::string, std::string>> LearnMerges(
    std::vector<std::pair<std::vector<std::string>, int>>& words, int max_merges) {
  std::vector<std::pair<std::string, std::string>> merges;
  for (int m = 0; m < max_merges; ++m) {
    std::map<std::pair<std::string, std::string>, int> counts;
    for (const auto& [symbols, count] : words) {
      for (size_t i = 1; i < symbols.size(); ++i) counts[{symbols[i - 1], symbols[i]}] += count;
    }
    const std::pair<std::string, std::string>* best = nullptr;
    int best_count = 1;
    for (const auto& [pair, count] : counts) {
      if (count > best_count) {
        best = &pair;
        best_count = count;
      }
    }
    if (best == nullptr) break;
    const std::pair<std::string, std::string> chosen = *best;
    for (auto& [symbols, count] : words) {
      std::vector<std::string> merged;
      merged.reserve(symbols.size());
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == chosen.first &&
            symbols[i + 1] == chosen.second) {
          merged.push_back(symbols[i] + symbols[i + 1]);
          ++i;
        } else {
          merged.push_back(symbols[i]);
        }
      }
      symbols.swap(merged);
    }
    merges.push_back(chosen);
  }
  return merges;
}

// Each distinct word as its characters (byte-level words are already spelled in the byte
// alphabet, so their characters are the byte symbols).
std::vector<std::pair<std::vector<std::string>, int>> ToWordList(
    const std::map<std::string, int>& counts) {
  std::vector<std::pair<std::vector<std::string>, int>> words;
  for (const auto& [word, count] : counts) words.emplace_back(Characters(word), count);
  return words;
}

struct TokenList {
  std::vector<std::string> text;
  std::vector<float> score;
  std::vector<int32_t> type;
  std::set<std::string> seen;

  int32_t Add(std::string t, float s, GgufTokenType ty) {
    if (!seen.insert(t).second) return -1;
    text.push_back(std::move(t));
    score.push_back(s);
    type.push_back(static_cast<int32_t>(ty));
    return static_cast<int32_t>(text.size() - 1);
  }
  int32_t IdOf(std::string_view t) const {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == t) return static_cast<int32_t>(i);
    }
    return -1;
  }
};

std::vector<MetadataEntry> BuildSpm(std::string_view text, int max_merges, bool chat_template) {
  // Words as the SPM tokenizer sees them: spaces are "▁" and start a word; the first word of
  // the text gets the prefix space. Newlines are left to byte fallback, as in Llama's vocab.
  std::map<std::string, int> counts;
  std::string word = std::string(kSpaceMarker);
  auto flush = [&] {
    if (!word.empty()) ++counts[word];
    word.clear();
  };
  for (char c : text) {
    if (c == '\n') {
      flush();
    } else if (c == ' ') {
      flush();
      word = std::string(kSpaceMarker);
    } else {
      word.push_back(c);
    }
  }
  flush();

  TokenList tokens;
  tokens.Add("<unk>", 0.0f, GgufTokenType::kUnknown);
  tokens.Add("<s>", 0.0f, GgufTokenType::kControl);
  tokens.Add("</s>", 0.0f, GgufTokenType::kControl);
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    tokens.Add(std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">", 0.0f, GgufTokenType::kByte);
  }
  std::set<std::string> chars;
  for (const auto& [w, count] : counts) {
    for (std::string& ch : Characters(w)) chars.insert(std::move(ch));
  }
  for (const std::string& ch : chars) tokens.Add(ch, -1e6f, GgufTokenType::kNormal);

  auto words = ToWordList(counts);
  const auto merges = LearnMerges(words, max_merges);
  float score = 0.0f;
  for (const auto& [left, right] : merges) {
    if (tokens.Add(left + right, score, GgufTokenType::kNormal) >= 0) score -= 1.0f;
  }

  std::vector<MetadataEntry> kv;
  kv.push_back({"tokenizer.ggml.model", std::string("llama")});
  kv.push_back({"tokenizer.ggml.tokens", tokens.text});
  kv.push_back({"tokenizer.ggml.scores", tokens.score});
  kv.push_back({"tokenizer.ggml.token_type", tokens.type});
  kv.push_back({"tokenizer.ggml.bos_token_id", uint32_t{1}});
  kv.push_back({"tokenizer.ggml.eos_token_id", uint32_t{2}});
  kv.push_back({"tokenizer.ggml.unknown_token_id", uint32_t{0}});
  kv.push_back({"tokenizer.ggml.add_bos_token", true});
  kv.push_back({"tokenizer.ggml.add_eos_token", false});
  if (chat_template) kv.push_back({"tokenizer.chat_template", std::string(kLlama2Template)});
  return kv;
}

std::vector<MetadataEntry> BuildBpe(VocabStyle style, std::string_view text, int max_merges,
                                    bool chat_template) {
  const bool llama3 = style == VocabStyle::kLlama3Bpe;
  const PreTokenizer pre = llama3 ? PreTokenizer::kLlama3 : PreTokenizer::kQwen2;

  std::map<std::string, int> counts;
  for (const std::string& w : PreTokenize(pre, text)) {
    std::string spelled;
    AppendByteLevel(w, spelled);
    ++counts[spelled];
  }

  TokenList tokens;
  for (int b = 0; b < 256; ++b) {
    tokens.Add(std::string(ByteLevelChar(static_cast<uint8_t>(b))), 0.0f, GgufTokenType::kNormal);
  }
  auto words = ToWordList(counts);
  const auto merges = LearnMerges(words, max_merges);
  std::vector<std::string> merge_lines;
  merge_lines.reserve(merges.size());
  for (const auto& [left, right] : merges) {
    tokens.Add(left + right, 0.0f, GgufTokenType::kNormal);
    merge_lines.push_back(left + " " + right);
  }
  const std::vector<std::string_view> specials =
      llama3
          ? std::vector<std::string_view>{"<|begin_of_text|>", "<|end_of_text|>",
                                          "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}
          : std::vector<std::string_view>{"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
  for (std::string_view s : specials) tokens.Add(std::string(s), 0.0f, GgufTokenType::kControl);

  const auto bos =
      static_cast<uint32_t>(tokens.IdOf(llama3 ? "<|begin_of_text|>" : "<|endoftext|>"));
  const auto eos = static_cast<uint32_t>(tokens.IdOf(llama3 ? "<|eot_id|>" : "<|im_end|>"));

  std::vector<MetadataEntry> kv;
  kv.push_back({"tokenizer.ggml.model", std::string("gpt2")});
  kv.push_back({"tokenizer.ggml.pre", std::string(llama3 ? "llama-bpe" : "qwen2")});
  kv.push_back({"tokenizer.ggml.tokens", tokens.text});
  kv.push_back({"tokenizer.ggml.token_type", tokens.type});
  kv.push_back({"tokenizer.ggml.merges", merge_lines});
  kv.push_back({"tokenizer.ggml.bos_token_id", bos});
  kv.push_back({"tokenizer.ggml.eos_token_id", eos});
  kv.push_back({"tokenizer.ggml.add_bos_token", llama3});
  if (chat_template) {
    kv.push_back(
        {"tokenizer.chat_template", std::string(llama3 ? kLlama3Template : kChatMlTemplate)});
  }
  return kv;
}

}  // namespace

std::string_view BuiltinTrainingText() {
  return kTrainingText;
}

Expected<std::vector<MetadataEntry>> BuildVocabMetadata(const VocabBuildOptions& options) {
  if (options.max_merges < 0 || options.max_merges > 100000) {
    return InvalidArgument("vocabulary builder: max_merges " + std::to_string(options.max_merges) +
                           " is outside 0..100000");
  }
  const std::string_view text = options.text.empty() ? kTrainingText : options.text;
  if (options.style == VocabStyle::kLlamaSpm) {
    return BuildSpm(text, options.max_merges, options.chat_template);
  }
  return BuildBpe(options.style, text, options.max_merges, options.chat_template);
}

uint32_t VocabSize(std::span<const MetadataEntry> entries) {
  for (const MetadataEntry& e : entries) {
    if (e.key != "tokenizer.ggml.tokens") continue;
    if (const auto* list = std::get_if<std::vector<std::string>>(&e.value)) {
      return static_cast<uint32_t>(list->size());
    }
  }
  return 0;
}

Status WriteMetadata(std::span<const MetadataEntry> entries, GgufWriter& writer) {
  for (const MetadataEntry& e : entries) {
    const Status st = std::visit(
        [&](const auto& v) -> Status {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, uint32_t>) return writer.SetU32(e.key, v);
          if constexpr (std::is_same_v<T, int32_t>) return writer.SetI32(e.key, v);
          if constexpr (std::is_same_v<T, float>) return writer.SetF32(e.key, v);
          if constexpr (std::is_same_v<T, bool>) return writer.SetBool(e.key, v);
          if constexpr (std::is_same_v<T, std::string>) return writer.SetString(e.key, v);
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            return writer.SetStringArray(e.key, std::span<const std::string>(v));
          }
          if constexpr (std::is_same_v<T, std::vector<float>>) {
            return writer.SetArray<float>(e.key, std::span<const float>(v));
          }
          if constexpr (std::is_same_v<T, std::vector<int32_t>>) {
            return writer.SetArray<int32_t>(e.key, std::span<const int32_t>(v));
          }
        },
        e.value);
    PTMO_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Expected<std::string> MetadataOnlyGguf(std::span<const MetadataEntry> entries) {
  GgufWriter writer;
  PTMO_RETURN_IF_ERROR(writer.SetString("general.architecture", "llama"));
  PTMO_RETURN_IF_ERROR(WriteMetadata(entries, writer));
  return writer.Serialize();
}

}  // namespace ptmo::engine
