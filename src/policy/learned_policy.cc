#include "policy/learned_policy.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "util/file.h"

namespace ptmo::policy {

using nlohmann::json;

LearnedPolicy::LearnedPolicy(std::string name, std::string algorithm, ObsSpec spec,
                             std::vector<std::string> tasks, Mlp net, bool guard)
    : name_(std::move(name)),
      algorithm_(std::move(algorithm)),
      spec_(spec),
      tasks_(std::move(tasks)),
      net_(std::move(net)),
      guard_(guard),
      space_(spec.num_modalities) {}

int LearnedPolicy::Decide(const Features& f) const {
  float obs[kMaxLayerWidth];
  float out[kMaxActions];
  EncodeObservation(f, spec_, space_, obs);
  net_.ForwardOne(obs, out);
  int best = 0;  // local is always allowed
  for (int a = 1; a < space_.num_actions(); ++a) {
    if (out[a] > out[best] && ActionAllowed(f, a, space_, spec_.privacy, guard_)) best = a;
  }
  return best;
}

uint64_t ParamsChecksum(const Eigen::VectorXf& params) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (Eigen::Index i = 0; i < params.size(); ++i) {
    uint32_t bits;
    const float v = params[i];
    std::memcpy(&bits, &v, 4);
    for (int b = 0; b < 4; ++b) {
      h ^= (bits >> (8 * b)) & 0xffu;
      h *= 0x100000001b3ULL;
    }
  }
  return h;
}

namespace {
std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

Status SaveLearnedPolicy(const LearnedPolicy& p, const std::string& path) {
  json j;
  j["format"] = "ptmo-policy";
  j["version"] = kPolicyFileVersion;
  j["name"] = p.name();
  j["algorithm"] = p.algorithm();
  j["guard"] = p.guard();
  j["obs"] = {{"modalities", p.spec().num_modalities},
              {"tasks", p.spec().num_tasks},
              {"history", p.spec().history},
              {"mask_efficacy", p.spec().privacy.mask_efficacy}};
  j["task_names"] = p.tasks();
  j["layers"] = p.net().sizes();
  std::vector<float> params(p.net().params().data(),
                            p.net().params().data() + p.net().params().size());
  j["params"] = params;
  j["params_fnv1a"] = Hex(ParamsChecksum(p.net().params()));
  j["training"] = p.training_info();
  return WriteFileAtomic(path, j.dump() + "\n", 0644);
}

Expected<std::unique_ptr<LearnedPolicy>> ParseLearnedPolicy(const std::string& text,
                                                            const std::string& source) {
  const std::string src = "policy file '" + source + "'";
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument(src + ": not a policy file (not a JSON object; truncated?)");
  }
  if (!j.contains("format") || j["format"] != "ptmo-policy") {
    return InvalidArgument(src + ": not a policy file (field 'format' is not \"ptmo-policy\")");
  }
  if (!j.contains("version") || !j["version"].is_number_integer()) {
    return InvalidArgument(src + ": missing field 'version'");
  }
  if (j["version"].get<int>() != kPolicyFileVersion) {
    return InvalidArgument(src + ": format version " + std::to_string(j["version"].get<int>()) +
                           " is not supported (this build reads version " +
                           std::to_string(kPolicyFileVersion) + ")");
  }
  for (const char* f :
       {"name", "algorithm", "guard", "obs", "task_names", "layers", "params", "params_fnv1a"}) {
    if (!j.contains(f)) return InvalidArgument(src + ": missing field '" + f + "'");
  }
  ObsSpec spec;
  const json& o = j["obs"];
  auto int_field = [&](const char* f, int lo, int hi, int* out) -> Status {
    if (!o.is_object() || !o.contains(f) || !o[f].is_number_integer() || o[f].get<int>() < lo ||
        o[f].get<int>() > hi) {
      return InvalidArgument(src + ": field 'obs." + std::string(f) + "' must be an integer in [" +
                             std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    *out = o[f].get<int>();
    return Status::Ok();
  };
  PTMO_RETURN_IF_ERROR(int_field("modalities", 0, kMaxModalities, &spec.num_modalities));
  PTMO_RETURN_IF_ERROR(int_field("tasks", 1, 256, &spec.num_tasks));
  PTMO_RETURN_IF_ERROR(int_field("history", 1, kMaxHistory, &spec.history));
  if (!o.contains("mask_efficacy") || !o["mask_efficacy"].is_number()) {
    return InvalidArgument(src + ": missing field 'obs.mask_efficacy'");
  }
  spec.privacy.mask_efficacy = o["mask_efficacy"].get<float>();
  if (!j["task_names"].is_array() ||
      j["task_names"].size() != static_cast<size_t>(spec.num_tasks)) {
    return InvalidArgument(src + ": field 'task_names' must list obs.tasks names");
  }
  std::vector<std::string> tasks;
  for (const json& t : j["task_names"]) {
    if (!t.is_string()) return InvalidArgument(src + ": field 'task_names' holds a non-string");
    tasks.push_back(t.get<std::string>());
  }
  std::vector<int> layers;
  if (!j["layers"].is_array() || j["layers"].size() < 2) {
    return InvalidArgument(src + ": field 'layers' must list at least input and output sizes");
  }
  for (const json& l : j["layers"]) {
    if (!l.is_number_integer() || l.get<int>() < 1 || l.get<int>() > kMaxLayerWidth) {
      return InvalidArgument(src + ": field 'layers' holds a size outside [1, " +
                             std::to_string(kMaxLayerWidth) + "]");
    }
    layers.push_back(l.get<int>());
  }
  const int actions = ActionSpace(spec.num_modalities).num_actions();
  if (layers.front() != spec.size() || layers.back() != actions) {
    return InvalidArgument(src + ": network maps " + std::to_string(layers.front()) + " -> " +
                           std::to_string(layers.back()) + " but the observation has " +
                           std::to_string(spec.size()) + " values and there are " +
                           std::to_string(actions) + " actions");
  }
  const json& pj = j["params"];
  const size_t need = Mlp::NumParams(layers);
  if (!pj.is_array() || pj.size() != need) {
    return InvalidArgument(src + ": field 'params' has " +
                           (pj.is_array() ? std::to_string(pj.size()) : "no") + " values, the " +
                           "layers need " + std::to_string(need));
  }
  Eigen::VectorXf params(static_cast<Eigen::Index>(need));
  for (size_t i = 0; i < need; ++i) {
    if (!pj[i].is_number() || !std::isfinite(pj[i].get<double>())) {
      return DataLoss(src + ": corrupt: parameter " + std::to_string(i) +
                      " is not a finite number");
    }
    params[static_cast<Eigen::Index>(i)] = pj[i].get<float>();
  }
  if (!j["params_fnv1a"].is_string() ||
      j["params_fnv1a"].get<std::string>() != Hex(ParamsChecksum(params))) {
    return DataLoss(src + ": corrupt: parameter checksum does not match 'params_fnv1a'");
  }
  if (!j["name"].is_string() || !j["algorithm"].is_string() || !j["guard"].is_boolean()) {
    return InvalidArgument(src + ": fields 'name', 'algorithm' must be strings, 'guard' a boolean");
  }
  auto p = std::make_unique<LearnedPolicy>(
      j["name"].get<std::string>(), j["algorithm"].get<std::string>(), spec, std::move(tasks),
      Mlp(layers, std::move(params)), j["guard"].get<bool>());
  if (j.contains("training")) p->training_info() = j["training"];
  return p;
}

Expected<std::unique_ptr<LearnedPolicy>> LoadLearnedPolicy(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, size_t(256) << 20));
  return ParseLearnedPolicy(text, path);
}

Expected<std::unique_ptr<Policy>> LoadPolicyFile(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(std::unique_ptr<LearnedPolicy> p, LoadLearnedPolicy(path));
  return std::unique_ptr<Policy>(std::move(p));
}

}  // namespace ptmo::policy
