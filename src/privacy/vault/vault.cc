#include "privacy/vault/vault.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cassert>
#include <mutex>
#include <numeric>
#include <unordered_set>

#include "privacy/vault/surrogate.h"
#include "privacy/vault/vault_state.h"
#include "util/utf8.h"

namespace ptmo::privacy {

using vault_internal::Entry;
using vault_internal::kStoredModes;
using vault_internal::PseudonymIndex;
using vault_internal::VaultState;

namespace {

constexpr int kMaxSurrogateAttempts = 200;
// After this many attempts a random suffix is added, so that even a value without letters or
// digits (whose shape-preserving fake would equal itself) gets a surrogate.
constexpr int kSuffixAfterAttempt = 150;
// How many times Mask re-draws pseudonyms that collide with the text around them.
constexpr int kMaxConflictRounds = 8;
// How many times a new surrogate that collides is re-drawn; after that the value is shown as
// its placeholder in that call (placeholders can always be made unique).
constexpr int kSurrogateRedraws = 3;
// Longest "<...>" of the input that Mask keeps from being handed out as a placeholder or hash
// tag; real ones are far shorter ("<" type ":" 64 hex digits ">" at most).
constexpr size_t kMaxTagBytes = 128;

int Slot(MaskMode mode) {
  assert(mode != MaskMode::kRedact);
  return static_cast<int>(mode);  // kPlaceholder 0, kSurrogate 1, kHash 2
}

MaskMode ModeOfSlot(int slot) {
  assert(slot >= 0 && slot < kStoredModes);
  return static_cast<MaskMode>(slot);
}

constexpr int kPlaceholderSlot = 0;
constexpr int kSurrogateSlot = 1;

// One stored pseudonym, named by its entry and slot, packed into one hashable number.
using PseudonymKey = uint64_t;
PseudonymKey KeyOf(uint32_t id, int slot) {
  return uint64_t{id} * kStoredModes + static_cast<uint64_t>(slot);
}
uint32_t IdOf(PseudonymKey key) {
  return static_cast<uint32_t>(key / kStoredModes);
}
int SlotOf(PseudonymKey key) {
  return static_cast<int>(key % kStoredModes);
}

// The slot in which `e` holds `pseudonym`; -1 when it holds it in none.
int SlotHolding(const Entry& e, std::string_view pseudonym) {
  for (int slot = 0; slot < kStoredModes; ++slot) {
    if (e.pseudonyms[static_cast<size_t>(slot)] == pseudonym) return slot;
  }
  return -1;
}

// Every "<...>" in `text` (no '<' or '>' inside, at most kMaxTagBytes): text that a new
// placeholder or hash tag must not equal, or it would restore where the user typed it.
std::unordered_set<std::string> TagLikeText(std::string_view text) {
  std::unordered_set<std::string> tags;
  size_t open = text.find('<');
  while (open != std::string_view::npos) {
    const size_t close = text.find_first_of("<>", open + 1);
    if (close == std::string_view::npos) break;
    if (text[close] == '<') {
      open = close;
      continue;
    }
    if (close + 1 - open <= kMaxTagBytes) tags.emplace(text.substr(open, close + 1 - open));
    open = text.find('<', close + 1);
  }
  return tags;
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string SpanName(size_t index, const Span& s) {
  return "span " + std::to_string(index) + " (" + std::string(EntityTypeName(s.type)) + " [" +
         std::to_string(s.begin) + ", " + std::to_string(s.end) + "))";
}

bool IsContinuationByte(std::string_view text, size_t at) {
  return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

// Checks the spans against the text and returns their indices in text order.
Expected<std::vector<size_t>> SortedSpans(std::string_view text, const std::vector<Span>& spans) {
  if (auto bad = utf8::FindInvalid(text)) {
    return InvalidArgument("text to mask is not valid UTF-8 (at byte " + std::to_string(*bad) +
                           ")");
  }
  std::vector<size_t> order(spans.size());
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t i : order) {
    const Span& s = spans[i];
    if (s.begin >= s.end) return InvalidArgument(SpanName(i, s) + " is empty");
    if (s.end > text.size()) {
      return InvalidArgument(SpanName(i, s) + " ends past the text (" +
                             std::to_string(text.size()) + " bytes)");
    }
    if (IsContinuationByte(text, s.begin) || IsContinuationByte(text, s.end)) {
      return InvalidArgument(SpanName(i, s) + " cuts a UTF-8 character");
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return spans[a].begin < spans[b].begin; });
  for (size_t k = 1; k < order.size(); ++k) {
    const Span& prev = spans[order[k - 1]];
    const Span& cur = spans[order[k]];
    if (cur.begin < prev.end) {
      return InvalidArgument(SpanName(order[k - 1], prev) + " and " + SpanName(order[k], cur) +
                             " overlap");
    }
  }
  return order;
}

// "<PERSON_3>": the next free number for the type.
std::string NewPlaceholder(VaultState& s, EntityType type,
                           const std::unordered_set<std::string>& burned) {
  for (;;) {
    uint64_t n = ++s.last_number[static_cast<size_t>(type)];
    std::string p = "<" + std::string(EntityTypeName(type)) + "_" + std::to_string(n) + ">";
    if (!s.by_pseudonym.contains(p) && !burned.contains(p)) return p;
  }
}

// "<EMAIL:3fa2c1d9>": the keyed hash, lengthened when the short form is taken.
Expected<std::string> NewHashTag(VaultState& s, const Entry& e,
                                 const std::unordered_set<std::string>& burned) {
  if (s.hash_key.empty()) {
    std::string key(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1) {
      return Internal("OpenSSL RAND_bytes failed to produce the vault's hash key");
    }
    s.hash_key = std::move(key);
  }
  const std::string_view type = EntityTypeName(e.type);
  std::string message(type);
  message += '\0';  // the type is part of the hashed message: same value, other type, other tag
  message += e.original;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), s.hash_key.data(), static_cast<int>(s.hash_key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac,
           &mac_len) == nullptr) {
    return Internal("OpenSSL HMAC-SHA256 failed");
  }
  const std::string hex = Hex(mac, mac_len);
  for (size_t len : {8, 12, 16, 24, 32, 64}) {
    std::string tag = "<" + std::string(type) + ":" + hex.substr(0, len) + ">";
    if (!s.by_pseudonym.contains(tag) && !burned.contains(tag)) return tag;
  }
  return Internal("vault: every length of the hash tag for a " + std::string(type) +
                  " value is taken");
}

Expected<std::string> NewSurrogate(VaultState& s, const Entry& e,
                                   const std::unordered_set<std::string>& burned) {
  for (int attempt = 0; attempt < kMaxSurrogateAttempts; ++attempt) {
    std::string c = vault_internal::MakeSurrogate(e.type, e.original, attempt, s.rng);
    if (attempt >= kSuffixAfterAttempt) {
      static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
      c += '-';
      for (int k = 0; k < 6; ++k) c += kAlphabet[s.rng.Uniform(36)];
    }
    if (s.rng.failed()) return Internal("OpenSSL RAND_bytes failed while making a surrogate");
    // Unique among pseudonyms (restorable) and never a real value seen in this vault.
    if (c.empty() || s.by_pseudonym.contains(c) || s.originals.contains(c) || burned.contains(c)) {
      continue;
    }
    return c;
  }
  return ResourceExhausted("vault: no unused surrogate for a " +
                           std::string(EntityTypeName(e.type)) + " value after " +
                           std::to_string(kMaxSurrogateAttempts) + " attempts");
}

Expected<std::string> NewPseudonym(VaultState& s, uint32_t id, MaskMode mode,
                                   const std::unordered_set<std::string>& burned) {
  const Entry& e = s.entries[id];
  switch (mode) {
    case MaskMode::kPlaceholder: return NewPlaceholder(s, e.type, burned);
    case MaskMode::kSurrogate: return NewSurrogate(s, e, burned);
    case MaskMode::kHash: return NewHashTag(s, e, burned);
    case MaskMode::kRedact: break;
  }
  return Internal("vault: redact mode has no stored pseudonym");
}

std::string RedactTag(EntityType type) {
  return "[REDACTED_" + std::string(EntityTypeName(type)) + "]";
}

// Writes the masked text; `pseudonym_of(k)` is the pseudonym of the k-th span in text order.
template <typename PseudonymOf>
MaskResult Build(std::string_view text, const std::vector<Span>& spans,
                 const std::vector<size_t>& order, PseudonymOf pseudonym_of) {
  MaskResult r;
  r.text.reserve(text.size() + 16 * order.size());
  r.replacements.reserve(order.size());
  size_t at = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const Span& s = spans[order[k]];
    r.text.append(text.substr(at, s.begin - at));
    Replacement rep;
    rep.original = s;
    rep.pseudonym = pseudonym_of(k);
    rep.masked_begin = r.text.size();
    r.text += rep.pseudonym;
    rep.masked_end = r.text.size();
    r.replacements.push_back(std::move(rep));
    at = s.end;
  }
  r.text.append(text.substr(at));
  return r;
}

// Pseudonyms made in this call (`fresh`) that would not restore exactly: one that also
// appears in the surrounding text, one that merges with its neighbours into another
// pseudonym, and one that Unmask would not find where it was put. `shown[k]` is the
// pseudonym of the k-th replacement. Problems involving only older pseudonyms cannot be
// fixed (the cloud has seen them) and are left alone.
std::unordered_set<PseudonymKey> Conflicts(const VaultState& s, const MaskResult& r,
                                           const std::vector<PseudonymKey>& shown,
                                           const std::unordered_set<PseudonymKey>& fresh) {
  std::vector<PseudonymIndex::Found> found;
  s.index.FindAll(r.text, &found);
  std::unordered_set<PseudonymKey> bad;
  auto blame = [&](PseudonymKey key) {
    if (fresh.contains(key)) bad.insert(key);
  };
  const size_t n = r.replacements.size();
  std::vector<bool> restored(n, false);
  size_t k = 0;  // first replacement that may overlap the current occurrence
  for (const auto& f : found) {
    while (k < n && r.replacements[k].masked_end <= f.begin) ++k;
    if (k < n && r.replacements[k].masked_begin == f.begin &&
        r.replacements[k].masked_end == f.end && IdOf(shown[k]) == f.id) {
      restored[k] = true;  // exactly the pseudonym that was put there
      continue;
    }
    const std::string_view stray = std::string_view(r.text).substr(f.begin, f.end - f.begin);
    const int slot = SlotHolding(s.entries[f.id], stray);
    if (slot >= 0) blame(KeyOf(f.id, slot));
    for (size_t j = k; j < n && r.replacements[j].masked_begin < f.end; ++j) blame(shown[j]);
  }
  for (size_t j = 0; j < n; ++j) {
    if (!restored[j]) blame(shown[j]);
  }
  return bad;
}

}  // namespace

std::string_view MaskModeName(MaskMode mode) {
  switch (mode) {
    case MaskMode::kPlaceholder: return "placeholder";
    case MaskMode::kSurrogate: return "surrogate";
    case MaskMode::kHash: return "hash";
    case MaskMode::kRedact: return "redact";
  }
  return "placeholder";
}

std::optional<MaskMode> ParseMaskMode(std::string_view name) {
  for (MaskMode m :
       {MaskMode::kPlaceholder, MaskMode::kSurrogate, MaskMode::kHash, MaskMode::kRedact}) {
    if (MaskModeName(m) == name) return m;
  }
  return std::nullopt;
}

namespace vault_internal {

uint32_t VaultState::FindOrAdd(EntityType type, std::string_view original) {
  std::string key = ValueKey(type, original);
  auto it = by_value.find(key);
  if (it != by_value.end()) return it->second;
  const auto id = static_cast<uint32_t>(entries.size());
  entries.push_back(Entry{type, std::string(original), {}});
  by_value.emplace(std::move(key), id);
  originals.emplace(original);
  return id;
}

void VaultState::Take(uint32_t id, int mode, std::string pseudonym) {
  index.Add(pseudonym, id);
  by_pseudonym.emplace(pseudonym, id);
  entries[id].pseudonyms[static_cast<size_t>(mode)] = std::move(pseudonym);
}

Status VaultState::AddLoaded(Entry entry) {
  std::string key = ValueKey(entry.type, entry.original);
  if (entry.original.empty()) return DataLoss("an entry has an empty value");
  if (by_value.contains(key)) {
    return DataLoss("two entries hold the same " + std::string(EntityTypeName(entry.type)) +
                    " value");
  }
  for (const std::string& p : entry.pseudonyms) {
    if (!p.empty() && by_pseudonym.contains(p)) {
      return DataLoss("pseudonym '" + p + "' is used by two entries");
    }
  }
  const auto id = static_cast<uint32_t>(entries.size());
  for (const std::string& p : entry.pseudonyms) {
    if (p.empty()) continue;
    index.Add(p, id);
    by_pseudonym.emplace(p, id);
  }
  by_value.emplace(std::move(key), id);
  originals.insert(entry.original);
  entries.push_back(std::move(entry));
  return Status::Ok();
}

}  // namespace vault_internal

Vault::Vault(VaultOptions options)
    : state_(std::make_shared<VaultState>(options.deterministic_seed)) {}
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;
Vault::~Vault() = default;

Expected<MaskResult> Vault::Mask(std::string_view text, const std::vector<Span>& spans,
                                 MaskMode mode) {
  assert(state_ && "use of a moved-from Vault");
  PTMO_ASSIGN_OR_RETURN(std::vector<size_t> order, SortedSpans(text, spans));
  if (mode == MaskMode::kRedact) {
    return Build(text, spans, order, [&](size_t k) { return RedactTag(spans[order[k]].type); });
  }
  VaultState& s = *state_;
  std::unique_lock lock(s.mu);
  const int slot = Slot(mode);

  // Record every value first, so that no surrogate made below equals a real value of this
  // text.
  std::vector<uint32_t> ids(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const Span& span = spans[order[k]];
    ids[k] = s.FindOrAdd(span.type, text.substr(span.begin, span.length()));
  }

  // Pseudonyms made in this call: only these may still be changed.
  std::unordered_set<PseudonymKey> fresh;
  // Never handed out: pseudonyms given up in this call, and "<...>" the input already holds.
  std::unordered_set<std::string> burned = TagLikeText(text);
  // Surrogate mode: values shown as their placeholder for the rest of this call, because their
  // new surrogates kept colliding with this text.
  std::unordered_set<uint32_t> placeholder_only;
  // Gives entry `id` a pseudonym in `want`'s slot unless it has one.
  auto ensure = [&](uint32_t id, int want) -> Status {
    if (!s.entries[id].pseudonyms[static_cast<size_t>(want)].empty()) return Status::Ok();
    PTMO_ASSIGN_OR_RETURN(std::string p, NewPseudonym(s, id, ModeOfSlot(want), burned));
    s.Take(id, want, std::move(p));
    fresh.insert(KeyOf(id, want));
    return Status::Ok();
  };
  auto pseudonym = [&](PseudonymKey key) -> const std::string& {
    return s.entries[IdOf(key)].pseudonyms[static_cast<size_t>(SlotOf(key))];
  };

  std::vector<PseudonymKey> shown(order.size());  // the pseudonym the k-th span shows
  for (int round = 0;; ++round) {
    for (size_t k = 0; k < order.size(); ++k) {
      int want = slot;
      if (mode == MaskMode::kSurrogate) {
        // Unmask restores a surrogate only on ASCII word boundaries (a fake "Sam" stays inside
        // "Sample"), so a surrogate that would touch a letter or digit in the masked text is
        // shown as the value's placeholder instead, which restores anywhere. A span directly
        // followed by another one leaves that check to the next span, which sees this
        // pseudonym as the byte before it.
        want = placeholder_only.contains(ids[k]) ? kPlaceholderSlot : kSurrogateSlot;
        if (want == kSurrogateSlot) {
          PTMO_RETURN_IF_ERROR(ensure(ids[k], kSurrogateSlot));
          const Span& span = spans[order[k]];
          char before = span.begin > 0 ? text[span.begin - 1] : '\0';
          if (k > 0 && spans[order[k - 1]].end == span.begin) {
            before = pseudonym(shown[k - 1]).back();
          }
          const bool next_adjacent = k + 1 < order.size() && spans[order[k + 1]].begin == span.end;
          const char after = span.end < text.size() && !next_adjacent ? text[span.end] : '\0';
          if (!PseudonymIndex::RestorableBetween(before, pseudonym(KeyOf(ids[k], kSurrogateSlot)),
                                                 after)) {
            want = kPlaceholderSlot;
          }
        }
      }
      PTMO_RETURN_IF_ERROR(ensure(ids[k], want));
      shown[k] = KeyOf(ids[k], want);
    }
    MaskResult result = Build(text, spans, order, [&](size_t k) { return pseudonym(shown[k]); });

    // New pseudonyms must restore exactly: re-draw any that collide with the text around them.
    std::unordered_set<PseudonymKey> bad = Conflicts(s, result, shown, fresh);
    if (bad.empty()) return result;
    if (round + 1 == kMaxConflictRounds) {
      return Internal("vault: no pseudonyms that restore unambiguously in this text after " +
                      std::to_string(kMaxConflictRounds) + " rounds");
    }
    for (PseudonymKey key : bad) {
      std::string& old = s.entries[IdOf(key)].pseudonyms[static_cast<size_t>(SlotOf(key))];
      s.index.Remove(old);
      s.by_pseudonym.erase(old);
      burned.insert(std::move(old));
      old.clear();
      if (SlotOf(key) == kSurrogateSlot && round >= kSurrogateRedraws) {
        placeholder_only.insert(IdOf(key));
      }
    }
  }
}

std::string Vault::Unmask(std::string_view text, RestoreOptions options) const {
  assert(state_ && "use of a moved-from Vault");
  std::shared_lock lock(state_->mu);
  std::string out;
  out.reserve(text.size());
  state_->index.Restore(text, '\0', true, options.json_escape, state_->OriginalLookup(), &out);
  return out;
}

std::string Vault::UnmaskJson(std::string_view json_text) const {
  assert(state_ && "use of a moved-from Vault");
  std::shared_lock lock(state_->mu);
  std::string out;
  out.reserve(json_text.size());
  state_->index.RestoreJson(json_text, state_->OriginalLookup(), &out);
  return out;
}

StreamRestorer Vault::NewStreamRestorer(RestoreOptions options) const {
  assert(state_ && "use of a moved-from Vault");
  return StreamRestorer(state_, options);
}

std::optional<std::string> Vault::OriginalOf(std::string_view pseudonym) const {
  assert(state_ && "use of a moved-from Vault");
  std::shared_lock lock(state_->mu);
  auto it = state_->by_pseudonym.find(std::string(pseudonym));
  if (it == state_->by_pseudonym.end()) return std::nullopt;
  return state_->entries[it->second].original;
}

size_t Vault::size() const {
  assert(state_ && "use of a moved-from Vault");
  std::shared_lock lock(state_->mu);
  return state_->entries.size();
}

StreamRestorer::StreamRestorer(std::shared_ptr<const VaultState> state, RestoreOptions options)
    : state_(std::move(state)), options_(options) {}
StreamRestorer::StreamRestorer(StreamRestorer&&) noexcept = default;
StreamRestorer& StreamRestorer::operator=(StreamRestorer&&) noexcept = default;
StreamRestorer::~StreamRestorer() = default;

std::string StreamRestorer::Feed(std::string_view chunk) {
  pending_.append(chunk);
  std::string out;
  size_t used = 0;
  {
    std::shared_lock lock(state_->mu);
    used = state_->index.Restore(pending_, prev_, false, options_.json_escape,
                                 state_->OriginalLookup(), &out);
  }
  if (used > 0) {
    prev_ = pending_[used - 1];
    pending_.erase(0, used);
  }
  return out;
}

std::string StreamRestorer::Finish() {
  std::string out;
  {
    std::shared_lock lock(state_->mu);
    state_->index.Restore(pending_, prev_, true, options_.json_escape, state_->OriginalLookup(),
                          &out);
  }
  pending_.clear();
  prev_ = '\0';
  return out;
}

}  // namespace ptmo::privacy
