// TLS server contexts: TLS 1.2 and 1.3 only, AEAD ciphers only, ECDSA or RSA (≥ 2048-bit) keys,
// optional client certificate verification.
//
// A context is immutable once built. Reload builds a new one and publishes it in a
// TlsContextStore; each connection keeps a shared_ptr to the context it was accepted with, so
// rotating certificates never touches open connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "certs/certs.h"
#include "server/shared_slot.h"

namespace boost::asio::ssl {
class context;
}

namespace billet::server {

using SslContextPtr = std::shared_ptr<boost::asio::ssl::context>;

struct TlsMaterial {
  std::string certPem;      // serving certificate, then its chain
  std::string keyPem;       // private key matching the first certificate
  std::string clientCaPem;  // empty: no client certificates asked for
};

struct TlsContext {
  SslContextPtr context;
  std::int64_t notAfter = 0;  // of the serving certificate, Unix seconds
};

// Reads the files (whole; a PEM file is small). clientCaFile may be empty.
base::Result<TlsMaterial> readTlsMaterial(const std::string& certFile, const std::string& keyFile,
                                          const std::string& clientCaFile);

// Validates the material (key type and size, key matches certificate) and builds a context.
base::Result<TlsContext> makeTlsContext(const TlsMaterial& material);

// The context new connections are accepted with.
class TlsContextStore {
 public:
  SslContextPtr current() const { return slot_.load(); }
  void publish(SslContextPtr ctx) { slot_.store(std::move(ctx)); }

 private:
  SharedSlot<boost::asio::ssl::context> slot_;
};

}  // namespace billet::server
