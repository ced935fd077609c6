// A small multi-layer perceptron (tanh hidden layers, linear output) and Adam, on Eigen.
//
// Parameters live in one flat vector (per layer: W as out x in column-major, then b), which
// makes Adam, checksums and saving trivial. Batches are matrices with one sample per column.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "policy/rng.h"

namespace ptmo::policy {

// The widest layer ForwardOne accepts (it uses fixed stack buffers).
inline constexpr int kMaxLayerWidth = 1024;

class Mlp {
 public:
  struct Cache {
    std::vector<Eigen::MatrixXf> acts;  // acts[l] = input of layer l; acts.back() = output
  };

  Mlp() = default;
  // `sizes` = {in, hidden..., out}, each in [1, kMaxLayerWidth]. Weights are Xavier-uniform
  // from `rng`; the output layer is scaled by `out_scale` (small for policy heads, so the
  // first policy is near uniform). Biases start at 0.
  Mlp(std::vector<int> sizes, Rng& rng, float out_scale = 1.f);
  // Wraps given parameters; `params.size()` must equal NumParams(sizes).
  Mlp(std::vector<int> sizes, Eigen::VectorXf params);

  static size_t NumParams(const std::vector<int>& sizes);

  const std::vector<int>& sizes() const { return sizes_; }
  int in() const { return sizes_.front(); }
  int out() const { return sizes_.back(); }
  Eigen::VectorXf& params() { return params_; }
  const Eigen::VectorXf& params() const { return params_; }

  // y = f(x) for a batch (in x B -> out x B), filling `cache` for Backward.
  void Forward(const Eigen::MatrixXf& x, Eigen::MatrixXf* y, Cache* cache) const;
  // Adds dLoss/dparams to `grad` given dLoss/dy for the batch of the last Forward.
  void Backward(const Cache& cache, const Eigen::MatrixXf& dy, Eigen::VectorXf* grad) const;
  // One sample without heap allocation (stack buffers); thread-safe.
  void ForwardOne(const float* x, float* y) const;

 private:
  std::vector<int> sizes_;
  std::vector<size_t> offsets_;  // start of layer l's W in params_
  Eigen::VectorXf params_;
  void ComputeOffsets();
};

class Adam {
 public:
  Adam() = default;
  Adam(size_t n, float lr, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f)
      : lr_(lr),
        b1_(beta1),
        b2_(beta2),
        eps_(eps),
        m_(Eigen::VectorXf::Zero(n)),
        v_(Eigen::VectorXf::Zero(n)) {}
  // params -= lr * m_hat / (sqrt(v_hat) + eps); gradients are first clipped to global L2 norm
  // `max_norm` (<= 0: no clipping).
  void Step(Eigen::VectorXf& params, Eigen::VectorXf grad, float max_norm = 0.5f);
  void set_lr(float lr) { lr_ = lr; }

 private:
  float lr_ = 1e-3f, b1_ = 0.9f, b2_ = 0.999f, eps_ = 1e-8f;
  Eigen::VectorXf m_, v_;
  long t_ = 0;
};

}  // namespace ptmo::policy
