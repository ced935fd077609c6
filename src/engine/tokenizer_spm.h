// SentencePiece-style BPE over a GGUF "llama" vocabulary (Llama 1/2, Mistral, TinyLlama...),
// computing what llama.cpp's llm_tokenizer_spm computes:
//
//   1. Spaces become "▁" (U+2581); with add_space_prefix, text at the start of the input or
//      right after a special token gets a leading "▁".
//   2. The text is cut into characters by their UTF-8 lead byte (no validation: a lead byte
//      takes as many following bytes as it announces, whatever they are).
//   3. Repeatedly, of all adjacent symbol pairs whose concatenation is a token, the pair whose
//      token has the highest score is merged (ties: the leftmost pair).
//   4. Each final symbol becomes its token, or, when it is not one, one <0xXX> byte token per
//      byte ("byte fallback").
//
// Thread-safe: Encode keeps its working state on the stack.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer.h"

namespace ptmo::engine {

class SpmTokenizer final : public Tokenizer {
 public:
  // `vocab.model` must be kSpm (checked by Tokenizer::FromGguf).
  explicit SpmTokenizer(Vocab vocab);

 protected:
  void EncodeFragment(std::string_view text, bool after_special,
                      std::vector<TokenId>& out) const override;
  // The token's text with every "▁" turned back into a space.
  std::string NormalPiece(TokenId id) const override;

 private:
  // Byte -> the token spelling it: "<0xXX>", else the one-byte string (as llama.cpp looks it
  // up), else kNoToken. A byte without a token becomes the unknown token (llama.cpp throws).
  std::array<TokenId, 256> byte_token_{};
};

}  // namespace ptmo::engine
