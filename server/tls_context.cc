#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstring>
#include <fstream>
#include <sstream>

#include "certs/certs.h"

namespace billet::server {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites: forward secret (ECDHE) and AEAD only. TLS 1.3 suites are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256:P-384";

bool readFile(const std::string& path, std::string& out, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// ALPN: we speak HTTP/1.1 only; pick it when offered, otherwise negotiate nothing.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
  for (unsigned int i = 0; i < inlen;) {
    const unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == sizeof kHttp11 && std::memcmp(in + i + 1, kHttp11, len) == 0) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

base::Result<TlsMaterial> readTlsMaterial(const std::string& certFile, const std::string& keyFile,
                                          const std::string& clientCaFile) {
  base::Result<TlsMaterial> out;
  if (!readFile(certFile, out.value.certPem, out.error)) return out;
  if (!readFile(keyFile, out.value.keyPem, out.error)) return out;
  if (!clientCaFile.empty() && !readFile(clientCaFile, out.value.clientCaPem, out.error))
    return out;
  return out;
}

base::Result<TlsContext> makeTlsContext(const TlsMaterial& material) {
  base::Result<TlsContext> out;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                   ssl::context::single_dh_use | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle keep-alive connection gives its ~34 KiB of TLS record buffers back until it reads
  // again: idle connections should cost little.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(native, kTls13Suites) != 1 ||
      SSL_CTX_set1_groups_list(native, kGroups) != 1) {
    out.error = certs::opensslError("configuring TLS");
    return out;
  }
  SSL_CTX_set_alpn_select_cb(native, selectAlpn, nullptr);

  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(material.certPem), ec);
  if (ec) {
    out.error = "TLS certificate: " + ec.message();
    ERR_clear_error();
    return out;
  }
  ctx->use_private_key(boost::asio::buffer(material.keyPem), ssl::context::pem, ec);
  if (ec) {
    out.error = "TLS key: " + ec.message();
    ERR_clear_error();
    return out;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    out.error = certs::opensslError("TLS key does not match the certificate");
    return out;
  }
  EVP_PKEY* key = SSL_CTX_get0_privatekey(native);
  const int keyType = key ? EVP_PKEY_get_base_id(key) : 0;
  if (keyType != EVP_PKEY_EC && keyType != EVP_PKEY_RSA) {
    out.error = "TLS key: only ECDSA and RSA keys are supported";
    return out;
  }
  if (keyType == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) < 2048) {
    out.error = "TLS key: RSA keys must have at least 2048 bits";
    return out;
  }
  X509* cert = SSL_CTX_get0_certificate(native);
  auto notAfter = certs::notAfterUnix(material.certPem);
  if (!cert || !notAfter.ok()) {
    out.error = "TLS certificate: " + notAfter.error;
    return out;
  }

  if (!material.clientCaPem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(material.clientCaPem.data(), static_cast<int>(material.clientCaPem.size())),
        &BIO_free);
    X509_STORE* store = SSL_CTX_get_cert_store(native);
    int count = 0;
    while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      const bool ok = X509_STORE_add_cert(store, ca) == 1 && SSL_CTX_add_client_CA(native, ca) == 1;
      X509_free(ca);
      if (!ok) {
        out.error = certs::opensslError("client CA");
        return out;
      }
      ++count;
    }
    ERR_clear_error();  // the loop ends on a "no start line" error
    if (count == 0) {
      out.error = "client CA: no PEM certificate found";
      return out;
    }
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    static const unsigned char kSessionContext[] = "billet";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  }
  out.value.context = std::move(ctx);
  out.value.notAfter = notAfter.value;
  return out;
}

}  // namespace billet::server
