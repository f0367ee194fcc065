// TLS for one connection, over its TCP stream (beast::basic_stream, which keeps the deadlines).
//
// What asio's ssl::stream does, without what it cost per request here: its engine clears
// OpenSSL's error queue before every call (ERR_clear_error walks all sixteen slots of the queue,
// about 1,700 instructions, three times a request), and every read and write goes through its
// generic composed operation and a BIO pair that copies the ciphertext once more each way.
// Here the queue is cleared only when it holds something, and OpenSSL reads and writes the
// ciphertext through a BIO of the stream's own (tls_stream.cc): it reads from the bytes the
// socket read, in place, and appends the records it writes to a buffer that is sent as it is.
//
// The stream meets Beast's AsyncReadStream and AsyncWriteStream (http::async_read and
// net::async_write use it) and gives its TCP stream as next_layer(), so that
// beast::get_lowest_layer() reaches the socket and its deadline. One operation at a time: the
// session never reads while it writes.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "server/session.h"

namespace billet::server {

using TcpStream = boost::beast::basic_stream<boost::asio::ip::tcp, ConnectionExecutor>;

namespace tls_detail {

// What one call into OpenSSL came to.
struct Attempt {
  enum Kind { kDone, kWantRead, kFailed } kind = kDone;
  std::size_t bytes = 0;
  boost::system::error_code error;  // for kFailed: eof on close_notify, else OpenSSL's reason
};

// The ciphertext between the socket and OpenSSL: what the stream's BIO reads from and writes to.
struct Wire {
  std::unique_ptr<char[]> input;  // bytes read from the socket (kInputRoom of them)
  std::size_t inputBegin = 0;     // OpenSSL has read the bytes before this
  std::size_t inputEnd = 0;       // the socket's bytes end here
  std::string output;             // records OpenSSL wrote, not sent yet
};

// Where the socket's next read into `wire` (an input buffer of `capacity` bytes) goes: past the
// bytes OpenSSL has not read yet, which are first moved to the front. OpenSSL reads everything
// it is given before it wants more, so in the stream nothing is left and the room is the whole
// buffer; a full buffer gives no room.
boost::asio::mutable_buffer inputRoom(Wire& wire, std::size_t capacity);

// The calls the stream makes; each clears the error queue first only when it is not empty.
Attempt read(SSL* ssl, void* data, std::size_t size);
Attempt write(SSL* ssl, const void* data, std::size_t size);
Attempt handshake(SSL* ssl);
Attempt shutdown(SSL* ssl);

}  // namespace tls_detail

class TlsStream {
 public:
  using executor_type = ConnectionExecutor;
  using next_layer_type = TcpStream;

  TlsStream(ConnectionSocket&& socket, SSL_CTX* context);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  executor_type get_executor() { return next_.get_executor(); }
  TcpStream& next_layer() { return next_; }
  SSL* native_handle() { return ssl_; }

  // Reads decrypted bytes into the first non-empty buffer of `buffers`.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    const boost::asio::mutable_buffer b = firstBuffer<boost::asio::mutable_buffer>(buffers);
    return run([b](SSL* ssl) { return tls_detail::read(ssl, b.data(), b.size()); }, b.size() == 0,
               std::forward<Token>(token));
  }
  // Encrypts the first non-empty buffer of `buffers` and sends its records.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    const boost::asio::const_buffer b = firstBuffer<boost::asio::const_buffer>(buffers);
    return run([b](SSL* ssl) { return tls_detail::write(ssl, b.data(), b.size()); }, b.size() == 0,
               std::forward<Token>(token));
  }
  template <class Token>
  auto async_handshake(Token&& token) {
    return run([](SSL* ssl) { return tls_detail::handshake(ssl); }, false,
               std::forward<Token>(token));
  }
  // Sends close_notify, then waits for the client's (SSL_RECEIVED_SHUTDOWN set beforehand makes
  // it not wait).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return run([](SSL* ssl) { return tls_detail::shutdown(ssl); }, false,
               std::forward<Token>(token));
  }

 private:
  template <class Buffer, class Buffers>
  static Buffer firstBuffer(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() != 0) return b;
    }
    return Buffer();
  }

  // The ciphertext OpenSSL wrote and that is still to be sent.
  boost::asio::const_buffer pendingOutput() const { return boost::asio::buffer(wire_.output); }
  void outputSent() {
    // Kept for the next records, unless one large response made it large.
    if (wire_.output.capacity() > kKeptOutput)
      std::string().swap(wire_.output);
    else
      wire_.output.clear();
  }
  boost::asio::mutable_buffer inputRoom() { return tls_detail::inputRoom(wire_, kInputRoom); }
  // `size` bytes were read into inputRoom().
  void inputRead(std::size_t size) { wire_.inputEnd += size; }

  // Runs `call` until it is done: sending what OpenSSL wrote after every call (a handshake
  // message, records, close_notify), reading from the socket when it wants input. An empty
  // buffer completes at once with 0 bytes, as a socket's read or write does.
  template <class Call, class Token>
  auto run(Call call, bool empty, Token&& token) {
    enum class Step { kCall, kSent, kRead, kPosted };
    return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
        [this, call, empty, step = Step::kCall, result = tls_detail::Attempt(), started = false](
            auto& self, boost::system::error_code ec = {}, std::size_t n = 0) mutable {
          for (;;) {
            switch (step) {
              case Step::kCall:
                if (empty) {
                  result = {};
                } else {
                  result = call(ssl_);
                  if (const boost::asio::const_buffer out = pendingOutput(); out.size() != 0) {
                    step = Step::kSent;
                    started = true;
                    return boost::asio::async_write(next_, out, std::move(self));
                  }
                }
                break;
              case Step::kSent:
                outputSent();
                if (ec) return self.complete(ec, 0);
                break;
              case Step::kRead:
                if (ec) return self.complete(ec, 0);
                inputRead(n);
                step = Step::kCall;
                continue;
              case Step::kPosted:
                return self.complete(result.error, result.bytes);
            }
            // After a call, and after what it wrote was sent.
            if (result.kind == tls_detail::Attempt::kWantRead) {
              const boost::asio::mutable_buffer room = inputRoom();
              if (room.size() == 0)  // never: OpenSSL reads all it is given before it wants more
                return self.complete(boost::asio::error::no_buffer_space, 0);
              step = Step::kRead;
              started = true;
              return next_.async_read_some(room, std::move(self));
            }
            if (!started) {
              // Done without waiting: the handler must not run inside the initiating call.
              step = Step::kPosted;
              return boost::asio::post(next_.get_executor(), std::move(self));
            }
            return self.complete(result.error, result.bytes);
          }
        },
        token, next_);
  }

  // A TLS record is at most 16 KiB of plaintext and a little more of ciphertext: room for one
  // whole record makes most requests one read.
  static constexpr std::size_t kInputRoom = 17 * 1024;
  static constexpr std::size_t kKeptOutput = 64 * 1024;

  TcpStream next_;
  tls_detail::Wire wire_;
  SSL* ssl_ = nullptr;
};

}  // namespace billet::server
