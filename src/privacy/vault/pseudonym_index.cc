#include "privacy/vault/pseudonym_index.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ptmo::privacy::vault_internal {
namespace {

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Number of bytes at the end of `s` that start a UTF-8 sequence which is not complete yet.
size_t IncompleteUtf8Tail(std::string_view s) {
  const size_t n = s.size();
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    unsigned char c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    size_t need = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 1;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

void AppendJsonEscaped(std::string_view s, std::string* out) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          *out += ch;
        }
    }
  }
}

PseudonymIndex::PseudonymIndex() : nodes_(1) {
  root_.fill(kNoNode);
}

bool PseudonymIndex::RestorableBetween(char before, std::string_view pseudonym, char after) {
  assert(!pseudonym.empty());
  return !(IsAlnum(pseudonym.front()) && IsAlnum(before)) &&
         !(IsAlnum(pseudonym.back()) && IsAlnum(after));
}

uint32_t PseudonymIndex::Child(uint32_t node, unsigned char c) const {
  if (node == 0) return root_[c];
  auto it = edges_.find(EdgeKey(node, c));
  return it == edges_.end() ? kNoNode : it->second;
}

void PseudonymIndex::Add(std::string_view pseudonym, uint32_t id) {
  assert(!pseudonym.empty());
  uint32_t node = 0;
  for (char ch : pseudonym) {
    unsigned char c = static_cast<unsigned char>(ch);
    uint32_t next = Child(node, c);
    if (next == kNoNode) {
      next = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      if (node == 0) {
        root_[c] = next;
      } else {
        edges_.emplace(EdgeKey(node, c), next);
      }
      ++nodes_[node].children;
    }
    node = next;
  }
  assert(nodes_[node].id < 0 && "pseudonym added twice");
  nodes_[node].id = id;
}

void PseudonymIndex::Remove(std::string_view pseudonym) {
  std::vector<uint32_t> path = {0};
  for (char ch : pseudonym) {
    uint32_t next = Child(path.back(), static_cast<unsigned char>(ch));
    if (next == kNoNode) return;
    path.push_back(next);
  }
  if (nodes_[path.back()].id < 0) return;
  nodes_[path.back()].id = -1;
  // Prune the branch back to the last node still in use, so that no dead branch makes a
  // stream hold text back waiting for a pseudonym that no longer exists.
  for (size_t k = path.size() - 1; k > 0; --k) {
    const Node& node = nodes_[path[k]];
    if (node.id >= 0 || node.children > 0) break;
    unsigned char c = static_cast<unsigned char>(pseudonym[k - 1]);
    if (path[k - 1] == 0) {
      root_[c] = kNoNode;
    } else {
      edges_.erase(EdgeKey(path[k - 1], c));
    }
    --nodes_[path[k - 1]].children;
  }
}

PseudonymIndex::Match PseudonymIndex::MatchAt(std::string_view text, size_t i, char prev,
                                              bool final, size_t* len, uint32_t* id) const {
  const size_t n = text.size();
  if (IsAlnum(text[i]) && IsAlnum(prev)) return Match::kNone;  // inside a word
  uint32_t node = root_[static_cast<unsigned char>(text[i])];
  size_t best = 0;
  size_t j = i + 1;  // text[i, j) has been walked to `node`
  while (node != kNoNode) {
    const Node& info = nodes_[node];
    if (info.id >= 0) {
      bool boundary_ok = true;
      if (IsAlnum(text[j - 1])) {
        if (j < n) {
          boundary_ok = !IsAlnum(text[j]);
        } else if (!final) {
          return Match::kNeedMore;  // the next byte decides
        }
      }
      if (boundary_ok) {
        best = j - i;
        *id = static_cast<uint32_t>(info.id);
      }
    }
    if (info.children == 0) break;
    if (j == n) {
      if (final) break;
      return Match::kNeedMore;  // a longer pseudonym may continue in the next piece
    }
    node = Child(node, static_cast<unsigned char>(text[j]));
    ++j;
  }
  if (best == 0) return Match::kNone;
  *len = best;
  return Match::kFound;
}

size_t PseudonymIndex::Restore(std::string_view text, char prev, bool final, bool json_escape,
                               const OriginalOf& original_of, std::string* out) const {
  const size_t n = text.size();
  const size_t limit = final ? n : n - IncompleteUtf8Tail(text);
  size_t i = 0;
  size_t copied = 0;  // text[copied, i) is literal text not yet appended
  while (i < limit) {
    if (root_[static_cast<unsigned char>(text[i])] == kNoNode) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t id = 0;
    Match m = MatchAt(text, i, i > 0 ? text[i - 1] : prev, final, &len, &id);
    if (m == Match::kNone) {
      ++i;
      continue;
    }
    out->append(text.substr(copied, i - copied));
    if (m == Match::kNeedMore) return i;
    std::string_view original = original_of(id);
    if (json_escape) {
      AppendJsonEscaped(original, out);
    } else {
      out->append(original);
    }
    i += len;
    copied = i;
  }
  out->append(text.substr(copied, limit > copied ? limit - copied : 0));
  return std::max(i, limit);
}

void PseudonymIndex::FindAll(std::string_view text, std::vector<Found>* out) const {
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 0;
    uint32_t id = 0;
    if (root_[static_cast<unsigned char>(text[i])] != kNoNode &&
        MatchAt(text, i, i > 0 ? text[i - 1] : '\0', true, &len, &id) == Match::kFound) {
      out->push_back({i, i + len, id});
      i += len;
    } else {
      ++i;
    }
  }
}

void PseudonymIndex::RestoreJson(std::string_view json, const OriginalOf& original_of,
                                 std::string* out) const {
  const size_t n = json.size();
  size_t i = 0;
  while (i < n) {
    size_t open = json.find('"', i);
    if (open == std::string_view::npos) {
      out->append(json.substr(i));
      return;
    }
    out->append(json.substr(i, open + 1 - i));  // text outside strings, and the quote
    size_t k = open + 1;
    bool escaped = false;
    while (k < n && json[k] != '"') {
      if (json[k] == '\\') {
        escaped = true;
        ++k;
      }
      ++k;
    }
    if (k >= n) {
      // Unterminated string (truncated JSON): restore what is there.
      Restore(json.substr(open + 1), '"', true, true, original_of, out);
      return;
    }
    std::string_view content = json.substr(open + 1, k - open - 1);
    if (!escaped) {
      Restore(content, '"', true, true, original_of, out);
    } else {
      // Decode the literal so pseudonyms written with escapes ("\u00e9", "\/") are found.
      nlohmann::json decoded =
          nlohmann::json::parse(json.substr(open, k - open + 1), nullptr, false);
      if (decoded.is_string()) {
        const std::string& raw = decoded.get_ref<const std::string&>();
        std::string restored;
        Restore(raw, '"', true, false, original_of, &restored);
        if (restored == raw) {
          out->append(content);
        } else {
          AppendJsonEscaped(restored, out);
        }
      } else {
        Restore(content, '"', true, true, original_of, out);
      }
    }
    out->push_back('"');
    i = k + 1;
  }
}

}  // namespace ptmo::privacy::vault_internal
