#include "privacy/vault/random_source.h"

#include <openssl/rand.h>

#include <cstring>

namespace ptmo::privacy::vault_internal {

RandomSource::RandomSource(std::optional<uint64_t> seed) {
  if (seed.has_value()) {
    seeded_ = true;
    state_ = *seed;
  }
}

uint64_t RandomSource::Next64() {
  if (seeded_) {
    // SplitMix64: small, fast, and good enough for reproducible test data.
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  if (used_ + sizeof(uint64_t) > buffer_.size()) {
    if (RAND_bytes(buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      failed_ = true;
      buffer_.fill(0);
    }
    used_ = 0;
  }
  uint64_t v = 0;
  std::memcpy(&v, buffer_.data() + used_, sizeof v);
  used_ += sizeof v;
  return v;
}

uint32_t RandomSource::Uniform(uint32_t n) {
  // Accept values below the largest multiple of n that fits in 64 bits.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
  for (;;) {
    uint64_t v = Next64();
    if (v < limit || failed_) return static_cast<uint32_t>(v % n);
  }
}

}  // namespace ptmo::privacy::vault_internal
