// Webhook certificates: a private CA and a serving certificate signed by it, in memory, as PEM.
//
// Used by `billet certs generate` (files for a Kubernetes Secret and the caBundle) and by
// `billet serve --self-signed` (an in-memory CA for local runs). OpenSSL 3 EVP APIs; never throws.
//
//   certs::CertRequest req;
//   req.dnsNames = certs::serviceDnsNames("billet", "billet-system");
//   auto made = certs::generate(req);
//   if (!made.ok()) { std::cerr << made.error << '\n'; return 2; }
//   write(made.value.caCert) ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace billet::certs {

enum class KeyType { kEcdsaP256, kRsa2048 };

struct CertRequest {
  std::string commonName = "billet";
  std::vector<std::string> dnsNames;     // subjectAltName DNS entries
  std::vector<std::string> ipAddresses;  // subjectAltName IP entries (IPv4 or IPv6 text)
  int days = 365;                        // validity of both the CA and the serving certificate
  KeyType keyType = KeyType::kEcdsaP256;
  // An existing CA (PEM) to sign with instead of making a new one: a serving certificate can be
  // rotated without changing the caBundle the webhook configurations hold.
  std::string caCertPem;
  std::string caKeyPem;
};

struct GeneratedCerts {
  std::string caCert;  // PEM
  std::string caKey;   // PEM, PKCS#8 (kept in memory only by `serve --self-signed`)
  std::string cert;    // PEM, the serving certificate
  std::string key;     // PEM, PKCS#8, the serving key
};

// S, S.N, S.N.svc, S.N.svc.cluster.local: the names the API server may use for a Service.
std::vector<std::string> serviceDnsNames(std::string_view service, std::string_view ns);

// A fresh CA and a serving certificate (serverAuth) signed by it.
base::Result<GeneratedCerts> generate(const CertRequest& request);

// notAfter of the first certificate in a PEM string, as seconds since the Unix epoch.
base::Result<std::int64_t> notAfterUnix(std::string_view pem);

// Writes ca.crt, ca.key (mode 0600), tls.crt and tls.key (mode 0600) into dir, creating it if
// needed. ca.key stays beside the certificates so that the serving certificate can be renewed
// from the same CA; it never goes into the cluster's Secret.
base::Result<bool> writeFiles(const std::string& dir, const GeneratedCerts& made);

// `what`, followed by the most recent OpenSSL error of this thread (if any); clears the queue.
std::string opensslError(std::string_view what);

}  // namespace billet::certs
