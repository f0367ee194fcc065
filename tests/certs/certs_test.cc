// certs/: generated CA and serving certificates, in memory and through `billet certs generate`
// verified with the openssl command line.
#include "certs/certs.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/server/e2e_support.h"

using namespace billet;
namespace fs = std::filesystem;

namespace {

X509* parseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

bool verifies(const std::string& caPem, const std::string& certPem, const char* host) {
  X509* ca = parseCert(caPem);
  X509* cert = parseCert(certPem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0);
  const bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(cert);
  X509_free(ca);
  return ok;
}

using Run = billet::test::CommandResult;
using billet::test::run;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("certs: service names", "[certs]") {
  CHECK(certs::serviceDnsNames("billet", "billet-system") ==
        std::vector<std::string>{"billet", "billet.billet-system", "billet.billet-system.svc",
                                 "billet.billet-system.svc.cluster.local"});
}

TEST_CASE("certs: the serving certificate chains to the CA for every SAN", "[certs]") {
  for (auto type : {certs::KeyType::kEcdsaP256, certs::KeyType::kRsa2048}) {
    certs::CertRequest req;
    req.dnsNames = certs::serviceDnsNames("hook", "ops");
    req.ipAddresses = {"127.0.0.1"};
    req.keyType = type;
    req.days = 10;
    auto made = certs::generate(req);
    INFO(made.error);
    REQUIRE(made.ok());
    for (const char* host : {"hook", "hook.ops", "hook.ops.svc", "hook.ops.svc.cluster.local"})
      CHECK(verifies(made.value.caCert, made.value.cert, host));
    CHECK_FALSE(verifies(made.value.caCert, made.value.cert, "other.ops.svc"));
    auto notAfter = certs::notAfterUnix(made.value.cert);
    REQUIRE(notAfter.ok());
    const std::int64_t in10Days = std::time(nullptr) + 10 * 24 * 3600;
    CHECK(std::abs(notAfter.value - in10Days) < 120);
    // Another CA does not verify it.
    auto other = certs::generate(req);
    CHECK_FALSE(verifies(other.value.caCert, made.value.cert, "hook"));
  }
}

TEST_CASE("certs: bad requests are errors, not crashes", "[certs]") {
  certs::CertRequest req;
  CHECK_FALSE(certs::generate(req).ok());  // no names
  req.dnsNames = {"x"};
  req.days = 0;
  CHECK_FALSE(certs::generate(req).ok());
  CHECK_FALSE(certs::notAfterUnix("garbage").ok());
}

TEST_CASE("certs generate: files verified by openssl", "[certs][e2e]") {
  REQUIRE(run("command -v openssl").exitCode == 0);
  std::string dir = "/tmp/billet-certs-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()));
  const std::string billet = std::string(BILLET_BINARY_DIR) + "/billet";
  for (const bool rsa : {false, true}) {
    const std::string out = dir + (rsa ? "/rsa" : "/ec");
    Run gen = run("{ " + billet +
                  " certs generate --service billet --namespace billet-system --days 30 --out " +
                  out + (rsa ? " --rsa" : "") + " 2>/dev/null; }");
    REQUIRE(gen.exitCode == 0);
    // stdout is the caBundle: base64 of ca.crt.
    std::string bundle = gen.output;
    while (!bundle.empty() && bundle.back() == '\n') bundle.pop_back();
    Run decoded = run("printf '%s' '" + bundle + "' | base64 -d | cmp - " + out + "/ca.crt");
    CHECK(decoded.exitCode == 0);
    Run verify = run("openssl verify -CAfile " + out + "/ca.crt " + out + "/tls.crt");
    INFO(verify.output);
    CHECK(verify.exitCode == 0);
    Run text = run("openssl x509 -noout -text -in " + out + "/tls.crt");
    CHECK(text.output.find("DNS:billet, DNS:billet.billet-system, DNS:billet.billet-system.svc, "
                           "DNS:billet.billet-system.svc.cluster.local") != std::string::npos);
    CHECK(text.output.find("TLS Web Server Authentication") != std::string::npos);
    CHECK(text.output.find(rsa ? "rsaEncryption" : "id-ecPublicKey") != std::string::npos);
    CHECK(text.output.find(rsa ? "(2048 bit)" : "prime256v1") != std::string::npos);
    Run ca = run("openssl x509 -noout -text -in " + out + "/ca.crt");
    CHECK(ca.output.find("CA:TRUE") != std::string::npos);
    // The key matches the certificate and is private to its owner.
    Run keyPub = run("openssl pkey -in " + out + "/tls.key -pubout");
    Run certPub = run("openssl x509 -in " + out + "/tls.crt -noout -pubkey");
    CHECK(keyPub.output == certPub.output);
    struct stat st {};
    REQUIRE(::stat((out + "/tls.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(slurp(out + "/tls.key").find("PRIVATE KEY") != std::string::npos);
  }
  CHECK(run(billet + " certs generate --service billet --out " + dir + "/x").exitCode == 2);
  CHECK(run(billet + " certs generate --service Bad_Name --namespace n --out " + dir + "/x")
            .exitCode == 2);
  CHECK(run(billet + " certs generate --service s --namespace n --days 0 --out " + dir + "/x")
            .exitCode == 2);
  CHECK(run(billet + " certs frobnicate").exitCode == 2);
  fs::remove_all(dir);
}

TEST_CASE("certs generate: --san, renewal from the same CA, --force, a CA without its key",
          "[certs][e2e]") {
  REQUIRE(run("command -v openssl").exitCode == 0);
  std::string dir = "/tmp/billet-certs-XXXXXX";
  REQUIRE(::mkdtemp(dir.data()));
  const std::string billet = std::string(BILLET_BINARY_DIR) + "/billet";
  const std::string gen = billet + " certs generate --service billet --namespace billet-system" +
                          " --out " + dir + "/c";
  // run() merges stderr into the output: the braces keep stdout (the caBundle) alone.
  Run first = run("{ " + gen + " --san 127.0.0.1 --san billet.example.com 2>/dev/null; }");
  REQUIRE(first.exitCode == 0);
  Run text = run("openssl x509 -noout -ext subjectAltName -in " + dir + "/c/tls.crt");
  CHECK(text.output.find("IP Address:127.0.0.1") != std::string::npos);
  CHECK(text.output.find("DNS:billet.example.com") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat((dir + "/c/ca.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string ca = slurp(dir + "/c/ca.crt");
  const std::string cert = slurp(dir + "/c/tls.crt");
  const std::string key = slurp(dir + "/c/tls.key");

  // Again: the CA and the caBundle stay, the serving key and certificate are new and chain to it.
  Run renewed = run("{ " + gen + " 2>/dev/null; }");
  REQUIRE(renewed.exitCode == 0);
  CHECK(renewed.output == first.output);
  CHECK(slurp(dir + "/c/ca.crt") == ca);
  CHECK(slurp(dir + "/c/tls.crt") != cert);
  CHECK(slurp(dir + "/c/tls.key") != key);
  CHECK(run("openssl verify -CAfile " + dir + "/c/ca.crt " + dir + "/c/tls.crt").exitCode == 0);

  // --force: a new CA, and so a new caBundle.
  Run forced = run("{ " + gen + " --force 2>/dev/null; }");
  REQUIRE(forced.exitCode == 0);
  CHECK(forced.output != first.output);
  CHECK(slurp(dir + "/c/ca.crt") != ca);

  // A CA certificate without its key is never silently replaced.
  fs::remove(dir + "/c/ca.key");
  const std::string kept = slurp(dir + "/c/ca.crt");
  Run refused = run(gen + " 2>&1");
  CHECK(refused.exitCode == 2);
  CHECK(refused.output.find("without its ca.key") != std::string::npos);
  CHECK(slurp(dir + "/c/ca.crt") == kept);
  CHECK(run("{ " + gen + " --san 'not a name' 2>/dev/null; }").exitCode == 2);
  fs::remove_all(dir);
}
