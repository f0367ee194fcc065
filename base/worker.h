// A background thread that runs one body until asked to stop: the loop behind billet's periodic
// and queue-driven threads (policy reloads, the cluster tracker, the background audit, the Lease,
// the report and generate writers, watches).
//
// Each of them needs the same four things, easy to get subtly wrong one at a time: a stop flag
// the body can poll (also from deep inside a long pass), a wait for the next tick that ends at
// once on stop, a way to make the body run early, and a stop that wakes the thread and joins
// it. Here they are written once.
//
//   base::Worker worker;
//   worker.start("reloader", [&](base::Worker& w) {
//     while (w.waitFor(interval)) reloadIfChanged();  // false once stop() is called
//   });
//   ...
//   worker.wake();  // reloadIfChanged() now, not at the next interval
//   worker.stop();  // also done by the destructor
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace billet::base {

class Worker {
 public:
  using Body = std::function<void(Worker&)>;

  Worker() = default;
  ~Worker();  // stop()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs `body` on a new thread named `name` (at most 15 characters are shown by ps and gdb).
  // Once per Worker. The body returns when it sees stopping(), or when waitFor answers false.
  void start(std::string name, Body body);

  // Asks the body to end and wakes any wait; does not join. Thread-safe, idempotent. For owners
  // that must also interrupt something the body blocks in (a connection) before joining.
  void requestStop();
  // requestStop(), then joins the thread. Idempotent; never call it from the body.
  void stop();

  // Makes the body's current or next waitFor()/wait() return at once. A wake given while the
  // body is busy is remembered (once), so it is never lost.
  void wake();

  // For the body. True once stop is asked for.
  bool stopping() const { return stop_.load(std::memory_order_acquire); }
  // The flag itself, for code that polls it without knowing about Worker.
  const std::atomic<bool>& stopToken() const { return stop_; }
  // Waits `d`, or less on wake() or stop. Answers false when stopping, true otherwise; either
  // way a pending wake is consumed.
  bool waitFor(std::chrono::steady_clock::duration d);
  // Waits for wake() or stop, however long; false when stopping.
  bool wait();
  // Waits `d`, or less on stop only: wake() does not shorten it (backoff between retries).
  // False when stopping.
  bool sleepFor(std::chrono::steady_clock::duration d);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  bool woken_ = false;  // under mu_
  std::thread thread_;
};

}  // namespace billet::base
