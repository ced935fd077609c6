// A read-only memory mapping of a whole file: model weights are used in place, never copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "util/status.h"

namespace ptmo::engine {

class MappedFile {
 public:
  // Maps `path` read-only (private, so the file is never written through the mapping). A 0-byte
  // file gives an empty mapping (data() == nullptr). Fails with kNotFound when the file does not
  // exist and kInvalidArgument (naming the path and the OS error) when it cannot be opened,
  // is not a regular file, or cannot be mapped.
  static Expected<MappedFile> Open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();  // unmaps; pointers into the mapping become invalid

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ptmo::engine
