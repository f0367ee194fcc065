// Accepts connections on one address (on the pool's loop 0) and starts a session for each on the
// next loop of the pool, where the connection stays until it closes.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "server/connection_limit.h"
#include "server/io_pool.h"
#include "server/router.h"
#include "server/session.h"
#include "server/state.h"

namespace billet::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; on failure `error` is set and the listener is unusable.
  Listener(IoPool& io, const ListenAddress& address, std::shared_ptr<ServerState> state, Port port,
           std::string& error);

  void run();
  void close();  // thread-safe; stops accepting, open connections go on
  std::uint16_t port() const { return port_; }

 private:
  void accept();
  void onAccept(boost::system::error_code ec, ConnectionSocket socket);
  void refuse(ConnectionSocket& socket);

  IoPool& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  std::shared_ptr<ServerState> state_;
  Port kind_;
  std::uint16_t port_ = 0;
  ConnectionLimit limit_;
  // Refusals are logged at most once a second, with how many there were since the last line.
  std::size_t refused_ = 0;
  std::chrono::steady_clock::time_point lastRefusalLog_{};
};

}  // namespace billet::server
