#include "tests/server/e2e_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace billet::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
// Writing to a connection the server closed must fail the write, not kill the test.
const bool kIgnoreSigpipe = [] {
  ::signal(SIGPIPE, SIG_IGN);
  return true;
}();
}  // namespace

std::string sourceDir() {
  return BILLET_SOURCE_DIR;
}
std::string binaryDir() {
  return BILLET_BINARY_DIR;
}
std::string billetBinary() {
  return binaryDir() + "/billet";
}
std::string sampleReview() {
  const std::string shared = sourceDir() + "/../shared/samples/review-deployment-gpu.json";
  if (std::ifstream(shared).good()) return shared;
  // A clone without the shared samples beside it: the same review, kept as a fuzz seed.
  return sourceDir() + "/fuzz/corpus/admission_review/sample-deployment-gpu.json";
}

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << data;
}

TempDir::TempDir() {
  std::string tmpl = "/tmp/billet-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void requireTool(const std::string& name) {
  if (run("command -v " + name).exitCode != 0)
    FAIL(name +
         " is not installed; the e2e tests need it (apt-get install curl openssl wrk "
         "prometheus)");
}

// ---------------------------------------------------------------------------------------------

ServerProcess::ServerProcess(std::vector<std::string> args) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  args.insert(args.begin(), {billetBinary(), "serve"});
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::perror("execv");
    ::_exit(127);
  }
  ::close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { reader(fd); });
}

ServerProcess::~ServerProcess() {
  // A clean stop first, so the server removes what it made (the --self-signed CA directory).
  if (!exited_ && pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (wait(std::chrono::seconds(5)) == -1 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
      exited_ = true;
    }
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::reader(int fd) {
  std::string partial;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(partial.substr(0, nl));
      partial.erase(0, nl + 1);
    }
  }
  ::close(fd);
}

namespace {

std::string jsonField(const std::string& line, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  std::size_t p = line.find(needle);
  if (p == std::string::npos) return {};
  p += needle.size();
  if (p < line.size() && line[p] == '"') {
    const std::size_t end = line.find('"', p + 1);
    return line.substr(p + 1, end - p - 1);
  }
  std::size_t end = p;
  while (end < line.size() && (std::isdigit(static_cast<unsigned char>(line[end])))) ++end;
  return line.substr(p, end - p);
}

}  // namespace

bool ServerProcess::waitForLine(const std::string& needle, std::chrono::milliseconds timeout,
                                std::size_t from) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::size_t i = from; i < lines_.size(); ++i)
        if (lines_[i].find(needle) != std::string::npos) return true;
    }
    int status;
    if (!exited_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      status_ = status;
    }
    if (exited_) {
      // The reader ends at the end of the output: after the join every line is in.
      if (reader_.joinable()) reader_.join();
      std::lock_guard<std::mutex> lock(mu_);
      for (std::size_t i = from; i < lines_.size(); ++i)
        if (lines_[i].find(needle) != std::string::npos) return true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool ServerProcess::waitServing(std::chrono::milliseconds timeout) {
  if (!waitForLine("\"msg\":\"serving\"", timeout)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& l : lines_) {
    if (l.find("\"msg\":\"serving\"") != std::string::npos) {
      port_ = std::atoi(jsonField(l, "port").c_str());
      metricsPort_ = std::atoi(jsonField(l, "metricsPort").c_str());
    }
    if (l.find("\"caFile\"") != std::string::npos) caFile_ = jsonField(l, "caFile");
  }
  return port_ > 0;
}

std::size_t ServerProcess::lineCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_.size();
}

std::vector<std::string> ServerProcess::lines() {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::string ServerProcess::output() {
  std::string out;
  for (const std::string& l : lines()) out += l + "\n";
  return out;
}

void ServerProcess::signal(int signo) {
  if (!exited_) ::kill(pid_, signo);
}

int ServerProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exited_ && Clock::now() < deadline) {
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      status_ = status;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited_) return -1;
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
}

// ---------------------------------------------------------------------------------------------

namespace {

int connectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void setReadTimeout(int fd, std::chrono::milliseconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

struct TlsClient::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  int fd = -1;
  std::string buffer;

  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }

  // Appends what one SSL_read returns; false on close, error or timeout.
  bool readMore() {
    char buf[16384];
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) return false;
    buffer.append(buf, static_cast<std::size_t>(n));
    return true;
  }
};

TlsClient::TlsClient(int port, const std::string& caFile, const std::string& clientCert,
                     const std::string& clientKey)
    : impl_(std::make_unique<Impl>()) {
  impl_->ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(impl_->ctx, TLS1_2_VERSION);
  if (SSL_CTX_load_verify_locations(impl_->ctx, caFile.c_str(), nullptr) != 1)
    throw std::runtime_error("cannot load CA " + caFile);
  SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
  if (!clientCert.empty()) {
    SSL_CTX_use_certificate_chain_file(impl_->ctx, clientCert.c_str());
    SSL_CTX_use_PrivateKey_file(impl_->ctx, clientKey.c_str(), SSL_FILETYPE_PEM);
  }
  impl_->fd = connectLoopback(port);
  if (impl_->fd < 0) throw std::runtime_error("cannot connect to port " + std::to_string(port));
  setReadTimeout(impl_->fd, std::chrono::seconds(20));
  impl_->ssl = SSL_new(impl_->ctx);
  SSL_set_fd(impl_->ssl, impl_->fd);
  static char kHost[] = "localhost";
  SSL_ctrl(impl_->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, kHost);
  SSL_set1_host(impl_->ssl, "localhost");
  if (SSL_connect(impl_->ssl) != 1) {
    char err[256];
    ERR_error_string_n(ERR_get_error(), err, sizeof err);
    ERR_clear_error();
    throw std::runtime_error(std::string("TLS handshake failed: ") + err);
  }
}

TlsClient::~TlsClient() = default;

void TlsClient::sendRaw(const std::string& bytes) {
  if (bytes.empty()) return;
  if (SSL_write(impl_->ssl, bytes.data(), static_cast<int>(bytes.size())) <= 0)
    throw std::runtime_error("TLS write failed");
}

HttpResponse TlsClient::request(const std::string& method, const std::string& target,
                                const std::string& body, const std::string& contentType) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!contentType.empty()) req += "Content-Type: " + contentType + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  sendRaw(req);
  return readResponse();
}

HttpResponse TlsClient::readResponse() {
  std::string& buf = impl_->buffer;
  std::size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos)
    if (!impl_->readMore()) throw std::runtime_error("connection closed before a response");
  HttpResponse r;
  std::istringstream head(buf.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) throw std::runtime_error("bad status line: " + line);
  r.status = std::atoi(line.c_str() + 9);
  std::size_t length = 0;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "content-length") length = std::stoul(value);
    if (key == "content-type") r.contentType = value;
    if (key == "allow") r.allow = value;
    if (key == "connection" && lower(value) == "close") r.keepAlive = false;
  }
  buf.erase(0, end + 4);
  while (buf.size() < length)
    if (!impl_->readMore()) throw std::runtime_error("connection closed in a response body");
  r.body = buf.substr(0, length);
  buf.erase(0, length);
  return r;
}

bool TlsClient::closedWithin(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    setReadTimeout(impl_->fd, std::chrono::milliseconds(100));
    char buf[1024];
    errno = 0;
    const int n = SSL_read(impl_->ssl, buf, sizeof buf);
    if (n > 0) continue;
    const int err = SSL_get_error(impl_->ssl, n);
    ERR_clear_error();
    if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_SYSCALL) &&
        (errno == EAGAIN || errno == EWOULDBLOCK))
      continue;  // still open
    return true;
  }
  return false;
}

std::string TlsClient::peerSerial() {
  X509* cert = SSL_get1_peer_certificate(impl_->ssl);
  if (!cert) return {};
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out = hex;
  OPENSSL_free(hex);
  BN_free(bn);
  X509_free(cert);
  return out;
}

// ---------------------------------------------------------------------------------------------

TcpConnection::TcpConnection(int port) : fd_(connectLoopback(port)) {}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpConnection::send(const std::string& bytes) {
  (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

std::pair<std::string, bool> TcpConnection::readUntilClosed(std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return {got, true};
    got.append(buf, static_cast<std::size_t>(n));
  }
  return {got, false};
}

}  // namespace billet::test
