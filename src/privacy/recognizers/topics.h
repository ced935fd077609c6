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
  // phrases. The score is how likely the text discloses the topic about an identifiable
  // person (the user, a relative, a named or described person): below 0.3 for a general
  // question or mention ("What are the symptoms of diabetes?"), 0.4 to 0.6 for a personal
  // anchor with only weak terms ("my doctor"), 0.9 or more for a personal anchor with a
  // medium or strong term ("I was diagnosed with diabetes", "남편이 암 투병 중이라").
  // topics.cc documents the lexicons, anchors and formula. Sorted by descending score.
  // Thread-safe; linear time.
  std::vector<TopicHit> Detect(std::string_view text) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace ptmo::privacy
