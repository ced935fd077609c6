// Image metadata that identifies a person, place or device (EXIF, XMP, IPTC via exiv2).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privacy/vision/image_types.h"
#include "util/status.h"

namespace ptmo::privacy::vision {

// Prepares exiv2 for use from several threads (XMP toolkit initialisation) and mutes its
// console warnings. Call once before using the functions below from several threads;
// idempotent and thread-safe.
void InitMetadataLibrary();

// The privacy-relevant metadata of an encoded image: GPS position ("gps", plus one
// "Position" entry in decimal degrees when latitude and longitude are both present), serial
// numbers ("serial"), owner/artist/creator/copyright ("owner"), capture and edit times
// ("timestamp"), make/model ("device"), free-text descriptions and comments ("text"). An image
// without metadata gives an empty list. Errors: kDataLoss when exiv2 cannot parse the
// container (the pixel decoder reports such files first in practice). Thread-safe after
// InitMetadataLibrary().
Expected<std::vector<MetadataField>> ReadImageMetadata(std::string_view bytes);

// Returns `bytes` (JPEG, PNG or WebP) with the given EXIF/XMP keys set
// ({"Exif.GPSInfo.GPSLatitude", "37/1 33/1 0/1"}, {"Xmp.dc.creator", "Kim"}), for making
// test and evaluation images. Errors: kInvalidArgument for an unknown key or a value exiv2
// cannot convert, kDataLoss for an unreadable image.
Expected<std::string> WriteImageMetadata(
    std::string_view bytes, const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace ptmo::privacy::vision
