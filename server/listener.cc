#include "server/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/session.h"

namespace billet::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

Listener::Listener(IoPool& io, const ListenAddress& address, std::shared_ptr<ServerState> state,
                   Port port, std::string& error)
    : io_(io),
      acceptor_(io.main()),
      backoff_(acceptor_.get_executor()),
      state_(std::move(state)),
      kind_(port),
      limit_(state_->options.maxConnections) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address.host, ec);
  if (ec) {
    error = "bad listen address \"" + address.host + "\": " + ec.message();
    return;
  }
  const tcp::endpoint endpoint(ip, address.port);
  const std::string where = address.host + ":" + std::to_string(address.port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    error = "cannot open " + where + ": " + ec.message();
    return;
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor_.bind(endpoint, ec); ec) {
    error = "cannot bind " + where + ": " + ec.message();
    return;
  }
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    error = "cannot listen on " + where + ": " + ec.message();
    return;
  }
  port_ = acceptor_.local_endpoint(ec).port();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::accept, shared_from_this()));
}

void Listener::close() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->backoff_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  if (!acceptor_.is_open()) return;
  // The new socket belongs to the loop that will serve it; this handler runs on loop 0.
  acceptor_.async_accept(io_.next().get_executor(),
                         beast::bind_front_handler(&Listener::onAccept, shared_from_this()));
}

void Listener::onAccept(boost::system::error_code ec, ConnectionSocket socket) {
  if (!acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors or a transient network error: log, back off briefly, keep serving.
    state_->logger.warn("accept failed", {{"error", ec.message()}});
    backoff_.expires_after(std::chrono::milliseconds(50));
    backoff_.async_wait([self = shared_from_this()](boost::system::error_code wec) {
      if (!wec) self->accept();
    });
    return;
  }
  ConnectionSlot slot = limit_.acquire();
  if (!slot) {
    refuse(socket);
    return accept();
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (kind_ == Port::kAdmission) {
    SslContextPtr ctx = state_->tls.current();
    startTlsSession(std::move(socket), std::move(ctx), state_, std::move(slot));
  } else {
    startPlainSession(std::move(socket), state_, kind_, std::move(slot));
  }
  accept();
}

// On loop 0: close at once, count, and log once a second at most (a flood of
// connections must not become a flood of log lines).
void Listener::refuse(ConnectionSocket& socket) {
  boost::system::error_code ignored;
  socket.close(ignored);
  state_->metrics.connectionRefused();
  ++refused_;
  const auto now = std::chrono::steady_clock::now();
  if (now - lastRefusalLog_ < std::chrono::seconds(1)) return;
  state_->logger.warn("connection limit reached, new connections closed",
                      {{"maxConnections", static_cast<unsigned long>(limit_.max())},
                       {"port", static_cast<unsigned>(port_)},
                       {"refused", static_cast<unsigned long>(refused_)}});
  refused_ = 0;
  lastRefusalLog_ = now;
}

}  // namespace billet::server
