#include "server/session.h"

#include <openssl/ssl.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <string>

#include "server/response_bytes.h"
#include "server/tls_stream.h"

namespace billet::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kReadRoom = 16 * 1024;       // a TLS record's largest plaintext
constexpr std::size_t kKeptWireBytes = 16 * 1024;  // a response buffer kept between responses
constexpr auto kShutdownTimeout = std::chrono::seconds(2);
// After an error answer that leaves request bytes unread (a body over the limit, say), keep
// reading and dropping them for a while before closing: closing a socket with unread data sends a
// TCP reset, which can destroy the answer in the client's receive buffer before it is read.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 64 * 1024 * 1024;

bool isHttpParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// The HTTP state machine, shared by TLS and plain connections (Derived provides stream(),
// start() and close()).
template <class Derived>
class HttpSession {
 public:
  HttpSession(std::shared_ptr<ServerState> state, Port port)
      : state_(std::move(state)), port_(port) {}

  // The connection's place under --max-connections, given back when the session ends.
  void hold(ConnectionSlot slot) { slot_.emplace(std::move(slot)); }

 protected:
  Derived& self() { return static_cast<Derived&>(*this); }
  TcpStream& tcp() { return beast::get_lowest_layer(self().stream()); }

  void readRequest() {
    if (state_->draining.load() && port_ == Port::kAdmission && buffer_.size() == 0)
      return self().close();
    // HTTP reads ask the stream for as much as the buffer has room for, and 512 bytes when it
    // has none: a review took about nine TLS reads, each paying OpenSSL's error-queue clearing.
    // Room for a whole TLS record makes it one. Made here, once the connection is ready for a
    // request (after the TLS handshake), not when it is accepted, so that connections that
    // never get that far cost nothing more.
    if (port_ == Port::kAdmission && buffer_.capacity() < kReadRoom) buffer_.reserve(kReadRoom);
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(state_->options.maxBodyBytes);
    reading_ = true;
    tcp().expires_after(state_->options.readTimeout);
    http::async_read_header(
        self().stream(), buffer_, *parser_,
        beast::bind_front_handler(&HttpSession::onHeader, self().shared_from_this()));
  }

  // On the connection's loop: close the connection if it waits for a request that has not started.
  void drainIfIdle() {
    if (reading_ && buffer_.size() == 0 && parser_ && !parser_->got_some()) {
      error_code ignored;
      tcp().socket().cancel(ignored);
    }
  }

 private:
  void onHeader(error_code ec, std::size_t) {
    if (ec) return onReadError(ec);
    // A Content-Length over the limit already failed the header read with body_limit.
    const auto& header = parser_->get();
    if (parser_->is_done()) return onBody({}, 0);
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, header.version());
      tcp().expires_after(state_->options.readTimeout);
      return http::async_write(
          self().stream(), *continue_,
          beast::bind_front_handler(&HttpSession::onContinue, self().shared_from_this()));
    }
    readBody();
  }

  void onContinue(error_code ec, std::size_t) {
    continue_.reset();
    if (ec) return self().close();
    readBody();
  }

  void readBody() {
    // The body usually arrived with the header (one TLS record holds a whole review): parse
    // what is buffered here, and start another read only for what is still missing.
    error_code ec;
    while (!parser_->is_done() && buffer_.size() != 0) {
      const std::size_t n = parser_->put(buffer_.data(), ec);
      if (ec == http::error::need_more) break;
      if (ec) return onReadError(ec);
      buffer_.consume(n);
      if (n == 0) break;
    }
    if (parser_->is_done()) return onBody({}, 0);
    tcp().expires_after(state_->options.readTimeout);
    http::async_read(self().stream(), buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::onBody, self().shared_from_this()));
  }

  void onBody(error_code ec, std::size_t) {
    if (ec) return onReadError(ec);
    reading_ = false;
    const Request& req = parser_->get();
    const bool keepAlive = req.keep_alive();
    const After after = keepAlive ? After::kKeepAlive : After::kClose;
    // An answer that needs the cluster comes later, from another thread: back onto this
    // connection's loop to be sent, the connection kept alive until then. Nothing is read
    // meanwhile (one request at a time).
    const Defer defer = [this, after]() -> Later {
      std::shared_ptr<HttpSession> keep = self().shared_from_this();
      return [keep, after](Response res) {
        // Already behind what the loop had queued: written at once.
        net::post(keep->tcp().get_executor(), [keep, after, res = std::move(res)]() mutable {
          keep->prepare(std::move(res), after);
          keep->write();
        });
      };
    };
    std::optional<Response> res = route(*state_, port_, req, defer);
    if (res) send(std::move(*res), after);
  }

  void onReadError(const error_code& ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::operation_aborted || ec == beast::error::timeout)
      return self().close();
    if (ec == http::error::body_limit) {
      // Declared (Content-Length) or actual (chunked) body over --max-body-bytes: answer without
      // parsing the rest, then close; the connection cannot carry another request.
      return send(textResponse(http::status::payload_too_large, 11,
                               "request body larger than " +
                                   std::to_string(state_->options.maxBodyBytes) + " bytes"),
                  After::kLinger);
    }
    if (ec == http::error::header_limit) {
      return send(textResponse(http::status::request_header_fields_too_large, 11,
                               "request header too large"),
                  After::kLinger);
    }
    if (isHttpParseError(ec)) {
      // Not HTTP/1.1: one 400, then close.
      return send(textResponse(http::status::bad_request, 11, "malformed HTTP request"),
                  After::kLinger);
    }
    self().close();
  }

  // What the connection does once the response is written.
  enum class After { kKeepAlive, kClose, kLinger };

  void send(Response&& res, After after) {
    prepare(std::move(res), after);
    // Written after the handlers already queued on this loop, not now: when several requests
    // are ready together, all of them are answered before the first response wakes a client.
    // Each write wakes the client it answers; written one by one between the reviews, those
    // wake-ups cost the kernel more (a client already awake needs none) and, on a machine where
    // the clients run beside the server, let them preempt the loop in the middle of a batch, so
    // that the next review ran on caches and branch predictors another process had used
    // (docs/performance.md, 2026-12-06: about 30 % less CPU a response).
    net::post(tcp().get_executor(), [keep = self().shared_from_this()] { keep->write(); });
  }

  // The response's bytes in wire_, and what follows them.
  void prepare(Response&& res, After after) {
    reading_ = false;
    if (after == After::kKeepAlive && port_ == Port::kAdmission && state_->draining.load())
      after = After::kClose;
    after_ = after;
    res.keep_alive(after == After::kKeepAlive);
    res.prepare_payload();
    wire_.clear();
    appendResponseBytes(res, wire_);
    tcp().expires_after(state_->options.readTimeout);
  }

  void write() {
    net::async_write(self().stream(), net::buffer(wire_),
                     beast::bind_front_handler(&HttpSession::onWrite, self().shared_from_this()));
  }

  void onWrite(error_code ec, std::size_t) {
    // The buffer is kept for the next response, unless one large response made it large.
    if (wire_.capacity() > kKeptWireBytes) std::string().swap(wire_);
    if (ec || after_ == After::kClose) return self().close();
    if (after_ == After::kLinger) return self().closeSending();
    readRequest();
  }

 protected:
  // Called by Derived once it has said goodbye (TLS close_notify): send FIN, then drop what the
  // client still sends until it closes, kLingerTime passes or kLingerBytes arrive.
  void linger() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().expires_after(kLingerTime);
    discard({}, 0);
  }

 private:
  void discard(error_code ec, std::size_t n) {
    lingered_ += n;
    if (ec || lingered_ > kLingerBytes) return tcp().close();
    buffer_.consume(buffer_.size());
    tcp().async_read_some(
        buffer_.prepare(16 * 1024),
        beast::bind_front_handler(&HttpSession::discard, self().shared_from_this()));
  }

 protected:
  std::shared_ptr<ServerState> state_;
  Port port_;
  beast::flat_buffer buffer_;

 private:
  std::optional<http::request_parser<RequestBody>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::string wire_;  // the response being written (server/response_bytes.h)
  After after_ = After::kKeepAlive;
  std::size_t lingered_ = 0;
  std::optional<ConnectionSlot> slot_;
  bool reading_ = false;
};

class TlsSession : public HttpSession<TlsSession>,
                   public Drainable,
                   public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(ConnectionSocket&& socket, SslContextPtr ctx, std::shared_ptr<ServerState> state)
      : HttpSession(std::move(state), Port::kAdmission),
        ctx_(std::move(ctx)),
        stream_(std::move(socket), ctx_->native_handle()) {}

  ~TlsSession() override {
    if (id_) state_->connections.remove(id_);
  }

  TlsStream& stream() { return stream_; }

  void start() {
    id_ = state_->connections.add(weak_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&TlsSession::handshake, shared_from_this()));
  }

  void drain() override {
    net::post(stream_.get_executor(),
              beast::bind_front_handler(&TlsSession::drainIfIdle, shared_from_this()));
  }

  void close() {
    if (!handshaken_) {
      error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
      tcp().close();
      return;
    }
    handshaken_ = false;
    tcp().expires_after(kShutdownTimeout);
    stream_.async_shutdown(beast::bind_front_handler(&TlsSession::onShutdown, shared_from_this()));
  }

 private:
  void handshake() {
    tcp().expires_after(state_->options.readTimeout);
    stream_.async_handshake(
        beast::bind_front_handler(&TlsSession::onHandshake, shared_from_this()));
  }

  void onHandshake(error_code ec, std::size_t) {
    if (ec) {
      state_->logger.debug("TLS handshake failed", {{"error", ec.message()}});
      return close();
    }
    handshaken_ = true;
    readRequest();
  }

  void onShutdown(error_code, std::size_t) { tcp().close(); }

  // Sends close_notify without waiting for the client's (marking it received makes the shutdown
  // complete once ours is written), then lingers on the raw socket.
  void closeSending() {
    if (!handshaken_) return close();
    handshaken_ = false;
    SSL_set_shutdown(stream_.native_handle(), SSL_RECEIVED_SHUTDOWN);
    tcp().expires_after(kShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->tcp().close();
      self->linger();
    });
  }

  friend class HttpSession<TlsSession>;
  SslContextPtr ctx_;  // kept alive for this connection, whatever reloads publish
  TlsStream stream_;
  std::uint64_t id_ = 0;
  bool handshaken_ = false;
};

class PlainSession : public HttpSession<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(ConnectionSocket&& socket, std::shared_ptr<ServerState> state, Port port)
      : HttpSession(std::move(state), port), stream_(std::move(socket)) {}

  TcpStream& stream() { return stream_; }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&PlainSession::readRequest, shared_from_this()));
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  void closeSending() { linger(); }

 private:
  friend class HttpSession<PlainSession>;
  TcpStream stream_;
};

}  // namespace

void startTlsSession(ConnectionSocket socket, SslContextPtr context,
                     std::shared_ptr<ServerState> state, ConnectionSlot slot) {
  auto session =
      std::make_shared<TlsSession>(std::move(socket), std::move(context), std::move(state));
  session->hold(std::move(slot));
  session->start();
}

void startPlainSession(ConnectionSocket socket, std::shared_ptr<ServerState> state, Port port,
                       ConnectionSlot slot) {
  auto session = std::make_shared<PlainSession>(std::move(socket), std::move(state), port);
  session->hold(std::move(slot));
  session->start();
}

}  // namespace billet::server
