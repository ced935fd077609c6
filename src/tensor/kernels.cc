#include "tensor/kernels.h"

#include <cassert>
#include <cstring>

#include "tensor/cpu_features.h"
#include "tensor/kernels_internal.h"
#include "tensor/quantize.h"

namespace ptmo::tensor {

VecDotFn Kernels::ForWeights(DType type) const {
  switch (type) {
    case DType::kF32: return dot_f32;
    case DType::kF16: return dot_f16;
    case DType::kQ4_0: return dot_q4_0;
    case DType::kQ8_0: return dot_q8_0;
    case DType::kQ4_K: return dot_q4_k;
    case DType::kQ6_K: return dot_q6_k;
    default: return nullptr;
  }
}

DotTileFn Kernels::TileForWeights(DType type) const {
  switch (type) {
    case DType::kF32: return tile_f32;
    case DType::kF16: return tile_f16;
    case DType::kQ4_0: return tile_q4_0;
    case DType::kQ8_0: return tile_q8_0;
    case DType::kQ4_K: return tile_q4_k;
    case DType::kQ6_K: return tile_q6_k;
    default: return nullptr;
  }
}

DotTileFn Kernels::TileFor(DType type, WeightLayout layout) const {
  if (layout == WeightLayout::kRowMajor) return TileForWeights(type);
  if (layout != WeightLayout::kRows8) return nullptr;
  if (type == DType::kQ4_0) return tile_q4_0_rows8;
  if (type == DType::kQ8_0) return tile_q8_0_rows8;
  return type == DType::kQ4_K ? tile_q4_k_rows8 : nullptr;
}

DType ActivationType(DType weight_type) {
  switch (weight_type) {
    case DType::kQ4_0:
    case DType::kQ8_0: return DType::kQ8_0;
    case DType::kQ4_K:
    case DType::kQ6_K: return DType::kQ8_K;
    default: return weight_type;  // F32 -> F32, F16 -> F16
  }
}

void PrepareActivations(DType weight_type, const float* x, void* out, int64_t n) {
  assert(ScalarKernels().ForWeights(weight_type) != nullptr && "no kernels for this weight type");
  switch (ActivationType(weight_type)) {
    case DType::kF16: FloatToHalfRow(x, static_cast<Half*>(out), n); break;
    case DType::kQ8_0: QuantizeRowQ8_0(x, static_cast<BlockQ8_0*>(out), n); break;
    case DType::kQ8_K: QuantizeRowQ8_K(x, static_cast<BlockQ8_K*>(out), n); break;
    default: std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float)); break;
  }
}

const Kernels& ScalarKernels() {
  return internal::ScalarKernelTable();
}

const Kernels* Avx2Kernels() {
  static const Kernels* const kTable =
      HostCpuFeatures().HasAvx2Set() ? internal::Avx2KernelTable() : nullptr;
  return kTable;
}

const Kernels* Avx512VnniKernels() {
  static const Kernels* const kTable =
      HostCpuFeatures().HasAvx2Set() && HostCpuFeatures().HasAvx512VnniSet()
          ? internal::Avx512VnniKernelTable()
          : nullptr;
  return kTable;
}

const Kernels* NeonKernels() {
  return internal::NeonKernelTable();
}

const Kernels& BestKernels() {
  if (const Kernels* vnni = Avx512VnniKernels(); vnni != nullptr) return *vnni;
  if (const Kernels* avx2 = Avx2Kernels(); avx2 != nullptr) return *avx2;
  const Kernels* neon = NeonKernels();
  return neon != nullptr ? *neon : ScalarKernels();
}

}  // namespace ptmo::tensor
