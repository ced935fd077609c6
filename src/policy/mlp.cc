#include "policy/mlp.h"

#include <cassert>
#include <cmath>

namespace ptmo::policy {

size_t Mlp::NumParams(const std::vector<int>& sizes) {
  size_t n = 0;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    n += static_cast<size_t>(sizes[l + 1]) * static_cast<size_t>(sizes[l] + 1);
  }
  return n;
}

void Mlp::ComputeOffsets() {
  offsets_.clear();
  size_t off = 0;
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    offsets_.push_back(off);
    off += static_cast<size_t>(sizes_[l + 1]) * static_cast<size_t>(sizes_[l] + 1);
  }
}

Mlp::Mlp(std::vector<int> sizes, Rng& rng, float out_scale) : sizes_(std::move(sizes)) {
  assert(sizes_.size() >= 2);
  ComputeOffsets();
  params_ = Eigen::VectorXf::Zero(static_cast<Eigen::Index>(NumParams(sizes_)));
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    const int in = sizes_[l], out = sizes_[l + 1];
    const double limit = std::sqrt(6.0 / (in + out));
    const float scale = l + 2 == sizes_.size() ? out_scale : 1.f;
    float* w = params_.data() + offsets_[l];
    for (long i = 0; i < static_cast<long>(in) * out; ++i) {
      w[i] = scale * static_cast<float>(rng.Uniform(-limit, limit));
    }
  }
}

Mlp::Mlp(std::vector<int> sizes, Eigen::VectorXf params)
    : sizes_(std::move(sizes)), params_(std::move(params)) {
  assert(static_cast<size_t>(params_.size()) == NumParams(sizes_));
  ComputeOffsets();
}

void Mlp::Forward(const Eigen::MatrixXf& x, Eigen::MatrixXf* y, Cache* cache) const {
  const size_t layers = sizes_.size() - 1;
  cache->acts.resize(layers + 1);
  cache->acts[0] = x;
  for (size_t l = 0; l < layers; ++l) {
    const int in = sizes_[l], out = sizes_[l + 1];
    Eigen::Map<const Eigen::MatrixXf> w(params_.data() + offsets_[l], out, in);
    Eigen::Map<const Eigen::VectorXf> b(params_.data() + offsets_[l] + size_t(out) * in, out);
    Eigen::MatrixXf z = w * cache->acts[l];
    z.colwise() += b;
    if (l + 1 < layers) z = z.array().tanh().matrix();
    cache->acts[l + 1] = std::move(z);
  }
  *y = cache->acts.back();
}

void Mlp::Backward(const Cache& cache, const Eigen::MatrixXf& dy, Eigen::VectorXf* grad) const {
  const size_t layers = sizes_.size() - 1;
  Eigen::MatrixXf delta = dy;
  for (size_t l = layers; l-- > 0;) {
    const int in = sizes_[l], out = sizes_[l + 1];
    Eigen::Map<const Eigen::MatrixXf> w(params_.data() + offsets_[l], out, in);
    Eigen::Map<Eigen::MatrixXf> gw(grad->data() + offsets_[l], out, in);
    Eigen::Map<Eigen::VectorXf> gb(grad->data() + offsets_[l] + size_t(out) * in, out);
    gw.noalias() += delta * cache.acts[l].transpose();
    gb += delta.rowwise().sum();
    if (l > 0) {
      Eigen::MatrixXf back = w.transpose() * delta;
      delta = (back.array() * (1.f - cache.acts[l].array().square())).matrix();
    }
  }
}

void Mlp::ForwardOne(const float* x, float* y) const {
  float buf_a[kMaxLayerWidth], buf_b[kMaxLayerWidth];
  const size_t layers = sizes_.size() - 1;
  const float* cur = x;
  for (size_t l = 0; l < layers; ++l) {
    const int in = sizes_[l], out = sizes_[l + 1];
    float* dst = l + 1 == layers ? y : (l % 2 == 0 ? buf_a : buf_b);
    Eigen::Map<const Eigen::MatrixXf> w(params_.data() + offsets_[l], out, in);
    Eigen::Map<const Eigen::VectorXf> b(params_.data() + offsets_[l] + size_t(out) * in, out);
    Eigen::Map<const Eigen::VectorXf> xin(cur, in);
    Eigen::Map<Eigen::VectorXf> z(dst, out);
    z.noalias() = w * xin;
    z += b;
    if (l + 1 < layers) z = z.array().tanh().matrix();
    cur = dst;
  }
}

void Adam::Step(Eigen::VectorXf& params, Eigen::VectorXf grad, float max_norm) {
  if (max_norm > 0) {
    const float norm = grad.norm();
    if (norm > max_norm) grad *= max_norm / norm;
  }
  ++t_;
  m_ = b1_ * m_ + (1 - b1_) * grad;
  v_ = b2_ * v_ + (1 - b2_) * grad.cwiseProduct(grad);
  const float c1 = 1.f - std::pow(b1_, static_cast<float>(t_));
  const float c2 = 1.f - std::pow(b2_, static_cast<float>(t_));
  params.array() -= lr_ * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps_);
}

}  // namespace ptmo::policy
