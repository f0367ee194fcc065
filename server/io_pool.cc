#include "server/io_pool.h"

#include <algorithm>
#include <exception>
#include <thread>

namespace billet::server {

namespace net = boost::asio;

IoPool::IoPool(int threads) {
  const auto n = static_cast<std::size_t>(std::max(1, threads));
  loops_.reserve(n);
  guards_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Concurrency hint 1: one thread runs each loop, so Asio's scheduler keeps handlers posted
    // from that thread in a private queue.
    loops_.push_back(std::make_unique<net::io_context>(1));
    guards_.push_back(net::make_work_guard(*loops_.back()));
  }
}

IoPool::~IoPool() {
  guards_.clear();
  loops_.front().reset();
  loops_.clear();
}

net::io_context& IoPool::next() {
  net::io_context& loop = *loops_[next_];
  next_ = (next_ + 1) % loops_.size();
  return loop;
}

namespace {

void runLoop(net::io_context& loop, base::Logger& log) {
  for (;;) {
    try {
      loop.run();
      return;
    } catch (const std::exception& e) {
      log.error("unexpected exception in the I/O loop", {{"error", e.what()}});
    } catch (...) {
      log.error("unexpected exception in the I/O loop");
    }
  }
}

}  // namespace

void IoPool::run(base::Logger& log) {
  std::vector<std::thread> threads;
  threads.reserve(loops_.size() - 1);
  for (std::size_t i = 1; i < loops_.size(); ++i)
    threads.emplace_back([this, i, &log] { runLoop(*loops_[i], log); });
  runLoop(*loops_.front(), log);
  for (std::thread& t : threads) t.join();
}

void IoPool::stop() {
  for (auto& loop : loops_) loop->stop();
}

}  // namespace billet::server
