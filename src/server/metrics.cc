#include "server/metrics.h"

#include <sstream>

namespace ptmo::server {

void Metrics::ObserveRequest(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::ObserveRoute(const std::string& route, uint64_t masked_spans, uint64_t bytes_sent) {
  std::lock_guard lock(mu_);
  ++routes_[route];
  masked_spans_ += masked_spans;
  bytes_sent_ += bytes_sent;
}

void Metrics::ObserveImage(const std::string& action) {
  std::lock_guard lock(mu_);
  ++images_[action];
}

void Metrics::AddInflight(int delta) {
  std::lock_guard lock(mu_);
  inflight_ += delta;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::ostringstream out;
  out << "# HELP ptmo_http_requests_total HTTP requests by endpoint and status code.\n"
      << "# TYPE ptmo_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "ptmo_http_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second
        << "\"} " << n << "\n";
  }
  out << "# HELP ptmo_http_request_duration_seconds Wall time per HTTP request.\n"
      << "# TYPE ptmo_http_request_duration_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out << "ptmo_http_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\""
          << kBuckets[i] << "\"} " << h.counts[i] << "\n";
    }
    out << "ptmo_http_request_duration_seconds_bucket{endpoint=\"" << endpoint << "\",le=\"+Inf\"} "
        << h.count << "\n"
        << "ptmo_http_request_duration_seconds_sum{endpoint=\"" << endpoint << "\"} " << h.sum
        << "\n"
        << "ptmo_http_request_duration_seconds_count{endpoint=\"" << endpoint << "\"} " << h.count
        << "\n";
  }
  out << "# HELP ptmo_route_total Answered requests by route.\n"
      << "# TYPE ptmo_route_total counter\n";
  for (const auto& [route, n] : routes_) {
    out << "ptmo_route_total{route=\"" << route << "\"} " << n << "\n";
  }
  out << "# HELP ptmo_images_total Image parts of answered requests by action.\n"
      << "# TYPE ptmo_images_total counter\n";
  for (const char* action : {"sent", "redacted", "withheld"}) {
    auto it = images_.find(action);
    out << "ptmo_images_total{action=\"" << action << "\"} "
        << (it == images_.end() ? 0 : it->second) << "\n";
  }
  out << "# HELP ptmo_masked_spans_total Sensitive spans replaced by pseudonyms before upload.\n"
      << "# TYPE ptmo_masked_spans_total counter\n"
      << "ptmo_masked_spans_total " << masked_spans_ << "\n"
      << "# HELP ptmo_cloud_bytes_sent_total Request bytes sent off the device.\n"
      << "# TYPE ptmo_cloud_bytes_sent_total counter\n"
      << "ptmo_cloud_bytes_sent_total " << bytes_sent_ << "\n"
      << "# HELP ptmo_inflight_requests Requests being answered now.\n"
      << "# TYPE ptmo_inflight_requests gauge\n"
      << "ptmo_inflight_requests " << inflight_ << "\n";
  return out.str();
}

}  // namespace ptmo::server
