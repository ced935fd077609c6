// Byte-level BPE over a GGUF "gpt2" vocabulary (Llama 3, Qwen2, GPT-2...), computing what
// llama.cpp's llm_tokenizer_bpe computes:
//
//   1. The text is decoded as UTF-8 (invalid bytes read as U+FFFD, see DecodeLenient) and
//      split into words by the pre-tokenizer that `tokenizer.ggml.pre` names (pretokenizer.h).
//   2. Each word's UTF-8 bytes are spelled in the GPT-2 byte-level alphabet (' ' -> 'Ġ').
//   3. With ignore_merges (Llama 3), a word that is itself a token is emitted whole.
//   4. Otherwise, starting from single characters, the adjacent pair with the lowest merge rank
//      (its index in `tokenizer.ggml.merges`; ties: the leftmost pair) is merged until no pair
//      has a rank.
//   5. Each final symbol becomes its token; a symbol that is not a token falls back to the
//      tokens of its single bytes, when they exist (otherwise it is dropped, as in llama.cpp).
//
// Thread-safe: Encode keeps its working state on the stack.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer.h"

namespace ptmo::engine {

class BpeTokenizer final : public Tokenizer {
 public:
  // Reads `tokenizer.ggml.merges` (required: kNotFound when absent; kInvalidArgument when it
  // is not an array of strings or an entry has no space separating its two parts).
  static Expected<std::unique_ptr<Tokenizer>> Create(Vocab vocab, const GgufFile& gguf);

  // `merges` in rank order, each "left right" (the first space at index >= 1 separates them,
  // as llama.cpp reads them). Entries are assumed valid. A repeated pair keeps its first rank.
  BpeTokenizer(Vocab vocab, const std::vector<std::string>& merges);

  // The rank of merging `left` and `right`, or -1.
  int32_t MergeRank(std::string_view left, std::string_view right) const;

 protected:
  void EncodeFragment(std::string_view text, bool after_special,
                      std::vector<TokenId>& out) const override;
  // The bytes the token's byte-level characters stand for. A character outside the alphabet
  // decodes as "[UNK_BYTE_0x<hex>" + the token text + "]", as llama.cpp writes it.
  std::string NormalPiece(TokenId id) const override;

 private:
  struct Scratch;  // working buffers reused across the words of one Encode call
  void EncodeWord(std::string_view word, Scratch& scratch, std::vector<TokenId>& out) const;

  // "left right" -> rank.
  std::unordered_map<std::string, int32_t, Vocab::Hash, Vocab::Eq> ranks_;
};

}  // namespace ptmo::engine
