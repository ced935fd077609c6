// Text post-processing shared by streaming backends: stop strings that may span several
// chunks, and chunks made safe for JSON (valid UTF-8).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ptmo::backend {

// Releases streamed text while holding back any tail that could be the start of a stop
// string, so a stop string never reaches the client even when it spans several chunks (the
// OpenAI API does not return the stop string). Text held back is at most the longest stop
// string minus one byte; with valid UTF-8 input and stop strings, released text always ends
// on a character boundary. Not thread-safe; one per stream.
class StopStringFilter {
 public:
  // Empty stop strings are ignored.
  explicit StopStringFilter(const std::vector<std::string>& stops);

  // Adds `chunk` and appends to `*ready` the text that can no longer be part of a stop
  // string. Returns true when a stop string is complete: the text before it has been appended,
  // it and anything after it are dropped, and the stream must end.
  bool Add(std::string_view chunk, std::string* ready);

  // The stream ended without a stop string: appends whatever is still held.
  void Finish(std::string* ready);

  bool active() const { return !stops_.empty(); }

 private:
  std::vector<std::string> stops_;
  std::string held_;
};

// `text` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD (the
// way a decoder shows bytes it cannot read), so the result can go into JSON.
std::string ToValidUtf8(std::string_view text);

}  // namespace ptmo::backend
