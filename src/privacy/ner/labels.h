// BIO tags of the NER tagger: O, and Begin/Inside for PERSON, LOCATION and ORGANIZATION.
#pragma once

#include <cstdint>
#include <string_view>

#include "privacy/core/entity.h"

namespace ptmo::privacy::ner {

enum Tag : uint8_t {
  kTagO = 0,
  kTagBPer = 1,
  kTagIPer = 2,
  kTagBLoc = 3,
  kTagILoc = 4,
  kTagBOrg = 5,
  kTagIOrg = 6,
};
inline constexpr int kNumTags = 7;
// Weights are stored kTagStride per feature bucket (one padding lane) so a bucket is 8 lanes.
inline constexpr int kTagStride = 8;
// The row of the transition table used for the first token ("previous tag = start").
inline constexpr int kStartRow = kNumTags;

// The three entity types the tagger knows, in tag order.
inline constexpr EntityType kNerTypes[3] = {EntityType::kPerson, EntityType::kLocation,
                                            EntityType::kOrganization};

inline bool IsBegin(int tag) {
  return tag != kTagO && (tag % 2) == 1;
}
inline bool IsInside(int tag) {
  return tag != kTagO && (tag % 2) == 0;
}
// 0 for PERSON, 1 for LOCATION, 2 for ORGANIZATION; -1 for O.
inline int TagClass(int tag) {
  return tag == kTagO ? -1 : (tag - 1) / 2;
}
inline int BeginTag(int cls) {
  return 1 + 2 * cls;
}
inline int InsideTag(int cls) {
  return 2 + 2 * cls;
}
inline EntityType ClassType(int cls) {
  return kNerTypes[cls];
}
// 0..2 for the three NER types, -1 for any other type.
inline int TypeClass(EntityType type) {
  for (int c = 0; c < 3; ++c) {
    if (kNerTypes[c] == type) return c;
  }
  return -1;
}

// An Inside tag may only follow a Begin or Inside tag of the same class; `prev` is kStartRow
// for the first token.
inline bool AllowedTransition(int prev, int next) {
  if (!IsInside(next)) return true;
  if (prev == kStartRow || prev == kTagO) return false;
  return TagClass(prev) == TagClass(next);
}

// "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"; "?" for anything else.
inline std::string_view TagName(int tag) {
  constexpr std::string_view kNames[kNumTags] = {"O",     "B-PER", "I-PER", "B-LOC",
                                                 "I-LOC", "B-ORG", "I-ORG"};
  return tag >= 0 && tag < kNumTags ? kNames[tag] : "?";
}

}  // namespace ptmo::privacy::ner
