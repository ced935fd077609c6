// RFC 2397 data: URLs as OpenAI-style chat requests carry images
// ({"type":"image_url","image_url":{"url":"data:image/png;base64,..."}}).
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace ptmo::privacy::vision {

// Returns the bytes of a base64 `data:image/...;base64,` URL. The media type must be
// image/png, image/jpeg (image/jpg), or image/webp; parameters before ";base64" (charset,
// name) are ignored. Whitespace inside the base64 text is skipped. Errors: kInvalidArgument
// for a URL that is not a data: URL, a non-image or unsupported media type, a non-base64
// encoding, or invalid base64 (naming the problem); kResourceExhausted when the decoded bytes
// would exceed `max_bytes` (checked before decoding). Thread-safe.
Expected<std::string> DecodeDataUrl(std::string_view url, size_t max_bytes);

}  // namespace ptmo::privacy::vision
