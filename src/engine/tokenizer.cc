#include "engine/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "engine/gguf_reader.h"
#include "engine/tokenizer_bpe.h"
#include "engine/tokenizer_spm.h"

namespace ptmo::engine {
namespace {

constexpr std::string_view kModelKey = "tokenizer.ggml.model";
constexpr std::string_view kPreKey = "tokenizer.ggml.pre";
constexpr std::string_view kTokensKey = "tokenizer.ggml.tokens";
constexpr std::string_view kScoresKey = "tokenizer.ggml.scores";
constexpr std::string_view kTokenTypeKey = "tokenizer.ggml.token_type";
constexpr std::string_view kAddBosKey = "tokenizer.ggml.add_bos_token";
constexpr std::string_view kAddEosKey = "tokenizer.ggml.add_eos_token";
constexpr std::string_view kAddSpacePrefixKey = "tokenizer.ggml.add_space_prefix";
constexpr std::string_view kBosKey = "tokenizer.ggml.bos_token_id";
constexpr std::string_view kEosKey = "tokenizer.ggml.eos_token_id";

// Texts llama.cpp recognizes as ending a turn when the file does not say which token does.
// The first one present becomes the EOT token (llama.cpp takes whichever its hash map yields
// first; we take this order).
constexpr std::string_view kEotTexts[] = {
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|end_of_text|>",
    "<EOT>",
    "_<EOT>",
    "[EOT]",
    "<end_of_utterance>",
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",  // DeepSeek
};
// Texts whose tokens end generation (llama.cpp's special_eog_ids list, plus its FIM pad /
// repo / file-separator tokens, which it also stops on).
constexpr std::string_view kEogTexts[] = {
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "</s>",
    "<|eom_id|>",
    "<EOT>",
    "_<EOT>",
    "[EOT]",
    "[EOS]",
    "<|end_of_text|>",
    "<end_of_utterance>",
    "<\xEF\xBD\x9C"
    "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",
    "<|fim_pad|>",
    "<fim-pad>",
    "<fim_pad>",
    "<|fim_repo|>",
    "<|repo_name|>",
    "<fim-repo>",
    "<REPO>",
    "<reponame>",
    "<|file_sep|>",
};
// Fill-in-the-middle markers llama.cpp forces to control type (they are not EOG).
constexpr std::string_view kFimControlTexts[] = {
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<PRE>", "\xE2\x96\x81<PRE>",
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<SUF>", "\xE2\x96\x81<SUF>",
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<MID>", "\xE2\x96\x81<MID>",
};

std::string FilePrefix(const GgufFile& gguf) {
  return "model file '" + gguf.name() + "': ";
}
std::string Quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

uint32_t AttrFromType(int32_t type) {
  switch (static_cast<GgufTokenType>(type)) {
    case GgufTokenType::kNormal: return kAttrNormal;
    case GgufTokenType::kUnknown: return kAttrUnknown;
    case GgufTokenType::kControl: return kAttrControl;
    case GgufTokenType::kUserDefined: return kAttrUserDefined;
    case GgufTokenType::kUnused: return kAttrUnused;
    case GgufTokenType::kByte: return kAttrByte;
    case GgufTokenType::kUndefined: return kAttrUndefined;
  }
  return kAttrUndefined;  // llama.cpp maps unknown type numbers to "undefined" too
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte of a "<0xXX>" token, or -1.
int ByteTokenValue(std::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
  const int hi = HexValue(text[3]);
  const int lo = HexValue(text[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

// Reads an optional bool; absent leaves `value` unchanged.
Status ReadOptionalBool(const GgufFile& gguf, std::string_view key, bool& value) {
  if (!gguf.HasKey(key)) return Status::Ok();
  PTMO_ASSIGN_OR_RETURN(value, gguf.GetBool(key));
  return Status::Ok();
}

// Reads an optional special token id (any integer type); absent leaves `id` unchanged.
Status ReadSpecialId(const GgufFile& gguf, std::string_view key, int32_t n_tokens, TokenId& id) {
  if (id >= n_tokens) id = kNoToken;  // a built-in default the vocabulary is too small for
  if (!gguf.HasKey(key)) return Status::Ok();
  PTMO_ASSIGN_OR_RETURN(int64_t v, gguf.GetInteger(key));
  if (v < 0 || v >= n_tokens) {
    return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(key) + " is token id " +
                           std::to_string(v) + ", outside the vocabulary of " +
                           std::to_string(n_tokens) + " tokens");
  }
  id = static_cast<TokenId>(v);
  return Status::Ok();
}

// Reads a per-token array that must have one entry per token.
template <typename T>
Expected<std::vector<T>> ReadPerToken(const GgufFile& gguf, std::string_view key, size_t n_tokens) {
  PTMO_ASSIGN_OR_RETURN(std::vector<T> values, gguf.GetArray<T>(key));
  if (values.size() != n_tokens) {
    return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(key) + " has " +
                           std::to_string(values.size()) + " entries but " + Quoted(kTokensKey) +
                           " has " + std::to_string(n_tokens));
  }
  return values;
}

Status ReadTokens(const GgufFile& gguf, Vocab& v) {
  PTMO_ASSIGN_OR_RETURN(std::span<const std::string_view> tokens, gguf.GetStringArray(kTokensKey));
  if (tokens.empty()) {
    return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kTokensKey) +
                           " is an empty list");
  }
  if (tokens.size() > static_cast<size_t>(INT32_MAX)) {
    return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kTokensKey) + " has " +
                           std::to_string(tokens.size()) + " tokens, more than ids can number");
  }
  const size_t n = tokens.size();

  v.score.assign(n, 0.0f);
  if (const GgufMetadata* m = gguf.FindMetadata(kScoresKey)) {
    if (m->type == GgufType::kArray && m->array_type == GgufType::kInt32) {
      PTMO_ASSIGN_OR_RETURN(std::vector<int32_t> s, ReadPerToken<int32_t>(gguf, kScoresKey, n));
      for (size_t i = 0; i < n; ++i) v.score[i] = static_cast<float>(s[i]);
    } else if (m->type == GgufType::kArray && m->array_type == GgufType::kFloat32) {
      PTMO_ASSIGN_OR_RETURN(v.score, ReadPerToken<float>(gguf, kScoresKey, n));
      // A NaN would break the ordering of the SPM merge queue; it ranks last instead.
      for (float& f : v.score) {
        if (std::isnan(f)) f = -std::numeric_limits<float>::infinity();
      }
    } else {
      return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kScoresKey) +
                             " must be an array of float32 or int32");
    }
  }

  v.attr.assign(n, kAttrNormal);
  if (gguf.HasKey(kTokenTypeKey)) {
    PTMO_ASSIGN_OR_RETURN(std::vector<int32_t> types,
                          ReadPerToken<int32_t>(gguf, kTokenTypeKey, n));
    for (size_t i = 0; i < n; ++i) v.attr[i] = AttrFromType(types[i]);
  }

  v.text.reserve(n);
  v.id_of.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string text(tokens[i]);
    if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]";  // as llama.cpp names it
    if ((v.attr[i] & kAttrByte) && ByteTokenValue(text) < 0) {
      return InvalidArgument(FilePrefix(gguf) + "token " + std::to_string(i) + " " + Quoted(text) +
                             " has type byte in " + Quoted(kTokenTypeKey) +
                             " but is not of the form <0xXX>");
    }
    auto [it, inserted] = v.id_of.emplace(text, static_cast<TokenId>(i));
    if (!inserted) {
      return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kTokensKey) +
                             " has the token " + Quoted(text) + " twice, at ids " +
                             std::to_string(it->second) + " and " + std::to_string(i));
    }
    v.text.push_back(std::move(text));
  }
  return Status::Ok();
}

// Marks end-of-turn tokens the way llama.cpp does when the file leaves them implicit.
void DetectEndOfGeneration(Vocab& v) {
  auto force_control = [&](TokenId id) { v.attr[static_cast<size_t>(id)] |= kAttrControl; };
  // Ids the file names are taken as they are; only detected ones are forced to control type.
  if (v.eot == kNoToken) {
    for (std::string_view t : kEotTexts) {
      if (TokenId id = v.Find(t); id != kNoToken) {
        v.eot = id;
        force_control(id);
        break;
      }
    }
  }
  if (v.eom == kNoToken) {
    v.eom = v.Find("<|eom_id|>");
    if (v.eom != kNoToken) force_control(v.eom);
  }
  for (std::string_view t : kFimControlTexts) {
    if (TokenId id = v.Find(t); id != kNoToken) force_control(id);
  }
  v.end_of_generation.clear();
  for (std::string_view t : kEogTexts) {
    if (TokenId id = v.Find(t); id != kNoToken) {
      force_control(id);
      v.end_of_generation.push_back(id);
    }
  }
  for (TokenId id : {v.eos, v.eot, v.eom}) {
    if (id != kNoToken) v.end_of_generation.push_back(id);
  }
  std::sort(v.end_of_generation.begin(), v.end_of_generation.end());
  v.end_of_generation.erase(std::unique(v.end_of_generation.begin(), v.end_of_generation.end()),
                            v.end_of_generation.end());
}

Expected<Vocab> LoadVocab(const GgufFile& gguf) {
  Vocab v;
  PTMO_ASSIGN_OR_RETURN(std::string_view model, gguf.GetString(kModelKey));
  if (model == "llama") {
    // llama.cpp's defaults for SentencePiece vocabularies.
    v.model = TokenizerModel::kSpm;
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_bos = true;
    v.add_space_prefix = true;
    v.clean_spaces = false;
  } else if (model == "gpt2") {
    v.model = TokenizerModel::kBpe;
    v.bos = 11;  // llama.cpp's (odd) defaults when the file names no BOS/EOS
    v.eos = 11;
    v.clean_spaces = true;
    std::string_view pre_name;
    if (gguf.HasKey(kPreKey)) {
      PTMO_ASSIGN_OR_RETURN(pre_name, gguf.GetString(kPreKey));
    }
    Expected<PreTokenizer> pre = PreTokenizerFromName(pre_name);
    if (!pre.ok()) {
      return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kPreKey) + ": " +
                             pre.status().message());
    }
    v.pre = *pre;
    if (v.pre == PreTokenizer::kLlama3) {
      v.ignore_merges = true;
      v.add_bos = true;
    } else if (v.pre == PreTokenizer::kQwen2) {
      v.clean_spaces = false;
    }
  } else {
    return InvalidArgument(FilePrefix(gguf) + "metadata key " + Quoted(kModelKey) + " is " +
                           Quoted(model) + ", which is not supported (known: llama, gpt2)");
  }
  PTMO_RETURN_IF_ERROR(ReadOptionalBool(gguf, kAddSpacePrefixKey, v.add_space_prefix));

  PTMO_RETURN_IF_ERROR(ReadTokens(gguf, v));
  const int32_t n = v.size();

  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, kBosKey, n, v.bos));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, kEosKey, n, v.eos));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, "tokenizer.ggml.eot_token_id", n, v.eot));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, "tokenizer.ggml.eom_token_id", n, v.eom));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, "tokenizer.ggml.unknown_token_id", n, v.unk));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, "tokenizer.ggml.seperator_token_id", n, v.sep));
  PTMO_RETURN_IF_ERROR(ReadSpecialId(gguf, "tokenizer.ggml.padding_token_id", n, v.pad));

  PTMO_RETURN_IF_ERROR(ReadOptionalBool(gguf, kAddBosKey, v.add_bos));
  PTMO_RETURN_IF_ERROR(ReadOptionalBool(gguf, kAddEosKey, v.add_eos));
  if (v.add_bos && v.bos == kNoToken) {
    return InvalidArgument(FilePrefix(gguf) + Quoted(kAddBosKey) + " is true, but " +
                           Quoted(kBosKey) + " is not set");
  }
  if (v.add_eos && v.eos == kNoToken) {
    return InvalidArgument(FilePrefix(gguf) + Quoted(kAddEosKey) + " is true, but " +
                           Quoted(kEosKey) + " is not set");
  }
  DetectEndOfGeneration(v);
  return v;
}

// llama.cpp's clean_up_tokenization_spaces, three passes over the decoded bytes:
//   1. " ?", " !", " .", " ," lose the space;
//   2. an apostrophe between two spaces loses both (" ' " -> "'");
//   3. " 's", " 'm", " 're", " 've" lose the space (" 't", " 'd", " 'll" keep it).
std::string CleanUpSpaces(const std::string& s) {
  std::string a;
  a.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char x = s[i];
    if (i > 0 && s[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
    a.push_back(x);
  }

  std::string b;
  b.reserve(a.size());
  char prev = '\0';  // a[i - 1], except that a skipped space reads as NUL, as in llama.cpp
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i];
    if (i > 0 && x == '\'' && i + 1 < a.size() && prev == ' ' && a[i + 1] == ' ') {
      b.pop_back();
      b.push_back(x);
      ++i;  // the space after the apostrophe is dropped
      prev = '\0';
      continue;
    }
    b.push_back(x);
    prev = x;
  }

  std::string c;
  c.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    const char x = b[i];
    if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
      const char x1 = b[i + 1];
      if (x1 == 's' || x1 == 'm') {
        c.pop_back();
      } else if (x1 != 't' && x1 != 'd' && i + 2 < b.size()) {
        const char x2 = b[i + 2];
        if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) c.pop_back();
      }
    }
    c.push_back(x);
  }
  return c;
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> Tokenizer::FromGguf(const GgufFile& gguf) {
  PTMO_ASSIGN_OR_RETURN(Vocab vocab, LoadVocab(gguf));
  if (vocab.model == TokenizerModel::kSpm) {
    return std::unique_ptr<Tokenizer>(std::make_unique<SpmTokenizer>(std::move(vocab)));
  }
  return BpeTokenizer::Create(std::move(vocab), gguf);
}

Tokenizer::Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {
  for (TokenId id = 0; id < vocab_.size(); ++id) {
    if (vocab_.attr[static_cast<size_t>(id)] & (kAttrControl | kAttrUserDefined | kAttrUnknown)) {
      special_tokens_.push_back(id);
    }
  }
  // Longest text first, so "<|im_start|>" wins over a shorter token it contains. llama.cpp's
  // sort is not stable; ours breaks ties by id.
  std::stable_sort(special_tokens_.begin(), special_tokens_.end(), [&](TokenId a, TokenId b) {
    return vocab_.text[static_cast<size_t>(a)].size() > vocab_.text[static_cast<size_t>(b)].size();
  });
}

void Tokenizer::BuildPieceCache() {
  pieces_.resize(vocab_.text.size());
  for (TokenId id = 0; id < vocab_.size(); ++id) {
    const auto i = static_cast<size_t>(id);
    const uint32_t attr = vocab_.attr[i];
    if (attr & (kAttrUnknown | kAttrControl | kAttrUserDefined)) {
      pieces_[i] = vocab_.text[i];
    } else if (attr & kAttrNormal) {
      pieces_[i] = NormalPiece(id);
    } else if (attr & kAttrByte) {
      pieces_[i] = std::string(1, static_cast<char>(ByteTokenValue(vocab_.text[i])));
    }  // unused and undefined tokens stand for nothing
  }
}

bool Tokenizer::IsEndOfGeneration(TokenId id) const {
  return std::binary_search(vocab_.end_of_generation.begin(), vocab_.end_of_generation.end(), id);
}

std::string_view Tokenizer::TokenToPiece(TokenId id, bool special) const {
  if (!Contains(id)) return {};
  const auto i = static_cast<size_t>(id);
  if (!special && (vocab_.attr[i] & (kAttrUnknown | kAttrControl))) return {};
  return pieces_[i];
}

void Tokenizer::SplitSpecial(std::string_view text, bool parse_special,
                             std::vector<Fragment>& fragments) const {
  fragments.clear();
  if (text.empty()) return;
  fragments.push_back({kNoToken, 0, text.size()});
  std::vector<Fragment> next;
  for (TokenId id : special_tokens_) {
    const auto i = static_cast<size_t>(id);
    // Without parse_special only user-defined tokens are matched (llama.cpp does the same,
    // following Hugging Face's added-token handling).
    if (!parse_special && (vocab_.attr[i] & (kAttrControl | kAttrUnknown))) continue;
    const std::string& needle = vocab_.text[i];
    next.clear();
    bool found = false;
    for (const Fragment& f : fragments) {
      if (f.token != kNoToken) {
        next.push_back(f);
        continue;
      }
      const size_t end = f.offset + f.length;
      const std::string_view bounded = text.substr(0, end);
      size_t pos = f.offset;
      while (pos < end) {
        const size_t match = bounded.find(needle, pos);
        if (match == std::string_view::npos) break;
        found = true;
        if (match > pos) next.push_back({kNoToken, pos, match - pos});
        next.push_back({id, match, needle.size()});
        pos = match + needle.size();
      }
      if (pos < end) next.push_back({kNoToken, pos, end - pos});
    }
    if (found) fragments.swap(next);
  }
}

std::vector<TokenId> Tokenizer::Encode(std::string_view text, const EncodeOptions& options) const {
  std::vector<Fragment> fragments;
  SplitSpecial(text, options.parse_special, fragments);

  std::vector<TokenId> out;
  out.reserve(text.size() / 3 + 4);
  if (options.add_special && vocab_.add_bos) out.push_back(vocab_.bos);
  bool after_special = true;
  for (const Fragment& f : fragments) {
    if (f.token != kNoToken) {
      out.push_back(f.token);
      after_special = true;
    } else {
      EncodeFragment(text.substr(f.offset, f.length), after_special, out);
      after_special = false;
    }
  }
  if (options.add_special && vocab_.add_eos) out.push_back(vocab_.eos);
  return out;
}

std::string Tokenizer::Decode(std::span<const TokenId> ids, const DecodeOptions& options) const {
  bool remove_space = vocab_.add_space_prefix;
  if (options.remove_special && vocab_.add_bos && !ids.empty() && ids.front() == vocab_.bos) {
    remove_space = false;  // llama.cpp keeps the prefix space when it drops the BOS
    ids = ids.subspan(1);
  }
  if (options.remove_special && vocab_.add_eos && !ids.empty() && ids.back() == vocab_.eos) {
    ids = ids.subspan(0, ids.size() - 1);
  }
  std::string out;
  for (TokenId id : ids) {
    std::string_view piece = TokenToPiece(id, options.unparse_special);
    if (remove_space && !piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    remove_space = false;
    out.append(piece);
  }
  return vocab_.clean_spaces ? CleanUpSpaces(out) : out;
}

std::string StreamDecoder::Push(TokenId id) {
  pending_.append(tokenizer_.TokenToPiece(id, special_));
  // Hold back the last sequence when its lead byte announces more bytes than have arrived.
  // Only the last four bytes can belong to it; if they are all continuation bytes the text
  // is invalid and goes out as it is.
  const size_t n = pending_.size();
  size_t keep_from = n;
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    const auto b = static_cast<unsigned char>(pending_[n - back]);
    if ((b & 0xC0) == 0x80) continue;
    const size_t need = (b & 0xE0) == 0xC0   ? 2
                        : (b & 0xF0) == 0xE0 ? 3
                        : (b & 0xF8) == 0xF0 ? 4
                                             : 1;
    if (need > back) keep_from = n - back;
    break;
  }
  std::string ready = pending_.substr(0, keep_from);
  pending_.erase(0, keep_from);
  return ready;
}

std::string StreamDecoder::Flush() {
  std::string rest;
  rest.swap(pending_);
  return rest;
}

}  // namespace ptmo::engine
