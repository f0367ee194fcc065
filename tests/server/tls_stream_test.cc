// server/tls_stream.h against OpenSSL's own client on a blocking socket: the bytes that go in
// come out, whatever the sizes of the client's writes (records split across the stream's reads,
// several records in one read), and the stream reports the client's close_notify as eof and
// its own shutdown completes.
#include "server/tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "server/tls_context.h"

using namespace billet;
using namespace billet::server;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

SslContextPtr serverContext() {
  certs::CertRequest req;
  req.dnsNames = {"localhost"};
  auto made = certs::generate(req);
  REQUIRE(made.ok());
  auto built = makeTlsContext({made.value.cert, made.value.key, ""});
  REQUIRE(built.ok());
  return built.value.context;
}

// Echoes what it reads until the client closes, then shuts TLS down; records what it saw.
struct EchoServer : std::enable_shared_from_this<EchoServer> {
  EchoServer(ConnectionSocket socket, SSL_CTX* ctx) : stream(std::move(socket), ctx) {}

  void start() {
    stream.async_handshake([self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      self->handshakeError = ec;
      if (!ec) self->read();
    });
  }
  void read() {
    stream.async_read_some(
        net::buffer(chunk, sizeof chunk),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec) {
            self->readEnd = ec;
            return self->shutdown();
          }
          self->received.append(self->chunk, n);
          self->echo(n);
        });
  }
  void echo(std::size_t n) {
    net::async_write(stream, net::buffer(chunk, n),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) {
                         self->readEnd = ec;
                         return;
                       }
                       self->read();
                     });
  }
  void shutdown() {
    stream.async_shutdown([self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      self->shutdownDone = true;
      self->shutdownError = ec;
    });
  }

  TlsStream stream;
  char chunk[5000];  // smaller than a record: one record takes several reads
  std::string received;
  boost::system::error_code handshakeError, readEnd, shutdownError;
  bool shutdownDone = false;
};

// A blocking TLS client on its own thread: writes `payload` in pieces of random sizes (1 byte
// to 40 KiB: up to three records at once, cut anywhere by the stream's 17 KiB reads), reads each
// piece's echo back, then sends close_notify and waits for the server's.
struct Client {
  std::string echoed;
  bool gotCloseNotify = false;
  std::string error;

  void run(unsigned short port, const std::string& payload, unsigned seed) {
    net::io_context io;
    tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, socket.native_handle());
    if (SSL_connect(ssl) != 1) {
      error = "SSL_connect failed";
    } else {
      std::mt19937 rng(seed);
      std::size_t sent = 0;
      std::string buf(64 * 1024, '\0');
      while (error.empty() && echoed.size() < payload.size()) {
        if (sent < payload.size()) {
          const std::size_t n = std::min<std::size_t>(payload.size() - sent, 1 + rng() % 40960);
          if (SSL_write(ssl, payload.data() + sent, static_cast<int>(n)) <= 0) error = "write";
          sent += n;
        }
        // The echo of everything sent so far, before the next write: neither side ever waits
        // for the other with a full socket buffer.
        while (error.empty() && echoed.size() < sent) {
          const int r = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
          if (r <= 0) {
            error = "read";
            break;
          }
          echoed.append(buf.data(), static_cast<std::size_t>(r));
        }
      }
      SSL_shutdown(ssl);  // close_notify
      char c;
      gotCloseNotify = SSL_read(ssl, &c, 1) == 0 && SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN;
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
};

// Serves the acceptor's first connection with an EchoServer, put in `server`.
void acceptOne(net::io_context& io, tcp::acceptor& acceptor, const SslContextPtr& ctx,
               std::shared_ptr<EchoServer>& server) {
  acceptor.async_accept([&io, &ctx, &server](boost::system::error_code ec, tcp::socket s) {
    REQUIRE(!ec);
    server = std::make_shared<EchoServer>(ConnectionSocket(io, tcp::v4(), s.release()),
                                          ctx->native_handle());
    server->start();
  });
}

}  // namespace

TEST_CASE("TlsStream: bytes written in pieces of any size come back whole, then close_notify") {
  SslContextPtr ctx = serverContext();
  for (unsigned seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    net::io_context io;
    tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    const unsigned short port = acceptor.local_endpoint().port();
    std::string payload(300 * 1024 + seed * 777, '\0');
    std::mt19937 fill(seed);
    for (char& c : payload) c = static_cast<char>(fill());

    std::shared_ptr<EchoServer> server;
    acceptOne(io, acceptor, ctx, server);
    Client client;
    std::thread peer([&] { client.run(port, payload, seed); });
    io.run();
    peer.join();

    REQUIRE(client.error.empty());
    REQUIRE(server);
    CHECK(!server->handshakeError);
    CHECK(server->received.size() == payload.size());
    CHECK(server->received == payload);
    CHECK(client.echoed == payload);
    CHECK(server->readEnd == net::error::eof);  // the client's close_notify
    CHECK(server->shutdownDone);
    CHECK(!server->shutdownError);
    CHECK(client.gotCloseNotify);
  }
}

TEST_CASE("TlsStream: a client that is not TLS fails the handshake with OpenSSL's reason") {
  SslContextPtr ctx = serverContext();
  net::io_context io;
  tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
  std::shared_ptr<EchoServer> server;
  acceptOne(io, acceptor, ctx, server);
  std::thread peer([&] {
    net::io_context clientIo;
    tcp::socket socket(clientIo);
    socket.connect(acceptor.local_endpoint());
    net::write(socket, net::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    char c;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&c, 1), ec);  // an alert, or the close below
  });
  io.run();
  // Nothing is sent back to a client that is not TLS at all; the session closes the socket.
  if (server) server->stream.next_layer().close();
  peer.join();
  REQUIRE(server);
  REQUIRE(server->handshakeError);
  CHECK(server->handshakeError.category() == net::error::get_ssl_category());
  CHECK(server->received.empty());
}

TEST_CASE(
    "TlsStream: the socket reads past the ciphertext OpenSSL has not read, moved to the front") {
  constexpr std::size_t kCapacity = 64;
  tls_detail::Wire wire;
  wire.input.reset(new char[kCapacity]);
  for (std::size_t i = 0; i < kCapacity; ++i) wire.input[i] = static_cast<char>('a' + i % 26);

  SECTION("everything read: the whole buffer") {
    wire.inputBegin = wire.inputEnd = 40;
    const net::mutable_buffer room = tls_detail::inputRoom(wire, kCapacity);
    CHECK(room.data() == wire.input.get());
    CHECK(room.size() == kCapacity);
    CHECK(wire.inputBegin == 0);
    CHECK(wire.inputEnd == 0);
  }
  SECTION("bytes left in the middle: moved to the front, the room follows them") {
    wire.inputBegin = 10;
    wire.inputEnd = 17;
    const net::mutable_buffer room = tls_detail::inputRoom(wire, kCapacity);
    CHECK(std::string(wire.input.get(), 7) == "klmnopq");
    CHECK(wire.inputBegin == 0);
    CHECK(wire.inputEnd == 7);
    CHECK(room.data() == wire.input.get() + 7);
    CHECK(room.size() == kCapacity - 7);
  }
  SECTION("bytes left at the front: nothing moves") {
    wire.inputEnd = 5;
    const net::mutable_buffer room = tls_detail::inputRoom(wire, kCapacity);
    CHECK(std::string(wire.input.get(), 5) == "abcde");
    CHECK(room.data() == wire.input.get() + 5);
    CHECK(room.size() == kCapacity - 5);
  }
  SECTION("a full buffer not read: no room") {
    wire.inputEnd = kCapacity;
    CHECK(tls_detail::inputRoom(wire, kCapacity).size() == 0);
    CHECK(wire.inputEnd == kCapacity);
  }
}
