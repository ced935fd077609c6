// What an HTTP front end calls to answer a request: the edge gateway (privacy pipeline) or,
// on a cloud node, a backend served directly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "privacy/analyzer.h"
#include "util/status.h"

namespace ptmo::offload {

struct ServiceRequest {
  std::string request_id;       // unique per request (idempotency key for budget charges)
  std::string user_id;          // the authenticated user
  std::string conversation_id;  // empty: derived from the first messages
  backend::Request request;     // images ride on their messages (backend::Message::images)
};

// What the gateway did with one image of the request (the response's privacy.images[]).
struct ImageReport {
  size_t index = 0;    // the image's position among the request's images, from 0
  std::string param;   // where the request carried it ("messages[0].content[1]")
  std::string level;   // "PUBLIC", "SEMI_SENSITIVE", "PRIVATE"
  std::string action;  // "sent" (as is), "redacted" (the redacted copy was sent), "withheld"
};

// How the request was handled, as reported to the caller in the response's `privacy` object.
struct PrivacyReport {
  std::string level = "PUBLIC";
  double score = 0.0;
  std::string route = "local";
  std::string policy;  // name@version of the policy that decided
  std::vector<std::string> reasons;
  size_t masked_spans = 0;        // spans replaced by pseudonyms in what was sent
  uint64_t bytes_sent = 0;        // request bytes sent off the device (every cloud attempt)
  double privacy_cost = 0.0;      // charged to the budget for this request
  double budget_remaining = 0.0;  // after this request
  std::string cloud_backend;      // empty when nothing left the device
  std::string fallback;           // why the chosen route was not the one used, if so
  // One per image part, in request order.
  std::vector<ImageReport> images;
};

struct ServiceResponse {
  backend::Result result;
  std::optional<PrivacyReport> privacy;  // absent on a cloud node
};

class Service {
 public:
  virtual ~Service() = default;
  // Model ids callers may name; the first is the default.
  virtual std::vector<std::string> models() const = 0;
  // Answers `request`, streaming deltas through `on_delta` when it is non-empty.
  // Thread-safe. Errors are the backends' (see backend.h) or kInvalidArgument for bad input.
  virtual Expected<ServiceResponse> Handle(const ServiceRequest& request,
                                           const backend::DeltaCallback& on_delta,
                                           const backend::CancelToken* cancel) = 0;
  // The privacy guard's view of `text` (POST /v1/privacy/scan); null when this service has
  // no analyzer.
  virtual const privacy::Analyzer* analyzer() const = 0;
};

// A cloud node: serves `backend` as is, no analysis and no privacy object.
std::unique_ptr<Service> MakeDirectService(std::shared_ptr<backend::Backend> backend,
                                           std::shared_ptr<const privacy::Analyzer> analyzer);

}  // namespace ptmo::offload
