// The offloading Policy: one interface for the offline simulator and the live gateway.
//
// Live use (src/offload/): per request the gateway fills a Features (features.h) and calls
// Decide(). The returned action is an index of the policy's ActionSpace (actions.h):
//   0     answer with the local model; nothing leaves the device;
//   >= 1  answer with the cloud model. Action 1 sends text only; 1 + i also uploads the
//         images of modality subset i (ActionSpace::SubsetMask). The gateway applies its own
//         protection to what is sent (it decides hybrid masking itself for SEMI text); the
//         policy's privacy-risk accounting assumes SEMI text is masked (features.h).
// Decide never returns an action needing more images than Features::num_images.
// Drafting policies (DraftsLocally(), i.e. Cascade) expect the gateway to compute a local draft
// first, set Features::local_confidence and call Decide again; with local_confidence < 0 they
// return 0 ("draft locally").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/actions.h"
#include "policy/features.h"
#include "util/status.h"

namespace ptmo::policy {

class Policy {
 public:
  virtual ~Policy() = default;

  // Short stable name ("local", "ppo", ...), used in tables and file names.
  virtual std::string name() const = 0;
  // Version of the policy's behaviour or file format (1 for this release).
  virtual int version() const = 0;
  // The action for `f`. Const and safe for concurrent calls from many threads; allocates
  // nothing for the learned policies (< 50 us per call).
  virtual int Decide(const Features& f) const = 0;
  // True for policies that want a local draft's confidence before deciding (Cascade).
  virtual bool DraftsLocally() const { return false; }
  // Modalities (image slots) the policy's action space covers.
  virtual int num_modalities() const = 0;
  // Task vocabulary the policy's task ids index (empty: the policy ignores tasks).
  virtual const std::vector<std::string>& tasks() const;
};

// Settings shared by the baseline factories.
struct BaselineOptions {
  int num_modalities = 3;
  PrivacyModel privacy;
  // Threshold and Cascade: images with sensitivity below this may be uploaded.
  float image_threshold = 0.3f;
  // Threshold: highest text level sent to the cloud (0 = PUBLIC only).
  int max_cloud_level = 0;
  // Cascade: escalate when the local draft's confidence is below this.
  float confidence_threshold = 0.5f;
  uint64_t seed = 1;  // Random
};

// Always local.
std::unique_ptr<Policy> MakeLocalPolicy(const BaselineOptions& options);
// Always cloud: text only (`with_images` false) or with every available image.
std::unique_ptr<Policy> MakeCloudPolicy(const BaselineOptions& options, bool with_images);
// Uniform over the actions the request's images allow. Thread-safe (an atomic counter mixed
// with the seed); one thread gives a reproducible sequence for a seed.
std::unique_ptr<Policy> MakeRandomPolicy(const BaselineOptions& options);
// By sensitivity level: text at or below max_cloud_level goes to the cloud with the images
// below image_threshold; anything more sensitive stays local. Ignores budgets.
std::unique_ptr<Policy> MakeThresholdPolicy(const BaselineOptions& options);
// FrugalGPT-style cascade: draft locally; escalate when the draft's confidence is below
// confidence_threshold and the privacy rules allow it (text not PRIVATE, the risk fits the
// remaining privacy budget), uploading the images below image_threshold that still fit.
std::unique_ptr<Policy> MakeCascadePolicy(const BaselineOptions& options);

// Loads a trained policy written by SaveLearnedPolicy (learned_policy.h). Errors name the
// file and the problem: kNotFound, kInvalidArgument (not a policy file, unsupported version,
// missing field, sizes that do not fit), kDataLoss (checksum mismatch: corrupt file).
Expected<std::unique_ptr<Policy>> LoadPolicyFile(const std::string& path);

}  // namespace ptmo::policy
