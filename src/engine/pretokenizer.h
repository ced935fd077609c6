// Pre-tokenization for byte-level BPE vocabularies: splitting text into the "words" that BPE
// merges never cross, and GPT-2's byte-to-character mapping.
//
// The Hugging Face tokenizers define the splits as regular expressions with lookahead and
// Unicode classes (\p{L}, \p{N}) that RE2 cannot express, so each one is a small hand-written
// state machine here, following the rules llama.cpp applies for the same
// `tokenizer.ggml.pre` value (docs/engine.md, "Tokenizers and chat templates", lists each rule).
// Character classes come from ICU: letter = general category L*, number = N*, whitespace = the
// Unicode White_Space property; everything else is "other".
//
//   PTMO_ASSIGN_OR_RETURN(PreTokenizer kind, PreTokenizerFromName("llama-bpe"));
//   std::vector<std::string> words = PreTokenize(kind, "I'm 12345 years");
//   // {"I", "'m", " ", "123", "45", " years"}
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace ptmo::engine {

// The split rules we implement, by the family of `tokenizer.ggml.pre` names that select them.
enum class PreTokenizer {
  // No or "default" `tokenizer.ggml.pre`: llama.cpp's fallback, four passes (punctuation runs,
  // the GPT-2 rules, number runs, then groups of three ASCII digits).
  kDefault,
  // "gpt-2", "phi-2": the original GPT-2 rules.
  kGpt2,
  // "llama3", "llama-v3", "llama-bpe" (Llama 3): case-insensitive contractions, letters with
  // one optional leading non-letter, digits in groups of 1-3, newline runs.
  kLlama3,
  // "qwen2", "deepseek-r1-qwen": as kLlama3 but every digit is its own word.
  kQwen2,
};

// Maps a `tokenizer.ggml.pre` value to its rules; "" (key absent) means kDefault.
// Errors: kInvalidArgument for a name we do not implement; the message lists the known names.
Expected<PreTokenizer> PreTokenizerFromName(std::string_view name);

// A stable name for messages ("llama3", "qwen2", "gpt-2", "default").
std::string_view PreTokenizerName(PreTokenizer kind);

// Decodes UTF-8 the way llama.cpp's tokenizer does, so the BPE path sees the same code points:
// a lead byte followed by the right number of continuation bytes is decoded without checking
// for overlong forms or surrogates; anything else (a stray continuation byte, a truncated
// sequence, a lead byte 0xF8-0xFF) becomes U+FFFD and consumes one byte. Where llama.cpp
// would throw (a 4-byte form above U+10FFFF) we also produce U+FFFD for one byte.
std::u32string DecodeLenient(std::string_view text);

// Splits code points into words. `out` receives each word's length in code points, in order;
// the lengths sum to cps.size(). Nothing is dropped: concatenating the words gives the input.
void SplitWords(PreTokenizer kind, std::u32string_view cps, std::vector<size_t>& out);

// Convenience for tests and tools: DecodeLenient, SplitWords, and each word re-encoded as
// UTF-8 (so invalid input bytes appear as U+FFFD).
std::vector<std::string> PreTokenize(PreTokenizer kind, std::string_view text);

// ---- GPT-2 byte-level alphabet ----
// Byte-level BPE vocabularies spell every byte as one printable character: bytes '!'..'~',
// 0xA1..0xAC and 0xAE..0xFF stand for themselves, the other 68 bytes map in order to
// U+0100, U+0101, ... (so ' ' is 'Ġ' U+0120 and '\n' is 'Ċ' U+010A).

// The character that stands for `byte`, as UTF-8 (2 bytes at most).
std::string_view ByteLevelChar(uint8_t byte);
// The byte a character stands for, or -1 when `cp` is not in the alphabet.
int ByteLevelByte(char32_t cp);
// Appends the byte-level spelling of every byte of `bytes`.
void AppendByteLevel(std::string_view bytes, std::string& out);

}  // namespace ptmo::engine
