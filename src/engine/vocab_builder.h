// Builds small but complete tokenizer vocabularies as GGUF metadata, so tests and tools can
// generate whole model files (weights from the model builder, vocabulary from here) that both
// our engine and llama.cpp load.
//
//   PTMO_ASSIGN_OR_RETURN(std::vector<MetadataEntry> kv,
//                         BuildVocabMetadata({.style = VocabStyle::kLlama3Bpe}));
//   GgufWriter w;
//   PTMO_RETURN_IF_ERROR(w.SetString("general.architecture", "llama"));
//   PTMO_RETURN_IF_ERROR(WriteMetadata(kv, w));
//   ... tensors; then `llama.vocab_size` must equal VocabSize(kv).
//
// Styles:
//   kLlamaSpm  "llama": <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>, every character
//              of the training text, then pieces learned by merging the most frequent adjacent
//              pair within "▁"-prefixed words; piece k has score -k, so the SPM tokenizer
//              prefers earlier (more frequent) pieces. add_bos true, Llama 2 chat template.
//   kLlama3Bpe "gpt2" with pre "llama-bpe": the 256 byte-level characters (id = byte value),
//              merges learned on Llama 3 pre-tokenized words, then <|begin_of_text|>,
//              <|end_of_text|>, <|start_header_id|>, <|end_header_id|>, <|eot_id|> as control
//              tokens. BOS <|begin_of_text|>, EOS <|eot_id|>, add_bos true, Llama 3 template.
//   kQwen2Bpe  "gpt2" with pre "qwen2": as above on Qwen2 words, then <|endoftext|>,
//              <|im_start|>, <|im_end|>. BOS <|endoftext|>, EOS <|im_end|>, add_bos false,
//              ChatML template.
// Learning is deterministic (ties: the lexicographically smallest pair), so the same options
// always give the same vocabulary. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/status.h"

namespace ptmo::engine {

class GgufWriter;

// A metadata value in one of the types GgufWriter stores.
using MetadataValue =
    std::variant<uint32_t, int32_t, float, bool, std::string, std::vector<std::string>,
                 std::vector<float>, std::vector<int32_t>>;

struct MetadataEntry {
  std::string key;
  MetadataValue value;
};

enum class VocabStyle { kLlamaSpm, kLlama3Bpe, kQwen2Bpe };

struct VocabBuildOptions {
  VocabStyle style = VocabStyle::kLlamaSpm;
  // How many pieces (SPM) or merges (BPE) to learn at most; learning also stops when no pair
  // occurs twice. 0 to 100000.
  int max_merges = 300;
  // Training text; empty means BuiltinTrainingText().
  std::string_view text = {};
  // Add `tokenizer.chat_template` in the style's format.
  bool chat_template = true;
};

// An English and Korean sample (prose, digits, punctuation, newlines), about 2 KB.
std::string_view BuiltinTrainingText();

// Learns a vocabulary and returns its `tokenizer.*` metadata entries, in the order llama.cpp's
// converter writes them. Errors: kInvalidArgument for max_merges out of range.
Expected<std::vector<MetadataEntry>> BuildVocabMetadata(const VocabBuildOptions& options);

// Number of tokens in `entries` (the length of `tokenizer.ggml.tokens`; 0 when absent).
uint32_t VocabSize(std::span<const MetadataEntry> entries);

// Adds every entry to `writer`, in order. Errors: those of the writer (e.g. a duplicate key).
Status WriteMetadata(std::span<const MetadataEntry> entries, GgufWriter& writer);

// A complete GGUF image holding `general.architecture` = "llama" and `entries`, no tensors:
// enough for Tokenizer::FromGguf and ChatTemplate::FromGguf through GgufFile::FromBuffer.
Expected<std::string> MetadataOnlyGguf(std::span<const MetadataEntry> entries);

}  // namespace ptmo::engine
