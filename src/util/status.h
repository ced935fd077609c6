// Status and Expected<T>: errors as values for everything a user's input can cause.
//
// Modelled on absl::Status: a small set of codes, and a message that names the input and
// the problem ("model file 'x.gguf': tensor ... has shape ..."), never just "failed".
// Programming errors are asserts, not Statuses.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ptmo {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed
  kNotFound,            // a named file, key or entity does not exist
  kFailedPrecondition,  // the system is not in a state to do this
  kResourceExhausted,   // a size, budget or quota limit was hit
  kUnavailable,         // a dependency (network, peer) is unreachable; retrying may help
  kDataLoss,            // stored data is corrupt or was tampered with
  kPermissionDenied,    // authentication or authorization failed
  kInternal,            // an invariant broke; a bug
};

// Returns a stable lower-case name for `code` ("invalid_argument").
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid_argument: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) {
  return {StatusCode::kUnavailable, std::move(m)};
}
inline Status DataLoss(std::string m) {
  return {StatusCode::kDataLoss, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Internal(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}

// Either a T or a non-OK Status. Accessing value() on an error asserts.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Expected(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Expected<T> built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // The error; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ptmo

// Propagates a non-OK Status from an expression returning Status.
#define PTMO_RETURN_IF_ERROR(expr)       \
  do {                                   \
    ::ptmo::Status _ptmo_st = (expr);    \
    if (!_ptmo_st.ok()) return _ptmo_st; \
  } while (0)

#define PTMO_CONCAT_INNER(a, b) a##b
#define PTMO_CONCAT(a, b) PTMO_CONCAT_INNER(a, b)

// `PTMO_ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the error.
#define PTMO_ASSIGN_OR_RETURN(lhs, expr) \
  PTMO_ASSIGN_OR_RETURN_IMPL(PTMO_CONCAT(_ptmo_exp_, __LINE__), lhs, expr)
#define PTMO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
