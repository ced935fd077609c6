// PPO-Lagrangian and A2C-Lagrangian: one actor (logits over actions, invalid actions masked)
// and one critic with four heads (value of reward, latency spend, cost spend, privacy spend).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "policy/training_env.h"

namespace ptmo::policy::internal {
namespace {

// Softmax over the allowed entries of `logits` (others get probability 0).
void MaskedSoftmax(const float* logits, const bool* allowed, int n, float* p) {
  float mx = -1e30f;
  for (int a = 0; a < n; ++a)
    if (allowed[a]) mx = std::max(mx, logits[a]);
  float sum = 0;
  for (int a = 0; a < n; ++a) {
    p[a] = allowed[a] ? std::exp(logits[a] - mx) : 0.f;
    sum += p[a];
  }
  for (int a = 0; a < n; ++a) p[a] /= sum;
}

int Sample(const float* p, int n, Rng& rng) {
  const double u = rng.Uniform();
  double acc = 0;
  int last = 0;
  for (int a = 0; a < n; ++a) {
    if (p[a] <= 0) continue;
    acc += p[a];
    last = a;
    if (u < acc) return a;
  }
  return last;
}

}  // namespace

Expected<TrainResult> TrainActorCritic(const Dataset& data, const std::vector<int>& episodes,
                                       const KnnQuality& knn, const CostModel& costs,
                                       const EnvConfig& env, const TrainConfig& c) {
  const auto t0 = std::chrono::steady_clock::now();
  Rng rng(c.seed);
  const ObsSpec spec = MakeObsSpec(data, env);
  TrainingEnv tenv(data, episodes, knn, costs, env, c, spec, &rng);
  const int d = spec.size(), na = tenv.num_actions();
  Mlp actor({d, c.hidden, c.hidden, na}, rng, 0.01f);
  Mlp critic({d, c.hidden, c.hidden, 4}, rng, 1.0f);
  Adam actor_opt(static_cast<size_t>(actor.params().size()), static_cast<float>(c.lr));
  Adam critic_opt(static_cast<size_t>(critic.params().size()), static_cast<float>(c.lr));

  // Rollout capacity; the last rollout is shortened so training takes exactly c.steps steps.
  const int cap = static_cast<int>(std::min<long>(c.rollout, c.steps));
  Eigen::MatrixXf obs(d, cap + 1);
  std::vector<uint8_t> allowed(static_cast<size_t>(cap) * na);
  std::vector<int> act(cap);
  std::vector<float> logp(cap);
  Eigen::MatrixXf signal(4, cap);  // reward, latency, cost, privacy
  std::vector<uint8_t> done(cap);
  Eigen::MatrixXf values, adv(4, cap), ret(4, cap);
  std::vector<float> pbuf(na), lbuf(na);
  bool abuf[kMaxActions];

  TrainResult result;
  std::array<double, 3> lambdas{};
  SpendTracker spend;
  tenv.Reset();
  long steps = 0, next_report = 0;
  const double dual_scale = static_cast<double>(cap) / 2048.0;
  std::vector<int> order;
  Mlp::Cache acache, ccache;
  Eigen::MatrixXf out;

  while (steps < c.steps) {
    const int n = static_cast<int>(std::min<long>(cap, c.steps - steps));
    // ---- rollout with the current policy ----
    for (int t = 0; t < n; ++t) {
      tenv.Observe(obs.col(t).data(), abuf);
      for (int a = 0; a < na; ++a) allowed[size_t(t) * na + a] = abuf[a];
      actor.ForwardOne(obs.col(t).data(), lbuf.data());
      MaskedSoftmax(lbuf.data(), abuf, na, pbuf.data());
      const int a = Sample(pbuf.data(), na, rng);
      act[t] = a;
      logp[t] = std::log(std::max(pbuf[a], 1e-12f));
      const StepOutcome o = tenv.Step(a);
      signal(0, t) = static_cast<float>(o.reward);
      signal(1, t) = static_cast<float>(o.c_latency);
      signal(2, t) = static_cast<float>(o.c_cost);
      signal(3, t) = static_cast<float>(o.c_privacy);
      done[t] = o.done;
      spend.Add(o);
      if (o.done) {
        ++result.episodes;
        tenv.Reset();
      }
      ++steps;
    }
    tenv.Observe(obs.col(n).data(), abuf);
    critic.Forward(obs.leftCols(n + 1), &values, &ccache);  // 4 x (n + 1)

    // ---- GAE for the reward and each spend ----
    for (int k = 0; k < 4; ++k) {
      float next_adv = 0;
      for (int t = n - 1; t >= 0; --t) {
        const float nonterminal = done[t] ? 0.f : 1.f;
        const float delta = signal(k, t) +
                            static_cast<float>(c.gamma) * nonterminal * values(k, t + 1) -
                            values(k, t);
        next_adv = delta + static_cast<float>(c.gamma * c.gae_lambda) * nonterminal * next_adv;
        adv(k, t) = next_adv;
        ret(k, t) = next_adv + values(k, t);
      }
    }
    // Lagrangian advantage, normalized over the batch.
    const double lsum = lambdas[0] + lambdas[1] + lambdas[2];
    Eigen::VectorXf a_comb(n);
    for (int t = 0; t < n; ++t) {
      double v = adv(0, t);
      for (int k = 0; k < 3; ++k) v -= lambdas[k] * adv(k + 1, t);
      a_comb[t] = static_cast<float>(v / (1.0 + lsum));
    }
    const float mean = a_comb.mean();
    const float sd = std::sqrt((a_comb.array() - mean).square().mean()) + 1e-8f;
    a_comb = ((a_comb.array() - mean) / sd).matrix();

    // ---- policy and value updates ----
    order.resize(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const int mb = std::min(c.minibatch, n);
    for (int epoch = 0; epoch < c.epochs; ++epoch) {
      for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.UniformInt(i + 1)]);
      for (int start = 0; start < n; start += mb) {
        const int b = std::min(mb, n - start);
        Eigen::MatrixXf x(d, b);
        for (int j = 0; j < b; ++j) x.col(j) = obs.col(order[start + j]);
        actor.Forward(x, &out, &acache);
        Eigen::MatrixXf dlogits = Eigen::MatrixXf::Zero(na, b);
        for (int j = 0; j < b; ++j) {
          const int t = order[start + j];
          bool al[kMaxActions];
          for (int a = 0; a < na; ++a) al[a] = allowed[size_t(t) * na + a];
          MaskedSoftmax(out.col(j).data(), al, na, pbuf.data());
          const float lp = std::log(std::max(pbuf[act[t]], 1e-12f));
          const float ratio = std::exp(lp - logp[t]);
          const float A = a_comb[t];
          bool clipped = false;
          if (c.clip > 0) {
            clipped = (A >= 0 && ratio > 1 + c.clip) || (A < 0 && ratio < 1 - c.clip);
          }
          float h = 0;
          for (int a = 0; a < na; ++a)
            if (pbuf[a] > 0) h -= pbuf[a] * std::log(pbuf[a]);
          for (int a = 0; a < na; ++a) {
            if (!al[a]) continue;
            float g = 0;
            if (!clipped) g -= A * ratio * ((a == act[t] ? 1.f : 0.f) - pbuf[a]);
            if (pbuf[a] > 0) {
              g += static_cast<float>(c.entropy) * pbuf[a] * (std::log(pbuf[a]) + h);
            }
            dlogits(a, j) = g / static_cast<float>(b);
          }
        }
        Eigen::VectorXf grad = Eigen::VectorXf::Zero(actor.params().size());
        actor.Backward(acache, dlogits, &grad);
        actor_opt.Step(actor.params(), std::move(grad));

        Eigen::MatrixXf v;
        critic.Forward(x, &v, &ccache);
        Eigen::MatrixXf dv(4, b);
        for (int j = 0; j < b; ++j) {
          dv.col(j) =
              (v.col(j) - ret.col(order[start + j])) * static_cast<float>(2.0 * c.value_coef / b);
        }
        Eigen::VectorXf cgrad = Eigen::VectorXf::Zero(critic.params().size());
        critic.Backward(ccache, dv, &cgrad);
        critic_opt.Step(critic.params(), std::move(cgrad));
      }
    }
    spend.DualUpdate(c, dual_scale, &lambdas, &result);
    if (c.progress && steps >= next_report) {
      c.progress(std::min(steps, c.steps));
      next_report = steps + std::max<long>(1, c.steps / 100);
    }
  }
  result.steps = steps;
  const std::string algo = c.algorithm;
  result.policy = std::make_unique<LearnedPolicy>(algo, algo + "-lagrangian", spec, data.tasks,
                                                  std::move(actor), c.guard);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace ptmo::policy::internal
