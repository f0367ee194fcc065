// Counts a listener's open connections, so that past --max-connections new ones are closed at
// once: each idle connection holds memory (a socket, a session, TLS state), and without a cap a
// client opening thousands of them would grow the server past its memory limit.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace billet::server {

// One open connection's place under the limit, given back when the connection ends.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::shared_ptr<std::atomic<std::size_t>> open)
      : open_(std::move(open)) {}
  ConnectionSlot(ConnectionSlot&&) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;  // would drop a held place uncounted
  ~ConnectionSlot() {
    if (open_) open_->fetch_sub(1);
  }
  explicit operator bool() const { return open_ != nullptr; }

 private:
  std::shared_ptr<std::atomic<std::size_t>> open_;
};

class ConnectionLimit {
 public:
  explicit ConnectionLimit(std::size_t max)
      : max_(max), open_(std::make_shared<std::atomic<std::size_t>>(0)) {}

  // A held slot, or an empty one when `max` connections are open. Thread-safe.
  ConnectionSlot acquire() {
    std::size_t n = open_->load();
    do {
      if (n >= max_) return ConnectionSlot();
    } while (!open_->compare_exchange_weak(n, n + 1));
    return ConnectionSlot(open_);
  }
  std::size_t open() const { return open_->load(); }
  std::size_t max() const { return max_; }

 private:
  const std::size_t max_;
  // Shared with the slots: a session may outlive its listener.
  std::shared_ptr<std::atomic<std::size_t>> open_;
};

}  // namespace billet::server
