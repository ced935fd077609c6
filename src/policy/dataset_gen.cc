#include "policy/dataset_gen.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "policy/actions.h"
#include "policy/rng.h"

namespace ptmo::policy {
namespace {

using nlohmann::json;

double Round4(double v) {
  return std::round(v * 1e4) / 1e4;
}

struct TaskModel {
  double q_local, q_cloud, gain, refusal;
  std::vector<double> rel;  // per modality
};

double ImageGain(const TaskModel& t, uint32_t mask, int m) {
  double miss = 1.0;
  for (int i = 0; i < m; ++i)
    if (mask & (1u << i)) miss *= 1.0 - t.rel[i];
  return t.gain * (1.0 - miss);
}

}  // namespace

Status ValidateGenConfig(const GenConfig& c) {
  if (c.episodes < 1 || c.episodes > 1000000)
    return InvalidArgument("--episodes must be in [1, 1e6]");
  if (c.modalities < 1 || c.modalities > kMaxModalities) {
    return InvalidArgument("--modalities must be in [1, " + std::to_string(kMaxModalities) + "]");
  }
  if (c.tasks.empty()) return InvalidArgument("--tasks must name at least one task");
  if (c.min_turns < 1 || c.max_turns < c.min_turns || c.max_turns > 64) {
    return InvalidArgument("--turns must satisfy 1 <= min <= max <= 64");
  }
  if (c.share_public < 0 || c.share_semi < 0 || c.share_private < 0 ||
      c.share_public + c.share_semi + c.share_private <= 0) {
    return InvalidArgument("--mix must be three non-negative shares with a positive sum");
  }
  if (c.image_sensitivity_mean < 0 || c.image_sensitivity_mean > 1) {
    return InvalidArgument("--image-sensitivity must be in [0,1]");
  }
  if (c.behaviour_cloud_share < 0 || c.behaviour_cloud_share > 1 || c.local_refusal_rate < 0 ||
      c.local_refusal_rate > 1 || c.noise < 0 || !(c.max_score > 0)) {
    return InvalidArgument("--cloud-share and --refusal-rate must be in [0,1], --noise >= 0");
  }
  for (size_t i = 0; i < c.image_pool.size(); ++i) {
    const MeasuredImage& img = c.image_pool[i];
    if (img.name.empty())
      return InvalidArgument("image pool entry " + std::to_string(i) + ": no name");
    if (!(img.score >= 0.0 && img.score <= 1.0)) {
      return InvalidArgument("image '" + img.name + "': sensitivity " + std::to_string(img.score) +
                             " is not in [0,1]");
    }
  }
  return Status::Ok();
}

Expected<std::string> GenerateDataset(const GenConfig& c) {
  PTMO_RETURN_IF_ERROR(ValidateGenConfig(c));
  const int m = c.modalities;
  const ActionSpace space(m);
  // Task parameters come from their own stream, so they do not depend on --episodes.
  Rng trng(c.seed * 0x9E3779B97F4A7C15ULL + 17);
  std::vector<TaskModel> tasks;
  for (size_t t = 0; t < c.tasks.size(); ++t) {
    TaskModel tm;
    tm.q_local = trng.Uniform(0.45, 0.95);
    tm.q_cloud = trng.Uniform(1.0, 1.5);
    tm.gain = trng.Uniform(0.0, 0.9);
    tm.refusal = c.local_refusal_rate * trng.Uniform(0.5, 1.5);
    for (int i = 0; i < m; ++i) {
      const double u = trng.Uniform();
      tm.rel.push_back(u * u);
    }
    tasks.push_back(std::move(tm));
  }
  const double total = c.share_public + c.share_semi + c.share_private;
  const double p_public = c.share_public / total, p_semi = c.share_semi / total;

  Rng rng(c.seed);
  // Pool draws have their own stream, so a simulated run's bytes do not change.
  Rng pool_rng(c.seed * 0xD1B54A32D192ED03ULL + 5);
  const int pool_size = static_cast<int>(c.image_pool.size());
  json root = json::array();
  for (int e = 0; e < c.episodes; ++e) {
    const int turns = c.min_turns + rng.UniformInt(c.max_turns - c.min_turns + 1);
    const double img_base = rng.Uniform(0.0, 2.0 * c.image_sensitivity_mean);
    std::vector<const MeasuredImage*> images;
    for (int i = 0; i < m && pool_size > 0; ++i) {
      images.push_back(&c.image_pool[pool_rng.UniformInt(pool_size)]);
    }
    json ep;
    ep["id"] = e;
    if (!images.empty()) {
      ep["images"] = json::array();
      for (const MeasuredImage* img : images) ep["images"].push_back(img->name);
    }
    ep["interactions"] = json::array();
    ep["association_score"] = json::array();
    uint32_t prev_upload = 0;
    bool prev_cloud = false;
    for (int t = 0; t < turns; ++t) {
      const int task = rng.UniformInt(static_cast<int>(tasks.size()));
      const TaskModel& tm = tasks[task];
      const double u = rng.Uniform();
      const int level = u < p_public ? 0 : (u < p_public + p_semi ? 1 : 2);
      const double text_score = level == 0   ? rng.Uniform(0.0, 0.15)
                                : level == 1 ? rng.Uniform(0.3, 0.6)
                                             : rng.Uniform(0.7, 1.0);
      json sens = json::array(), assoc = json::array();
      for (int i = 0; i < m; ++i) {
        const double simulated = std::clamp(img_base + 0.1 * rng.Normal(), 0.0, 1.0);
        sens.push_back(Round4(images.empty() ? simulated : images[i]->score));
        assoc.push_back(Round4(0.12 + 0.15 * tm.rel[i] + rng.Uniform(-0.03, 0.03)));
      }
      // Logged action from the behaviour policy.
      const bool cloud = rng.Bernoulli(c.behaviour_cloud_share);
      uint32_t upload = 0;
      if (cloud) upload = space.SubsetMask(1 + rng.UniformInt(1 << m));
      double q;
      bool refused = false;
      if (!cloud) {
        q = tm.q_local;
        refused = rng.Bernoulli(tm.refusal);
      } else {
        q = tm.q_cloud + ImageGain(tm, upload, m);
        if (upload == 0 && prev_cloud) q += 0.5 * ImageGain(tm, prev_upload, m);
      }
      q = std::clamp(q + c.noise * rng.Normal(), 0.0, c.max_score);
      json it;
      it["question"] = c.tasks[task] + " request " + std::to_string(t + 1);
      it["task_cat"] = c.tasks[task];
      it["action"] = cloud ? 1 : 0;
      if (upload == 0) {
        it["image_index"] = nullptr;
      } else {
        json idx = json::array();
        for (int i = 0; i < m; ++i)
          if (upload & (1u << i)) idx.push_back(i);
        it["image_index"] = idx;
      }
      // Refusals keep a plausible judged score: the loader's refusal rule must zero it.
      it["answer"] = refused ? "I'm sorry, but I don't have access to what you are seeing."
                             : "Here is my answer for the " + c.tasks[task] + " request.";
      it["score"] = Round4(q);
      it["text_level"] = level == 0 ? "PUBLIC" : (level == 1 ? "SEMI" : "PRIVATE");
      it["text_score"] = Round4(text_score);
      it["image_sensitivity"] = sens;
      ep["interactions"].push_back(std::move(it));
      ep["association_score"].push_back(std::move(assoc));
      prev_cloud = cloud;
      prev_upload = upload;
    }
    root.push_back(std::move(ep));
  }
  return root.dump(1) + "\n";
}

}  // namespace ptmo::policy
