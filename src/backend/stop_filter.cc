#include "backend/stop_filter.h"

#include <algorithm>

#include "util/utf8.h"

namespace ptmo::backend {

StopStringFilter::StopStringFilter(const std::vector<std::string>& stops) {
  for (const std::string& s : stops) {
    if (!s.empty()) stops_.push_back(s);
  }
}

bool StopStringFilter::Add(std::string_view chunk, std::string* ready) {
  if (stops_.empty()) {
    ready->append(chunk);
    return false;
  }
  held_.append(chunk);
  size_t cut = std::string::npos;
  for (const std::string& s : stops_) cut = std::min(cut, held_.find(s));
  if (cut != std::string::npos) {
    ready->append(held_, 0, cut);
    held_.clear();
    return true;
  }
  // Keep the longest suffix of held_ that is a proper prefix of some stop string; everything
  // before it can no longer begin a match.
  size_t keep = 0;
  for (const std::string& s : stops_) {
    for (size_t k = std::min(s.size() - 1, held_.size()); k > keep; --k) {
      if (held_.compare(held_.size() - k, k, s, 0, k) == 0) {
        keep = k;
        break;
      }
    }
  }
  ready->append(held_, 0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return false;
}

void StopStringFilter::Finish(std::string* ready) {
  ready->append(held_);
  held_.clear();
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::optional<size_t> bad = utf8::FindInvalid(text);
    if (!bad) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, *bad));
    utf8::Append(U'\uFFFD', out);
    text.remove_prefix(*bad + 1);
  }
  return out;
}

}  // namespace ptmo::backend
