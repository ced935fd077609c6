#include "engine/tokenizer_spm.h"

#include <cstdint>
#include <queue>
#include <utility>

namespace ptmo::engine {
namespace {

constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK

// Bytes a UTF-8 lead byte announces, from its high nibble; continuation and invalid bytes
// count as one, and 0xF8-0xFF as four, exactly as llama.cpp's unicode_len_utf8.
size_t LeadLength(unsigned char b) {
  static constexpr uint8_t kByHighNibble[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kByHighNibble[b >> 4];
}

// A run of bytes of the escaped text; symbols form a doubly linked list as they merge.
struct Symbol {
  uint32_t start;
  uint32_t length;  // 0 once merged into its left neighbour
  int32_t prev;
  int32_t next;
};

// A candidate merge of two adjacent symbols whose concatenation is a token.
struct Bigram {
  float score;
  int32_t left;
  int32_t right;
  uint32_t length;  // of the merged text, to detect candidates made stale by other merges
};

// Highest score first; among equal scores the leftmost pair.
struct BigramOrder {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

SpmTokenizer::SpmTokenizer(Vocab vocab) : Tokenizer(std::move(vocab)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b) {
    const char name[] = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
    TokenId id = vocab_.Find(std::string_view(name, sizeof(name)));
    if (id == kNoToken) id = vocab_.Find(std::string(1, static_cast<char>(b)));
    byte_token_[static_cast<size_t>(b)] = id;
  }
  BuildPieceCache();
}

std::string SpmTokenizer::NormalPiece(TokenId id) const {
  const std::string& text = vocab_.text[static_cast<size_t>(id)];
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, kSpaceMarker.size(), kSpaceMarker) == 0) {
      out.push_back(' ');
      i += kSpaceMarker.size();
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

void SpmTokenizer::EncodeFragment(std::string_view text, bool after_special,
                                  std::vector<TokenId>& out) const {
  // 1. Escape spaces, with the optional prefix space.
  std::string s;
  s.reserve(text.size() + text.size() / 4 + kSpaceMarker.size());
  if (vocab_.add_space_prefix && after_special) s.append(kSpaceMarker);
  for (char c : text) {
    if (c == ' ') {
      s.append(kSpaceMarker);
    } else {
      s.push_back(c);
    }
  }
  if (s.empty()) return;

  // 2. One symbol per character.
  std::vector<Symbol> symbols;
  symbols.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    const size_t len = std::min(LeadLength(static_cast<unsigned char>(s[pos])), s.size() - pos);
    const auto index = static_cast<int32_t>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), index - 1,
                       pos + len == s.size() ? -1 : index + 1});
    pos += len;
  }

  // 3. Merge the best-scoring pairs.
  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
  auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[static_cast<size_t>(left)];
    const Symbol& r = symbols[static_cast<size_t>(right)];
    const std::string_view merged(s.data() + l.start, l.length + r.length);
    const TokenId id = vocab_.Find(merged);
    if (id == kNoToken) return;
    queue.push(
        {vocab_.score[static_cast<size_t>(id)], left, right, static_cast<uint32_t>(merged.size())});
  };
  for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) try_add(i - 1, i);

  while (!queue.empty()) {
    const Bigram top = queue.top();
    queue.pop();
    Symbol& l = symbols[static_cast<size_t>(top.left)];
    Symbol& r = symbols[static_cast<size_t>(top.right)];
    // Stale: one side was merged away, or the right side grew since this pair was queued.
    if (l.length == 0 || r.length == 0 || l.length + r.length != top.length) continue;
    l.length += r.length;
    r.length = 0;
    l.next = r.next;
    if (r.next >= 0) symbols[static_cast<size_t>(r.next)].prev = top.left;
    try_add(l.prev, top.left);
    try_add(top.left, l.next);
  }

  // 4. Symbols to tokens, with byte fallback.
  for (int32_t i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
    const Symbol& sym = symbols[static_cast<size_t>(i)];
    const std::string_view piece(s.data() + sym.start, sym.length);
    const TokenId id = vocab_.Find(piece);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    bool unknown_emitted = false;
    for (char c : piece) {
      const TokenId byte_id = byte_token_[static_cast<unsigned char>(c)];
      if (byte_id != kNoToken) {
        out.push_back(byte_id);
      } else if (vocab_.unk != kNoToken && !unknown_emitted) {
        out.push_back(vocab_.unk);  // one unknown token per character that has no bytes
        unknown_emitted = true;
      }
    }
  }
}

}  // namespace ptmo::engine
