// A shared_ptr that one thread replaces while others read it: the serving PolicySet and TLS
// context. The replaced object lives on until its last reader drops it, so a request in flight
// finishes with the set it started with.
//
// Readers take no lock on the hot path: each thread keeps its own copy of the pointer and the
// slot's version, and a read is one acquire load of the version. Only when the slot changed
// since this thread last looked (a reload) does the reader take the mutex to refresh its copy.
// A mutex rather than std::atomic<std::shared_ptr> for that refresh: libstdc++ 12's lock-bit
// implementation unlocks loads with relaxed ordering, which ThreadSanitizer reports as a race
// with store and which is not obviously safe on weakly ordered CPUs.
//
// A thread's cached copy keeps the previous object alive until that thread reads again; an I/O
// thread reads on every request, so a replaced policy set is freed at the next request.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

namespace billet::server {

template <class T>
class SharedSlot {
 public:
  SharedSlot() : id_(nextId().fetch_add(1, std::memory_order_relaxed) + 1) {}
  SharedSlot(const SharedSlot&) = delete;
  SharedSlot& operator=(const SharedSlot&) = delete;

  std::shared_ptr<T> load() const { return get(); }

  // The current object as this thread's cached pointer, without touching its reference count
  // (an atomic on a cache line every thread would write). The reference stays valid until this
  // thread's next load() or get() of any slot holding a T: a request handler that reads it once,
  // on its own thread, can use it for the whole request.
  const std::shared_ptr<T>& get() const {
    thread_local Cache cache;
    std::uint64_t v = version_.load(std::memory_order_acquire);
    if (cache.slot != id_ || cache.version != v) {
      std::lock_guard<std::mutex> lock(mu_);
      cache.ptr = ptr_;
      cache.version = version_.load(std::memory_order_relaxed);
      cache.slot = id_;
    }
    return cache.ptr;
  }

  void store(std::shared_ptr<T> next) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ptr_.swap(next);
      version_.fetch_add(1, std::memory_order_release);
    }
    // `next` now holds the previous object; it is released here, outside the lock.
  }

 private:
  struct Cache {
    std::uint64_t slot = 0;  // which slot the copy came from (ids are never reused)
    std::uint64_t version = 0;
    std::shared_ptr<T> ptr;
  };
  static std::atomic<std::uint64_t>& nextId() {
    static std::atomic<std::uint64_t> id{0};
    return id;
  }

  const std::uint64_t id_;
  mutable std::mutex mu_;
  std::shared_ptr<T> ptr_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace billet::server
