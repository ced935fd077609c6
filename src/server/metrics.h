// Counters and latency histograms for GET /metrics, in Prometheus' text exposition format.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ptmo::server {

class Metrics {
 public:
  // One finished HTTP request: endpoint path, status code and wall time.
  void ObserveRequest(const std::string& endpoint, int status, double seconds);
  // One answered request per route ("local", "cloud", "hybrid", "direct") and how many spans
  // were masked and bytes sent off the device for it.
  void ObserveRoute(const std::string& route, uint64_t masked_spans, uint64_t bytes_sent);
  void AddInflight(int delta);
  // One image part of an answered request by what happened to it: "sent", "redacted" or
  // "withheld" (ptmo_images_total{action}).
  void ObserveImage(const std::string& action);

  // The whole exposition text. Thread-safe, as are the Observe calls.
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, uint64_t> routes_;
  std::map<std::string, uint64_t> images_;
  uint64_t masked_spans_ = 0;
  uint64_t bytes_sent_ = 0;
  int64_t inflight_ = 0;
};

}  // namespace ptmo::server
