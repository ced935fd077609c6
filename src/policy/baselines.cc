// The non-learned policies: Local, Cloud (text only / all images), Random, Threshold, Cascade.
#include <algorithm>
#include <atomic>

#include "policy/policy.h"

namespace ptmo::policy {

const std::vector<std::string>& Policy::tasks() const {
  static const std::vector<std::string> kNone;
  return kNone;
}

namespace {

class BaselinePolicy : public Policy {
 public:
  explicit BaselinePolicy(const BaselineOptions& o) : options_(o), space_(o.num_modalities) {}
  int version() const override { return 1; }
  int num_modalities() const override { return space_.num_modalities(); }

 protected:
  // Cloud action uploading the available images whose sensitivity is below the threshold;
  // with `budget`, drops the most sensitive ones until the risk fits the remaining budget.
  // Returns -1 when even text only does not fit.
  int CloudWithSafeImages(const Features& f, bool budget) const {
    const int n = std::min({f.num_images, kMaxImages, space_.num_modalities()});
    uint32_t mask = 0;
    for (int i = 0; i < n; ++i)
      if (f.image_sensitivity[i] < options_.image_threshold) mask |= 1u << i;
    for (;;) {
      const int a = space_.CloudActionFor(mask);
      if (!budget || ActionAllowed(f, a, space_, options_.privacy, true)) return a;
      if (mask == 0) return -1;
      int worst = -1;
      for (int i = 0; i < n; ++i) {
        if ((mask & (1u << i)) &&
            (worst < 0 || f.image_sensitivity[i] > f.image_sensitivity[worst]))
          worst = i;
      }
      mask &= ~(1u << worst);
    }
  }

  BaselineOptions options_;
  ActionSpace space_;
};

class LocalPolicy : public BaselinePolicy {
 public:
  using BaselinePolicy::BaselinePolicy;
  std::string name() const override { return "local"; }
  int Decide(const Features&) const override { return 0; }
};

class CloudPolicy : public BaselinePolicy {
 public:
  CloudPolicy(const BaselineOptions& o, bool with_images)
      : BaselinePolicy(o), with_images_(with_images) {}
  std::string name() const override { return with_images_ ? "cloud-all" : "cloud-text"; }
  int Decide(const Features& f) const override {
    if (!with_images_) return 1;
    const int n = std::min({f.num_images, kMaxImages, space_.num_modalities()});
    return space_.CloudActionFor(n <= 0 ? 0u : (1u << n) - 1u);
  }

 private:
  bool with_images_;
};

class RandomPolicy : public BaselinePolicy {
 public:
  using BaselinePolicy::BaselinePolicy;
  std::string name() const override { return "random"; }
  int Decide(const Features& f) const override {
    uint64_t x = options_.seed * 0x9E3779B97F4A7C15ULL + counter_.fetch_add(1) + 1;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    int allowed[kMaxActions];
    int n = 0;
    for (int a = 0; a < space_.num_actions(); ++a)
      if (ActionAllowed(f, a, space_, options_.privacy, false)) allowed[n++] = a;
    return allowed[x % static_cast<uint64_t>(n)];
  }

 private:
  mutable std::atomic<uint64_t> counter_{0};
};

class ThresholdPolicy : public BaselinePolicy {
 public:
  using BaselinePolicy::BaselinePolicy;
  std::string name() const override { return "threshold"; }
  int Decide(const Features& f) const override {
    if (f.text_level > options_.max_cloud_level) return 0;
    return CloudWithSafeImages(f, /*budget=*/false);
  }
};

class CascadePolicy : public BaselinePolicy {
 public:
  using BaselinePolicy::BaselinePolicy;
  std::string name() const override { return "cascade"; }
  bool DraftsLocally() const override { return true; }
  int Decide(const Features& f) const override {
    if (f.local_confidence < 0 || f.local_confidence >= options_.confidence_threshold) return 0;
    if (f.text_level >= 2) return 0;  // PRIVATE text never leaves the device
    const int a = CloudWithSafeImages(f, /*budget=*/true);
    return a < 0 ? 0 : a;
  }
};

}  // namespace

std::unique_ptr<Policy> MakeLocalPolicy(const BaselineOptions& o) {
  return std::make_unique<LocalPolicy>(o);
}
std::unique_ptr<Policy> MakeCloudPolicy(const BaselineOptions& o, bool with_images) {
  return std::make_unique<CloudPolicy>(o, with_images);
}
std::unique_ptr<Policy> MakeRandomPolicy(const BaselineOptions& o) {
  return std::make_unique<RandomPolicy>(o);
}
std::unique_ptr<Policy> MakeThresholdPolicy(const BaselineOptions& o) {
  return std::make_unique<ThresholdPolicy>(o);
}
std::unique_ptr<Policy> MakeCascadePolicy(const BaselineOptions& o) {
  return std::make_unique<CascadePolicy>(o);
}

}  // namespace ptmo::policy
