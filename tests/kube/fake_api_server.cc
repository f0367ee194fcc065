#include "tests/kube/fake_api_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <stdexcept>

#include "certs/certs.h"

namespace billet::test {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct FakeApiServer::Impl {
  Handler handler;
  net::io_context ioc{1};
  ssl::context ctx{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  mutable std::mutex mu;
  std::condition_variable changed;
  std::vector<ApiRequest> seen;
  std::size_t connections = 0;
  bool stopping = false;
  std::vector<int> openFds;  // so the destructor can wake their reads
  std::vector<std::thread> workers;

  // A thread per connection: billet's applier and report writer each keep one alive.
  void serve() {
    for (;;) {
      tcp::socket socket(ioc);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      if (ec) continue;
      ++connections;
      openFds.push_back(socket.native_handle());
      workers.emplace_back(
          [this, s = std::move(socket)]() mutable { serveConnection(std::move(s)); });
    }
  }

  void serveConnection(tcp::socket socket) {
    const int fd = socket.native_handle();
    beast::ssl_stream<tcp::socket> stream(std::move(socket), ctx);
    exchange(stream);
    // Forget the descriptor before the stream closes it: it may be reused at once.
    std::lock_guard<std::mutex> lock(mu);
    openFds.erase(std::find(openFds.begin(), openFds.end(), fd));
  }

  // A chunked answer, piece by piece, as the API server streams a WATCH; false when the
  // connection is done (written to the end or broken).
  bool writeChunked(beast::ssl_stream<tcp::socket>& stream, const ApiAnswer& answer) {
    boost::system::error_code ec;
    http::response<http::empty_body> res{static_cast<http::status>(answer.status), 11};
    res.set(http::field::content_type, "application/json");
    res.chunked(true);
    res.keep_alive(false);
    http::response_serializer<http::empty_body> header{res};
    http::write_header(stream, header, ec);
    for (const std::string& piece : answer.chunks) {
      if (ec) return false;
      net::write(stream, http::make_chunk(net::buffer(piece)), ec);
    }
    if (ec) return false;
    if (answer.holdOpen.count() > 0) {
      std::unique_lock<std::mutex> lock(mu);
      changed.wait_for(lock, answer.holdOpen, [&] { return stopping; });
    }
    net::write(stream, http::make_chunk_last(), ec);
    stream.shutdown(ec);
    return false;
  }

  void exchange(beast::ssl_stream<tcp::socket>& stream) {
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) return;
      ApiRequest r{std::string(req.method_string()), std::string(req.target()),
                   std::string(req[http::field::content_type]),
                   std::string(req[http::field::authorization]), req.body()};
      const ApiAnswer answer = handler(r);
      // Recorded before the answer leaves: a client that has its answer finds its request here.
      {
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(std::move(r));
      }
      changed.notify_all();
      if (!answer.chunks.empty()) {
        if (!writeChunked(stream, answer)) return;
        continue;
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = answer.body;
      res.keep_alive(!answer.close);
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || answer.close) {
        stream.shutdown(ec);
        return;
      }
    }
  }
};

FakeApiServer::FakeApiServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  certs::CertRequest req;
  req.commonName = "kube-apiserver";
  req.dnsNames = {"localhost"};
  req.ipAddresses = {"127.0.0.1"};
  req.days = 1;
  auto made = certs::generate(req);
  if (!made.ok()) throw std::runtime_error(made.error);
  caPem_ = made.value.caCert;
  impl_->ctx.use_certificate_chain(net::buffer(made.value.cert));
  impl_->ctx.use_private_key(net::buffer(made.value.key), ssl::context::pem);
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->thread = std::thread([impl = impl_.get()] { impl->serve(); });
}

FakeApiServer::~FakeApiServer() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
    impl_->changed.notify_all();
    for (int fd : impl_->openFds) ::shutdown(fd, SHUT_RDWR);
  }
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ec;
  tcp::socket poke(impl_->ioc);
  poke.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  impl_->thread.join();
  for (std::thread& t : impl_->workers) t.join();
}

std::vector<ApiRequest> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->seen;
}

std::size_t FakeApiServer::connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->connections;
}

bool FakeApiServer::waitForRequests(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(impl_->mu);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->seen.size() >= n; });
}

}  // namespace billet::test
