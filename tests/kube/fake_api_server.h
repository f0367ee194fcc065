// A stand-in for the Kubernetes API server, for tests of what billet writes to a cluster (no
// kube-apiserver can run here). It speaks real HTTPS (TLS with a certificate for 127.0.0.1 and
// localhost, HTTP/1.1 keep-alive, Boost.Beast), records every request for the test to check the
// way the API server would (method, path and query, content type, bearer token, body), and
// answers each from the test's handler (called from one thread per connection).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace billet::test {

struct ApiRequest {
  std::string method, target, contentType, authorization, body;
};

struct ApiAnswer {
  ApiAnswer(int s = 200, std::string b = "{}", bool c = false)
      : status(s), body(std::move(b)), close(c) {}
  int status = 200;
  std::string body = "{}";
  bool close = false;  // answer with Connection: close and drop the connection
  // A streamed answer (a WATCH): when not empty, the body is these pieces, each written as one
  // HTTP chunk as soon as the previous one is sent (`body` is ignored); then the connection
  // stays silent for `holdOpen` (or until the server stops) before the last chunk ends it.
  std::vector<std::string> chunks;
  std::chrono::milliseconds holdOpen{0};
};

class FakeApiServer {
 public:
  using Handler = std::function<ApiAnswer(const ApiRequest&)>;
  explicit FakeApiServer(Handler handler);
  ~FakeApiServer();

  std::uint16_t port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  const std::string& caPem() const { return caPem_; }

  std::vector<ApiRequest> requests() const;
  std::size_t connections() const;
  // Waits until at least n requests were received; false on timeout.
  bool waitForRequests(std::size_t n, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::string caPem_;
};

}  // namespace billet::test
