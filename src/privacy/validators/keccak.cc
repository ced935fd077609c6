#include "privacy/validators/keccak.h"

#include <cstring>

namespace ptmo::privacy::validators {
namespace {

constexpr int kRounds = 24;

uint64_t Rotl(uint64_t x, int n) {
  return n == 0 ? x : (x << n) | (x >> (64 - n));
}

// Round constants, derived as in FIPS 202 section 3.2.5 from the LFSR x^8+x^6+x^5+x^4+1:
// bit 2^j - 1 of RC[round] is rc(j + 7 * round).
struct Tables {
  uint64_t rc[kRounds];
  int rot[25];  // rho offsets, indexed x + 5 * y
  constexpr Tables() : rc(), rot() {
    auto lfsr_bit = [](int t) {
      if (t % 255 == 0) return 1;
      unsigned r = 1;
      for (int i = 1; i <= t % 255; ++i) {
        r <<= 1;
        if (r & 0x100) r ^= 0x171;  // reduce by x^8 + x^6 + x^5 + x^4 + 1
      }
      return static_cast<int>(r & 1);
    };
    for (int round = 0; round < kRounds; ++round) {
      uint64_t c = 0;
      for (int j = 0; j <= 6; ++j) {
        if (lfsr_bit(j + 7 * round)) c |= uint64_t{1} << ((1 << j) - 1);
      }
      rc[round] = c;
    }
    // rho: starting at (1, 0), lane t is rotated by (t+1)(t+2)/2, moving (x,y) -> (y, 2x+3y).
    rot[0] = 0;
    int x = 1, y = 0;
    for (int t = 0; t < 24; ++t) {
      rot[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
      const int nx = y, ny = (2 * x + 3 * y) % 5;
      x = nx;
      y = ny;
    }
  }
};
constexpr Tables kTables;

// The Keccak-f[1600] permutation; lanes indexed x + 5 * y.
void KeccakF(uint64_t a[25]) {
  for (int round = 0; round < kRounds; ++round) {
    // theta: xor each lane with the parities of two neighbouring columns.
    uint64_t c[5], d[5];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
    // rho and pi: rotate each lane, then move lane (x, y) to (y, 2x + 3y).
    uint64_t b[25];
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = Rotl(a[x + 5 * y], kTables.rot[x + 5 * y]);
      }
    }
    // chi: non-linear mix along rows.
    for (int y = 0; y < 5; ++y) {
      for (int x = 0; x < 5; ++x) {
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
      }
    }
    // iota: break symmetry with the round constant.
    a[0] ^= kTables.rc[round];
  }
}

std::array<uint8_t, 32> Sponge256(std::string_view data, uint8_t pad) {
  constexpr size_t kRate = 136;  // (1600 - 2 * 256) / 8
  uint64_t state[25] = {};
  auto absorb = [&state](const uint8_t* block) {
    for (size_t i = 0; i < kRate / 8; ++i) {
      uint64_t lane = 0;
      for (int k = 7; k >= 0; --k) lane = (lane << 8) | block[i * 8 + k];  // little-endian
      state[i] ^= lane;
    }
    KeccakF(state);
  };
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  while (n >= kRate) {
    absorb(p);
    p += kRate;
    n -= kRate;
  }
  uint8_t last[kRate] = {};
  if (n > 0) std::memcpy(last, p, n);
  last[n] ^= pad;
  last[kRate - 1] ^= 0x80;
  absorb(last);
  std::array<uint8_t, 32> out;
  for (size_t i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

}  // namespace

std::array<uint8_t, 32> Keccak256(std::string_view data) {
  return Sponge256(data, 0x01);
}
std::array<uint8_t, 32> Sha3_256(std::string_view data) {
  return Sponge256(data, 0x06);
}

}  // namespace ptmo::privacy::validators
