// One background thread that notices cancelled requests for many in-flight calls at once.
//
// A request blocked in connect() or read() only sees its CancelToken when the socket gives up;
// the watch list calls an action (e.g. httplib's Client::stop(), which shuts the socket down)
// soon after the token fires. One thread polls every registered token, instead of a thread
// per request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "backend/backend.h"

namespace ptmo::backend {

class CancelWatchList {
 public:
  explicit CancelWatchList(std::chrono::milliseconds period);
  ~CancelWatchList();  // every Registration must be gone by then
  CancelWatchList(const CancelWatchList&) = delete;
  CancelWatchList& operator=(const CancelWatchList&) = delete;

  // Unregisters on destruction; after the destructor returns, the action is not running and
  // will not run again.
  class Registration {
   public:
    Registration() = default;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;
    ~Registration();

   private:
    friend class CancelWatchList;
    Registration(CancelWatchList* list, uint64_t id) : list_(list), id_(id) {}
    CancelWatchList* list_ = nullptr;
    uint64_t id_ = 0;
  };

  // While the registration lives, calls `on_cancel` within about one period of
  // `token->cancelled()` turning true, and again every period after that (an action taken
  // before the request had a socket may have had nothing to act on). A null token gives an
  // inert registration.
  [[nodiscard]] Registration Watch(const CancelToken* token, std::function<void()> on_cancel);

  size_t size() const;  // live registrations (for tests)

 private:
  struct Entry {
    const CancelToken* token;
    std::function<void()> on_cancel;
  };
  void Unregister(uint64_t id);
  void Run();

  const std::chrono::milliseconds period_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Entry> entries_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;  // started on the first Watch
};

}  // namespace ptmo::backend
