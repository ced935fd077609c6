#include "policy/profiles.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "util/file.h"

namespace ptmo::policy {
namespace {

using nlohmann::json;

std::string Key(const std::string& name) {
  std::string k;
  for (char c : name) {
    if (c == ' ' || c == '-' || c == '_') continue;
    k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return k;
}

template <typename T>
void Upsert(std::vector<T>& list, T item) {
  for (T& old : list) {
    if (Key(old.name) == Key(item.name)) {
      old = std::move(item);
      return;
    }
  }
  list.push_back(std::move(item));
}

Expected<double> PositiveNumber(const json& obj, const char* field, const std::string& where) {
  if (!obj.contains(field)) return InvalidArgument(where + ": missing field '" + field + "'");
  const json& v = obj[field];
  if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>())) {
    return InvalidArgument(where + ": field '" + field + "' must be a positive number");
  }
  return v.get<double>();
}

Expected<std::vector<double>> NumberArray(const json& obj, const char* field,
                                          const std::string& where) {
  if (!obj.contains(field)) return InvalidArgument(where + ": missing field '" + field + "'");
  const json& v = obj[field];
  if (!v.is_array() || v.empty()) {
    return InvalidArgument(where + ": field '" + field + "' must be a non-empty array");
  }
  std::vector<double> out;
  for (const json& x : v) {
    if (!x.is_number() || x.get<double>() < 0 || !std::isfinite(x.get<double>())) {
      return InvalidArgument(where + ": field '" + field + "' must hold numbers >= 0 (index " +
                             std::to_string(out.size()) + ")");
    }
    out.push_back(x.get<double>());
  }
  return out;
}

}  // namespace

ProfileSet ProfileSet::Defaults() {
  ProfileSet s;
  // TMO (MobiHoc 2025) devices: peak GFLOPS and peak power as published in its code.
  s.devices_ = {
      {"Raspberry Pi 4B", 13.5, 8},
      {"Raspberry Pi 5", 31.4, 12},
      {"Jetson Nano", 472.0, 10},
      {"Jetson TX2", 1.33e3, 15},
      {"Jetson Xavier NX", 21e3, 20},
      {"Jetson Orin NX", 100e3, 25},
      {"Jetson AGX Orin", 275e3, 60},
      {"iPhone 15 Pro", 35e3, 15},
      // Added here from NVIDIA's spec sheet for the 8 GB module (not in TMO).
      {"Jetson Orin Nano", 40e3, 15},
      {"Jetson Orin Nano Super", 67e3, 25},
  };
  const std::vector<double> price = {0.00049, 0.00500, 0.00945, 0.01368};
  s.networks_ = {
      {"Wired", {6.46030, 4.76134, 6.24569, 6.98211}, price},
      {"WiFi", {0.5, 1.898, 2.016, 2.238}, price},
      {"5G", {0.5, 6.037, 6.412, 7.118}, price},
      {"4G", {0.5, 16.603, 17.636, 19.573}, price},
  };
  return s;
}

Status ProfileSet::AddFile(const std::string& path) {
  PTMO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, size_t(16) << 20));
  return AddJson(text, "profiles file '" + path + "'");
}

Status ProfileSet::AddJson(const std::string& text, const std::string& source) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgument(source + ": not valid JSON");
  if (!root.is_object()) return InvalidArgument(source + ": expected a JSON object");
  // Validate everything before changing the set, so a bad file leaves it untouched.
  std::vector<DeviceProfile> devices;
  std::vector<NetworkProfile> networks;
  LocalModelSettings model = local_model_;
  if (root.contains("devices")) {
    if (!root["devices"].is_array())
      return InvalidArgument(source + ": 'devices' must be an array");
    for (size_t i = 0; i < root["devices"].size(); ++i) {
      const json& d = root["devices"][i];
      std::string where = source + ": devices[" + std::to_string(i) + "]";
      if (!d.is_object() || !d.contains("name") || !d["name"].is_string()) {
        return InvalidArgument(where + ": missing field 'name'");
      }
      where += " ('" + d["name"].get<std::string>() + "')";
      PTMO_ASSIGN_OR_RETURN(double g, PositiveNumber(d, "peak_gflops", where));
      PTMO_ASSIGN_OR_RETURN(double w, PositiveNumber(d, "max_power_w", where));
      devices.push_back({d["name"].get<std::string>(), g, w});
    }
  }
  if (root.contains("networks")) {
    if (!root["networks"].is_array()) {
      return InvalidArgument(source + ": 'networks' must be an array");
    }
    for (size_t i = 0; i < root["networks"].size(); ++i) {
      const json& n = root["networks"][i];
      std::string where = source + ": networks[" + std::to_string(i) + "]";
      if (!n.is_object() || !n.contains("name") || !n["name"].is_string()) {
        return InvalidArgument(where + ": missing field 'name'");
      }
      where += " ('" + n["name"].get<std::string>() + "')";
      PTMO_ASSIGN_OR_RETURN(auto lat, NumberArray(n, "latency_s", where));
      PTMO_ASSIGN_OR_RETURN(auto price, NumberArray(n, "price_usd", where));
      if (lat.size() != price.size()) {
        return InvalidArgument(where + ": 'latency_s' has " + std::to_string(lat.size()) +
                               " entries but 'price_usd' has " + std::to_string(price.size()));
      }
      networks.push_back({n["name"].get<std::string>(), std::move(lat), std::move(price)});
    }
  }
  if (root.contains("local_model")) {
    const json& m = root["local_model"];
    const std::string where = source + ": local_model";
    if (!m.is_object()) return InvalidArgument(where + " must be an object");
    if (m.contains("num_parameters")) {
      PTMO_ASSIGN_OR_RETURN(model.num_parameters, PositiveNumber(m, "num_parameters", where));
    }
    if (m.contains("base_length")) {
      PTMO_ASSIGN_OR_RETURN(model.base_length, PositiveNumber(m, "base_length", where));
    }
    if (m.contains("total_length")) {
      PTMO_ASSIGN_OR_RETURN(model.total_length, PositiveNumber(m, "total_length", where));
    }
    if (m.contains("cents_per_kwh")) {
      PTMO_ASSIGN_OR_RETURN(model.cents_per_kwh, PositiveNumber(m, "cents_per_kwh", where));
    }
  }
  for (auto& d : devices) Upsert(devices_, std::move(d));
  for (auto& n : networks) Upsert(networks_, std::move(n));
  local_model_ = model;
  return Status::Ok();
}

namespace {
template <typename T>
Expected<T> Find(const std::vector<T>& list, const std::string& name, const char* what) {
  for (const T& x : list)
    if (Key(x.name) == Key(name)) return x;
  std::string known;
  for (const T& x : list) known += (known.empty() ? "" : ", ") + x.name;
  return NotFound(std::string("unknown ") + what + " '" + name + "' (known: " + known +
                  "; add your own with --profiles FILE)");
}
}  // namespace

Expected<DeviceProfile> ProfileSet::FindDevice(const std::string& name) const {
  return Find(devices_, name, "device");
}
Expected<NetworkProfile> ProfileSet::FindNetwork(const std::string& name) const {
  return Find(networks_, name, "network");
}

std::string ProfileSet::ToJson() const {
  json root;
  root["devices"] = json::array();
  for (const auto& d : devices_) {
    root["devices"].push_back(
        {{"name", d.name}, {"peak_gflops", d.peak_gflops}, {"max_power_w", d.max_power_w}});
  }
  root["networks"] = json::array();
  for (const auto& n : networks_) {
    root["networks"].push_back(
        {{"name", n.name}, {"latency_s", n.latency_s}, {"price_usd", n.price_usd}});
  }
  root["local_model"] = {{"num_parameters", local_model_.num_parameters},
                         {"base_length", local_model_.base_length},
                         {"total_length", local_model_.total_length},
                         {"cents_per_kwh", local_model_.cents_per_kwh}};
  return root.dump(2) + "\n";
}

Expected<CostModel> CostModel::Make(const DeviceProfile& device, const NetworkProfile& network,
                                    const LocalModelSettings& model, int num_modalities) {
  if (!(device.peak_gflops > 0) || !(device.max_power_w > 0)) {
    return InvalidArgument("device '" + device.name +
                           "': peak_gflops and max_power_w must be positive");
  }
  const size_t need = static_cast<size_t>(num_modalities) + 1;
  if (network.latency_s.size() < need || network.price_usd.size() < need) {
    return InvalidArgument(
        "network '" + network.name + "' lists costs for up to " +
        std::to_string(network.latency_s.size() - 1) + " uploaded modalities, but the data has " +
        std::to_string(num_modalities) + "; add a profile with longer latency_s/price_usd arrays");
  }
  CostModel c;
  const double flops_per_token = 2.0 * model.num_parameters / model.base_length;
  const double flops = flops_per_token * model.total_length;
  c.local_latency_s = flops / (device.peak_gflops * 1e9);
  const double joules = device.max_power_w * c.local_latency_s;
  c.local_price_usd = joules * (model.cents_per_kwh / 100.0) / 3.6e6;
  c.cloud_latency_s.assign(network.latency_s.begin(), network.latency_s.begin() + need);
  c.cloud_price_usd.assign(network.price_usd.begin(), network.price_usd.begin() + need);
  return c;
}

}  // namespace ptmo::policy
