// y = W x for a weight matrix of any supported type, rows split across a ThreadPool.
//
//   ActivationBuffer xq;            // reused across calls: no allocation once warm
//   xq.Prepare(wq.type, x, dim);    // quantize x once (Q8_0 / Q8_K / F16 / F32)
//   MatVec(wq, xq, q, {.pool = &pool});
//
// One prepared buffer serves every matrix whose type has the same ActivationType (Q4_0 and Q8_0
// share Q8_0; Q4_K and Q6_K share Q8_K), as llama.cpp does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/kernels.h"
#include "tensor/thread_pool.h"

namespace ptmo::tensor {

// A matrix: `rows` rows of `cols` elements of `type`, laid out as `layout` says (GGUF's row
// major unless repacked). Does not own `data` (points into a mapped model file or into memory
// holding a repacked copy).
struct WeightMatrix {
  DType type = DType::kF32;
  const void* data = nullptr;
  int64_t rows = 0;
  int64_t cols = 0;
  WeightLayout layout = WeightLayout::kRowMajor;
};

// Activations converted for one kind of weights. Not thread-safe to Prepare while a MatVec
// reads it; any number of concurrent MatVecs may read it.
class ActivationBuffer {
 public:
  // Converts x[0, n) into ActivationType(weight_type), growing the storage only when needed.
  // `weight_type` must be supported and `n` a multiple of its block size (assert).
  void Prepare(DType weight_type, const float* x, int64_t n);

  DType type() const { return type_; }  // the activation layout, e.g. kQ8_0
  int64_t size() const { return n_; }   // elements
  const void* data() const { return bytes_.data(); }

 private:
  DType type_ = DType::kF32;
  int64_t n_ = 0;
  std::vector<uint32_t> bytes_;  // uint32_t storage: 4-byte alignment for f32 and Q8_K
};

struct MatVecOptions {
  const Kernels* kernels = nullptr;  // nullptr: BestKernels()
  ThreadPool* pool = nullptr;        // nullptr: run on the calling thread
  // Rows per task handed to the pool. 0: about eight tasks per thread (small enough that a
  // thread slowed by another process does not hold the others up), rounded up to 16 rows so
  // that no two tasks write the same 64-byte line of the output. Rounded up to a multiple of
  // 8 for kRows8 matrices (a task starts on a group).
  int64_t rows_per_task = 0;
};

// y[r] = dot(row r of w, x) for every row. `x` must have been prepared for w.type
// (x.type() == ActivationType(w.type)) with x.size() == w.cols, and `y` must hold w.rows floats
// not overlapping x or w; violations assert. Thread-safe for distinct outputs.
void MatVec(const WeightMatrix& w, const ActivationBuffer& x, float* y,
            const MatVecOptions& options = {});

// The batched product (prompt processing): out[t * w.rows + r] = dot(row r of w, activation
// row t) for t < n. `x` holds n activation rows prepared for w.type (PrepareActivations with
// w.cols elements), `x_stride` bytes apart (a multiple of 4); `out` holds n * w.rows floats
// not overlapping x or w. Rows are split over the pool; within a task the kernel set's tile
// kernel reads each weight block once for several tokens, so the weights stream from memory
// once per call instead of once per token. Every result is bit-identical to MatVec's on that
// row (kernels.h, DotTileFn), whatever n, the thread count or the task size. Thread-safe for
// distinct outputs.
void MatMul(const WeightMatrix& w, const void* x, size_t x_stride, int64_t n, float* out,
            const MatVecOptions& options = {});

// One matrix of a MatMulGroup and where its product goes (n * w.rows floats).
struct MatMulJob {
  WeightMatrix w;
  float* out = nullptr;
};

// MatMul for up to kMaxMatMulJobs matrices that read the same activation rows (the q, k and v
// projections; gate and up), in one pass over the pool: the threads meet once instead of once
// per matrix, which matters in decoding where each product is short. Every job must have the
// same cols and an ActivationType equal to x's (assert). Results are bit-identical to separate
// MatMul calls. Thread-safe for distinct outputs.
inline constexpr int kMaxMatMulJobs = 4;
void MatMulGroup(std::span<const MatMulJob> jobs, const void* x, size_t x_stride, int64_t n,
                 const MatVecOptions& options = {});

}  // namespace ptmo::tensor
