#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>

namespace ptmo {
namespace {

std::string Errno() {
  return std::strerror(errno);
}

}  // namespace

Expected<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("file '" + path + "' does not exist");
    return InvalidArgument("cannot open '" + path + "': " + Errno());
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("'" + path + "' is a directory, expected a file");
  }
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return ResourceExhausted("file '" + path + "' is " + std::to_string(st.st_size) +
                             " bytes, above the limit of " + std::to_string(max_bytes));
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = Errno();
      ::close(fd);
      return InvalidArgument("cannot read '" + path + "': " + err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return ResourceExhausted("file '" + path + "' is above the limit of " +
                               std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return out;
}

Expected<std::string> ReadStdin(size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return InvalidArgument("cannot read standard input: " + Errno());
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      return ResourceExhausted("standard input is above the limit of " + std::to_string(max_bytes) +
                               " bytes");
    }
  }
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(std::random_device{}());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return InvalidArgument("cannot create '" + tmp + "': " + Errno());
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = Errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      return InvalidArgument("cannot write '" + tmp + "': " + err);
    }
    off += static_cast<size_t>(n);
  }
  // The mode given to open() is filtered by the umask; set it exactly.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    std::string err = Errno();
    ::close(fd);
    ::unlink(tmp.c_str());
    return InvalidArgument("cannot finish '" + tmp + "': " + err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = Errno();
    ::unlink(tmp.c_str());
    return InvalidArgument("cannot rename '" + tmp + "' to '" + path + "': " + err);
  }
  return Status::Ok();
}

std::string DataDir() {
  if (const char* env = std::getenv("PTMO_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return PTMO_DEFAULT_DATA_DIR;
}

}  // namespace ptmo
