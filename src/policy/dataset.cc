#include "policy/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "util/file.h"

namespace ptmo::policy {
namespace {

using nlohmann::json;

bool IsNumber(const json& v) {
  return v.is_number() && std::isfinite(v.get<double>());
}

Expected<int> ParseLevel(const json& v, const std::string& where) {
  if (v.is_number_integer()) {
    const int l = v.get<int>();
    if (l >= 0 && l <= 2) return l;
  } else if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "PUBLIC") return 0;
    if (s == "SEMI") return 1;
    if (s == "PRIVATE") return 2;
  }
  return InvalidArgument(where +
                         ": field 'text_level' must be 0, 1, 2, \"PUBLIC\", \"SEMI\" or "
                         "\"PRIVATE\"");
}

}  // namespace

bool IsRefusal(std::string_view answer) {
  for (std::string_view marker : {"sorry", "I don't have", "can't"}) {
    if (answer.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

Expected<Dataset> ParseDataset(const std::string& text, const std::string& source,
                               const DatasetOptions& options) {
  const std::string src = "dataset '" + source + "'";
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument(src + ": not valid JSON");
  if (!root.is_array()) return InvalidArgument(src + ": expected a JSON array of episodes");
  if (root.empty()) return InvalidArgument(src + ": holds no episodes");

  Dataset ds;
  ds.num_modalities = options.num_modalities;
  if (ds.num_modalities == 0) {
    const json& e0 = root[0];
    if (e0.is_object() && e0.contains("association_score") && e0["association_score"].is_array() &&
        !e0["association_score"].empty() && e0["association_score"][0].is_array()) {
      ds.num_modalities = static_cast<int>(e0["association_score"][0].size());
    }
  }
  if (ds.num_modalities < 1 || ds.num_modalities > 6) {
    return InvalidArgument(src +
                           ": episode 0: field 'association_score' must be a table with 1 "
                           "to 6 columns (one per modality)");
  }
  const int m = ds.num_modalities;

  // Task vocabulary: fixed, or every task in the file sorted.
  std::map<std::string, int> task_index;
  const bool fixed_vocab = !options.tasks.empty();
  if (fixed_vocab) {
    ds.tasks = options.tasks;
  } else {
    std::set<std::string> seen;
    for (const json& e : root) {
      if (!e.is_object() || !e.contains("interactions") || !e["interactions"].is_array()) continue;
      for (const json& it : e["interactions"]) {
        if (it.is_object() && it.contains("task_cat") && it["task_cat"].is_string()) {
          seen.insert(it["task_cat"].get<std::string>());
        }
      }
    }
    ds.tasks.assign(seen.begin(), seen.end());
  }
  for (size_t i = 0; i < ds.tasks.size(); ++i) task_index[ds.tasks[i]] = static_cast<int>(i);

  for (size_t ei = 0; ei < root.size(); ++ei) {
    const json& e = root[ei];
    Episode ep;
    ep.id = static_cast<int>(ei);
    if (e.is_object() && e.contains("id") && e["id"].is_number_integer())
      ep.id = e["id"].get<int>();
    const std::string ew =
        src + ": episode " + std::to_string(ei) + " (id " + std::to_string(ep.id) + ")";
    if (!e.is_object()) return InvalidArgument(ew + ": expected an object");
    if (!e.contains("interactions")) return InvalidArgument(ew + ": missing field 'interactions'");
    if (!e["interactions"].is_array() || e["interactions"].empty()) {
      return InvalidArgument(ew + ": field 'interactions' must be a non-empty array");
    }
    if (!e.contains("association_score")) {
      return InvalidArgument(ew + ": missing field 'association_score'");
    }
    const json& items = e["interactions"];
    const json& table = e["association_score"];
    if (!table.is_array() || table.size() != items.size()) {
      return InvalidArgument(ew +
                             ": field 'association_score' must have one row per interaction (" +
                             std::to_string(items.size()) + "), has " +
                             (table.is_array() ? std::to_string(table.size()) : "no rows"));
    }
    for (size_t ti = 0; ti < items.size(); ++ti) {
      const json& row = table[ti];
      if (!row.is_array() || row.size() != static_cast<size_t>(m)) {
        return InvalidArgument(ew + ": field 'association_score' row " + std::to_string(ti) +
                               " must have " + std::to_string(m) + " values (one per modality)");
      }
      std::vector<float> r;
      for (const json& v : row) {
        if (!IsNumber(v)) {
          return InvalidArgument(ew + ": field 'association_score' row " + std::to_string(ti) +
                                 " holds a non-number");
        }
        r.push_back(v.get<float>());
      }
      ep.association.push_back(std::move(r));
    }
    for (size_t ti = 0; ti < items.size(); ++ti) {
      const json& it = items[ti];
      const std::string w = ew + ", interaction " + std::to_string(ti);
      if (!it.is_object()) return InvalidArgument(w + ": expected an object");
      for (const char* f : {"task_cat", "action", "image_index", "answer", "score"}) {
        if (!it.contains(f)) return InvalidArgument(w + ": missing field '" + f + "'");
      }
      Interaction in;
      if (!it["task_cat"].is_string())
        return InvalidArgument(w + ": field 'task_cat' must be a string");
      const std::string task = it["task_cat"].get<std::string>();
      auto found = task_index.find(task);
      if (found == task_index.end()) {
        std::string known;
        for (const auto& t : ds.tasks) known += (known.empty() ? "" : ", ") + t;
        return InvalidArgument(w + ": field 'task_cat': unknown task '" + task +
                               "' (known: " + known + ")");
      }
      in.task_id = found->second;
      if (!it["action"].is_number_integer() || it["action"].get<int>() < 0 ||
          it["action"].get<int>() > 1) {
        return InvalidArgument(w + ": field 'action' must be 0 (local) or 1 (cloud)");
      }
      in.action = it["action"].get<int>();
      const json& img = it["image_index"];
      if (!img.is_null()) {
        if (!img.is_array())
          return InvalidArgument(w + ": field 'image_index' must be null or an array");
        for (const json& v : img) {
          if (!v.is_number_integer() || v.get<int>() < 0 || v.get<int>() >= m) {
            return InvalidArgument(w + ": field 'image_index' holds an index outside 0.." +
                                   std::to_string(m - 1));
          }
          if (in.action == 1) in.uploaded |= 1u << v.get<int>();
        }
      }
      if (!it["answer"].is_string())
        return InvalidArgument(w + ": field 'answer' must be a string");
      if (!IsNumber(it["score"])) return InvalidArgument(w + ": field 'score' must be a number");
      in.refusal = IsRefusal(it["answer"].get<std::string>());
      in.score = in.refusal ? 0.f : it["score"].get<float>();
      if (it.contains("text_level")) {
        PTMO_ASSIGN_OR_RETURN(in.text_level, ParseLevel(it["text_level"], w));
      }
      if (it.contains("text_score")) {
        const json& v = it["text_score"];
        if (!IsNumber(v) || v.get<double>() < 0 || v.get<double>() > 1) {
          return InvalidArgument(w + ": field 'text_score' must be a number in [0,1]");
        }
        in.text_score = v.get<float>();
      }
      in.image_sensitivity.assign(m, options.default_image_sensitivity);
      if (it.contains("image_sensitivity")) {
        const json& v = it["image_sensitivity"];
        if (!v.is_array() || v.size() != static_cast<size_t>(m)) {
          return InvalidArgument(w + ": field 'image_sensitivity' must have " + std::to_string(m) +
                                 " values (one per modality)");
        }
        for (int i = 0; i < m; ++i) {
          if (!IsNumber(v[i]) || v[i].get<double>() < 0 || v[i].get<double>() > 1) {
            return InvalidArgument(w + ": field 'image_sensitivity' values must be in [0,1]");
          }
          in.image_sensitivity[i] = v[i].get<float>();
        }
      }
      ep.turns.push_back(std::move(in));
    }
    ds.episodes.push_back(std::move(ep));
  }
  return ds;
}

Expected<Dataset> LoadDataset(const std::string& path, const DatasetOptions& options) {
  PTMO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, size_t(1) << 30));
  return ParseDataset(text, path, options);
}

}  // namespace ptmo::policy
