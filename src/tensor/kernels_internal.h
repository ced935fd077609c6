// Kernel tables, one per implementation file. Use the public accessors in kernels.h instead.
#pragma once

#include "tensor/kernels.h"

namespace ptmo::tensor::internal {

const Kernels& ScalarKernelTable();

// nullptr when this build's architecture has no AVX2 (the CPU check is in kernels.cc).
const Kernels* Avx2KernelTable();

// nullptr when this build's architecture has no AVX512-VNNI (the CPU check is in kernels.cc).
const Kernels* Avx512VnniKernelTable();

// nullptr unless this build targets AArch64 (NEON is part of its baseline).
const Kernels* NeonKernelTable();

// Tile kernel that computes every pair with the set's VecDotFn: for types without a
// specialized tile. `dot` is fixed at compile time so the call can be inlined.
template <VecDotFn dot>
void TileFromDot(int64_t n, const void* w, size_t w_stride, int64_t nr, const void* x,
                 size_t x_stride, int64_t nt, float* out, size_t out_stride) {
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* xb = static_cast<const uint8_t*>(x);
  for (int64_t r = 0; r < nr; ++r) {
    const uint8_t* row = wb + static_cast<size_t>(r) * w_stride;
    for (int64_t t = 0; t < nt; ++t) {
      out[static_cast<size_t>(t) * out_stride + static_cast<size_t>(r)] =
          dot(n, row, xb + static_cast<size_t>(t) * x_stride);
    }
  }
}

}  // namespace ptmo::tensor::internal
