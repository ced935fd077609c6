#include "tensor/matvec.h"

#include <algorithm>
#include <cassert>

namespace ptmo::tensor {

void ActivationBuffer::Prepare(DType weight_type, const float* x, int64_t n) {
  const DType type = ActivationType(weight_type);
  auto bytes = RowBytes(type, n);
  assert(bytes.ok() && "activation count must be a multiple of the block size");
  const size_t words = (*bytes + sizeof(uint32_t) - 1) / sizeof(uint32_t);
  if (bytes_.size() < words) bytes_.resize(words);
  PrepareActivations(weight_type, x, bytes_.data(), n);
  type_ = type;
  n_ = n;
}

void MatVec(const WeightMatrix& w, const ActivationBuffer& x, float* y,
            const MatVecOptions& options) {
  const Kernels& kernels = options.kernels != nullptr ? *options.kernels : BestKernels();
  const VecDotFn dot = kernels.ForWeights(w.type);
  assert(dot != nullptr && "weight type has no dot kernel");
  assert(x.type() == ActivationType(w.type) && "activations prepared for another weight type");
  assert(x.size() == w.cols && "activation length differs from the matrix width");
  auto row_bytes_or = RowBytes(w.type, w.cols);
  assert(row_bytes_or.ok());
  const size_t row_bytes = *row_bytes_or;
  const auto* base = static_cast<const uint8_t*>(w.data);
  const int64_t cols = w.cols;
  const void* xd = x.data();

  const int threads = options.pool != nullptr ? options.pool->num_threads() : 1;
  int64_t per_task = options.rows_per_task;
  if (per_task <= 0) per_task = std::max<int64_t>(1, (w.rows + 4 * threads - 1) / (4 * threads));
  const int64_t tasks = (w.rows + per_task - 1) / per_task;

  auto run_task = [&](int64_t t) {
    const int64_t begin = t * per_task;
    const int64_t end = std::min(w.rows, begin + per_task);
    for (int64_t r = begin; r < end; ++r) {
      y[r] = dot(cols, base + static_cast<size_t>(r) * row_bytes, xd);
    }
  };
  if (options.pool != nullptr) {
    options.pool->ParallelFor(tasks, run_task);
  } else {
    for (int64_t t = 0; t < tasks; ++t) run_task(t);
  }
}

}  // namespace ptmo::tensor
