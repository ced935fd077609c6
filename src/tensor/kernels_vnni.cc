// The "avx512vnni" kernel set: the AVX2 set with the Q4_0 and Q8_0 dot products on vpdpbusd
// (AVX512-VNNI with VL: EVEX-encoded 256-bit instructions, so no 512-bit frequency penalty and
// 32 ymm registers for bigger tiles). vpdpbusd does maddubs + madd + add in one instruction on
// unsigned x signed bytes; the tiles start each lane from -c * (its activation sum) to undo the
// unsigned offset, so the integer lanes, and therefore the results, are bit-identical to the
// AVX2 set's (kernels_x86_tile.inc).
#include "tensor/kernels_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <cstring>

#include "tensor/quant_blocks.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace ptmo::tensor::internal {
namespace {

#define PTMO_TILE_TARGET \
  __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#define PTMO_TILE_VNNI 1
#include "tensor/kernels_x86_tile.inc"
// After the tile kernels, whose helpers it uses.
#include "tensor/kernels_x86_rows8.inc"
#undef PTMO_TILE_VNNI
#undef PTMO_TILE_TARGET

}  // namespace

const Kernels* Avx512VnniKernelTable() {
  static const Kernels kTable = [] {
    Kernels k = *Avx2KernelTable();
    k.name = "avx512vnni";
    k.dot_q4_0 = DotQ8Pair<TileQ4_0>;
    k.dot_q8_0 = DotQ8Pair<TileQ8_0>;
    k.tile_q4_0 = TileQ8<TileQ4_0>;
    k.tile_q8_0 = TileQ8<TileQ8_0>;
    k.tile_q4_0_rows8 = TileQ4_0Rows8;
    k.tile_q8_0_rows8 = TileQ8_0Rows8;
    return k;
  }();
  return &kTable;
}

}  // namespace ptmo::tensor::internal

#else  // not x86

namespace ptmo::tensor::internal {
const Kernels* Avx512VnniKernelTable() {
  return nullptr;
}
}  // namespace ptmo::tensor::internal

#endif
