#include "server/signals.h"

#include <csignal>

namespace billet::server {

SignalWatcher::SignalWatcher(boost::asio::io_context& ioc, std::function<void(int)> onSignal)
    : signals_(ioc, SIGINT, SIGTERM), onSignal_(std::move(onSignal)) {
  boost::system::error_code ignored;
  signals_.add(SIGHUP, ignored);
}

void SignalWatcher::start() {
  wait();
}

void SignalWatcher::stop() {
  boost::system::error_code ignored;
  signals_.cancel(ignored);
}

void SignalWatcher::wait() {
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (ec) return;
    onSignal_(signo);
    wait();
  });
}

}  // namespace billet::server
