// SIGTERM/SIGINT start a drain; SIGHUP asks for an immediate reload check.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace billet::server {

class SignalWatcher {
 public:
  SignalWatcher(boost::asio::io_context& ioc, std::function<void(int)> onSignal);
  void start();
  void stop();

 private:
  void wait();
  boost::asio::signal_set signals_;
  std::function<void(int)> onSignal_;
};

}  // namespace billet::server
