#include "engine/tokenizer_bpe.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "engine/gguf_reader.h"
#include "util/utf8.h"

namespace ptmo::engine {
namespace {

constexpr std::string_view kMergesKey = "tokenizer.ggml.merges";

size_t LeadLength(unsigned char b) {
  static constexpr uint8_t kByHighNibble[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kByHighNibble[b >> 4];
}

}  // namespace

struct BpeTokenizer::Scratch {
  struct Symbol {
    uint32_t start;
    uint32_t length;  // 0 once merged into its left neighbour
    int32_t prev;
    int32_t next;
  };
  struct Bigram {
    int32_t rank;
    int32_t left;
    int32_t right;
    uint32_t length;
  };
  // Lowest rank first; among equal ranks the leftmost pair.
  struct Order {
    bool operator()(const Bigram& a, const Bigram& b) const {
      return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
  };

  std::vector<Symbol> symbols;
  std::vector<Bigram> heap;  // a binary heap ordered by Order
  std::string key;
};

Expected<std::unique_ptr<Tokenizer>> BpeTokenizer::Create(Vocab vocab, const GgufFile& gguf) {
  PTMO_ASSIGN_OR_RETURN(std::span<const std::string_view> merges, gguf.GetStringArray(kMergesKey));
  std::vector<std::string> list;
  list.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    if (merges[i].size() < 2 || merges[i].find(' ', 1) == std::string_view::npos) {
      return InvalidArgument("model file '" + gguf.name() + "': metadata key '" +
                             std::string(kMergesKey) + "' entry " + std::to_string(i) + " '" +
                             std::string(merges[i]) + "' is not two parts separated by a space");
    }
    list.emplace_back(merges[i]);
  }
  return std::unique_ptr<Tokenizer>(std::make_unique<BpeTokenizer>(std::move(vocab), list));
}

BpeTokenizer::BpeTokenizer(Vocab vocab, const std::vector<std::string>& merges)
    : Tokenizer(std::move(vocab)) {
  ranks_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    // The key is the entry itself: "left right" with the split at the first space after
    // index 0, and lookups join left and right with one space.
    ranks_.emplace(merges[i], static_cast<int32_t>(i));
  }
  BuildPieceCache();
}

int32_t BpeTokenizer::MergeRank(std::string_view left, std::string_view right) const {
  std::string key;
  key.reserve(left.size() + 1 + right.size());
  key.append(left).push_back(' ');
  key.append(right);
  auto it = ranks_.find(std::string_view(key));
  return it == ranks_.end() ? -1 : it->second;
}

std::string BpeTokenizer::NormalPiece(TokenId id) const {
  const std::string& text = vocab_.text[static_cast<size_t>(id)];
  std::string out;
  for (char32_t cp : DecodeLenient(text)) {
    const int byte = ByteLevelByte(cp);
    if (byte >= 0) {
      out.push_back(static_cast<char>(byte));
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string utf8;
    ::ptmo::utf8::Append(cp, utf8);
    out += "[UNK_BYTE_0x";
    for (char c : utf8) {
      const auto b = static_cast<unsigned char>(c);
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
    out += text + "]";
  }
  return out;
}

void BpeTokenizer::EncodeFragment(std::string_view text, bool /*after_special*/,
                                  std::vector<TokenId>& out) const {
  const std::u32string cps = DecodeLenient(text);
  std::vector<size_t> lengths;
  SplitWords(vocab_.pre, cps, lengths);

  Scratch scratch;  // reused across the words of this fragment
  std::string utf8;
  std::string word;
  size_t pos = 0;
  for (size_t len : lengths) {
    utf8.clear();
    for (size_t i = pos; i < pos + len; ++i) ::ptmo::utf8::Append(cps[i], utf8);
    pos += len;
    word.clear();
    AppendByteLevel(utf8, word);
    EncodeWord(word, scratch, out);
  }
}

void BpeTokenizer::EncodeWord(std::string_view word, Scratch& scratch,
                              std::vector<TokenId>& out) const {
  if (word.empty()) return;
  if (vocab_.ignore_merges) {
    if (TokenId id = vocab_.Find(word); id != kNoToken) {
      out.push_back(id);
      return;
    }
  }

  using Symbol = Scratch::Symbol;
  std::vector<Symbol>& symbols = scratch.symbols;
  std::vector<Scratch::Bigram>& heap = scratch.heap;
  std::string& key = scratch.key;
  symbols.clear();
  heap.clear();
  for (size_t pos = 0; pos < word.size();) {
    const size_t len =
        std::min(LeadLength(static_cast<unsigned char>(word[pos])), word.size() - pos);
    const auto index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), index - 1,
                       pos + len == word.size() ? -1 : index + 1});
    pos += len;
  }

  auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[static_cast<size_t>(left)];
    const Symbol& r = symbols[static_cast<size_t>(right)];
    key.assign(word.substr(l.start, l.length)).push_back(' ');
    key.append(word.substr(r.start, r.length));
    auto it = ranks_.find(std::string_view(key));
    if (it == ranks_.end()) return;
    heap.push_back({it->second, left, right, l.length + r.length});
    std::push_heap(heap.begin(), heap.end(), Scratch::Order{});
  };
  for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) try_add(i - 1, i);

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), Scratch::Order{});
    const Scratch::Bigram top = heap.back();
    heap.pop_back();
    Symbol& l = symbols[static_cast<size_t>(top.left)];
    Symbol& r = symbols[static_cast<size_t>(top.right)];
    // Stale: a side was merged away, or the right side grew (llama.cpp compares the texts,
    // which comes to the same thing: the left side cannot change while both are alive).
    if (l.length == 0 || r.length == 0 || l.length + r.length != top.length) continue;
    l.length += r.length;
    r.length = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[static_cast<size_t>(r.next)].prev = top.left;
    try_add(l.prev, top.left);
    try_add(top.left, l.next);
  }

  for (int32_t i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
    const Symbol& sym = symbols[static_cast<size_t>(i)];
    const std::string_view piece = word.substr(sym.start, sym.length);
    if (TokenId id = vocab_.Find(piece); id != kNoToken) {
      out.push_back(id);
      continue;
    }
    for (char c : piece) {
      if (TokenId id = vocab_.Find(std::string_view(&c, 1)); id != kNoToken) out.push_back(id);
    }
  }
}

}  // namespace ptmo::engine
