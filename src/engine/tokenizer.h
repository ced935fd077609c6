// Tokenizers built from a GGUF file's `tokenizer.*` metadata, producing the same token ids as
// llama.cpp for the same file.
//
// Two model types are supported:
//   "llama" (SentencePiece BPE, Llama 1/2, Mistral, ...): tokenizer_spm.h
//   "gpt2"  (byte-level BPE, Llama 3, Qwen2, ...):        tokenizer_bpe.h, pretokenizer.h
//
//   PTMO_ASSIGN_OR_RETURN(GgufFile gguf, GgufFile::Open(path));
//   PTMO_ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tok, Tokenizer::FromGguf(gguf));
//   std::vector<TokenId> ids = tok->Encode(prompt, {.add_special = true, .parse_special = true});
//   std::string text = tok->Decode(ids);
//
// A Tokenizer copies everything it needs out of the file (it does not keep the GgufFile), is
// immutable after construction, and all its methods are safe to call concurrently.
// docs/engine.md ("Tokenizers and chat templates") describes the algorithms and every point
// where we knowingly differ from llama.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/pretokenizer.h"
#include "util/status.h"

namespace ptmo::engine {

class GgufFile;

using TokenId = int32_t;
inline constexpr TokenId kNoToken = -1;

// Values of the `tokenizer.ggml.token_type` array (llama.cpp's llama_token_type).
enum class GgufTokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

// Token attributes as bit flags: llama.cpp can give a token more than one (a user-defined
// token whose text marks the end of a turn is also treated as control).
enum TokenAttr : uint32_t {
  kAttrUndefined = 0,
  kAttrUnknown = 1u << 0,
  kAttrUnused = 1u << 1,
  kAttrNormal = 1u << 2,
  kAttrControl = 1u << 3,
  kAttrUserDefined = 1u << 4,
  kAttrByte = 1u << 5,
};

enum class TokenizerModel { kSpm, kBpe };

struct EncodeOptions {
  // Add BOS/EOS as the vocabulary asks (`tokenizer.ggml.add_bos_token` / `add_eos_token`).
  bool add_special = true;
  // Recognize the text of control and unknown tokens ("<|eot_id|>", "</s>") in the input and
  // emit their ids. User-defined tokens are always recognized, as in llama.cpp. Turn this on
  // only for text the application built (chat templates), never for raw user input.
  bool parse_special = false;
};

struct DecodeOptions {
  // Drop a leading BOS and a trailing EOS when the vocabulary adds them.
  bool remove_special = false;
  // Render control and unknown tokens as their text instead of dropping them.
  bool unparse_special = false;
};

// The vocabulary as loaded from the file, owned.
struct Vocab {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  TokenizerModel model = TokenizerModel::kSpm;
  std::vector<std::string> text;  // token id -> text (an empty text becomes "[EMPTY_<id>]")
  std::vector<float> score;       // 0 when the file has no scores
  std::vector<uint32_t> attr;     // TokenAttr bits
  std::unordered_map<std::string, TokenId, Hash, Eq> id_of;

  TokenId bos = kNoToken, eos = kNoToken, eot = kNoToken, eom = kNoToken;
  TokenId unk = kNoToken, pad = kNoToken, sep = kNoToken;
  std::vector<TokenId> end_of_generation;  // sorted

  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;  // SPM: prepend a space to text at the start / after a special
  bool clean_spaces = false;      // Decode: llama.cpp's clean_up_tokenization_spaces passes
  bool ignore_merges = false;     // BPE: a word that is a token is used whole (Llama 3)
  PreTokenizer pre = PreTokenizer::kDefault;

  TokenId Find(std::string_view s) const {
    auto it = id_of.find(s);
    return it == id_of.end() ? kNoToken : it->second;
  }
  int32_t size() const { return static_cast<int32_t>(text.size()); }
};

class Tokenizer {
 public:
  // Reads `tokenizer.ggml.*` from `gguf` and builds the tokenizer for its model type.
  // Errors (kNotFound for a missing required key, kInvalidArgument otherwise; each names the
  // file and the key): no `tokenizer.ggml.model` / `tokens` (or `merges` for "gpt2"); a model
  // type other than "llama" or "gpt2"; an unsupported `tokenizer.ggml.pre`; `scores` or
  // `token_type` of the wrong type or of a length different from `tokens`; a duplicate token
  // text; a special token id (bos, eos, unk, pad, eot, eom, sep) outside the vocabulary;
  // add_bos/add_eos set without a BOS/EOS id; a byte token whose text is not "<0xXX>"; a merge
  // without a space.
  static Expected<std::unique_ptr<Tokenizer>> FromGguf(const GgufFile& gguf);

  virtual ~Tokenizer() = default;
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Text to token ids, as llama.cpp's llama_tokenize. Never fails: bytes the vocabulary cannot
  // spell fall back to byte tokens (SPM), or to the unknown token when those are missing too
  // (or are dropped when there is none); the byte-level BPE path reads invalid UTF-8 as
  // U+FFFD, as llama.cpp does.
  std::vector<TokenId> Encode(std::string_view text, const EncodeOptions& options = {}) const;

  // Token ids to text, as llama.cpp's llama_detokenize: the pieces concatenated, the space an
  // SPM vocabulary put in front of the text removed (unless the ids start with BOS and
  // remove_special drops it, which keeps that space, as llama.cpp does), then the vocabulary's
  // clean-up of spaces before punctuation when it asks for it. Ids outside the vocabulary
  // decode to nothing.
  std::string Decode(std::span<const TokenId> ids, const DecodeOptions& options = {}) const;

  // The bytes one token stands for (no space removal, no clean-up): what a streaming client
  // receives. Control and unknown tokens give "" unless `special`. The bytes need not be
  // valid UTF-8 on their own (byte tokens); see StreamDecoder. "" for ids out of range.
  std::string_view TokenToPiece(TokenId id, bool special = false) const;

  // ---- vocabulary ----
  const Vocab& vocab() const { return vocab_; }
  TokenizerModel model() const { return vocab_.model; }
  int32_t vocab_size() const { return vocab_.size(); }
  bool Contains(TokenId id) const { return id >= 0 && id < vocab_.size(); }
  // TokenText and TokenAttrs require Contains(id).
  // The token's text as stored in the file ("▁the", "Ġthe", "<0x0A>", "<|eot_id|>").
  std::string_view TokenText(TokenId id) const { return vocab_.text[static_cast<size_t>(id)]; }
  uint32_t TokenAttrs(TokenId id) const { return vocab_.attr[static_cast<size_t>(id)]; }
  // The id of the token whose text is exactly `text`, or kNoToken.
  TokenId FindToken(std::string_view text) const { return vocab_.Find(text); }

  TokenId bos() const { return vocab_.bos; }
  TokenId eos() const { return vocab_.eos; }
  TokenId eot() const { return vocab_.eot; }
  TokenId unk() const { return vocab_.unk; }
  TokenId pad() const { return vocab_.pad; }
  bool add_bos() const { return vocab_.add_bos; }
  bool add_eos() const { return vocab_.add_eos; }
  // True for the ids that end generation: EOS, EOT, EOM and tokens whose text marks the end
  // of a turn ("<|eot_id|>", "<|im_end|>", "<|endoftext|>", ...), as llama.cpp's is_eog.
  bool IsEndOfGeneration(TokenId id) const;

 protected:
  explicit Tokenizer(Vocab vocab);

  // Tokenizes one fragment of plain text (special tokens already split out). `after_special`
  // is true for the first fragment and for a fragment right after a special token.
  virtual void EncodeFragment(std::string_view text, bool after_special,
                              std::vector<TokenId>& out) const = 0;
  // The text a normal token stands for ("▁the" -> " the"; "Ġthe" -> " the").
  virtual std::string NormalPiece(TokenId id) const = 0;

  // Fills the piece cache; derived constructors call it last (it calls NormalPiece).
  void BuildPieceCache();

  const Vocab vocab_;

 private:
  struct Fragment {
    TokenId token;  // kNoToken for text
    size_t offset;
    size_t length;
  };
  void SplitSpecial(std::string_view text, bool parse_special,
                    std::vector<Fragment>& fragments) const;

  std::vector<TokenId> special_tokens_;  // control/user-defined/unknown, longest text first
  std::vector<std::string> pieces_;      // TokenToPiece(id, special = true)
};

// Turns a stream of generated tokens into text that is always valid UTF-8 at chunk boundaries:
// bytes of a character split across byte tokens (e.g. "한" as <0xED><0x95><0x9C>) are held until
// the character is complete. Not thread-safe; one per stream. The tokenizer must outlive it.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer, bool special = false)
      : tokenizer_(tokenizer), special_(special) {}

  // Appends the piece of `id` and returns the text that is now complete (possibly "").
  // Invalid sequences are not held back: they are passed through as they are.
  std::string Push(TokenId id);

  // Returns whatever is still held (an incomplete sequence at the end of the stream).
  std::string Flush();

  size_t pending_bytes() const { return pending_.size(); }

 private:
  const Tokenizer& tokenizer_;
  bool special_;
  std::string pending_;
};

}  // namespace ptmo::engine
