#include "backend/sse_parser.h"

#include <string>

namespace ptmo::backend {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

Status SseParser::Feed(std::string_view chunk, std::vector<SseEvent>* out) {
  // A BOM may only appear as the stream's first three bytes, possibly split across chunks.
  if (at_start_) {
    size_t i = 0;
    while (i < chunk.size() && bom_.size() < kBom.size()) {
      bom_ += chunk[i++];
      if (!kBom.starts_with(bom_)) break;
    }
    chunk.remove_prefix(i);
    if (bom_ == kBom) {
      bom_.clear();
      at_start_ = false;
    } else if (kBom.starts_with(bom_)) {
      return Status::Ok();  // a BOM prefix and nothing else yet: wait for more bytes
    } else {
      at_start_ = false;
      std::string head = std::move(bom_);
      bom_.clear();
      PTMO_RETURN_IF_ERROR(Feed(head, out));
    }
  }

  while (!chunk.empty()) {
    if (after_cr_ && chunk.front() == '\n') chunk.remove_prefix(1);  // the LF of a CRLF
    after_cr_ = false;
    const size_t end = chunk.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(chunk);
      if (line_.size() > max_event_bytes_) {
        return ResourceExhausted("event stream line longer than " +
                                 std::to_string(max_event_bytes_) + " bytes");
      }
      break;
    }
    line_.append(chunk.substr(0, end));
    after_cr_ = chunk[end] == '\r';
    chunk.remove_prefix(end + 1);
    ProcessLine(line_, out);
    line_.clear();
    if (data_.size() > max_event_bytes_) {
      return ResourceExhausted("event stream event with more than " +
                               std::to_string(max_event_bytes_) + " bytes of data");
    }
  }
  return Status::Ok();
}

void SseParser::ProcessLine(std::string_view line, std::vector<SseEvent>* out) {
  if (line.empty()) {  // dispatch
    if (has_data_) {
      if (!data_.empty() && data_.back() == '\n') data_.pop_back();
      out->push_back({type_.empty() ? "message" : type_, std::move(data_), last_id_});
    }
    type_.clear();
    data_.clear();
    has_data_ = false;
    pending_fields_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment (servers send these as keep-alives)

  std::string_view field = line;
  std::string_view value;
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  pending_fields_ = true;
  if (field == "data") {
    data_.append(value);
    data_ += '\n';
    has_data_ = true;
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  }
  // "retry" and unknown fields: ignored.
}

bool SseParser::Finish() {
  const bool discarded = !line_.empty() || pending_fields_;
  line_.clear();
  type_.clear();
  data_.clear();
  has_data_ = false;
  pending_fields_ = false;
  after_cr_ = false;
  return discarded;
}

}  // namespace ptmo::backend
