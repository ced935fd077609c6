// File helpers that report errors naming the path, and never leave a half-written file.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/status.h"

namespace ptmo {

// Reads the whole file at `path`. Fails with kResourceExhausted (naming the limit) when the
// file is larger than `max_bytes`, kNotFound when it does not exist.
Expected<std::string> ReadFile(const std::string& path, size_t max_bytes = size_t(1) << 30);

// Reads standard input to EOF, failing once more than `max_bytes` arrive.
Expected<std::string> ReadStdin(size_t max_bytes);

// Writes `data` to `path` atomically: a temporary file in the same directory is written,
// fsync'd, given `mode` (e.g. 0600) and renamed over `path`. On error the old file, if any,
// is untouched.
Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// The directory of shipped data: $PTMO_DATA_DIR if set, else the path compiled in.
std::string DataDir();

}  // namespace ptmo
