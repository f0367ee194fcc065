// The server's event loops: one io_context per I/O thread, each run by that thread alone.
//
// A connection is pinned, once, to one loop when it is accepted and lives there until it closes:
// its reads, writes, timers and evaluation all run on that thread, so it needs no strand, and no
// request is ever handed from one thread to another (the hand-offs of one shared io_context run
// by several threads cost scheduler wake-ups and cache misses on every operation). Loop 0 also
// runs the listeners, the signal watcher and the drain timer.
//
//   IoPool io(threads);
//   Listener(io, ...);                 // accepts on io.main(), serves on io.next()
//   io.run(logger);                    // returns once stop() is called and the loops are done
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <vector>

#include "base/logging.h"

namespace billet::server {

class IoPool {
 public:
  explicit IoPool(int threads);
  // Destroys loop 0 (the listeners' accepts, which may hold a socket of another loop) first.
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  boost::asio::io_context& main() { return *loops_.front(); }
  // The loop for the next connection, round robin. Called on loop 0 only (by the listeners).
  boost::asio::io_context& next();
  std::size_t size() const { return loops_.size(); }

  // Runs every loop on a thread of its own (loop 0 on the calling thread) until stop(); an
  // exception escaping a handler is logged and that loop goes on.
  void run(base::Logger& log);
  // Thread-safe: every loop returns as soon as its current handler ends.
  void stop();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<WorkGuard> guards_;  // keep idle loops running until stop()
  std::size_t next_ = 0;
};

}  // namespace billet::server
