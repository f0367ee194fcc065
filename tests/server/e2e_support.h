// End-to-end test helpers: run the real `billet` binary, real tools (curl, openssl, promtool),
// and a small TLS HTTP/1.1 client (Boost.Beast, synchronous) for keep-alive and pipelining.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace billet::test {

std::string sourceDir();  // the repository
std::string binaryDir();  // the build directory
std::string billetBinary();
// ../shared/samples/review-deployment-gpu.json beside the repository, or the repository's own
// copy of it (fuzz/corpus/admission_review/sample-deployment-gpu.json) when that is absent.
std::string sampleReview();
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& data);

// A fresh directory under /tmp, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};
// Runs `command` with /bin/sh; output captured.
CommandResult run(const std::string& command);
// Fails the current test (not skips) when a tool is missing.
void requireTool(const std::string& name);

// A running `billet serve`, its stdout collected line by line.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args);
  ~ServerProcess();  // SIGKILL if still running
  // Waits for the "serving" log line; false if the process exits first or the time runs out.
  bool waitServing(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // Waits for a stdout line containing `needle` (counting from line `from`).
  bool waitForLine(const std::string& needle, std::chrono::milliseconds timeout,
                   std::size_t from = 0);
  std::size_t lineCount();
  std::vector<std::string> lines();
  std::string output();  // all stdout and stderr lines so far
  int port() const { return port_; }
  int metricsPort() const { return metricsPort_; }
  std::string caFile() const { return caFile_; }  // with --self-signed
  void signal(int signo);
  // Waits for exit; returns the exit code, or -1 on timeout / death by signal.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  pid_t pid() const { return pid_; }

 private:
  void reader(int fd);
  pid_t pid_ = -1;
  int port_ = 0, metricsPort_ = 0;
  std::string caFile_;
  std::mutex mu_;
  std::vector<std::string> lines_;
  std::thread reader_;
  bool exited_ = false;
  int status_ = 0;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string contentType;
  std::string allow;
  bool keepAlive = true;
};

// One TLS connection to 127.0.0.1:port, verifying the server against caFile.
class TlsClient {
 public:
  TlsClient(int port, const std::string& caFile, const std::string& clientCert = "",
            const std::string& clientKey = "");
  ~TlsClient();
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& contentType = "");
  // Sends raw bytes as they are (pipelining, partial requests).
  void sendRaw(const std::string& bytes);
  HttpResponse readResponse();
  // True if the server closed the connection (read returns EOF or an error) within `timeout`.
  bool closedWithin(std::chrono::milliseconds timeout);
  std::string peerSerial();  // hex serial of the server certificate

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace billet::test

namespace billet::test {

// A plain TCP connection to 127.0.0.1:port (for garbage, plain HTTP and half-open tests).
class TcpConnection {
 public:
  explicit TcpConnection(int port);
  ~TcpConnection();
  bool connected() const { return fd_ >= 0; }
  void send(const std::string& bytes);
  // Reads until the peer closes or `timeout` passes; returns what arrived and whether it closed.
  std::pair<std::string, bool> readUntilClosed(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace billet::test
