#include "privacy/vision/data_url.h"

#include <cctype>

#include "privacy/validators/jwt.h"
#include "util/utf8.h"

namespace ptmo::privacy::vision {

Expected<std::string> DecodeDataUrl(std::string_view url, size_t max_bytes) {
  if (utf8::AsciiLower(url.substr(0, 5)) != "data:") {
    return InvalidArgument("image URL is not a data: URL (remote image URLs are not fetched)");
  }
  size_t comma = url.find(',');
  if (comma == std::string_view::npos)
    return InvalidArgument("data: URL has no ',' before its data");
  std::string meta = utf8::AsciiLower(url.substr(5, comma - 5));
  std::string_view payload = url.substr(comma + 1);
  std::string media = meta.substr(0, meta.find(';'));
  bool base64 = meta.size() >= 7 && meta.compare(meta.size() - 7, 7, ";base64") == 0;
  if (media.rfind("image/", 0) != 0) {
    return InvalidArgument("data: URL media type '" +
                           (media.empty() ? std::string("text/plain") : media) +
                           "' is not an image");
  }
  if (media != "image/png" && media != "image/jpeg" && media != "image/jpg" &&
      media != "image/webp") {
    return InvalidArgument("data: URL media type '" + media +
                           "' is not supported (image/png, image/jpeg, image/webp)");
  }
  if (!base64) return InvalidArgument("data: URL for '" + media + "' is not base64-encoded");
  // 4 base64 characters carry 3 bytes: refuse before allocating the decoded buffer.
  if (payload.size() / 4 * 3 > max_bytes + 3) {
    return ResourceExhausted("data: URL holds about " + std::to_string(payload.size() / 4 * 3) +
                             " bytes, above the limit of " + std::to_string(max_bytes));
  }
  std::string clean;
  clean.reserve(payload.size());
  for (char c : payload) {
    if (!std::isspace(static_cast<unsigned char>(c))) clean.push_back(c);
  }
  std::optional<std::string> bytes = validators::Base64StdDecode(clean);
  if (!bytes) return InvalidArgument("data: URL for '" + media + "' has invalid base64 data");
  if (bytes->size() > max_bytes) {
    return ResourceExhausted("data: URL holds " + std::to_string(bytes->size()) +
                             " bytes, above the limit of " + std::to_string(max_bytes));
  }
  if (bytes->empty()) return InvalidArgument("data: URL for '" + media + "' is empty");
  return std::move(*bytes);
}

}  // namespace ptmo::privacy::vision
