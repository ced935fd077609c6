#include "tensor/matvec.h"

#include <algorithm>
#include <cassert>

#include "tensor/repack.h"

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

void MatMulGroup(std::span<const MatMulJob> jobs, const void* x, size_t x_stride, int64_t n,
                 const MatVecOptions& options) {
  assert(jobs.size() <= static_cast<size_t>(kMaxMatMulJobs));
  if (n <= 0 || jobs.empty()) return;
  const Kernels& kernels = options.kernels != nullptr ? *options.kernels : BestKernels();
  const int threads = options.pool != nullptr ? options.pool->num_threads() : 1;
  int64_t total_rows = 0;
  for (const MatMulJob& j : jobs) total_rows += j.w.rows;
  int64_t per_task = options.rows_per_task;
  if (per_task <= 0) {
    constexpr int64_t kLineFloats = 16;  // one 64-byte cache line of outputs
    const int64_t want = (total_rows + 8 * threads - 1) / (8 * threads);
    per_task = (want + kLineFloats - 1) / kLineFloats * kLineFloats;
  }

  // Task t belongs to the job whose range [first_task[j], first_task[j + 1]) holds it.
  // kRows8 matrices are addressed by groups of 8 rows: a task starts on a group and `stride`
  // is a group's bytes; row-major ones by rows.
  struct Prepared {
    DotTileFn tile;
    const uint8_t* base;
    size_t stride;          // bytes per row (row major) or per group of 8 rows (kRows8)
    int64_t rows_per_unit;  // 1 or 8
    int64_t per_task;       // rows per task (a multiple of rows_per_unit)
  };
  Prepared prepared[kMaxMatMulJobs];
  int64_t first_task[kMaxMatMulJobs + 1];
  first_task[0] = 0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const WeightMatrix& w = jobs[j].w;
    assert(w.cols == jobs[0].w.cols && "jobs of a group read the same activations");
    assert(ActivationType(w.type) == ActivationType(jobs[0].w.type));
    Prepared& p = prepared[j];
    p.tile = kernels.TileFor(w.type, w.layout);
    assert(p.tile != nullptr && "weight type has no dot kernel");
    auto row_bytes = RowBytes(w.type, w.cols);
    assert(row_bytes.ok());
    p.rows_per_unit = w.layout == WeightLayout::kRows8 ? 8 : 1;
    p.stride = w.layout == WeightLayout::kRows8 ? *Rows8GroupBytes(w.type, w.cols) : *row_bytes;
    p.per_task = (per_task + p.rows_per_unit - 1) / p.rows_per_unit * p.rows_per_unit;
    p.base = static_cast<const uint8_t*>(w.data);
    first_task[j + 1] = first_task[j] + (w.rows + p.per_task - 1) / p.per_task;
  }
  const int64_t tasks = first_task[jobs.size()];

  auto run_task = [&](int64_t t) {
    size_t j = 0;
    while (t >= first_task[j + 1]) ++j;
    const WeightMatrix& w = jobs[j].w;
    const Prepared& p = prepared[j];
    const int64_t begin = (t - first_task[j]) * p.per_task;
    const int64_t end = std::min(w.rows, begin + p.per_task);
    p.tile(w.cols, p.base + static_cast<size_t>(begin / p.rows_per_unit) * p.stride, p.stride,
           end - begin, x, x_stride, n, jobs[j].out + begin, static_cast<size_t>(w.rows));
  };
  if (options.pool != nullptr && tasks > 1) {
    options.pool->ParallelFor(tasks, run_task);
  } else {
    for (int64_t t = 0; t < tasks; ++t) run_task(t);
  }
}

void MatMul(const WeightMatrix& w, const void* x, size_t x_stride, int64_t n, float* out,
            const MatVecOptions& options) {
  const MatMulJob job{w, out};
  MatMulGroup(std::span<const MatMulJob>(&job, 1), x, x_stride, n, options);
}

void MatVec(const WeightMatrix& w, const ActivationBuffer& x, float* y,
            const MatVecOptions& options) {
  assert(x.type() == ActivationType(w.type) && "activations prepared for another weight type");
  assert(x.size() == w.cols && "activation length differs from the matrix width");
  MatMul(w, x.data(), 0, 1, y, options);
}

}  // namespace ptmo::tensor
