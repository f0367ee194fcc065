#include "base/worker.h"

#include <pthread.h>

#include <utility>

namespace billet::base {

Worker::~Worker() {
  stop();
}

void Worker::start(std::string name, Body body) {
  thread_ = std::thread([this, name = std::move(name), body = std::move(body)] {
    // Linux keeps 15 characters and refuses longer names outright.
    ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
    body(*this);
  });
}

void Worker::requestStop() {
  {
    // Under the lock, so that a body between its check of the flag and its wait cannot miss
    // the notification.
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void Worker::stop() {
  requestStop();
  if (thread_.joinable()) thread_.join();
}

void Worker::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool Worker::waitFor(std::chrono::steady_clock::duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [this] { return stopping() || woken_; });
  woken_ = false;
  return !stopping();
}

bool Worker::wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stopping() || woken_; });
  woken_ = false;
  return !stopping();
}

bool Worker::sleepFor(std::chrono::steady_clock::duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping(); });
}

}  // namespace billet::base
