// JSON form of an ImageAnalysis, for `ptmo scan-image --format json` and audit records.
#pragma once

#include <nlohmann/json.hpp>

#include "privacy/vision/image_types.h"

namespace ptmo::privacy::vision {

// {"format","width","height","level","score","reasons","modalities":[...],"faces":[...],
//  "pii":[{"type","text","boxes","score","recognizer","source"}],"documents":[...],
//  "codes":[...],"metadata":[...],"ocr_text","notes","elapsed_ms"}. Boxes are [x,y,w,h].
// With `include_text` false, recognised text, PII values and code payloads are left out (for
// logs that must not hold user data in clear).
nlohmann::json ImageAnalysisToJson(const ImageAnalysis& a, bool include_text = true);

}  // namespace ptmo::privacy::vision
