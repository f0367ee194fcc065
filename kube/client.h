// A small HTTPS client for the Kubernetes API server: what billet needs to apply generated
// objects (GET an owner, PATCH with server-side apply), to hold a Lease, and to read the cluster
// with bounded memory (a streamed GET for paged LISTs and WATCHes, kube/list.h, kube/watch.h).
//
// Synchronous, one request at a time, on the caller's thread (the generate applier's own thread,
// never an admission request). Each request has a deadline; the connection is kept alive between
// requests and reopened when the server closed it. TLS 1.2+, the server verified against the
// given CA and host name; a bearer token, a client certificate (mutual TLS) or an exec credential
// plugin's token or certificate when one is configured (kube/kubeconfig.h reads them).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certs/certs.h"
#include "kube/exec_credential.h"

namespace billet::kube {

struct KubeConfig {
  std::string host;      // from the URL
  std::string port;      // "443" when the URL has none
  std::string basePath;  // the URL's path, without a trailing slash ("" usually)
  std::string token;     // bearer token; empty: none sent
  // Where the token came from: read again before each request, because the kubelet rotates
  // projected service account tokens in place (an unreadable file keeps the last token).
  std::string tokenFile;
  std::string caPem;       // the API server's CA; empty: the system trust store
  std::string serverName;  // the name verified in the server's certificate; empty: host
  std::string clientCertPem, clientKeyPem;  // mutual TLS; empty: none
  // An exec credential plugin: its token or client certificate, run again when it expires or
  // the API server answers 401. Shared by the copies of this config.
  std::shared_ptr<ExecPlugin> exec;
  std::chrono::milliseconds timeout{5000};
};

// Resolves `--kube-api`:
//   off   -> nullopt (nothing is written to the cluster);
//   auto  -> in cluster (KUBERNETES_SERVICE_HOST/_PORT set): the service account's token and CA
//            under `serviceAccountDir`; outside a cluster, nullopt;
//   URL   -> that https:// URL, with the service account's token and CA when present, else
//            BILLET_KUBE_TOKEN_FILE and BILLET_KUBE_CA_FILE from the environment.
// An error when the URL is malformed or a named file cannot be read.
base::Result<std::optional<KubeConfig>> resolveKubeApi(
    const std::string& flag,
    const std::string& serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount");

// https://host[:port][/base] into c.host, c.port and c.basePath; "" or what is wrong.
std::string parseServerUrl(const std::string& url, KubeConfig& c);

// The API path of an object: "/apis/policy/v1/namespaces/NS/poddisruptionbudgets/NAME",
// "/api/v1/..." for the core group, no namespace segment for cluster-scoped kinds (namespace
// ""). The plural is resourceOfKind's (kube/kinds.h). Empty when
// the namespace or name is not a valid Kubernetes name (so nothing needs escaping).
std::string resourcePath(const std::string& apiVersion, const std::string& kind,
                         const std::string& namespace_, const std::string& name);

struct KubeResponse {
  int status = 0;    // HTTP status; 0 when the request did not complete
  std::string body;  // the response body, or the transport error when status is 0
};

class KubeClient {
 public:
  explicit KubeClient(KubeConfig config);
  ~KubeClient();
  KubeClient(KubeClient&&) noexcept;
  KubeClient& operator=(KubeClient&&) noexcept;

  // `target` is the path and query under the base path, e.g. "/apis/apps/v1/...". Never throws.
  KubeResponse get(const std::string& target);
  KubeResponse apply(const std::string& target, const std::string& body);  // server-side apply
  // Any other request (POST, PUT, DELETE): `body` with content type application/json.
  KubeResponse send(const std::string& method, const std::string& target,
                    const std::string& body = "");
  // Where the client connects, for messages: "https://host:port".
  std::string server() const;

  // A GET whose body is handed to `onData` piece by piece as it arrives (chunked transfer
  // decoded), never held whole: for WATCHes and large LIST pages. The header must come within
  // the configured timeout; after it, each wait for more bytes is bounded by `idleTimeout` (a
  // watch is quiet between events). `onData` returns false to stop reading (the connection is
  // closed). A 2xx answer returns its status with an empty body; any other status returns the
  // body (at most 64 KiB) without calling `onData`; status 0: the transport failed (body says
  // how), or the client was cancelled.
  using DataFn = std::function<bool(std::string_view)>;
  KubeResponse stream(const std::string& target, const DataFn& onData,
                      std::chrono::milliseconds idleTimeout);

  // Thread-safe: the request in progress, and every later one, fails at once with status 0.
  // For stopping a watch from another thread.
  void cancel();
  bool cancelled() const;
  // Thread-safe: ends the streamed GET in progress, if any (it returns status 0), and only it.
  void interrupt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace billet::kube
