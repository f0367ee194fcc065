// End-to-end tests of `billet serve`: the real binary on an ephemeral loopback port, real
// clients (curl, openssl s_client, promtool, our TLS client). Tools must be installed beforehand;
// a missing tool fails the test.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "certs/certs.h"
#include "json/parse.h"
#include "tests/eventually.h"
#include "tests/kube/fake_api_server.h"
#include "tests/server/e2e_support.h"

using namespace billet::test;
using billet::testing::eventually;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string policiesDir() {
  return sourceDir() + "/manifests/policies";
}

// A server with --self-signed on 127.0.0.1:0 and the bundled policies, plus extra flags.
std::unique_ptr<ServerProcess> startServer(std::vector<std::string> extra = {}) {
  REQUIRE(fs::exists(billetBinary()));
  std::vector<std::string> args = {"--listen", "127.0.0.1:0"};
  bool hasTls = false, hasPolicies = false;
  for (const std::string& a : extra) {
    hasTls = hasTls || a == "--tls-cert";
    hasPolicies = hasPolicies || a == "--policies";
  }
  if (!hasPolicies) args.insert(args.end(), {"--policies", policiesDir()});
  if (!hasTls) args.push_back("--self-signed");
  args.insert(args.end(), extra.begin(), extra.end());
  auto server = std::make_unique<ServerProcess>(args);
  INFO(server->output());
  REQUIRE(server->waitServing());
  return server;
}

std::string curl(const ServerProcess& s, const std::string& args) {
  return "curl -sS --max-time 20 --cacert " + s.caFile() + " " + args;
}

std::string url(const ServerProcess& s, const std::string& path) {
  return "https://127.0.0.1:" + std::to_string(s.port()) + path;
}

// "CODE" from curl -w '%{http_code}'.
int httpCode(const std::string& command) {
  const CommandResult r = run(command + " -o /dev/null -w '%{http_code}'");
  INFO(command << "\n" << r.output);
  return std::atoi(r.output.substr(r.output.size() >= 3 ? r.output.size() - 3 : 0).c_str());
}

// Kubernetes-style volume: dir/..v1/<files>, dir/..data -> ..v1, dir/<file> -> ..data/<file>.
class ProjectedVolume {
 public:
  explicit ProjectedVolume(std::string dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

  // Publishes a new version with these files, atomically (rename of the ..data symlink).
  void publish(const std::vector<std::pair<std::string, std::string>>& files) {
    const std::string version = "..v" + std::to_string(++n_);
    fs::create_directories(dir_ + "/" + version);
    for (const auto& [name, content] : files) writeFile(dir_ + "/" + version + "/" + name, content);
    fs::create_symlink(version, dir_ + "/..data_tmp");
    fs::rename(dir_ + "/..data_tmp", dir_ + "/..data");
    for (const auto& [name, content] : files) {
      if (!fs::is_symlink(dir_ + "/" + name))
        fs::create_symlink("..data/" + name, dir_ + "/" + name);
    }
    // As the kubelet does, the links of files the new version no longer has go.
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("..", 0) != 0 && fs::is_symlink(e.symlink_status()) && !fs::exists(e.path()))
        fs::remove(e.path());
    }
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int n_ = 0;
};

std::vector<std::pair<std::string, std::string>> bundledPolicyFiles() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(policiesDir())) {
    if (!e.is_regular_file()) continue;
    const std::string ext = e.path().extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") continue;
    std::string name = fs::relative(e.path(), policiesDir()).string();
    for (char& c : name)
      if (c == '/') c = '_';
    files.emplace_back(name, readFile(e.path().string()));
  }
  return files;
}

std::string metricValue(const std::string& metrics, const std::string& series) {
  const std::size_t p = metrics.find("\n" + series + " ");
  if (p == std::string::npos) return {};
  const std::size_t start = p + series.size() + 2;
  return metrics.substr(start, metrics.find('\n', start) - start);
}

}  // namespace

TEST_CASE("serve: endpoints and status codes", "[e2e][server]") {
  requireTool("curl");
  auto s = startServer({"--max-body-bytes", "100000"});
  const std::string review = sampleReview();
  REQUIRE(fs::exists(review));
  const std::string json = " -H 'Content-Type: application/json' ";

  CHECK(httpCode(curl(*s, url(*s, "/healthz"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/readyz"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/metrics"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/reports"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/reports?format=policyreport"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/reports?format=xml"))) == 400);
  CHECK(httpCode(curl(*s, json + "--data-binary @" + review + " " + url(*s, "/mutate"))) == 200);
  CHECK(httpCode(curl(*s, json + "--data-binary @" + review + " " + url(*s, "/validate"))) == 200);
  // The API server appends ?timeout=10s to webhook URLs.
  CHECK(httpCode(curl(
            *s, json + "--data-binary @" + review + " " + url(*s, "/mutate?timeout=10s"))) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/nope"))) == 404);
  CHECK(httpCode(curl(*s, "-X GET " + url(*s, "/mutate"))) == 405);
  CHECK(httpCode(curl(*s, "-X POST " + url(*s, "/healthz"))) == 405);
  CHECK(httpCode(curl(*s, "-H 'Content-Type: text/plain' --data-binary @" + review + " " +
                              url(*s, "/validate"))) == 415);
  CHECK(httpCode(curl(*s, "-H 'Content-Type: application/json; charset=utf-8' --data-binary @" +
                              review + " " + url(*s, "/validate"))) == 200);

  TlsClient c(s->port(), s->caFile());
  HttpResponse r = c.request("DELETE", "/validate");
  CHECK(r.status == 405);
  CHECK(r.allow == "POST");
  CHECK(c.request("PUT", "/metrics").allow == "GET");

  SECTION("400 with a one-line reason for what is not an AdmissionReview") {
    for (const std::string& body : {std::string("{not json"), std::string("[1,2]"),
                                    std::string(600, '[') + std::string(600, ']'),
                                    std::string(R"({"kind":"AdmissionReview","request":{}})")}) {
      HttpResponse bad = c.request("POST", "/validate", body, "application/json");
      INFO(body.substr(0, 40) << " -> " << bad.body);
      CHECK(bad.status == 400);
      CHECK(!bad.body.empty());
      CHECK((bad.body.find('\n') >= bad.body.size() - 1));  // one line
    }
    CHECK(c.request("GET", "/healthz").status == 200);  // the connection survives
  }

  SECTION("413 without reading the body") {
    // A declared length over the limit is refused at once: nothing of the body is sent.
    TlsClient big(s->port(), s->caFile());
    big.sendRaw(
        "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000000\r\n\r\n");
    const auto t0 = std::chrono::steady_clock::now();
    HttpResponse tooBig = big.readResponse();
    CHECK(tooBig.status == 413);
    CHECK_FALSE(tooBig.keepAlive);
    CHECK(big.closedWithin(1s));  // the server says goodbye at once, then drops what follows
    CHECK((std::chrono::steady_clock::now() - t0 < 2s));
    // Chunked: refused once the chunks pass the limit.
    TlsClient chunked(s->port(), s->caFile());
    std::string req =
        "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 30; ++i) req += "1000\r\n" + std::string(0x1000, ' ') + "\r\n";
    chunked.sendRaw(req);
    CHECK(chunked.readResponse().status == 413);
    // curl sends the whole body without waiting: the 413 must still reach it, so the server
    // reads and drops the rest instead of resetting the connection under the answer.
    TempDir tmp;
    writeFile(tmp / "big.json", std::string(1000000, ' '));
    for (int i = 0; i < 10; ++i) {
      CHECK(httpCode(curl(*s, json + "--data-binary @" + (tmp / "big.json") + " " +
                                  url(*s, "/mutate"))) == 413);
    }
  }
}

TEST_CASE("serve: keep-alive and pipelining", "[e2e][server]") {
  auto s = startServer();
  const std::string review = readFile(sampleReview());
  TlsClient c(s->port(), s->caFile());
  std::string first;
  for (int i = 0; i < 50; ++i) {
    HttpResponse r = c.request("POST", "/mutate", review, "application/json");
    REQUIRE(r.status == 200);
    REQUIRE(r.keepAlive);
    if (i == 0) first = r.body;
    REQUIRE(r.body == first);  // same input, same answer
  }
  // Three requests in one write: three responses, in order.
  c.sendRaw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(review.size()) + "\r\n\r\n" + review +
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(c.readResponse().body == "ok\n");
  HttpResponse m = c.readResponse();
  CHECK(m.status == 200);
  CHECK(m.body == first);
  CHECK(c.readResponse().status == 404);
  // Expect: 100-continue: the interim answer comes before the body is sent.
  c.sendRaw(
      "POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(review.size()) + "\r\n\r\n");
  CHECK(c.readResponse().status == 100);
  c.sendRaw(review);
  HttpResponse continued = c.readResponse();
  CHECK(continued.status == 200);
  CHECK(continued.body == first);
  // Connection: close is honoured.
  c.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK_FALSE(c.readResponse().keepAlive);
  CHECK(c.closedWithin(2s));
}

TEST_CASE("serve: TLS versions and ciphers", "[e2e][server][tls]") {
  requireTool("openssl");
  auto s = startServer();
  const std::string base = "openssl s_client -connect 127.0.0.1:" + std::to_string(s->port()) +
                           " -CAfile " + s->caFile() + " -servername localhost";
  auto attempt = [&](const std::string& flags) {
    return run("timeout 20 " + base + " " + flags + " </dev/null");
  };
  // Old versions refused even when the client is willing (security level 0).
  CHECK(attempt("-tls1 -cipher DEFAULT@SECLEVEL=0").exitCode != 0);
  CHECK(attempt("-tls1_1 -cipher DEFAULT@SECLEVEL=0").exitCode != 0);
  CommandResult v12 = attempt("-tls1_2");
  CHECK(v12.exitCode == 0);
  CHECK(v12.output.find("TLSv1.2") != std::string::npos);
  CHECK(v12.output.find("Verify return code: 0 (ok)") != std::string::npos);
  CommandResult v13 = attempt("-tls1_3");
  CHECK(v13.exitCode == 0);
  CHECK(v13.output.find("TLSv1.3") != std::string::npos);
  // Non-AEAD and non-forward-secret suites are refused on TLS 1.2.
  CHECK(attempt("-tls1_2 -cipher AES128-SHA").exitCode != 0);
  CHECK(attempt("-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256").exitCode != 0);
  CHECK(attempt("-tls1_2 -cipher AES128-GCM-SHA256").exitCode != 0);
  CHECK(attempt("-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305").exitCode == 0);
}

TEST_CASE("serve: garbage, plain HTTP and half-open connections close only themselves",
          "[e2e][server]") {
  auto s = startServer({"--read-timeout", "1"});
  TlsClient keep(s->port(), s->caFile());
  REQUIRE(keep.request("GET", "/healthz").status == 200);

  {
    TcpConnection plain(s->port());
    plain.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto [got, closed] = plain.readUntilClosed(3s);
    CHECK(closed);
    CHECK(got.find("200") == std::string::npos);
  }
  {
    TcpConnection garbage(s->port());
    std::string junk;
    for (int i = 0; i < 600; ++i) junk += static_cast<char>((i * 37 + 11) % 256);
    garbage.send(junk);
    CHECK(garbage.readUntilClosed(3s).second);
  }
  {
    // TLS is fine but the bytes are not HTTP/1.1: 400, then close.
    TlsClient notHttp(s->port(), s->caFile());
    notHttp.sendRaw("HELLO THERE\r\n\r\n");
    HttpResponse r = notHttp.readResponse();
    CHECK(r.status == 400);
    CHECK_FALSE(r.keepAlive);
    CHECK(notHttp.closedWithin(2s));
    // A header over 16 KiB: 431, then close.
    TlsClient hugeHeader(s->port(), s->caFile());
    hugeHeader.sendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                       "\r\n\r\n");
    CHECK(hugeHeader.readResponse().status == 431);
  }
  // Many malformed requests in a row: each closes its own connection, the server carries on.
  for (int i = 0; i < 30; ++i) {
    TlsClient fuzz(s->port(), s->caFile());
    std::string junk = i % 3 == 0 ? "GET / HTTP/9.9\r\n\r\n"
                       : i % 3 == 1
                           ? "POST /mutate HTTP/1.1\r\nContent-Length: -5\r\n\r\n"
                           : "POST /mutate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    for (int k = 0; k < i; ++k) junk += static_cast<char>(k * 7 + i);
    try {
      fuzz.sendRaw(junk);
      fuzz.closedWithin(2s);
    } catch (const std::exception&) {
    }
  }
  // The connection that was already open is unaffected.
  CHECK(keep.request("GET", "/healthz").status == 200);
  {
    // Half-open: connects, never speaks; cut at --read-timeout.
    TcpConnection silent(s->port());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(silent.readUntilClosed(5s).second);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= 800ms);
    CHECK(took < 4s);
  }
  TlsClient fresh(s->port(), s->caFile());
  CHECK(fresh.request("GET", "/readyz").status == 200);
}

TEST_CASE("serve: slow clients are cut at --read-timeout", "[e2e][server]") {
  auto s = startServer({"--read-timeout", "1"});
  {
    // A header that never ends.
    TlsClient slow(s->port(), s->caFile());
    slow.sendRaw("POST /validate HTTP/1.1\r\nHost: x\r\n");
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(slow.closedWithin(4s));
    CHECK((std::chrono::steady_clock::now() - t0 >= 700ms));
  }
  {
    // A body trickled one byte every 200 ms: the deadline is for the whole read, not per byte.
    TlsClient trickle(s->port(), s->caFile());
    trickle.sendRaw(
        "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n");
    const auto t0 = std::chrono::steady_clock::now();
    bool closed = false;
    for (int i = 0; i < 20 && !closed; ++i) {
      try {
        trickle.sendRaw("{");
      } catch (const std::exception&) {
        closed = true;
        break;
      }
      closed = trickle.closedWithin(200ms);
    }
    CHECK(closed);
    CHECK((std::chrono::steady_clock::now() - t0 < 3s));
  }
  {
    // An idle keep-alive connection is closed after the timeout too.
    TlsClient idle(s->port(), s->caFile());
    CHECK(idle.request("GET", "/healthz").status == 200);
    CHECK(idle.closedWithin(4s));
  }
  TlsClient fresh(s->port(), s->caFile());
  CHECK(fresh.request("GET", "/healthz").status == 200);
}

TEST_CASE("serve: client certificates with --tls-client-ca", "[e2e][server][tls]") {
  requireTool("openssl");
  TempDir tmp;
  const CommandResult made =
      run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
          "/CN=apiserver -keyout " +
          (tmp / "client.key") + " -out " + (tmp / "client.crt"));
  REQUIRE(made.exitCode == 0);
  auto s = startServer({"--tls-client-ca", tmp / "client.crt"});
  bool refused = false;
  try {
    TlsClient anonymous(s->port(), s->caFile());
    refused = anonymous.request("GET", "/healthz").status != 200;
  } catch (const std::exception&) {
    refused = true;  // handshake alert (TLS 1.2) or closed on first read (TLS 1.3)
  }
  CHECK(refused);
  TlsClient authed(s->port(), s->caFile(), tmp / "client.crt", tmp / "client.key");
  CHECK(authed.request("GET", "/healthz").status == 200);
}

TEST_CASE("serve: /metrics passes promtool and has every SPEC metric", "[e2e][server][metrics]") {
  requireTool("curl");
  requireTool("promtool");
  auto s = startServer({"--metrics-listen", "127.0.0.1:0"});
  REQUIRE(s->metricsPort() > 0);
  const std::string review = sampleReview();
  for (const char* path : {"/mutate", "/validate"})
    run(curl(*s,
             "-H 'Content-Type: application/json' --data-binary @" + review + " " + url(*s, path)));
  run(curl(*s, "-H 'Content-Type: application/json' -d '{' " + url(*s, "/validate")));
  const CommandResult metrics = run(curl(*s, url(*s, "/metrics")));
  REQUIRE(metrics.exitCode == 0);
  // billet_policy_errors_total and billet_generate_total appear once something is counted
  // (metrics_test checks their shape).
  for (const char* name :
       {"billet_admission_requests_total", "billet_admission_duration_seconds_bucket",
        "billet_policy_results_total", "billet_policies_loaded", "billet_policy_reloads_total",
        "billet_tls_certificate_expiry_timestamp_seconds", "billet_build_info"}) {
    INFO(name);
    CHECK((metrics.output.find(std::string("# TYPE ") + name) != std::string::npos ||
           metrics.output.find(std::string(name) + "{") != std::string::npos));
  }
  CHECK(metrics.output.find("le=\"5e-05\"") != std::string::npos);
  CHECK(metrics.output.find("webhook=\"mutate\"") != std::string::npos);
  CHECK(metrics.output.find("namespace=") == std::string::npos);  // bounded labels

  TempDir tmp;
  writeFile(tmp / "metrics.txt", metrics.output);
  const CommandResult check = run("promtool check metrics < " + (tmp / "metrics.txt"));
  INFO(check.output);
  CHECK(check.exitCode == 0);

  // The plain metrics port serves /metrics, /healthz, /readyz and nothing else.
  const std::string plain =
      "curl -sS --max-time 10 http://127.0.0.1:" + std::to_string(s->metricsPort());
  CHECK(httpCode(plain + "/metrics") == 200);
  CHECK(httpCode(plain + "/healthz") == 200);
  CHECK(httpCode(plain + "/readyz") == 200);
  CHECK(httpCode(plain + "/mutate") == 404);
  const CommandResult plainMetrics = run(plain + "/metrics | promtool check metrics");
  INFO(plainMetrics.output);
  CHECK(plainMetrics.exitCode == 0);
}

TEST_CASE("serve: certificate rotation under load drops nothing", "[e2e][server][reload]") {
  TempDir tmp;
  billet::certs::CertRequest req;
  req.dnsNames = {"localhost"};
  req.ipAddresses = {"127.0.0.1"};
  auto v1 = billet::certs::generate(req);
  auto v2 = billet::certs::generate(req);
  REQUIRE(v1.ok());
  REQUIRE(v2.ok());
  writeFile(tmp / "trust.pem", v1.value.caCert + v2.value.caCert);
  ProjectedVolume secret(tmp / "secret");
  secret.publish({{"tls.crt", v1.value.cert}, {"tls.key", v1.value.key}});

  auto s = startServer({"--tls-cert", secret.path("tls.crt"), "--tls-key", secret.path("tls.key"),
                        "--reload-interval", "200ms"});
  const std::string trust = tmp / "trust.pem";
  const std::string review = readFile(sampleReview());
  TlsClient before(s->port(), trust);
  const std::string serial1 = before.peerSerial();
  REQUIRE(before.request("GET", "/healthz").status == 200);

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      while (!stop.load()) {
        try {
          TlsClient c(s->port(), trust);
          for (int i = 0; i < 5 && !stop.load(); ++i) {
            HttpResponse r = (i + t) % 2 ? c.request("POST", "/mutate", review, "application/json")
                                         : c.request("GET", "/healthz");
            (r.status == 200 ? ok : failed)++;
          }
        } catch (const std::exception&) {
          failed++;
        }
      }
    });
  }
  REQUIRE(eventually([&] { return ok.load() >= 10; }, 10s));  // rotated under load
  const std::size_t mark = s->lineCount();
  secret.publish({{"tls.crt", v2.value.cert}, {"tls.key", v2.value.key}});
  CHECK(s->waitForLine("certificate reloaded", 10s, mark));
  std::string serial2;
  CHECK(eventually(
      [&] {
        TlsClient probe(s->port(), trust);
        serial2 = probe.peerSerial();
        return serial2 != serial1;
      },
      5s));
  // The load goes on over the new certificate.
  const int okAtRotation = ok.load();
  CHECK(eventually([&] { return ok.load() > okAtRotation + 10; }, 10s));
  stop = true;
  for (std::thread& t : load) t.join();
  CHECK(serial2 != serial1);
  CHECK(failed.load() == 0);
  CHECK(ok.load() > 20);
  // The connection opened before the rotation still works, with its old certificate.
  CHECK(before.request("GET", "/healthz").status == 200);
  CHECK(before.peerSerial() == serial1);

  // A broken update (key of another certificate) is rejected; the current one keeps serving.
  const std::size_t mark2 = s->lineCount();
  secret.publish({{"tls.crt", v1.value.cert}, {"tls.key", v2.value.key}});
  CHECK(s->waitForLine("certificate reload rejected", 10s, mark2));
  TlsClient after(s->port(), trust);
  CHECK(after.peerSerial() == serial2);
  CHECK(after.request("GET", "/healthz").status == 200);
}

TEST_CASE("serve: policy reload swaps good sets and rejects bad ones", "[e2e][server][reload]") {
  requireTool("curl");
  REQUIRE(fs::is_directory(policiesDir()));
  TempDir tmp;
  ProjectedVolume config(tmp / "policies");
  auto files = bundledPolicyFiles();
  REQUIRE(!files.empty());
  config.publish(files);
  auto s = startServer({"--policies", config.dir(), "--reload-interval", "200ms",
                        "--metrics-listen", "127.0.0.1:0"});
  const std::string review = sampleReview();
  const std::string post =
      curl(*s, "-H 'Content-Type: application/json' --data-binary @" + review + " ");
  const std::string metricsUrl =
      "http://127.0.0.1:" + std::to_string(s->metricsPort()) + "/metrics";

  // Good: a new Audit policy that flags every Deployment.
  auto good = files;
  good.emplace_back("zz-reload-probe.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: reload-probe}
spec:
  mode: Audit
  match: {kinds: [Deployment]}
  rules:
    - name: probe
      validate:
        message: 'reload probe saw {name}'
        deny:
          - {path: 'object.metadata.name', op: Exists}
)");
  std::size_t mark = s->lineCount();
  config.publish(good);
  REQUIRE(s->waitForLine("policies reloaded", 10s, mark));
  mark = s->lineCount();
  CHECK(httpCode(post + url(*s, "/validate")) == 200);
  CHECK(s->waitForLine("\"policy\":\"reload-probe\"", 5s, mark));
  std::string metrics = run("curl -sS " + metricsUrl).output;
  CHECK(metricValue(metrics, "billet_policy_reloads_total{result=\"success\"}") == "1");

  // Bad: an unknown field; the whole set is rejected and the previous one keeps serving.
  auto bad = good;
  bad.emplace_back("zz-broken.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: broken}
spec:
  bogusField: true
  rules: []
)");
  // A rejected reload: logged (with `why`), counted as the `failures`-th failure, and the
  // previous set, with its probe, still answers.
  const auto rejected = [&](const auto& published, const std::string& why, const char* failures) {
    std::size_t from = s->lineCount();
    config.publish(published);
    REQUIRE(s->waitForLine("policy reload rejected", 10s, from));
    CHECK(s->waitForLine(why, 1s, from));
    const std::string now = run("curl -sS " + metricsUrl).output;
    CHECK(metricValue(now, "billet_policy_reloads_total{result=\"failure\"}") == failures);
    from = s->lineCount();
    CHECK(httpCode(post + url(*s, "/validate")) == 200);
    CHECK(s->waitForLine("\"policy\":\"reload-probe\"", 5s, from));
  };
  rejected(bad, "bogusField", "1");
  CHECK(httpCode(curl(*s, url(*s, "/readyz"))) == 200);

  // Emptied: no policy document at all is refused too (it would admit everything unchecked).
  rejected(decltype(bad){}, "no policy document", "2");
}

TEST_CASE("serve: SIGTERM drains in-flight requests and exits 0", "[e2e][server][drain]") {
  requireTool("curl");
  auto s = startServer({"--metrics-listen", "127.0.0.1:0", "--drain-timeout", "10s"});
  const std::string review = readFile(sampleReview());
  TlsClient idle(s->port(), s->caFile());
  REQUIRE(idle.request("GET", "/healthz").status == 200);
  // In flight: the header and half of the body are sent before SIGTERM. The server's
  // 100 Continue says it has read the header, so the request has begun before the drain does.
  TlsClient busy(s->port(), s->caFile());
  busy.sendRaw(
      "POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(review.size()) + "\r\n\r\n");
  REQUIRE(busy.readResponse().status == 100);
  busy.sendRaw(review.substr(0, review.size() / 2));
  s->signal(SIGTERM);
  REQUIRE(s->waitForLine("\"msg\":\"draining\"", 5s));
  const std::string plain =
      "curl -sS --max-time 5 http://127.0.0.1:" + std::to_string(s->metricsPort());
  CHECK(httpCode(plain + "/readyz") == 503);
  CHECK(idle.closedWithin(3s));                       // idle keep-alive connections are closed
  CHECK_FALSE(TcpConnection(s->port()).connected());  // the listener is closed
  // Deliberately a fixed delay: the rest of the body comes late, well into the drain, and the
  // request must still be answered.
  std::this_thread::sleep_for(300ms);
  busy.sendRaw(review.substr(review.size() / 2));
  HttpResponse r = busy.readResponse();
  CHECK(r.status == 200);
  CHECK_FALSE(r.keepAlive);
  CHECK(s->wait(15s) == 0);
  CHECK(s->output().find("\"msg\":\"stopped\"") != std::string::npos);
}

TEST_CASE("serve: bad flags, certificates and addresses exit 2", "[e2e][server]") {
  TempDir tmp;
  auto exitCode = [](std::vector<std::string> args) {
    ServerProcess p(std::move(args));
    return p.wait(20s);
  };
  CHECK(exitCode({"--bogus"}) == 2);
  CHECK(exitCode({"--self-signed"}) == 2);              // no --policies
  CHECK(exitCode({"--policies", policiesDir()}) == 2);  // no certificate
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--listen", "nowhere"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--threads", "0"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--read-timeout", "soon"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--eval-timeout", "0"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--log-level", "loud"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--kube-api", "https://:1"}) == 2);
  CHECK(exitCode({"--policies", policiesDir(), "--tls-cert", tmp / "missing.crt", "--tls-key",
                  tmp / "missing.key"}) == 2);
  billet::certs::CertRequest req;
  req.dnsNames = {"localhost"};
  auto a = billet::certs::generate(req);
  auto b = billet::certs::generate(req);
  writeFile(tmp / "a.crt", a.value.cert);
  writeFile(tmp / "b.key", b.value.key);
  CHECK(exitCode({"--policies", policiesDir(), "--tls-cert", tmp / "a.crt", "--tls-key",
                  tmp / "b.key"}) == 2);  // key of another certificate
  writeFile(tmp / "broken.yaml", "apiVersion: billet.dev/v1alpha1\nkind: Policy\nspec: [\n");
  CHECK(exitCode({"--policies", tmp / "broken.yaml", "--self-signed"}) == 2);
  fs::create_directories(tmp / "empty");  // no policy: nothing would be checked
  CHECK(exitCode({"--policies", tmp / "empty", "--self-signed"}) == 2);
  // The port is taken.
  auto s = startServer();
  CHECK(exitCode({"--policies", policiesDir(), "--self-signed", "--listen",
                  "127.0.0.1:" + std::to_string(s->port())}) == 2);
}

TEST_CASE("serve: --self-signed trusts localhost and 127.0.0.1", "[e2e][server][tls]") {
  requireTool("curl");
  // Lifecycle lines (serving, with the port) are printed whatever the log level.
  auto s = startServer({"--log-level", "error"});
  REQUIRE(fs::exists(s->caFile()));
  CHECK(httpCode(curl(*s, "https://localhost:" + std::to_string(s->port()) + "/healthz")) == 200);
  CHECK(httpCode(curl(*s, url(*s, "/healthz"))) == 200);
  s->signal(SIGTERM);
  CHECK(s->wait(15s) == 0);
  CHECK_FALSE(fs::exists(s->caFile()));  // the CA vouched for this process only
}

namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

std::size_t occurrences(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

// A policy in Audit mode that flags every Deployment, beside the bundled pack.
constexpr const char* kAuditPolicy = R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: audit-probe}
spec:
  mode: Audit
  match: {kinds: [Deployment]}
  rules:
    - name: names
      validate:
        message: 'audit probe saw {name}'
        deny:
          - {path: 'object.metadata.name', op: Exists}
)";

}  // namespace

TEST_CASE("serve: responses are byte-identical to billet review", "[e2e][server][parity]") {
  TempDir tmp;
  const std::string v1 = readFile(sampleReview());
  REQUIRE(v1.find("\"admission.k8s.io/v1\"") != std::string::npos);
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"v1", v1},
      {"v1beta1", replaceAll(v1, "\"admission.k8s.io/v1\"", "\"admission.k8s.io/v1beta1\"")},
      {"dry-run", replaceAll(v1, "\"dryRun\": false", "\"dryRun\": true")},
      {"update", replaceAll(v1, "\"operation\": \"CREATE\"", "\"operation\": \"UPDATE\"")},
      {"delete", replaceAll(v1, "\"operation\": \"CREATE\"", "\"operation\": \"DELETE\"")},
      {"other-namespace", replaceAll(v1, "ml-prod", "sandbox")},
  };
  auto s = startServer();
  TlsClient c(s->port(), s->caFile());
  for (const auto& [name, body] : inputs) {
    writeFile(tmp / (name + ".json"), body);
    for (const char* endpoint : {"mutate", "validate"}) {
      INFO(name << " /" << endpoint);
      const CommandResult review =
          run("{ " + billetBinary() + " review -p " + policiesDir() + " --endpoint " + endpoint +
              " " + (tmp / (name + ".json")) + " 2>/dev/null; }");
      REQUIRE(review.exitCode == 0);
      HttpResponse served =
          c.request("POST", std::string("/") + endpoint, body, "application/json");
      CHECK(served.status == 200);
      CHECK(served.contentType == "application/json");
      CHECK(served.body == review.output);
      if (name == "v1beta1")
        CHECK(served.body.find("\"apiVersion\":\"admission.k8s.io/v1beta1\"") != std::string::npos);
    }
  }
  // The sample is mutated (a patch) and denied by gpu-workloads/require-gpu-limits.
  const std::string mutated = c.request("POST", "/mutate", v1, "application/json").body;
  CHECK(mutated.find("\"patchType\":\"JSONPatch\"") != std::string::npos);
  CHECK(mutated.find("\"allowed\":true") != std::string::npos);
  const std::string validated = c.request("POST", "/validate", v1, "application/json").body;
  CHECK(validated.find("\"allowed\":false") != std::string::npos);
  CHECK(validated.find("\"code\":403") != std::string::npos);
  CHECK(validated.find("gpu-workloads/require-gpu-limits: GPU containers must set limits") !=
        std::string::npos);
  CHECK(validated.find("\"warnings\":[\"baseline/") != std::string::npos);
}

TEST_CASE("serve: denials, warnings and audit failures are logged, counted and reported",
          "[e2e][server][reports]") {
  requireTool("curl");
  TempDir tmp;
  writeFile(tmp / "audit.yaml", kAuditPolicy);
  auto s = startServer({"--policies", policiesDir(), "--policies", tmp / "audit.yaml"});
  const std::string v1 = readFile(sampleReview());
  TlsClient c(s->port(), s->caFile());
  const std::size_t mark = s->lineCount();
  HttpResponse denied = c.request("POST", "/validate", v1, "application/json");
  REQUIRE(denied.status == 200);
  CHECK(denied.body.find("\"allowed\":false") != std::string::npos);
  CHECK(denied.body.find("\"auditAnnotations\"") != std::string::npos);
  REQUIRE(c.request("POST", "/mutate", v1, "application/json").status == 200);

  // Logs: one JSON line per denial and per Warn/Audit failure, with the object's identity.
  REQUIRE(s->waitForLine("\"msg\":\"admission denied\"", 5s, mark));
  REQUIRE(s->waitForLine("\"msg\":\"policy warning\"", 5s, mark));
  REQUIRE(s->waitForLine("\"msg\":\"policy audit failure\"", 5s, mark));
  for (const std::string& line : s->lines()) {
    if (line.find("\"msg\":\"admission denied\"") == std::string::npos &&
        line.find("\"msg\":\"policy audit failure\"") == std::string::npos)
      continue;
    INFO(line);
    CHECK(line.find("\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\"") != std::string::npos);
    CHECK(line.find("\"kind\":\"Deployment\"") != std::string::npos);
    CHECK(line.find("\"namespace\":\"ml-prod\"") != std::string::npos);
    CHECK(line.find("\"name\":\"gpu-executor\"") != std::string::npos);
    CHECK(line.find("\"rule\":") != std::string::npos);
    CHECK(line.find("\"message\":") != std::string::npos);
    CHECK(line.find("\"ts\":") == 1);
    // A denial is a warning, so --log-level warn keeps it; an audit failure is information.
    const bool denial = line.find("\"msg\":\"admission denied\"") != std::string::npos;
    CHECK(line.find(denial ? "\"level\":\"warn\"" : "\"level\":\"info\"") != std::string::npos);
  }
  const std::string all = s->output();
  CHECK(all.find("\"policy\":\"gpu-workloads\",\"rule\":\"require-gpu-limits\"") !=
        std::string::npos);
  CHECK(all.find("\"policy\":\"audit-probe\",\"rule\":\"names\"") != std::string::npos);

  // Metrics.
  const std::string metrics = c.request("GET", "/metrics").body;
  CHECK(metrics.find("billet_admission_requests_total{allowed=\"false\",kind=\"Deployment\","
                     "operation=\"CREATE\",webhook=\"validate\"} 1") != std::string::npos);
  CHECK(metrics.find("billet_policy_results_total{mode=\"Enforce\",policy=\"gpu-workloads\","
                     "result=\"fail\",rule=\"require-gpu-limits\"} 1") != std::string::npos);
  CHECK(metrics.find("billet_policy_results_total{mode=\"Audit\",policy=\"audit-probe\","
                     "result=\"fail\",rule=\"names\"} 1") != std::string::npos);
  CHECK(metrics.find("billet_generate_total{kind=\"PodDisruptionBudget\",result=\"skipped\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("billet_policies_loaded{kind=\"Policy\"}") != std::string::npos);

  // Reports: Audit and Warn results, not Enforce; dry runs leave no trace.
  const std::string before = c.request("GET", "/reports").body;
  CHECK(before.find("\"namespace\":\"ml-prod\"") != std::string::npos);
  CHECK(before.find("\"policy\":\"audit-probe\"") != std::string::npos);
  CHECK(before.find("\"policy\":\"baseline\"") != std::string::npos);
  CHECK(before.find("\"policy\":\"gpu-workloads\"") == std::string::npos);
  CHECK(before.find("audit probe saw gpu-executor") != std::string::npos);
  const std::string dry = replaceAll(v1, "\"dryRun\": false", "\"dryRun\": true");
  REQUIRE(c.request("POST", "/validate", dry, "application/json").status == 200);
  CHECK(c.request("GET", "/reports").body == before);
  const HttpResponse yaml = c.request("GET", "/reports?format=policyreport");
  CHECK(yaml.contentType == "application/yaml");
  CHECK(occurrences(yaml.body, "kind: PolicyReport\n") == 1);
  CHECK(yaml.body.find("namespace: ml-prod\n") != std::string::npos);
  CHECK(yaml.body.find("policy: audit-probe\n") != std::string::npos);
  CHECK(yaml.body.find("  - apiVersion: apps/v1\n    kind: Deployment\n") != std::string::npos);
  CHECK(yaml.body.find("result: fail") != std::string::npos);
  if (run("command -v promtool").exitCode == 0) {
    writeFile(tmp / "metrics.txt", metrics);
    CHECK(run("promtool check metrics < " + (tmp / "metrics.txt")).exitCode == 0);
  }
}

TEST_CASE("serve: --kube-api applies generated PDBs and writes PolicyReports in the cluster",
          "[e2e][server][kube]") {
  // A local HTTPS stand-in for the API server; no kube-apiserver can run here.
  std::string ownerUid = "7d1c0f3e-owner";
  billet::test::FakeApiServer api([&](const billet::test::ApiRequest& r) {
    if (r.method == "GET")
      return billet::test::ApiAnswer{200, R"({"metadata":{"uid":")" + ownerUid + "\"}}"};
    return billet::test::ApiAnswer{201, r.body};
  });
  TempDir tmp;
  writeFile(tmp / "token", "e2e-token\n");
  writeFile(tmp / "ca.crt", api.caPem());
  ::setenv("BILLET_KUBE_TOKEN_FILE", (tmp / "token").c_str(), 1);
  ::setenv("BILLET_KUBE_CA_FILE", (tmp / "ca.crt").c_str(), 1);
  // No background audit: only what admission causes is sent.
  auto s = startServer(
      {"--kube-api", api.url(), "--metrics-listen", "127.0.0.1:0", "--audit-interval", "0"});
  const std::string review = readFile(sampleReview());  // a CREATE of a 4-replica Deployment
  TlsClient c(s->port(), s->caFile());

  // A dry run generates nothing in the cluster.
  const std::string dry = replaceAll(review, "\"dryRun\": false", "\"dryRun\": true");
  REQUIRE(dry != review);
  REQUIRE(c.request("POST", "/mutate", dry, "application/json").status == 200);
  REQUIRE(c.request("POST", "/mutate", review, "application/json").status == 200);
  // What billet writes, without the LISTs and WATCHes of Nodes and HPAs it reads the cluster by.
  const auto writes = [&] {
    std::vector<billet::test::ApiRequest> out;
    for (const billet::test::ApiRequest& r : api.requests())
      if (r.target.rfind("/api/v1/nodes?", 0) != 0 &&
          r.target.rfind("/apis/autoscaling/v2/horizontalpodautoscalers?", 0) != 0)
        out.push_back(r);
    return out;
  };
  REQUIRE(eventually([&] { return writes().size() >= 2; }, 10s));
  // Deliberately a fixed window: no other write (the dry run's) may follow in it.
  std::this_thread::sleep_for(300ms);
  const auto seen = writes();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].target == "/apis/apps/v1/namespaces/ml-prod/deployments/gpu-executor");
  CHECK(seen[0].authorization == "Bearer e2e-token");
  CHECK(seen[1].method == "PATCH");
  CHECK(seen[1].target ==
        "/apis/policy/v1/namespaces/ml-prod/poddisruptionbudgets/gpu-executor-pdb"
        "?fieldManager=billet&force=true");
  CHECK(seen[1].contentType == "application/apply-patch+yaml");
  CHECK(seen[1].body.find(R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment",)"
                          R"("name":"gpu-executor","uid":")" +
                          ownerUid + R"(","controller":true}])") != std::string::npos);
  CHECK(seen[1].body.find(R"("minAvailable":1)") != std::string::npos);

  // Counted once the API server's answer is in (the stand-in records before it answers).
  CHECK(eventually([&] {
    const CommandResult metrics =
        run("curl -sS http://127.0.0.1:" + std::to_string(s->metricsPort()) + "/metrics");
    return metrics.output.find(
               "billet_generate_total{kind=\"PodDisruptionBudget\","
               "result=\"applied\"} 1") != std::string::npos;
  }));

  // Warn results of /validate are aggregated and written as the namespace's PolicyReport; the
  // writer's last pass at shutdown sends them.
  REQUIRE(c.request("POST", "/validate", review, "application/json").status == 200);
  s->signal(SIGTERM);
  CHECK(s->wait() == 0);
  bool reportWritten = false;
  for (const billet::test::ApiRequest& r : api.requests()) {
    if (r.method != "PATCH" || r.target !=
                                   "/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml-prod/policyreports/"
                                   "billet-ml-prod?fieldManager=billet&force=true")
      continue;
    reportWritten = true;
    CHECK(r.contentType == "application/apply-patch+yaml");
    CHECK(r.body.find(R"("kind":"PolicyReport")") != std::string::npos);
    CHECK(r.body.find(R"("policy":"baseline")") != std::string::npos);
  }
  INFO(s->output());
  CHECK(reportWritten);
}

// The AdmissionReview the API server sends for `kubectl scale deployment NAME --replicas=N`.
std::string scaleReview(const std::string& name, int from, int to, bool dryRun = false) {
  auto scale = [&](int n) {
    return R"({"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":")" + name +
           R"(","namespace":"shop"},"spec":{"replicas":)" + std::to_string(n) + "}}";
  };
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{)"
         R"("uid":"scale-)" +
         name + std::to_string(to) +
         R"(","kind":{"group":"autoscaling","version":"v1","kind":"Scale"},)"
         R"("resource":{"group":"apps","version":"v1","resource":"deployments"},)"
         R"("subResource":"scale","name":")" +
         name +
         R"(","namespace":"shop","operation":"UPDATE","userInfo":{"username":"alice"},)"
         R"("object":)" +
         scale(to) + R"(,"oldObject":)" + scale(from) + R"(,"dryRun":)" +
         (dryRun ? "true" : "false") + "}}";
}

TEST_CASE("serve: --kube-api evaluates a scale's workload, read off the event loop",
          "[e2e][server][kube]") {
  const std::string deployment =
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",)"
      R"("namespace":"shop","uid":"web-uid"},"spec":{"replicas":1,)"
      R"("selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},)"
      R"("spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})";
  std::atomic<bool> slowStarted{false};  // set as the slow GET begins (it is recorded at its end)
  billet::test::FakeApiServer api([&](const billet::test::ApiRequest& r) {
    const std::string deployments = "/apis/apps/v1/namespaces/shop/deployments/";
    if (r.method == "GET" && r.target == deployments + "web")
      return billet::test::ApiAnswer{200, deployment};
    if (r.method == "GET" && r.target == deployments + "locked")
      return billet::test::ApiAnswer{
          403, R"({"kind":"Status","message":"deployments.apps \"locked\" is forbidden"})"};
    if (r.method == "GET" && r.target == deployments + "slow") {
      slowStarted = true;
      std::this_thread::sleep_for(1500ms);  // an API server that is slow to answer
      return billet::test::ApiAnswer{200, replaceAll(deployment, "\"web\"", "\"slow\"")};
    }
    if (r.method == "GET") return billet::test::ApiAnswer{200, R"({"metadata":{}})"};
    return billet::test::ApiAnswer{201, r.body};
  });
  TempDir tmp;
  writeFile(tmp / "token", "e2e-token\n");
  writeFile(tmp / "ca.crt", api.caPem());
  writeFile(tmp / "policies.yaml", R"(
apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: ha}
spec:
  match: {kinds: [Deployment, StatefulSet]}
  rules:
    - name: spread
      match: {replicas: {min: 2}}
      mutate:
        antiAffinity: {mode: preferred, topologyKey: kubernetes.io/hostname, weight: 100}
    - name: pdb
      generate:
        podDisruptionBudget: {minAvailable: 1, minReplicas: 2}
    - name: at-most-five
      validate:
        message: "replicas {value} is over 5"
        deny: [{path: object.spec.replicas, op: GreaterThan, value: 5}]
)");
  ::setenv("BILLET_KUBE_TOKEN_FILE", (tmp / "token").c_str(), 1);
  ::setenv("BILLET_KUBE_CA_FILE", (tmp / "ca.crt").c_str(), 1);
  // One I/O thread: a loop blocked on the API server would stall every other request.
  auto s = startServer({"--kube-api", api.url(), "--audit-interval", "0", "--threads", "1",
                        "--policies", tmp / "policies.yaml"});
  TlsClient c(s->port(), s->caFile());
  auto answer = [&](TlsClient& client, const std::string& body) {
    HttpResponse r = client.request("POST", "/validate", body, "application/json");
    REQUIRE(r.status == 200);
    auto parsed = billet::json::parse(r.body);
    REQUIRE(parsed.ok());
    return *parsed.value.find("response");
  };
  auto warnings = [](const billet::json::Value& response) {
    std::vector<std::string> out;
    if (const billet::json::Value* w = response.find("warnings"))
      for (const billet::json::Value& x : w->asArray()) out.emplace_back(x.asString());
    return out;
  };
  const std::string pdbPatch =
      "/apis/policy/v1/namespaces/shop/poddisruptionbudgets/web-pdb?fieldManager=billet&force=true";
  auto pdbPatches = [&] {
    std::vector<billet::test::ApiRequest> out;
    for (const billet::test::ApiRequest& r : api.requests())
      if (r.method == "PATCH" && r.target == pdbPatch) out.push_back(r);
    return out;
  };

  // A dry run answers the same and applies nothing.
  billet::json::Value dry = answer(c, scaleReview("web", 1, 3, true));
  CHECK(dry.find("allowed")->asBool());

  // Scaled to 3: the anti-affinity it now lacks is a warning, the budget is applied.
  billet::json::Value scaled = answer(c, scaleReview("web", 1, 3));
  CHECK(scaled.find("uid")->asString() == "scale-web3");
  CHECK(scaled.find("allowed")->asBool());
  const std::vector<std::string> expected = {
      "scaled to 3 replicas; on its next update, ha/spread would add /spec/template/spec/affinity"};
  CHECK(warnings(scaled) == expected);
  CHECK(warnings(dry) == expected);
  for (int i = 0; i < 50 && pdbPatches().empty(); ++i) std::this_thread::sleep_for(100ms);
  const auto patches = pdbPatches();
  REQUIRE(patches.size() == 1);
  CHECK(patches[0].body.find(R"("ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment",)"
                             R"("name":"web","uid":"web-uid","controller":true}])") !=
        std::string::npos);

  // Past the bound: denied as an update of the Deployment would be.
  billet::json::Value over = answer(c, scaleReview("web", 1, 6));
  CHECK_FALSE(over.find("allowed")->asBool());
  CHECK(billet::json::dig(over, {"status", "message"})->asString() ==
        "ha/at-most-five: replicas 6 is over 5");

  // A workload billet may not read: allowed, and said so.
  billet::json::Value locked = answer(c, scaleReview("locked", 1, 9));
  CHECK(locked.find("allowed")->asBool());
  CHECK(warnings(locked) == std::vector<std::string>{
                                "billet could not evaluate Deployment locked at 9 replicas: "
                                "reading it failed: 403 deployments.apps \"locked\" is forbidden"});

  // While the API server takes 1.5 s over one workload, the one loop answers everything else.
  std::thread slow([&] {
    TlsClient other(s->port(), s->caFile());
    CHECK(answer(other, scaleReview("slow", 1, 3)).find("allowed")->asBool());
  });
  for (int i = 0; i < 50 && !slowStarted; ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(slowStarted);
  const auto start = std::chrono::steady_clock::now();
  CHECK(c.request("GET", "/healthz").status == 200);
  CHECK(c.request("POST", "/mutate", scaleReview("web", 1, 2), "application/json").status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);
  slow.join();
  INFO(s->output());
  CHECK(pdbPatches().size() == 1);  // neither the dry run nor the denied scale added one
}

TEST_CASE("serve: past --max-connections new connections are closed at once", "[e2e][server]") {
  // Before: 3,000 idle TCP connections took RSS from 16 to 309 MB.
  auto s = startServer({"--max-connections", "4", "--read-timeout", "30"});
  // Four idle keep-alive connections; each answered once, so each holds its place.
  std::vector<std::unique_ptr<TlsClient>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<TlsClient>(s->port(), s->caFile()));
    REQUIRE(idle.back()->request("GET", "/healthz").status == 200);
  }
  for (int i = 0; i < 3; ++i) {
    TcpConnection extra(s->port());
    REQUIRE(extra.connected());  // the kernel's backlog accepts; billet closes it
    CHECK(extra.readUntilClosed(3s).second);
  }
  CHECK(s->waitForLine("connection limit reached", 5s));
  // One line for the burst, not one per refused connection.
  std::size_t lines = 0;
  for (const std::string& line : s->lines())
    if (line.find("connection limit reached") != std::string::npos) ++lines;
  CHECK(lines == 1);
  idle.pop_back();
  idle.pop_back();
  // Their places are given back once the server has seen them close: a new connection is
  // served then. Tries before that are refused, and counted.
  int refusedTries = 0;
  std::unique_ptr<TlsClient> fresh;
  REQUIRE(eventually([&] {
    try {
      auto c = std::make_unique<TlsClient>(s->port(), s->caFile());
      if (c->request("GET", "/healthz").status != 200) return false;
      fresh = std::move(c);
      return true;
    } catch (const std::exception&) {
      ++refusedTries;
      return false;
    }
  }));
  const std::string metrics = fresh->request("GET", "/metrics").body;
  CHECK(metrics.find("billet_connections_refused_total " + std::to_string(3 + refusedTries)) !=
        std::string::npos);
}

TEST_CASE("serve: a body of more values than --max-body-bytes allows is a 400", "[e2e][server]") {
  // Before: one 6 MiB `[0,0,0,…]` to /mutate took RSS from 16 to 367 MB. Now the budget is one
  // value per 16 bytes of --max-body-bytes (here 100000 / 16 + 64 = 6314).
  auto s = startServer({"--max-body-bytes", "100000"});
  std::string body = "[0";
  for (int i = 1; i < 40000; ++i) body += ",0";
  body += "]";
  TlsClient c(s->port(), s->caFile());
  const HttpResponse r = c.request("POST", "/mutate", body, "application/json");
  CHECK(r.status == 400);
  CHECK(r.body.find("document too large") != std::string::npos);
  // A real review of the same size limit still passes.
  const HttpResponse ok =
      c.request("POST", "/validate", readFile(sampleReview()), "application/json");
  CHECK(ok.status == 200);
}

TEST_CASE("serve: --eval-timeout bounds the evaluation of a huge request", "[e2e][server]") {
  // A Pod of 20,000 containers, each breaking an Enforce rule and mutated by another. With
  // --eval-timeout 1ms the rules left when it passes report "deadline exceeded": /validate
  // denies (evaluationErrors.validate: Deny), /mutate allows without a patch (Allow).
  // The deadline is checked between rules, and between containers in a validate rule. The label
  // rule alone is quick, and the review's parse takes about 1 ms on this machine: whether the
  // deadline had passed when it ran was a matter of speed, and the test flaked under load. An
  // Audit rule before it, sizing every container on a copy (several milliseconds, and no patch),
  // makes sure it has.
  TempDir tmp;
  writeFile(tmp / "strict.yaml", R"(apiVersion: billet.dev/v1alpha1
kind: Policy
metadata: {name: strict}
spec:
  match: {kinds: [Pod]}
  rules:
    - name: sizes
      mode: Audit
      mutate: {resources: {requests: {cpu: 50m, memory: 64Mi}}}
    - name: label
      mutate: {labels: {checked: "yes"}}
    - name: registries
      validate: {allowedRegistries: [registry.example/*]}
)");
  auto s = startServer({"--policies", tmp / "strict.yaml", "--eval-timeout", "1ms"});
  std::string containers;
  for (int i = 0; i < 20000; ++i)
    containers += std::string(i ? "," : "") + R"({"name":"c)" + std::to_string(i) +
                  R"(","image":"evil.io/app)" + std::to_string(i) + R"(:1"})";
  const std::string review =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"wide",)"
      R"("operation":"CREATE","kind":{"group":"","version":"v1","kind":"Pod"},)"
      R"("resource":{"group":"","version":"v1","resource":"pods"},"namespace":"apps",)"
      R"("name":"wide","userInfo":{"username":"alice"},"object":{"apiVersion":"v1","kind":"Pod",)"
      R"("metadata":{"name":"wide","namespace":"apps"},"spec":{"containers":[)" +
      containers + "]}}}}";
  TlsClient c(s->port(), s->caFile());
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse v = c.request("POST", "/validate", review, "application/json");
  const HttpResponse m = c.request("POST", "/mutate", review, "application/json");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(v.status == 200);
  CHECK(v.body.find(R"("allowed":false)") != std::string::npos);
  CHECK(v.body.find("strict/registries: evaluation error: deadline exceeded") != std::string::npos);
  REQUIRE(m.status == 200);
  CHECK(m.body.find(R"("allowed":true)") != std::string::npos);
  CHECK(m.body.find("patch") == std::string::npos);
  // Both answers well within the webhooks' timeoutSeconds (5), even on a loaded machine.
  CHECK(elapsed < 4s);

  // Without the tiny timeout the same request is evaluated whole: denied by the rule itself.
  auto full = startServer({"--policies", tmp / "strict.yaml"});
  TlsClient f(full->port(), full->caFile());
  const HttpResponse whole = f.request("POST", "/validate", review, "application/json");
  REQUIRE(whole.status == 200);
  CHECK(whole.body.find("is not from an allowed registry") != std::string::npos);
  CHECK(whole.body.find("deadline exceeded") == std::string::npos);
  // And the label rule adds its label (the Audit rule still only reports).
  const HttpResponse labelled = f.request("POST", "/mutate", review, "application/json");
  REQUIRE(labelled.status == 200);
  CHECK(labelled.body.find(R"("patchType":"JSONPatch")") != std::string::npos);
}
