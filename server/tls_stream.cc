#include "server/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <new>

namespace billet::server {
namespace tls_detail {
namespace {

// SSL_get_error needs an empty error queue before the call it explains; emptying a queue that
// is already empty costs as much as the rest of a small read, so it is emptied only when needed.
void clearErrors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

// What an OpenSSL call's result means for the stream.
Attempt classify(SSL* ssl, int result, std::size_t bytes) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_NONE:
      return {Attempt::kDone, bytes, {}};
    case SSL_ERROR_WANT_READ:
      return {Attempt::kWantRead, 0, {}};
    case SSL_ERROR_ZERO_RETURN:  // the client's close_notify
      return {Attempt::kFailed, 0, boost::asio::error::eof};
    default: {
      // The first reason OpenSSL gave (as asio's ssl category names it); the rest is dropped so
      // that the next call starts with an empty queue.
      const unsigned long reason = ERR_get_error();
      ERR_clear_error();
      if (reason == 0) return {Attempt::kFailed, 0, boost::asio::ssl::error::stream_truncated};
      return {Attempt::kFailed, 0,
              boost::system::error_code(static_cast<int>(reason),
                                        boost::asio::error::get_ssl_category())};
    }
  }
}

Attempt noState() {
  // SSL_new failed (out of memory): the handshake fails and the connection closes.
  return {Attempt::kFailed, 0, boost::asio::error::no_memory};
}

}  // namespace

Attempt read(SSL* ssl, void* data, std::size_t size) {
  if (ssl == nullptr) return noState();
  clearErrors();
  std::size_t got = 0;
  const int r = SSL_read_ex(ssl, data, size, &got);
  return classify(ssl, r, got);
}

Attempt write(SSL* ssl, const void* data, std::size_t size) {
  if (ssl == nullptr) return noState();
  clearErrors();
  std::size_t written = 0;
  // The output BIO grows as needed: a write is never partial and never wants to wait.
  const int r = SSL_write_ex(ssl, data, size, &written);
  return classify(ssl, r, written);
}

Attempt handshake(SSL* ssl) {
  if (ssl == nullptr) return noState();
  clearErrors();
  return classify(ssl, SSL_do_handshake(ssl), 0);
}

Attempt shutdown(SSL* ssl) {
  if (ssl == nullptr) return noState();
  clearErrors();
  int r = SSL_shutdown(ssl);
  // 0: our close_notify is written and the client's not read yet; the second call reads it
  // (wanting input until it arrives), as asio's stream does.
  if (r == 0) r = SSL_shutdown(ssl);
  if (r == 0) return {Attempt::kWantRead, 0, {}};
  return classify(ssl, r, 0);
}

boost::asio::mutable_buffer inputRoom(Wire& wire, std::size_t capacity) {
  const std::size_t left = wire.inputEnd - wire.inputBegin;
  if (wire.inputBegin != 0) {
    std::memmove(wire.input.get(), wire.input.get() + wire.inputBegin, left);
    wire.inputBegin = 0;
    wire.inputEnd = left;
  }
  return boost::asio::buffer(wire.input.get() + left, capacity - left);
}

namespace {

// The stream's BIO: OpenSSL reads the socket's bytes where the socket put them (Wire::input)
// and appends its records to Wire::output. A read with nothing left says "retry", which
// SSL_get_error reports as SSL_ERROR_WANT_READ; a write always takes everything.
int wireRead(BIO* bio, char* to, int size) {
  auto* wire = static_cast<Wire*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const std::size_t left = wire->inputEnd - wire->inputBegin;
  if (left == 0) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::size_t n = std::min(left, static_cast<std::size_t>(size));
  std::memcpy(to, wire->input.get() + wire->inputBegin, n);
  wire->inputBegin += n;
  return static_cast<int>(n);
}

int wireWrite(BIO* bio, const char* from, int size) {
  auto* wire = static_cast<Wire*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  // Called from inside OpenSSL: nothing may be thrown through it. Out of memory is a write
  // error, which fails the call and closes the connection.
  try {
    wire->output.append(from, static_cast<std::size_t>(size));
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return size;
}

long wireControl(BIO*, int command, long, void*) {
  // Flushing is the stream's to do (it sends Wire::output after every call); to OpenSSL's
  // other questions (kernel TLS, pending bytes) the answer is 0, "no".
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int wireCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

// One method for every stream, made on first use.
const BIO_METHOD* wireMethod() {
  static BIO_METHOD* const method = [] {
    const int index = BIO_get_new_index();
    BIO_METHOD* m =
        index == -1 ? nullptr : BIO_meth_new(index | BIO_TYPE_SOURCE_SINK, "billet wire");
    if (m == nullptr) return m;
    BIO_meth_set_read(m, wireRead);
    BIO_meth_set_write(m, wireWrite);
    BIO_meth_set_ctrl(m, wireControl);
    BIO_meth_set_create(m, wireCreate);
    return m;
  }();
  return method;
}

}  // namespace
}  // namespace tls_detail

TlsStream::TlsStream(ConnectionSocket&& socket, SSL_CTX* context) : next_(std::move(socket)) {
  wire_.input.reset(new char[kInputRoom]);
  const BIO_METHOD* method = tls_detail::wireMethod();
  BIO* bio = method ? BIO_new(method) : nullptr;
  ssl_ = bio ? SSL_new(context) : nullptr;
  if (ssl_ == nullptr) {  // out of memory: the handshake fails and the connection closes
    BIO_free(bio);
    return;
  }
  BIO_set_data(bio, &wire_);
  SSL_set_bio(ssl_, bio, bio);  // one BIO both ways; ssl_ owns it from here
  SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() {
  SSL_free(ssl_);
}

}  // namespace billet::server
