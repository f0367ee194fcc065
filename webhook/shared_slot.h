// A shared_ptr that one thread replaces while others read it: the serving PolicySet and TLS
// context. Readers copy the pointer (one short critical section); the replaced object lives on
// until its last reader drops it, so a request in flight finishes with the set it started with.
//
// A mutex rather than std::atomic<std::shared_ptr>: libstdc++ 12's lock-bit implementation
// unlocks loads with relaxed ordering, which ThreadSanitizer reports as a race with store and
// which is not obviously safe on weakly ordered CPUs. The lock is held for a pointer copy only.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace billet::webhook {

template <class T>
class SharedSlot {
 public:
  std::shared_ptr<T> load() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ptr_;
  }
  void store(std::shared_ptr<T> next) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ptr_.swap(next);
    }
    // `next` now holds the previous object; it is released here, outside the lock.
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<T> ptr_;
};

}  // namespace billet::webhook
