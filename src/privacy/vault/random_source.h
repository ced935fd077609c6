// Randomness for surrogate values: the OS CSPRNG (OpenSSL RAND_bytes) by default, or a seeded
// deterministic generator when a test asks for reproducible output. Never used for keys:
// keys always come from RAND_bytes directly (see vault_key.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace ptmo::privacy::vault_internal {

class RandomSource {
 public:
  // Secure (RAND_bytes) when `seed` is empty, else a SplitMix64 stream seeded with it.
  explicit RandomSource(std::optional<uint64_t> seed);

  // A uniformly distributed value in [0, n); n must be > 0. Rejection sampling, no modulo bias.
  uint32_t Uniform(uint32_t n);
  // A uniformly distributed value in [lo, hi] (inclusive).
  uint32_t Between(uint32_t lo, uint32_t hi) { return lo + Uniform(hi - lo + 1); }

  // True once RAND_bytes has failed; the values produced since then are not random and the
  // caller must discard them and report an error.
  bool failed() const { return failed_; }

  bool deterministic() const { return seeded_; }

 private:
  uint64_t Next64();

  bool seeded_ = false;
  uint64_t state_ = 0;  // SplitMix64 state when seeded
  std::array<unsigned char, 256> buffer_{};
  size_t used_ = 256;  // bytes of buffer_ already consumed
  bool failed_ = false;
};

}  // namespace ptmo::privacy::vault_internal
