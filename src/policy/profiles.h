// Device and network profiles, and the cost model built from them.
//
// Local inference (TMO's analytic model): an LLM with P parameters spends 2P / L_base FLOPs per
// token over L_total tokens, so one local answer takes
//     time   = (2 P / L_base) * L_total / (peak_gflops * 1e9)      seconds
//     energy = max_power_w * time                                  joules
//     price  = energy * cents_per_kwh / 100 / 3.6e6                dollars
// A cloud answer that uploads k modalities takes network.latency_s[k] seconds and costs
// network.price_usd[k] dollars (index 0 = text only).
//
// The defaults are TMO's published profiles (liangqiyuan/TMO, tmo/devices.py) plus
// "Jetson Orin Nano" (8 GB module, NVIDIA spec sheet: 40 INT8 TOPS, 15 W) and
// "Jetson Orin Nano Super" (67 TOPS, 25 W); data/policy/profiles.json holds the same numbers,
// and users add or override entries with their own file of that format.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace ptmo::policy {

struct DeviceProfile {
  std::string name;
  double peak_gflops = 0;  // peak compute, GFLOPS (TMO counts INT8 TOPS as 1000 GFLOPS)
  double max_power_w = 0;  // peak power draw, watts
};

struct NetworkProfile {
  std::string name;
  std::vector<double> latency_s;  // [k] = seconds for a cloud call uploading k modalities
  std::vector<double> price_usd;  // [k] = dollars for that call
};

// The model run locally, and the electricity price (TMO's defaults: a 3.8B model).
struct LocalModelSettings {
  double num_parameters = 3.8e9;
  double base_length = 1024;
  double total_length = 2048;
  double cents_per_kwh = 16.68;
};

class ProfileSet {
 public:
  // TMO's devices and networks plus the Jetson Orin Nano entries (see above).
  static ProfileSet Defaults();

  // Adds the devices and networks of the JSON file at `path`, replacing entries of the same
  // name. Format: {"devices": [{"name", "peak_gflops", "max_power_w"}],
  //                "networks": [{"name", "latency_s": [..], "price_usd": [..]}],
  //                "local_model": {"num_parameters", "base_length", "total_length",
  //                                "cents_per_kwh"}}  (every key optional)
  // Errors name the file, the entry and the field (kInvalidArgument), or kNotFound.
  Status AddFile(const std::string& path);
  // The same from JSON text; `source` names it in errors.
  Status AddJson(const std::string& text, const std::string& source);

  // Looks a name up ignoring case, spaces, '-' and '_' ("jetson orin nano" finds
  // "Jetson Orin Nano"). kNotFound lists the known names.
  Expected<DeviceProfile> FindDevice(const std::string& name) const;
  Expected<NetworkProfile> FindNetwork(const std::string& name) const;

  const std::vector<DeviceProfile>& devices() const { return devices_; }
  const std::vector<NetworkProfile>& networks() const { return networks_; }
  const LocalModelSettings& local_model() const { return local_model_; }

  // The set as JSON in the AddFile format (what data/policy/profiles.json holds).
  std::string ToJson() const;

 private:
  std::vector<DeviceProfile> devices_;
  std::vector<NetworkProfile> networks_;
  LocalModelSettings local_model_;
};

// Latency and price of each action for one device, network and number of modalities.
struct CostModel {
  double local_latency_s = 0;
  double local_price_usd = 0;
  std::vector<double> cloud_latency_s;  // [k] for k uploaded modalities, k = 0..M
  std::vector<double> cloud_price_usd;

  // Uses the first M+1 entries of the network arrays; kInvalidArgument when the network has
  // fewer (naming the network, M and the lengths) or when a profile number is not positive.
  static Expected<CostModel> Make(const DeviceProfile& device, const NetworkProfile& network,
                                  const LocalModelSettings& model, int num_modalities);

  // Seconds / dollars of an action uploading `uploaded` modalities (local when !cloud).
  double Latency(bool cloud, int uploaded) const {
    return cloud ? cloud_latency_s[uploaded] : local_latency_s;
  }
  double Price(bool cloud, int uploaded) const {
    return cloud ? cloud_price_usd[uploaded] : local_price_usd;
  }
};

}  // namespace ptmo::policy
