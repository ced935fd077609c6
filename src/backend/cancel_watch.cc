#include "backend/cancel_watch.h"

#include <utility>

namespace ptmo::backend {

CancelWatchList::CancelWatchList(std::chrono::milliseconds period) : period_(period) {}

CancelWatchList::~CancelWatchList() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

CancelWatchList::Registration CancelWatchList::Watch(const CancelToken* token,
                                                     std::function<void()> on_cancel) {
  if (token == nullptr) return {};
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  entries_.emplace(id, Entry{token, std::move(on_cancel)});
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  cv_.notify_all();  // the thread sleeps without a deadline while nothing is registered
  return Registration(this, id);
}

size_t CancelWatchList::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void CancelWatchList::Unregister(uint64_t id) {
  // The actions run under mu_, so once this lock is held none of them is running.
  std::lock_guard lock(mu_);
  entries_.erase(id);
}

void CancelWatchList::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (entries_.empty()) {
      cv_.wait(lock, [this] { return stopping_ || !entries_.empty(); });
      continue;
    }
    cv_.wait_for(lock, period_);
    for (auto& [id, entry] : entries_) {
      if (entry.token->cancelled()) entry.on_cancel();
    }
  }
}

CancelWatchList::Registration::Registration(Registration&& other) noexcept
    : list_(std::exchange(other.list_, nullptr)), id_(other.id_) {}

CancelWatchList::Registration& CancelWatchList::Registration::operator=(
    Registration&& other) noexcept {
  if (this != &other) {
    if (list_ != nullptr) list_->Unregister(id_);
    list_ = std::exchange(other.list_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

CancelWatchList::Registration::~Registration() {
  if (list_ != nullptr) list_->Unregister(id_);
}

}  // namespace ptmo::backend
