#include "privacy/vision/metadata.h"

#include <cmath>
#include <cstdio>
#include <mutex>

// exiv2 0.27's public API is written with std::auto_ptr.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

namespace ptmo::privacy::vision {
namespace {

bool Contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

// The category of a metadata key, or nullptr for keys that say nothing about a person.
const char* Category(const std::string& key) {
  if (Contains(key, ".GPSInfo.") || Contains(key, "Xmp.exif.GPS")) return "gps";
  if (Contains(key, "SerialNumber") || Contains(key, "InternalSerial")) return "serial";
  if (Contains(key, "OwnerName") || key == "Exif.Image.Artist" || key == "Exif.Image.Copyright" ||
      Contains(key, "Xmp.dc.creator") || Contains(key, "Xmp.dc.rights") ||
      Contains(key, "Iptc.Application2.Byline") || Contains(key, "Iptc.Application2.Contact") ||
      Contains(key, "Iptc.Application2.Copyright") || Contains(key, "Xmp.photoshop.Author"))
    return "owner";
  if (Contains(key, "DateTime") || Contains(key, "CreateDate") || Contains(key, "ModifyDate") ||
      Contains(key, "DateCreated") || Contains(key, "MetadataDate"))
    return "timestamp";
  if (key == "Exif.Image.Make" || key == "Exif.Image.Model" || Contains(key, "LensModel"))
    return "device";
  if (key == "Exif.Image.Software" || Contains(key, "CreatorTool")) return "software";
  if (key == "Exif.Image.ImageDescription" || key == "Exif.Photo.UserComment" ||
      Contains(key, "Xmp.dc.description") || Contains(key, "Xmp.dc.title") ||
      Contains(key, "Iptc.Application2.Caption") || key == "Exif.Image.XPComment")
    return "text";
  return nullptr;
}

// Degrees from an EXIF "d/1 m/1 s/100" rational triple; NaN when malformed.
double Degrees(const Exiv2::Exifdatum& d) {
  if (d.count() < 3) return std::nan("");
  double v = 0, div = 1;
  for (long i = 0; i < 3; ++i) {
    Exiv2::Rational r = d.toRational(i);
    if (r.second == 0) return std::nan("");
    v += double(r.first) / r.second / div;
    div *= 60;
  }
  return v;
}

template <typename Data>
void Collect(const Data& data, std::vector<MetadataField>* out) {
  for (const auto& d : data) {
    std::string key = d.key();
    const char* cat = Category(key);
    if (cat == nullptr) continue;
    std::string value = d.toString();
    if (value.size() > 512) value.resize(512);
    out->push_back({cat, key, value});
  }
}

}  // namespace

void InitMetadataLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
  });
}

Expected<std::vector<MetadataField>> ReadImageMetadata(std::string_view bytes) {
  InitMetadataLibrary();
  std::vector<MetadataField> out;
  try {
    auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(bytes.data()),
                                           static_cast<long>(bytes.size()));
    if (image.get() == nullptr) return DataLoss("metadata: unknown image container");
    image->readMetadata();
    const Exiv2::ExifData& exif = image->exifData();
    Collect(exif, &out);
    Collect(image->xmpData(), &out);
    Collect(image->iptcData(), &out);
    auto lat = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSLatitude"));
    auto lon = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSLongitude"));
    if (lat != exif.end() && lon != exif.end()) {
      double la = Degrees(*lat), lo = Degrees(*lon);
      auto lat_ref = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSLatitudeRef"));
      auto lon_ref = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSLongitudeRef"));
      if (lat_ref != exif.end() && lat_ref->toString() == "S") la = -la;
      if (lon_ref != exif.end() && lon_ref->toString() == "W") lo = -lo;
      if (!std::isnan(la) && !std::isnan(lo)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.5f, %.5f", la, lo);
        out.push_back({"gps", "Position", buf});
      }
    }
  } catch (const Exiv2::AnyError& e) {
    return DataLoss(std::string("metadata: ") + e.what());
  }
  return out;
}

Expected<std::string> WriteImageMetadata(
    std::string_view bytes, const std::vector<std::pair<std::string, std::string>>& fields) {
  InitMetadataLibrary();
  try {
    auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(bytes.data()),
                                           static_cast<long>(bytes.size()));
    if (image.get() == nullptr) return DataLoss("metadata: unknown image container");
    image->readMetadata();
    for (const auto& [key, value] : fields) {
      if (key.rfind("Exif.", 0) == 0) {
        image->exifData()[key] = value;
      } else if (key.rfind("Xmp.", 0) == 0) {
        image->xmpData()[key] = value;
      } else {
        return InvalidArgument("metadata key '" + key + "' is not an Exif. or Xmp. key");
      }
    }
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
    return std::string(reinterpret_cast<const char*>(buf.pData_), static_cast<size_t>(buf.size_));
  } catch (const Exiv2::AnyError& e) {
    return InvalidArgument(std::string("metadata: ") + e.what());
  }
}

}  // namespace ptmo::privacy::vision
#pragma GCC diagnostic pop
