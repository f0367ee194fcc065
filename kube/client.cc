#include "kube/client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "kube/kinds.h"

namespace billet::kube {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kMaxResponseBytes = 8 * 1024 * 1024;
constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;

base::Result<std::string> readWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {{}, "cannot read " + path};
  std::ostringstream s;
  s << in.rdbuf();
  return {s.str(), ""};
}

bool exists(const std::string& path) {
  return std::ifstream(path).good();
}

}  // namespace

// https://host[:port][/base] -> config fields; an error names what is wrong.
std::string parseServerUrl(const std::string& url, KubeConfig& c) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return "expected an https:// URL, got \"" + url + "\"";
  std::string rest = url.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  c.basePath = slash == std::string::npos ? "" : rest.substr(slash);
  while (!c.basePath.empty() && c.basePath.back() == '/') c.basePath.pop_back();
  c.port = "443";
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string::npos) return "unclosed [ in \"" + url + "\"";
    c.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return "bad port in \"" + url + "\"";
      c.port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    c.host = authority.substr(0, colon);
    if (colon != std::string::npos) c.port = authority.substr(colon + 1);
  }
  if (c.host.empty()) return "no host in \"" + url + "\"";
  if (c.port.empty() || c.port.find_first_not_of("0123456789") != std::string::npos ||
      c.port.size() > 5 || std::stoi(c.port) == 0 || std::stoi(c.port) > 65535)
    return "bad port in \"" + url + "\"";
  return "";
}

namespace {

std::string trimToken(std::string token) {
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool isName(const std::string& s) {
  // DNS-1123 subdomain characters: what object names and namespaces may hold.
  return !s.empty() && s.size() <= 253 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

}  // namespace

std::string resourcePath(const std::string& apiVersion, const std::string& kind,
                         const std::string& namespace_, const std::string& name) {
  if (apiVersion.empty() || kind.empty() || !isName(name)) return "";
  if (!namespace_.empty() && !isName(namespace_)) return "";
  const std::string plural = resourceOfKind(kind);
  std::string path = apiVersion.find('/') == std::string::npos ? "/api/" : "/apis/";
  path += apiVersion;
  if (!namespace_.empty()) path += "/namespaces/" + namespace_;
  return path + "/" + plural + "/" + name;
}

base::Result<std::optional<KubeConfig>> resolveKubeApi(const std::string& flag,
                                                       const std::string& serviceAccountDir) {
  using Result = base::Result<std::optional<KubeConfig>>;
  if (flag == "off") return Result{};
  std::string url = flag;
  if (flag == "auto") {
    const std::string host = env("KUBERNETES_SERVICE_HOST");
    if (host.empty()) return Result{};  // not in a cluster
    const std::string port = env("KUBERNETES_SERVICE_PORT");
    const bool v6 = host.find(':') != std::string::npos;
    url = "https://" + (v6 ? "[" + host + "]" : host) + (port.empty() ? "" : ":" + port);
  }
  KubeConfig c;
  if (std::string err = parseServerUrl(url, c); !err.empty())
    return Result{{}, "--kube-api: " + err};
  const std::string saToken = serviceAccountDir + "/token";
  const std::string saCa = serviceAccountDir + "/ca.crt";
  const std::string tokenFile = exists(saToken) ? saToken : env("BILLET_KUBE_TOKEN_FILE");
  const std::string caFile = exists(saCa) ? saCa : env("BILLET_KUBE_CA_FILE");
  if (!tokenFile.empty()) {
    auto t = readWhole(tokenFile);
    if (!t.ok()) return Result{{}, "--kube-api: " + t.error};
    c.token = trimToken(t.value);
    c.tokenFile = tokenFile;
  }
  if (!caFile.empty()) {
    auto ca = readWhole(caFile);
    if (!ca.ok()) return Result{{}, "--kube-api: " + ca.error};
    c.caPem = ca.value;
  }
  return Result{std::move(c), ""};
}

struct KubeClient::Impl {
  explicit Impl(KubeConfig c) : config(std::move(c)) {
    setupError = makeContext(config.clientCertPem, config.clientKeyPem);
  }

  // The TLS client context: the API server verified against the CA; a client certificate when
  // one is given (mutual TLS). Rebuilt when an exec plugin hands out a new certificate.
  std::string makeContext(const std::string& certPem, const std::string& keyPem) {
    auto made = std::make_unique<ssl::context>(ssl::context::tls_client);
    made->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    made->set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (config.caPem.empty())
      made->set_default_verify_paths(ec);
    else
      made->add_certificate_authority(net::buffer(config.caPem), ec);
    if (ec) return "the API server's CA: " + ec.message();
    if (!certPem.empty()) {
      made->use_certificate_chain(net::buffer(certPem), ec);
      if (ec) return "the client certificate: " + ec.message();
      made->use_private_key(net::buffer(keyPem), ssl::context::pem, ec);
      if (ec) return "the client key: " + ec.message();
      if (SSL_CTX_check_private_key(made->native_handle()) != 1)
        return "the client key does not match the client certificate";
    }
    stream.reset();
    ctx = std::move(made);
    contextCert = certPem;
    return "";
  }

  // Runs the async operation started by `start` to completion on this client's io_context; the
  // stream's deadline (set before) bounds it.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = net::error::operation_aborted;
    if (cancelled.load(std::memory_order_acquire)) return result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  std::string connect() {
    stream.reset();
    buffer.clear();
    stream.emplace(ioc, *ctx);
    error_code ec;
    const std::string& name = config.serverName.empty() ? config.host : config.serverName;
    net::ip::make_address(name, ec);
    // SNI for host names (SSL_set_tlsext_host_name, spelled out: the macro casts C-style).
    if (ec && !SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                        TLSEXT_NAMETYPE_host_name, const_cast<char*>(name.c_str())))
      return "cannot set the TLS server name";
    stream->set_verify_callback(ssl::host_name_verification(name));
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(config.host, config.port, ec);
    if (ec) return "cannot resolve " + config.host + ": " + ec.message();
    auto& tcpStream = beast::get_lowest_layer(*stream);
    tcpStream.expires_after(config.timeout);
    if ((ec = run([&](auto handler) { tcpStream.async_connect(endpoints, handler); })))
      return "cannot connect to " + config.host + ":" + config.port + ": " + ec.message();
    if ((ec = run(
             [&](auto handler) { stream->async_handshake(ssl::stream_base::client, handler); })))
      return "TLS handshake with " + config.host + " failed: " + ec.message();
    return "";
  }

  // One exchange on the open connection; "" or the transport error.
  std::string exchange(const http::request<http::string_body>& req, KubeResponse& out) {
    auto& tcpStream = beast::get_lowest_layer(*stream);
    tcpStream.expires_after(config.timeout);
    if (error_code ec = run([&](auto handler) { http::async_write(*stream, req, handler); }))
      return "sending the request: " + ec.message();
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    if (error_code ec =
            run([&](auto handler) { http::async_read(*stream, buffer, parser, handler); }))
      return "reading the response: " + ec.message();
    out.status = static_cast<int>(parser.get().result_int());
    out.body = std::move(parser.get().body());
    if (!parser.get().keep_alive()) stream.reset();
    return "";
  }

  // The credentials of the next request: the exec plugin's (its client certificate put in the
  // TLS context when it changed) or the configured token (re-read from its file). "" or why
  // there are none.
  std::string prepareCredentials(std::string& bearer) {
    bearer.clear();
    if (config.exec) {
      auto cred = config.exec->credential();
      if (!cred.ok()) return cred.error;
      bearer = cred.value.token;
      if (cred.value.clientCertPem != contextCert) {
        if (std::string err = makeContext(cred.value.clientCertPem, cred.value.clientKeyPem);
            !err.empty())
          return "exec plugin \"" + config.exec->config().command + "\": " + err;
      }
    }
    if (!config.tokenFile.empty()) {
      if (auto t = readWhole(config.tokenFile); t.ok() && !t.value.empty())
        config.token = trimToken(t.value);
    }
    if (bearer.empty()) bearer = config.token;
    return "";
  }

  http::request<http::string_body> makeRequest(http::verb verb, const std::string& target,
                                               const std::string& contentType,
                                               const std::string& body, const std::string& bearer) {
    http::request<http::string_body> req{verb, config.basePath + target, 11};
    req.set(http::field::host, config.host);
    req.set(http::field::user_agent, "billet");
    req.set(http::field::accept, "application/json");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    if (!contentType.empty()) req.set(http::field::content_type, contentType);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  // "" when the client can send; else why not.
  std::string unusable() const {
    if (!setupError.empty()) return setupError;
    if (cancelled.load(std::memory_order_acquire)) return "cancelled";
    return "";
  }

  // What every request, buffered or streamed, starts with: a usable client, fresh credentials,
  // the request itself. The request, or why it cannot be sent.
  base::Result<http::request<http::string_body>> prepareRequest(http::verb verb,
                                                                const std::string& target,
                                                                const std::string& contentType,
                                                                const std::string& body) {
    using Prepared = base::Result<http::request<http::string_body>>;
    if (std::string why = unusable(); !why.empty()) return Prepared::failure(std::move(why));
    std::string bearer;
    if (std::string why = prepareCredentials(bearer); !why.empty())
      return Prepared::failure(std::move(why));
    return Prepared{makeRequest(verb, target, contentType, body, bearer), ""};
  }

  KubeResponse send(http::verb verb, const std::string& target, const std::string& contentType,
                    const std::string& body) {
    KubeResponse out = sendOnce(verb, target, contentType, body);
    if (out.status == 401 && config.exec) {
      // The plugin's credential was refused (revoked, expired early): once more with a new one.
      config.exec->invalidate();
      out = sendOnce(verb, target, contentType, body);
    }
    return out;
  }

  KubeResponse sendOnce(http::verb verb, const std::string& target, const std::string& contentType,
                        const std::string& body) {
    KubeResponse out;
    auto prepared = prepareRequest(verb, target, contentType, body);
    if (!prepared.ok()) return KubeResponse{0, prepared.error};
    const auto& req = prepared.value;
    // A kept-alive connection may have been closed by the server meanwhile: one fresh retry.
    const bool reused = stream.has_value();
    if (!reused) {
      if (std::string err = connect(); !err.empty()) {
        stream.reset();
        out.body = err;
        return out;
      }
    }
    std::string err = exchange(req, out);
    if (!err.empty() && reused) {
      if (err = connect(); err.empty()) err = exchange(req, out);
    }
    if (!err.empty()) {
      stream.reset();
      out = KubeResponse{0, err};
    }
    return out;
  }

  // Sends the request and reads the response header on the open connection; "" or the error.
  std::string sendAndReadHeader(const http::request<http::string_body>& req,
                                http::response_parser<http::buffer_body>& parser) {
    auto& tcpStream = beast::get_lowest_layer(*stream);
    tcpStream.expires_after(config.timeout);
    if (error_code ec = run([&](auto handler) { http::async_write(*stream, req, handler); }))
      return "sending the request: " + ec.message();
    if (error_code ec =
            run([&](auto handler) { http::async_read_header(*stream, buffer, parser, handler); }))
      return "reading the response: " + ec.message();
    return "";
  }

  KubeResponse streamGet(const std::string& target, const KubeClient::DataFn& onData,
                         std::chrono::milliseconds idleTimeout) {
    KubeResponse out;
    auto prepared = prepareRequest(http::verb::get, target, "", "");
    if (!prepared.ok()) return KubeResponse{0, prepared.error};
    const auto& req = prepared.value;
    const std::uint64_t seq = streamSeq.fetch_add(1, std::memory_order_acq_rel) + 1;
    struct Done {  // no stream in progress once this returns: interrupt() leaves later ones alone
      std::atomic<std::uint64_t>& active;
      ~Done() { active.store(0, std::memory_order_release); }
    } done{activeStream};
    activeStream.store(seq, std::memory_order_release);
    std::optional<http::response_parser<http::buffer_body>> parser;
    const auto attempt = [&]() -> std::string {
      if (!stream) {
        if (std::string err = connect(); !err.empty()) return err;
      }
      parser.emplace();
      // Streamed: the consumer bounds what it keeps. (Not boost::none: Boost 1.74's parser
      // compares a Content-Length with the disengaged optional and fails.)
      parser->body_limit(std::numeric_limits<std::uint64_t>::max());
      return sendAndReadHeader(req, *parser);
    };
    const bool reused = stream.has_value();
    std::string err = attempt();
    if (!err.empty() && reused) {  // the kept-alive connection was closed meanwhile
      stream.reset();
      err = attempt();
    }
    if (!err.empty()) {
      stream.reset();
      return KubeResponse{0, err};
    }
    const int status = static_cast<int>(parser->get().result_int());
    const bool success = status >= 200 && status < 300;
    std::array<char, 64 * 1024> chunk;
    auto& tcpStream = beast::get_lowest_layer(*stream);
    while (!parser->is_done()) {
      parser->get().body().data = chunk.data();
      parser->get().body().size = chunk.size();
      tcpStream.expires_after(success ? idleTimeout : config.timeout);
      error_code ec =
          run([&](auto handler) { http::async_read_some(*stream, buffer, *parser, handler); });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        stream.reset();
        return KubeResponse{0, "reading the response: " + ec.message()};
      }
      const std::size_t n = chunk.size() - parser->get().body().size;
      if (success) {
        if (n > 0 && !onData(std::string_view(chunk.data(), n))) {
          stream.reset();  // the rest of the body is not wanted: the connection cannot be reused
          return KubeResponse{status, ""};
        }
      } else if (out.body.size() < kMaxErrorBodyBytes) {
        out.body.append(chunk.data(), std::min(n, kMaxErrorBodyBytes - out.body.size()));
      }
    }
    if (!parser->get().keep_alive()) stream.reset();
    out.status = status;
    return out;
  }

  void cancel() {
    cancelled.store(true, std::memory_order_release);
    // Runs on the thread that runs `ioc` (the one using this client), in the operation in
    // progress or, if none, at the start of the next one.
    net::post(ioc, [this] {
      if (stream) beast::get_lowest_layer(*stream).close();
    });
  }

  void interrupt() {
    const std::uint64_t seq = activeStream.load(std::memory_order_acquire);
    if (seq == 0) return;
    net::post(ioc, [this, seq] {
      if (activeStream.load(std::memory_order_acquire) == seq && stream)
        beast::get_lowest_layer(*stream).close();
    });
  }

  KubeConfig config;
  std::atomic<bool> cancelled{false};
  std::atomic<std::uint64_t> streamSeq{0}, activeStream{0};
  net::io_context ioc{1};
  std::unique_ptr<ssl::context> ctx;
  std::string contextCert;  // the client certificate ctx presents
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  std::string setupError;
};

KubeClient::KubeClient(KubeConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
KubeClient::~KubeClient() = default;
KubeClient::KubeClient(KubeClient&&) noexcept = default;
KubeClient& KubeClient::operator=(KubeClient&&) noexcept = default;

KubeResponse KubeClient::get(const std::string& target) {
  return impl_->send(http::verb::get, target, "", "");
}

KubeResponse KubeClient::apply(const std::string& target, const std::string& body) {
  // Server-side apply: the body is the object as billet wants it (JSON is valid YAML).
  return impl_->send(http::verb::patch, target, "application/apply-patch+yaml", body);
}

KubeResponse KubeClient::send(const std::string& method, const std::string& target,
                              const std::string& body) {
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) return {0, "unknown HTTP method " + method};
  return impl_->send(verb, target, body.empty() ? "" : "application/json", body);
}

std::string KubeClient::server() const {
  const KubeConfig& c = impl_->config;
  const bool v6 = c.host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + c.host + "]" : c.host) + ":" + c.port + c.basePath;
}

KubeResponse KubeClient::stream(const std::string& target, const DataFn& onData,
                                std::chrono::milliseconds idleTimeout) {
  return impl_->streamGet(target, onData, idleTimeout);
}

void KubeClient::cancel() {
  impl_->cancel();
}

void KubeClient::interrupt() {
  impl_->interrupt();
}

bool KubeClient::cancelled() const {
  return impl_->cancelled.load(std::memory_order_acquire);
}

}  // namespace billet::kube
