// A small pool of objects that are not thread-safe themselves (a Tesseract API, an OpenCV
// cascade): each call borrows one for its duration, so one owner can serve many threads.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "util/status.h"

namespace ptmo::privacy::vision {

template <typename T>
class ObjectPool {
 public:
  using Factory = std::function<Expected<std::unique_ptr<T>>()>;

  // Up to `capacity` objects are made lazily by `factory`; a caller finding all of them lent
  // waits for one to come back.
  ObjectPool(Factory factory, size_t capacity)
      : factory_(std::move(factory)), capacity_(capacity == 0 ? 1 : capacity) {}

  // Puts a ready-made object in the pool (counts towards capacity).
  void Add(std::unique_ptr<T> obj) {
    std::lock_guard<std::mutex> lock(mu_);
    ++made_;
    idle_.push_back(std::move(obj));
  }

  // Borrowed object; returns to the pool when destroyed.
  class Lease {
   public:
    Lease(ObjectPool* pool, std::unique_ptr<T> obj) : pool_(pool), obj_(std::move(obj)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (obj_) pool_->Return(std::move(obj_));
    }
    T* operator->() const { return obj_.get(); }
    T& operator*() const { return *obj_; }

   private:
    ObjectPool* pool_;
    std::unique_ptr<T> obj_;
  };

  // Borrows an object, making one when none is idle and fewer than capacity exist. Fails
  // with the factory's error. Thread-safe.
  Expected<Lease> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    while (idle_.empty() && made_ >= capacity_) cv_.wait(lock);
    if (!idle_.empty()) {
      std::unique_ptr<T> obj = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(obj));
    }
    ++made_;
    lock.unlock();
    Expected<std::unique_ptr<T>> made = factory_();
    if (!made.ok()) {
      std::lock_guard<std::mutex> relock(mu_);
      --made_;
      cv_.notify_one();
      return made.status();
    }
    return Lease(this, std::move(made).value());
  }

 private:
  void Return(std::unique_ptr<T> obj) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(obj));
    cv_.notify_one();
  }

  Factory factory_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<T>> idle_;
  size_t made_ = 0;
};

}  // namespace ptmo::privacy::vision
