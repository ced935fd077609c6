// The Vault: reversible pseudonymization for one conversation.
//
// Before a text goes to the cloud, Mask() replaces each sensitive span with a pseudonym and
// remembers the pair; when the reply comes back, Unmask() (or a StreamRestorer, for a reply
// that arrives in pieces) puts the real values back. The cloud never sees the real values.
//
//   Vault vault;
//   PTMO_ASSIGN_OR_RETURN(MaskResult m, vault.Mask(text, spans, MaskMode::kPlaceholder));
//   std::string reply = CallCloud(m.text);   // "Hello <PERSON_1>, ..."
//   std::string shown = vault.Unmask(reply);  // "Hello Alice, ..."
//
// Guarantees:
//  - Within one vault the same value (of the same type) always gets the same pseudonym, in
//    every call, and different values never share one.
//  - Every pseudonym except kRedact's is restorable: Unmask(Mask(t).text) == t for a fresh
//    vault, any valid UTF-8 text and any valid spans (new pseudonyms that would collide with
//    text already in the input are re-drawn). Surrogates are only restored on ASCII word
//    boundaries, so where a span's surrogate would touch an ASCII letter or digit, kSurrogate
//    writes the value's placeholder instead ("<PERSON_1>9"). See docs/vault.md for the rules.
//  - No state is shared between vaults: one conversation's table never restores another's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"
#include "privacy/vault/vault_key.h"
#include "util/status.h"

namespace ptmo::privacy {

enum class MaskMode {
  // "<PERSON_1>", "<EMAIL_2>": numbered per type in order of first appearance. The closing
  // '>' means no placeholder is a prefix of another.
  kPlaceholder,
  // A fake value of the same type and shape: Luhn-valid card numbers, mod-97-valid IBANs,
  // documentation-range IPs, example.com e-mails, names from a built-in list, ...
  kSurrogate,
  // "<EMAIL:3fa2c1d9>": HMAC-SHA256 of the value under a random per-vault key, truncated.
  // The cloud cannot invert it; the vault's table can.
  kHash,
  // "[REDACTED_EMAIL]". Not restorable, and nothing is remembered.
  kRedact,
};

// "placeholder", "surrogate", "hash", "redact".
std::string_view MaskModeName(MaskMode mode);
std::optional<MaskMode> ParseMaskMode(std::string_view name);

// One replaced span.
struct Replacement {
  Span original;            // the span in the input text (byte offsets) and its type
  std::string pseudonym;    // what the masked text holds instead
  size_t masked_begin = 0;  // byte offsets of `pseudonym` in the masked text
  size_t masked_end = 0;
};

struct MaskResult {
  std::string text;                       // the masked text
  std::vector<Replacement> replacements;  // in text order
};

struct VaultOptions {
  // When set, surrogate values come from a generator seeded with this value instead of
  // OpenSSL's CSPRNG, so that tests get reproducible output. Never use it in production:
  // surrogates become predictable. Keys (the kHash key, file keys) are always random.
  std::optional<uint64_t> deterministic_seed;
};

struct RestoreOptions {
  // JSON-escape restored values (quotes, backslashes, control characters), for text that
  // will sit inside a JSON string literal.
  bool json_escape = false;
};

namespace vault_internal {
struct VaultState;
}

// Restores a reply that arrives in pieces (a streamed completion). Feed() returns the text
// that is safe to show so far; it holds back only a tail that might be the start of a
// pseudonym (and an incomplete UTF-8 sequence), so "<PER" + "SON_1>" is restored as if it
// had arrived whole. Finish() flushes the held-back tail.
//
// Obtain one from Vault::NewStreamRestorer(). It shares the vault's tables (values masked
// after it was created are restored too) and may outlive the Vault object. One restorer
// serves one stream: it is not safe for concurrent use, but many restorers may run at once.
class StreamRestorer {
 public:
  StreamRestorer(StreamRestorer&&) noexcept;
  StreamRestorer& operator=(StreamRestorer&&) noexcept;
  ~StreamRestorer();

  // Appends `chunk` to the stream and returns the restored text that can be emitted now.
  std::string Feed(std::string_view chunk);
  // Ends the stream: returns whatever was held back, restored. The restorer can then be
  // used for a new stream.
  std::string Finish();

 private:
  friend class Vault;
  StreamRestorer(std::shared_ptr<const vault_internal::VaultState> state, RestoreOptions options);

  std::shared_ptr<const vault_internal::VaultState> state_;
  RestoreOptions options_;
  std::string pending_;  // received but not yet emitted
  char prev_ = '\0';     // last byte emitted, for the word-boundary rule
};

// One per conversation. Safe for concurrent use from many threads without external
// synchronization (an internal reader/writer mutex). Movable, not copyable; a moved-from
// Vault must not be used.
class Vault {
 public:
  explicit Vault(VaultOptions options = {});
  Vault(Vault&&) noexcept;
  Vault& operator=(Vault&&) noexcept;
  ~Vault();

  // Replaces every span of `text` with its pseudonym under `mode` and records new values.
  // In kSurrogate mode a span whose surrogate would touch an ASCII letter or digit in the
  // masked text (a span ending right before "8" or starting right after "x") gets the value's
  // placeholder instead, as does, rarely, a value whose new surrogates keep colliding with the
  // text; the value keeps both names, and each restores it.
  // Spans are byte offsets into `text` in any order; they must be non-empty, inside the
  // text, on UTF-8 code point boundaries and must not overlap (kInvalidArgument naming the
  // span otherwise). `text` must be valid UTF-8 (kInvalidArgument naming the byte offset).
  // kResourceExhausted when no unused surrogate can be found (practically never), kInternal
  // if OpenSSL's CSPRNG fails or no collision-free pseudonyms are found (never seen).
  Expected<MaskResult> Mask(std::string_view text, const std::vector<Span>& spans, MaskMode mode);

  // Returns `text` with every pseudonym this vault made (placeholders, surrogates, hash tags)
  // replaced by its original value. Text that is not a pseudonym is kept byte for byte;
  // unknown tags such as "<PERSON_99>" are kept too.
  std::string Unmask(std::string_view text, RestoreOptions options = {}) const;

  // Like Unmask, for JSON text (a whole response body): restores pseudonyms inside string
  // literals, decoding JSON escapes first and JSON-escaping the restored values, and leaves
  // everything outside strings alone. Best effort on malformed JSON; never fails.
  std::string UnmaskJson(std::string_view json_text) const;

  // A restorer for a streamed reply; see StreamRestorer.
  StreamRestorer NewStreamRestorer(RestoreOptions options = {}) const;

  // The original value behind `pseudonym`, or nullopt when this vault did not make it.
  std::optional<std::string> OriginalOf(std::string_view pseudonym) const;

  // Number of distinct (type, value) pairs remembered.
  size_t size() const;

  // Encrypts the vault's tables with `key` (AES-256-GCM, a fresh random nonce per save) and
  // writes them to `path` atomically with mode 0600: on any error the previous file, if any,
  // is untouched. Errors name the path.
  Status Save(const std::string& path, const VaultKey& key) const;

  // Reads a vault saved by Save(). kNotFound when the file does not exist; kDataLoss
  // "vault file 'x': authentication failed (wrong key or modified file)" for a wrong key or a
  // changed byte, other kDataLoss messages for a file that is not a vault or is truncated;
  // kFailedPrecondition for a format version this build does not read.
  static Expected<Vault> Load(const std::string& path, const VaultKey& key,
                              VaultOptions options = {});

 private:
  std::shared_ptr<vault_internal::VaultState> state_;
};

}  // namespace ptmo::privacy
