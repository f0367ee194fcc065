// The server's configuration, parsed once by `billet serve` and read-only afterwards.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/logging.h"

namespace billet::server {

struct ListenAddress {
  std::string host;  // "0.0.0.0", "127.0.0.1", "::"
  std::uint16_t port = 0;
};

// "ADDR:PORT", "[v6]:PORT" or ":PORT" (all addresses); nullopt when malformed.
std::optional<ListenAddress> parseListenAddress(std::string_view text);

struct ServerOptions {
  std::vector<std::string> policyPaths;
  std::string certFile, keyFile;  // PEM; empty with selfSigned
  std::string clientCaFile;       // PEM bundle; non-empty turns on client certificate verification
  bool selfSigned = false;
  ListenAddress listen{"0.0.0.0", 8443};
  std::optional<ListenAddress> metricsListen;  // plain HTTP: /metrics, /healthz, /readyz
  int threads = 1;
  std::size_t maxBodyBytes = 6 * 1024 * 1024;
  // The most JSON values a request body may hold: one per 16 bytes of --max-body-bytes (393,216
  // at the default). Kubernetes objects average 15-20 bytes a value, so any real review of that
  // size fits, while `[0,0,…]` (2 bytes a value, ~60 bytes of tree each) is refused before its
  // tree is built.
  std::size_t maxDocumentValues() const { return maxBodyBytes / 16 + 64; }
  // Open connections per listening port; past it new ones are closed at once.
  std::size_t maxConnections = 256;
  std::chrono::milliseconds readTimeout{10'000};
  std::chrono::milliseconds reloadInterval{5'000};
  std::chrono::milliseconds drainTimeout{25'000};
  // How long one admission request may evaluate; past it the rules left report an error and
  // evaluationErrors decide the answer. Below the webhooks' timeoutSeconds (5), so billet
  // answers before the API server gives up on it.
  std::chrono::milliseconds evalTimeout{2'000};
  base::LogLevel logLevel = base::LogLevel::kInfo;
  std::string kubeApi = "off";  // auto | off | https:// URL (see kube_client.h)
  // How often changed PolicyReports are written with --kube-api (and once more at shutdown).
  std::chrono::milliseconds reportInterval{30'000};
  // With --kube-api: how often existing objects are audited (0: never); the first pass runs
  // when this replica starts leading.
  std::chrono::milliseconds auditInterval{3'600'000};
  std::string selfNamespace;    // from POD_NAMESPACE; never matched by policies
  std::string version = "dev";  // billet_build_info{version}
};

}  // namespace billet::server
