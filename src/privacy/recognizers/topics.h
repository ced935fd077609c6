// Whole-text sensitive topic signals: the GDPR Art. 9 special categories (health, religion,
// sexual orientation, political opinion, ethnicity, ...) plus finance and legal trouble,
// in English and Korean.
#pragma once

#include <string_view>
#include <vector>

#include "privacy/core/entity.h"

namespace ptmo::privacy {

class TopicDetector {
 public:
  TopicDetector();
  ~TopicDetector();
  TopicDetector(const TopicDetector&) = delete;
  TopicDetector& operator=(const TopicDetector&) = delete;
  // Topics present in `text` (valid UTF-8), each with a score in [0,1] and the evidence
  // phrases. Thread-safe; linear time.
  std::vector<TopicHit> Detect(std::string_view text) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace ptmo::privacy
