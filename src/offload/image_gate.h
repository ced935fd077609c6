// The gateway's image stage: what happens to each image_url content part of a chat request.
//
//   check     only base64 `data:image/png|jpeg|webp` URLs are accepted (a remote URL is refused,
//             never fetched), each at most `max_image_bytes` decoded bytes; the image must
//             decode (truncated, corrupt or unsupported files are refused)
//   analyse   the image privacy guard (privacy/vision) measures faces, text PII, documents,
//             codes and metadata: a level, a score and per-modality risks
//   decide    PUBLIC                                   -> sent as is
//             SEMI_SENSITIVE, every risk redactable    -> only the redacted copy is sent
//                                                         (faces blurred, PII text boxed,
//                                                         metadata dropped, re-encoded)
//             PRIVATE, or a risk redaction cannot fix  -> withheld: never leaves the device
//             (a redaction that fails also withholds: fail closed)
//
// Errors in the first two steps refuse the whole request (kInvalidArgument "Invalid
// 'messages[i].content[j]': ...", an HTTP 400 naming the part) before anything is sent.
//
//   ImageGate gate(image_analyzer, options);
//   PTMO_ASSIGN_OR_RETURN(std::vector<ImageVerdict> verdicts, gate.Inspect(request));
//   backend::Request outbound = request;
//   ApplyImageVerdicts(verdicts, &outbound);  // redacted copies in, withheld images out
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "privacy/core/entity.h"
#include "privacy/vision/image_analyzer.h"
#include "util/status.h"

namespace ptmo::offload {

enum class ImageAction { kSent, kRedacted, kWithheld };
std::string_view ImageActionName(ImageAction action);  // "sent", "redacted", "withheld"

struct ImageGateOptions {
  // Largest decoded image accepted, in bytes ([gateway] max_image_bytes).
  size_t max_image_bytes = size_t(8) << 20;
  privacy::vision::ImageOptions analysis;
  privacy::vision::RedactOptions redact;
  // Fraction of an image's risk still charged to the privacy budget when only its redacted
  // copy is sent (redaction covers what the guard found; the guard can miss things).
  double redacted_residual = 0.1;
};

// The decision for one image of a request.
struct ImageVerdict {
  size_t index = 0;    // position among the request's images, from 0
  size_t message = 0;  // index of the message carrying it
  std::string param;   // "messages[1].content[2]"
  privacy::Level level = privacy::Level::kPublic;
  double score = 0.0;  // the image guard's score in [0, 1]
  ImageAction action = ImageAction::kWithheld;
  std::vector<std::string> reasons;  // the guard's reasons, then why this action
  // What would be uploaded (empty when withheld): the original bytes or the redacted copy,
  // its data: URL, and the lowercase hex SHA-256 of the bytes.
  std::string bytes;
  std::string data_url;
  std::string sha256;
  // What redaction covered (zero unless kRedacted).
  int faces_redacted = 0;
  int text_regions_redacted = 0;
  size_t metadata_fields_dropped = 0;
  // This image's share of the request's privacy cost if uploaded: score as is, score *
  // redacted_residual when redacted, 0 when withheld.
  double cost = 0.0;
};

class ImageGate {
 public:
  // `analyzer` is shared (thread-safe) and must not be null.
  ImageGate(std::shared_ptr<const privacy::vision::ImageAnalyzer> analyzer,
            ImageGateOptions options);

  // Checks, analyses and decides every image of `request`, in message order. Errors:
  // kInvalidArgument "Invalid '<param>': ..." for the first image that is not a base64 data:
  // URL of a PNG/JPEG/WebP, is larger than max_image_bytes, or does not decode (truncated,
  // corrupt, a decompression bomb); kInternal when the analysis itself fails (OCR engine).
  // Nothing is decided for any image when one fails. Thread-safe.
  Expected<std::vector<ImageVerdict>> Inspect(const backend::Request& request) const;

  const ImageGateOptions& options() const { return options_; }

 private:
  Expected<ImageVerdict> InspectOne(const backend::ImagePart& part) const;

  std::shared_ptr<const privacy::vision::ImageAnalyzer> analyzer_;
  ImageGateOptions options_;
};

// Rewrites `request` for upload: each image becomes its verdict's data: URL (the redacted
// copy when redacted) and withheld images are removed. `verdicts` must come from Inspect on
// the same request (they are matched by message and order).
void ApplyImageVerdicts(const std::vector<ImageVerdict>& verdicts, backend::Request* request);

// Noisy-or of the text's privacy cost and each uploaded image's cost:
//   1 - (1 - text_cost) * prod over uploaded images (1 - image.cost), in [0, 1];
// withheld images cost nothing.
double CombinedPrivacyCost(double text_cost, const std::vector<ImageVerdict>& verdicts);

// The audit row's media_json: one entry per image with index, param, level, action, the
// sha256 of the bytes sent or "withheld", bytes_sent, and what was redacted ({"faces",
// "text_regions", "metadata_dropped"}). With `sent` false (nothing left the device) every
// image is recorded as withheld.
nlohmann::json ImageAuditJson(const std::vector<ImageVerdict>& verdicts, bool sent);

// Lowercase hex SHA-256 and standard base64 (RFC 4648, padded), exposed for tests.
std::string Sha256Hex(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);

}  // namespace ptmo::offload
