// An incremental parser for Server-Sent Events (the WHATWG "text/event-stream" format), as
// OpenAI-compatible servers use for streamed completions:
//
//   data: {"choices":[{"delta":{"content":"Hel"}}]}
//
//   : a comment line, ignored
//   data: [DONE]
//
// Bytes arrive in arbitrary chunks (a line, an event or even a CRLF pair may be split across
// them); Feed() keeps the unfinished tail and returns each event once its terminating blank
// line has arrived. Rules followed (html.spec.whatwg.org, "Parsing an event stream"):
// - lines end in CRLF, LF or CR; a UTF-8 BOM at the very start is skipped;
// - a line starting with ':' is a comment; "field: value" loses one space after the colon; a
//   line without a colon is a field with an empty value;
// - "data" lines of one event are joined with "\n"; "event" sets the type; "id" the id (ids
//   containing NUL are ignored); "retry" and unknown fields are ignored;
// - a blank line dispatches the event, unless it has no data line (then it is dropped);
// - an unfinished event at the end of the stream is discarded (Finish reports whether one
//   was pending).
//
// Not thread-safe; one parser per stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace ptmo::backend {

struct SseEvent {
  std::string type = "message";  // the "event" field, "message" when absent
  std::string data;              // the data lines joined with "\n"
  std::string id;                // the last "id" field seen so far in the stream

  bool operator==(const SseEvent&) const = default;
};

class SseParser {
 public:
  // `max_event_bytes` bounds the memory one line or one event's data may take.
  explicit SseParser(size_t max_event_bytes = size_t{8} << 20)
      : max_event_bytes_(max_event_bytes) {}

  // Parses the next `chunk` of the stream and appends the events it completes to `out`.
  // Errors: kResourceExhausted when a line or an event's data grows beyond max_event_bytes
  // (the parser is then unusable).
  Status Feed(std::string_view chunk, std::vector<SseEvent>* out);

  // The stream has ended. Returns true when an event had begun (a partial line or fields
  // without the dispatching blank line) and was discarded, which usually means the
  // connection was cut.
  bool Finish();

 private:
  void ProcessLine(std::string_view line, std::vector<SseEvent>* out);

  const size_t max_event_bytes_;
  std::string line_;       // the current, unfinished line
  bool after_cr_ = false;  // the last byte seen was CR: a following LF ends nothing
  bool at_start_ = true;   // no byte seen yet (BOM check)
  std::string bom_;        // BOM bytes seen so far at the very start
  std::string type_;       // fields of the event being built
  std::string data_;
  std::string last_id_;
  bool has_data_ = false;
  bool pending_fields_ = false;  // any field line since the last dispatch
};

}  // namespace ptmo::backend
