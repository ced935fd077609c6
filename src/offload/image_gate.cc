#include "offload/image_gate.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>

#include "privacy/vision/data_url.h"

namespace ptmo::offload {
namespace {

namespace vision = privacy::vision;
using nlohmann::json;
using privacy::Level;

Status RefusePart(const std::string& param, const std::string& problem) {
  return InvalidArgument("Invalid '" + param + "': " + problem);
}

std::string MediaType(const std::string& format) {
  return "image/" + (format.empty() ? std::string("png") : format);
}

}  // namespace

std::string_view ImageActionName(ImageAction action) {
  switch (action) {
    case ImageAction::kSent: return "sent";
    case ImageAction::kRedacted: return "redacted";
    case ImageAction::kWithheld: break;
  }
  return "withheld";
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof(digest));
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(std::max(n, 0)));
  return out;
}

ImageGate::ImageGate(std::shared_ptr<const vision::ImageAnalyzer> analyzer,
                     ImageGateOptions options)
    : analyzer_(std::move(analyzer)), options_(std::move(options)) {}

Expected<std::vector<ImageVerdict>> ImageGate::Inspect(const backend::Request& request) const {
  std::vector<ImageVerdict> verdicts;
  for (size_t m = 0; m < request.messages.size(); ++m) {
    for (const backend::ImagePart& part : request.messages[m].images) {
      Expected<ImageVerdict> v = InspectOne(part);
      if (!v.ok()) return v.status();
      v->index = verdicts.size();
      v->message = m;
      verdicts.push_back(std::move(*v));
    }
  }
  return verdicts;
}

Expected<ImageVerdict> ImageGate::InspectOne(const backend::ImagePart& part) const {
  ImageVerdict v;
  v.param = part.param;
  // 1. Only inline images: a remote URL would have to be fetched (by us or by the cloud,
  //    which would then see an image nobody checked).
  if (part.url.rfind("data:", 0) != 0) {
    return RefusePart(part.param,
                      "only base64 data: URLs (data:image/png;base64,...) are accepted; remote "
                      "image URLs are not fetched");
  }
  Expected<std::string> bytes = vision::DecodeDataUrl(part.url, options_.max_image_bytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kResourceExhausted) {
      return RefusePart(part.param, "the image is larger than the gateway's limit of " +
                                        std::to_string(options_.max_image_bytes) + " bytes (" +
                                        bytes.status().message() + ")");
    }
    return RefusePart(part.param, bytes.status().message());
  }

  // 2. Analyse. A file the decoder rejects (truncated, corrupt, a decompression bomb) refuses
  //    the request: the caller sent something we cannot vouch for.
  vision::ImageOptions analysis_options = options_.analysis;
  analysis_options.decode.max_bytes =
      std::min(analysis_options.decode.max_bytes, options_.max_image_bytes);
  Expected<vision::ImageAnalysis> a = analyzer_->AnalyzeImage(*bytes, analysis_options);
  if (!a.ok()) {
    StatusCode code = a.status().code();
    if (code == StatusCode::kInvalidArgument || code == StatusCode::kDataLoss ||
        code == StatusCode::kResourceExhausted) {
      return RefusePart(part.param, "the image cannot be checked: " + a.status().message());
    }
    // Our failure, not the caller's (e.g. the OCR engine): still nothing is sent.
    return Status(StatusCode::kInternal,
                  "image privacy check of '" + part.param + "' failed: " + a.status().message());
  }
  v.level = a->level;
  v.score = a->score;
  v.reasons = a->reasons;

  // 3. Decide.
  bool redactable = true;
  for (const vision::ModalityRisk& risk : a->modalities) {
    if (risk.level != Level::kPublic && !risk.redactable) {
      redactable = false;
      v.reasons.push_back(risk.modality + " risk cannot be removed by redaction");
    }
  }
  if (a->level == Level::kPublic) {
    v.action = ImageAction::kSent;
    v.bytes = std::move(*bytes);
    v.cost = v.score;
  } else if (a->level == Level::kPrivate || !redactable) {
    v.action = ImageAction::kWithheld;
    v.reasons.push_back(a->level == Level::kPrivate ? "PRIVATE image: kept on the device"
                                                    : "not redactable: kept on the device");
    return v;
  } else {
    Expected<std::string> clean =
        analyzer_->RedactImage(*bytes, *a, options_.redact, analysis_options.decode);
    if (!clean.ok()) {  // fail closed: an image we could not clean stays here
      v.action = ImageAction::kWithheld;
      v.reasons.push_back("redaction failed (" + clean.status().message() +
                          "): kept on the device");
      return v;
    }
    v.action = ImageAction::kRedacted;
    v.bytes = std::move(*clean);
    v.cost = v.score * options_.redacted_residual;
    if (options_.redact.redact_faces) v.faces_redacted = static_cast<int>(a->faces.size());
    if (options_.redact.redact_text) {
      for (const vision::PiiRegion& p : a->pii) {
        v.text_regions_redacted += static_cast<int>(p.boxes.size());
      }
      v.text_regions_redacted += static_cast<int>(a->documents.size());
      for (const vision::CodeHit& c : a->codes) {
        if (!c.decoded || !c.analysis.spans.empty()) ++v.text_regions_redacted;
      }
    }
    v.metadata_fields_dropped = a->metadata.size();
  }
  std::string format = a->format;
  if (v.action == ImageAction::kRedacted && options_.redact.format) {
    format = std::string(vision::ImageFormatName(*options_.redact.format));
  }
  v.data_url = "data:" + MediaType(format) + ";base64," + Base64Encode(v.bytes);
  v.sha256 = Sha256Hex(v.bytes);
  return v;
}

void ApplyImageVerdicts(const std::vector<ImageVerdict>& verdicts, backend::Request* request) {
  size_t next = 0;
  for (size_t m = 0; m < request->messages.size(); ++m) {
    std::vector<backend::ImagePart> kept;
    for (backend::ImagePart& part : request->messages[m].images) {
      // Fail closed: an image without a matching verdict is dropped.
      if (next < verdicts.size() && verdicts[next].message == m &&
          verdicts[next].action != ImageAction::kWithheld) {
        kept.push_back({verdicts[next].data_url, part.param});
      }
      ++next;
    }
    request->messages[m].images = std::move(kept);
  }
}

double CombinedPrivacyCost(double text_cost, const std::vector<ImageVerdict>& verdicts) {
  double nothing_leaked = 1.0 - std::clamp(text_cost, 0.0, 1.0);
  for (const ImageVerdict& v : verdicts) {
    if (v.action == ImageAction::kWithheld) continue;
    nothing_leaked *= 1.0 - std::clamp(v.cost, 0.0, 1.0);
  }
  return std::clamp(1.0 - nothing_leaked, 0.0, 1.0);
}

json ImageAuditJson(const std::vector<ImageVerdict>& verdicts, bool sent) {
  json images = json::array();
  for (const ImageVerdict& v : verdicts) {
    bool uploaded = sent && v.action != ImageAction::kWithheld;
    ImageAction action = uploaded ? v.action : ImageAction::kWithheld;
    images.push_back({{"index", v.index},
                      {"param", v.param},
                      {"level", privacy::LevelName(v.level)},
                      {"score", std::round(v.score * 1000) / 1000},
                      {"action", ImageActionName(action)},
                      {"sha256", uploaded ? v.sha256 : "withheld"},
                      {"bytes_sent", uploaded ? v.bytes.size() : 0},
                      {"redacted",
                       {{"faces", uploaded ? v.faces_redacted : 0},
                        {"text_regions", uploaded ? v.text_regions_redacted : 0},
                        {"metadata_dropped", uploaded && action == ImageAction::kRedacted}}}});
  }
  return json{{"images", std::move(images)}};
}

}  // namespace ptmo::offload
