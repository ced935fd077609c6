// DQN-Lagrangian: double DQN with a target network and uniform replay, on the reward shaped by
// the current multipliers, r - sum_k lambda_k c_k (the spends are stored, so the shaping uses
// the multipliers at sampling time).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "policy/training_env.h"

namespace ptmo::policy::internal {

Expected<TrainResult> TrainDqn(const Dataset& data, const std::vector<int>& episodes,
                               const KnnQuality& knn, const CostModel& costs, const EnvConfig& env,
                               const TrainConfig& c) {
  const auto t0 = std::chrono::steady_clock::now();
  Rng rng(c.seed);
  const ObsSpec spec = MakeObsSpec(data, env);
  TrainingEnv tenv(data, episodes, knn, costs, env, c, spec, &rng);
  const int d = spec.size(), na = tenv.num_actions();
  Mlp q({d, c.hidden, c.hidden, na}, rng, 0.1f);
  Mlp target = q;
  Adam opt(static_cast<size_t>(q.params().size()), static_cast<float>(c.lr));

  // Replay buffer (ring).
  const int cap = c.buffer;
  Eigen::MatrixXf b_obs(d, cap), b_next(d, cap);
  std::vector<uint8_t> b_next_allowed(static_cast<size_t>(cap) * na);
  std::vector<int> b_act(cap);
  Eigen::MatrixXf b_sig(4, cap);
  std::vector<uint8_t> b_done(cap);
  int size = 0, head = 0;

  TrainResult result;
  std::array<double, 3> lambdas{};
  SpendTracker spend;
  tenv.Reset();
  std::vector<float> cur(d), qv(na);
  bool allowed[kMaxActions];
  tenv.Observe(cur.data(), allowed);
  const long explore_steps = std::max<long>(1, static_cast<long>(c.explore_fraction * c.steps));
  const int dual_every = 2048;
  long next_report = 0;
  Mlp::Cache cache, tcache;
  Eigen::MatrixXf out, tout, nout;

  for (long step = 1; step <= c.steps; ++step) {
    const double frac = std::min(1.0, static_cast<double>(step) / explore_steps);
    const double epsilon = 1.0 + frac * (c.explore_final - 1.0);
    int a = 0;
    if (rng.Uniform() < epsilon) {
      int opts[kMaxActions], no = 0;
      for (int i = 0; i < na; ++i)
        if (allowed[i]) opts[no++] = i;
      a = opts[rng.UniformInt(no)];
    } else {
      q.ForwardOne(cur.data(), qv.data());
      for (int i = 1; i < na; ++i)
        if (allowed[i] && qv[i] > qv[a]) a = i;
    }
    const StepOutcome o = tenv.Step(a);
    spend.Add(o);
    b_obs.col(head) = Eigen::Map<Eigen::VectorXf>(cur.data(), d);
    b_act[head] = a;
    b_sig(0, head) = static_cast<float>(o.reward);
    b_sig(1, head) = static_cast<float>(o.c_latency);
    b_sig(2, head) = static_cast<float>(o.c_cost);
    b_sig(3, head) = static_cast<float>(o.c_privacy);
    b_done[head] = o.done;
    if (o.done) {
      ++result.episodes;
      tenv.Reset();
    }
    tenv.Observe(cur.data(), allowed);
    // For a terminal step the stored next state is unused.
    b_next.col(head) = Eigen::Map<Eigen::VectorXf>(cur.data(), d);
    for (int i = 0; i < na; ++i) b_next_allowed[size_t(head) * na + i] = allowed[i];
    head = (head + 1) % cap;
    size = std::min(size + 1, cap);

    if (step >= c.learning_starts && size >= c.batch && step % c.train_every == 0) {
      const int bsz = c.batch;
      Eigen::MatrixXf x(d, bsz), xn(d, bsz);
      std::vector<int> idx(bsz);
      for (int j = 0; j < bsz; ++j) {
        idx[j] = rng.UniformInt(size);
        x.col(j) = b_obs.col(idx[j]);
        xn.col(j) = b_next.col(idx[j]);
      }
      q.Forward(x, &out, &cache);
      Mlp::Cache ncache;
      q.Forward(xn, &nout, &ncache);       // online net picks the next action (double DQN)
      target.Forward(xn, &tout, &tcache);  // target net values it
      Eigen::MatrixXf dq = Eigen::MatrixXf::Zero(na, bsz);
      for (int j = 0; j < bsz; ++j) {
        const int i = idx[j];
        double r = b_sig(0, i);
        for (int k = 0; k < 3; ++k) r -= lambdas[k] * b_sig(k + 1, i);
        double y = r;
        if (!b_done[i]) {
          int best = 0;
          for (int aa = 1; aa < na; ++aa)
            if (b_next_allowed[size_t(i) * na + aa] && nout(aa, j) > nout(best, j)) best = aa;
          y += c.gamma * tout(best, j);
        }
        const double err = out(b_act[i], j) - y;
        const double huber = std::clamp(err, -1.0, 1.0);  // d/dq of the Huber loss
        dq(b_act[i], j) = static_cast<float>(huber / bsz);
      }
      Eigen::VectorXf grad = Eigen::VectorXf::Zero(q.params().size());
      q.Backward(cache, dq, &grad);
      opt.Step(q.params(), std::move(grad), 10.f);
    }
    if (step % c.target_every == 0) target = q;
    if (step % dual_every == 0) spend.DualUpdate(c, 1.0, &lambdas, &result);
    if (c.progress && step >= next_report) {
      c.progress(step);
      next_report = step + std::max<long>(1, c.steps / 100);
    }
  }
  result.steps = c.steps;
  result.policy = std::make_unique<LearnedPolicy>("dqn", "dqn-lagrangian", spec, data.tasks,
                                                  std::move(q), c.guard);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace ptmo::policy::internal
